"""Faults during a class: nothing lost, nothing duplicated.

The broker killed with SIGKILL and restarted; the hub killed and restarted; a station
frozen (SIGSTOP) for 30 s and thawed. Each test ends by comparing the hub's records with
every station's own database session by session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from trainer.classroom.broker import ClassFolder
from trainer.classroom.hub import ClassHub, StationStatusChanged

from .conftest import MakeClass, StartBroker
from .helpers import assert_hub_matches_stations, stations_running, wait_until


def _hub_db(folder: ClassFolder) -> Path:
    return folder.folder / "hub.db"


def test_broker_killed_mid_class(
    make_class: MakeClass, start_broker: StartBroker, tmp_path: Path
) -> None:
    folder = make_class(stations=4)
    broker = start_broker(folder)
    hub = ClassHub(folder.hub_file)
    hub.start()
    try:
        assert hub.wait_connected()
        with stations_running(folder, folder.stations, tmp_path, sessions=3, speed=12) as running:
            assert wait_until(lambda: hub.counters.sessions_stored >= 2, 60)
            broker.kill()  # SIGKILL: whatever it had not saved is gone
            time.sleep(2.0)
            broker.start()
            results = running.join(timeout_s=120)
        total = sum(len(r.session_uuids) for r in results.values())
        assert total == 12
        assert wait_until(lambda: hub.counters.sessions_stored == total, 30)
        assert all(r.sessions_pending == 0 for r in results.values())
    finally:
        hub.stop()
    assert (
        assert_hub_matches_stations(
            _hub_db(folder), [tmp_path / f"{s}.db" for s in folder.stations]
        )
        == 12
    )


def _hub_process(folder: ClassFolder, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "trainer.classroom.hub", str(folder.hub_file)],
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
    )


def _stored(folder: ClassFolder) -> int:
    import sqlite3

    try:
        with sqlite3.connect(_hub_db(folder), timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_hub_killed_and_restarted_mid_class(
    make_class: MakeClass, start_broker: StartBroker, tmp_path: Path
) -> None:
    folder = make_class(stations=4)
    start_broker(folder)
    log = tmp_path / "hub.log"
    hub = _hub_process(folder, log)
    try:
        with stations_running(folder, folder.stations, tmp_path, sessions=3, speed=12) as running:
            assert wait_until(lambda: _stored(folder) >= 2, 60), log.read_text()
            hub.send_signal(signal.SIGKILL)
            hub.wait()
            time.sleep(3.0)  # sessions end meanwhile: they wait at the broker and outboxes
            hub = _hub_process(folder, log)
            results = running.join(timeout_s=120)
        total = sum(len(r.session_uuids) for r in results.values())
        assert wait_until(lambda: _stored(folder) == total, 30), log.read_text()
        assert all(r.sessions_pending == 0 for r in results.values())
    finally:
        hub.terminate()
        hub.wait(10)
    assert "Traceback" not in log.read_text()
    assert_hub_matches_stations(_hub_db(folder), [tmp_path / f"{s}.db" for s in folder.stations])


def test_station_frozen_for_30_s_comes_back(
    make_class: MakeClass, start_broker: StartBroker, tmp_path: Path
) -> None:
    folder = make_class(stations=2)
    start_broker(folder)
    statuses: list[StationStatusChanged] = []
    hub = ClassHub(folder.hub_file)
    hub.add_listener(lambda e: statuses.append(e) if isinstance(e, StationStatusChanged) else None)
    hub.start()
    report = tmp_path / "report.json"
    station = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trainer.classroom.station",
            str(folder.station_file("station-01")),
            "--speed",
            "10",
            "--sessions",
            "3",
            "--rest",
            "0",
            "--db-dir",
            str(tmp_path),
            "--report",
            str(report),
        ],
        stderr=subprocess.PIPE,
    )
    try:
        assert hub.wait_connected()
        assert wait_until(lambda: hub.counters.sessions_stored >= 1, 60)
        os.kill(station.pid, signal.SIGSTOP)
        frozen_at = time.time()
        # The broker misses its keep-alive: the last will says offline (within 1.5 x 10 s).
        assert wait_until(
            lambda: any(
                e.status.state == "offline" and e.received_at > frozen_at for e in statuses
            ),
            25,
        )
        time.sleep(max(0.0, 30 - (time.time() - frozen_at)))
        os.kill(station.pid, signal.SIGCONT)
        assert wait_until(
            lambda: (
                statuses[-1].status.state == "online" and statuses[-1].received_at > frozen_at + 30
            ),
            30,
        )
        _, errors = station.communicate(timeout=120)
        assert station.returncode == 0, errors.decode()
        import json

        outcome = json.loads(report.read_text())["station-01"]
        assert len(outcome["uuids"]) == 3 and outcome["pending"] == 0
        assert wait_until(lambda: hub.counters.sessions_stored == 3, 30)
    finally:
        if station.poll() is None:
            os.kill(station.pid, signal.SIGCONT)
            station.kill()
        hub.stop()
    assert_hub_matches_stations(_hub_db(folder), [tmp_path / "station-01.db"])

"""A class through a real Mosquitto: every session arrives once, identical; live and status flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.classroom.broker import ClassFolder, MosquittoProcess
from trainer.classroom.hub import ClassHub, LiveStateReceived, SessionStored
from trainer.cli import main

from .helpers import assert_hub_matches_stations, stations_running, wait_until


def test_eight_stations_every_session_arrives_once(
    class_folder: ClassFolder,
    broker: MosquittoProcess,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events: list[object] = []
    hub = ClassHub(class_folder.hub_file)
    hub.add_listener(events.append)
    hub.start()
    try:
        assert hub.wait_connected()
        stations = class_folder.stations
        with stations_running(class_folder, stations, tmp_path) as running:
            results = running.join(timeout_s=90)
        total = sum(len(r.session_uuids) for r in results.values())
        assert total == 2 * len(stations)
        assert wait_until(lambda: hub.counters.sessions_stored == total, 30)
        snapshot = hub.snapshot()
        assert set(snapshot) == set(stations)
        assert all(view.sessions_stored == 2 for view in snapshot.values())
        assert all(view.status is not None and not view.online for view in snapshot.values())
        lives = [e for e in events if isinstance(e, LiveStateReceived)]
        assert {e.station for e in lives} == set(stations)
        stored = [e for e in events if isinstance(e, SessionStored)]
        assert len(stored) == total and not any(e.duplicate for e in stored)
        assert hub.counters.rejected_total == 0
    finally:
        hub.stop()
    hub_db = class_folder.hub_file.with_name("hub.db")
    assert_hub_matches_stations(hub_db, [tmp_path / f"{s}.db" for s in stations])
    # The instructor's tools work on the hub's records: the whole class in one place.
    assert main(["--db", str(hub_db), "instructor", "overview", "--class", "testclass"]) == 0
    overview = capsys.readouterr().out
    assert all(f"{s} " in overview for s in stations), overview
    csv_path = tmp_path / "class.csv"
    assert (
        main(
            [
                "--db",
                str(hub_db),
                "instructor",
                "export-class",
                "--class",
                "testclass",
                "-o",
                str(csv_path),
            ]
        )
        == 0
    )
    assert len(csv_path.read_text().strip().splitlines()) == 1 + total

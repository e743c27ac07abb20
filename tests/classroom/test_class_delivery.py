"""A class through a real Mosquitto: every session arrives once, identical; live and status flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.classroom.broker import ClassFolder, MosquittoProcess, load_class_file
from trainer.classroom.hub import ClassHub, LiveStateReceived, SessionStored
from trainer.classroom.station import RECEIPT_WAIT_S, StationLink
from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.session import simulate
from trainer.store import Store

from .helpers import assert_hub_matches_stations, session_uuids, stations_running, wait_until


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


def test_a_session_sent_before_the_hub_subscribed_arrives_when_the_hub_comes(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    # As after a broker killed before it saved the hub's subscription: the broker takes
    # the station's session (PUBACK) and delivers it to no one. When the hub connects and
    # publishes its configuration, the station sends it again at once, not after the
    # receipt wait (RECEIPT_WAIT_S, 20 s).
    library = ExerciseLibrary.load()
    store = Store.open(tmp_path / "station.db")
    store.station = "station-01"
    simulate(store, library.get("graded-levels"), profile="steady", seed=1)
    store.close()
    link = StationLink(
        load_class_file(class_folder.station_file("station-01")),
        tmp_path / "station.db",
        library=library,
    )
    link.start()
    hub = ClassHub(class_folder.hub_file)
    try:
        assert wait_until(lambda: link.counters.sessions_acknowledged == 1, 10)
        hub.start()
        assert hub.wait_connected()
        assert wait_until(lambda: hub.counters.sessions_stored == 1, RECEIPT_WAIT_S / 2)
        assert wait_until(lambda: link.pending_sessions() == 0, 5)
    finally:
        link.stop(flush_timeout_s=0)
        hub.stop()
    with Store.open(class_folder.hub_file.with_name("hub.db")) as records:
        assert [row.uuid for row in records.history()] == [
            session_uuids(tmp_path / "station.db")[0]
        ]

"""Past one room: a room's Mosquitto bridged to a central one carries the class both ways."""

from __future__ import annotations

from pathlib import Path

from trainer.classroom.broker import bridge_rooms, load_class_file, setup_class
from trainer.classroom.hub import ClassHub
from trainer.classroom.protocol import Assignment

from .conftest import MakeClass, StartBroker
from .helpers import assert_hub_matches_stations, config_reaches, stations_running, wait_until


def test_bridge_carries_sessions_out_and_config_in(
    make_class: MakeClass, start_broker: StartBroker, tmp_path: Path
) -> None:
    central = make_class(stations=3, name="school", folder=tmp_path / "central")
    room = make_class(stations=3, name="school", folder=tmp_path / "room-a")
    account = bridge_rooms(room.folder, central.folder)
    assert account == "bridge-room-a"
    # Setting the rooms up again keeps the bridge (its account, rules and connection).
    setup_class(room.folder, "school", 3)
    setup_class(central.folder, "school", 3)
    assert "connection bridge-room-a" in (room.folder / "mosquitto.conf").read_text()
    assert "user bridge-room-a" in (central.folder / "acl").read_text()
    assert "bridge-room-a:" in (central.folder / "passwd").read_text()

    start_broker(central)
    start_broker(room)
    hub = ClassHub(central.hub_file)  # the instructor's hub on the central broker
    hub.start()
    try:
        assert hub.wait_connected()
        hub.assign("all", "precision-drill")
        # The assignment crosses the bridge before the room's stations look for it (a
        # station that starts first practises what it had, as it should).
        assert config_reaches(
            room.station_file("station-01"),
            lambda config: config.assignment_all == Assignment("precision-drill"),
        )
        # Stations in the room talk only to the room's broker.
        assert load_class_file(room.station_file("station-01")).port == room.port
        with stations_running(
            room, room.stations, tmp_path, sessions=1, speed=15, rotation=("blind-levels",)
        ) as running:
            results = running.join(timeout_s=90)
        assert wait_until(lambda: hub.counters.sessions_stored == 3, 30)
        assert all(r.sessions_pending == 0 for r in results.values())  # receipts came back in
        views = hub.snapshot()
        assert all(v.status is not None for v in views.values()), views
        assert all(v.last_exercise_id == "precision-drill" for v in views.values())
    finally:
        hub.stop()
    assert_hub_matches_stations(
        central.folder / "hub.db", [tmp_path / f"{s}.db" for s in room.stations]
    )

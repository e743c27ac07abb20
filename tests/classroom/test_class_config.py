"""The class configuration: published by the hub, applied whole at the station, kept offline."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from trainer.classroom import protocol as p
from trainer.classroom.broker import ClassFolder, MosquittoProcess, load_class_file
from trainer.classroom.hub import ClassHub
from trainer.classroom.station import ConfigApplied, ConfigRefused, StationEvent, StationLink
from trainer.exercises import ExerciseLibrary
from trainer.instructor.assessment import PassMark, PassMarks
from trainer.instructor.practice import plan_practice
from trainer.instructor.schedules import FeedbackSchedule, ScheduleKind
from trainer.store import Store

from .helpers import Publisher, wait_until


def _link(folder: ClassFolder, db: Path, events: list[StationEvent]) -> StationLink:
    link = StationLink(
        load_class_file(folder.station_file("station-01")), db, library=ExerciseLibrary.load()
    )
    link.add_listener(events.append)
    return link


def test_settings_reach_the_station_records_and_stay_offline(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    hub = ClassHub(class_folder.hub_file, library=ExerciseLibrary.load())
    hub.start()
    events: list[StationEvent] = []
    link = _link(class_folder, tmp_path / "station.db", events)
    link.start()
    try:
        assert hub.wait_connected()
        hub.set_schedule(["Ana"], FeedbackSchedule(kind=ScheduleKind.SELF))
        with Store.open(class_folder.folder / "hub.db") as hub_store:
            PassMarks(hub_store).set(PassMark("blind-levels", min_score=75.0))
        # The hub notices the instructor's change in its records and publishes it.
        assert wait_until(
            lambda: link.config is not None and "blind-levels" in link.config.pass_marks, 15
        )
        version = link.config.version
        hub.assign(["station-01"], "ischemic-compression", blind=True)
        hub.send_message("all", "Warm up first")
        hub.pause(["station-01"])
        assert wait_until(
            lambda: link.config is not None and link.config.version == version + 3, 10
        )
        assert link.paused and link.latest_message is not None
        assert link.latest_message.text == "Warm up first"
        assert link.config.assignment_for("station-01") == p.Assignment(
            "ischemic-compression", True
        )
        assert any(isinstance(e, ConfigApplied) for e in events)
    finally:
        link.stop(flush_timeout_s=0)
        hub.stop()
    with Store.open(tmp_path / "station.db") as store:
        library = ExerciseLibrary.load()
        plan = plan_practice(store, library.get("blind-levels"), "Ana")
        assert plan.schedule.kind is ScheduleKind.SELF
        assert PassMarks(store).get("blind-levels") == PassMark("blind-levels", 75.0, None, 70.0)
    # Offline: the last good configuration comes from disk.
    broker.stop()
    again = _link(class_folder, tmp_path / "station.db", [])
    assert again.config is not None and again.config.version == version + 3
    assert again.paused


def test_a_config_that_cannot_be_applied_is_refused_whole(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    hub = ClassHub(class_folder.hub_file)
    hub.start()
    events: list[StationEvent] = []
    link = _link(class_folder, tmp_path / "station.db", events)
    link.start()
    hub_account = Publisher(broker, load_class_file(class_folder.hub_file))
    try:
        assert hub.wait_connected()
        hub.assign("all", "blind-levels")
        assert wait_until(
            lambda: link.config is not None and link.config.assignment_all is not None, 10
        )
        good = link.config
        assert good is not None
        hub.stop()  # from here on a faulty publisher with the hub's account sends configs
        broken = p.ClassConfig(
            version=good.version + 5,
            issued_at=0,
            class_name="testclass",
            exercises={"mine": "id = 'mine'\nname = 3\n"},  # not a valid exercise
            class_schedule={"kind": "self"},
            paused=("all",),
        )
        hub_account.publish(p.config_topic("testclass"), broken.encode(), retain=True)
        unknown = p.ClassConfig(
            version=good.version + 6,
            issued_at=0,
            class_name="testclass",
            assignment_all=p.Assignment("no-such-exercise"),
        )
        hub_account.publish(p.config_topic("testclass"), unknown.encode(), retain=True)
        assert wait_until(lambda: sum(isinstance(e, ConfigRefused) for e in events) == 2, 10)
        refused = [e for e in events if isinstance(e, ConfigRefused)]
        assert "mine" in refused[0].reason and "no-such-exercise" in refused[1].reason
        assert link.config == good and not link.paused
        assert json.loads(link.config_cache.read_bytes())["version"] == good.version
    finally:
        hub_account.close()
        link.stop(flush_timeout_s=0)


def test_hub_without_its_saved_config_continues_the_class(
    class_folder: ClassFolder, broker: MosquittoProcess
) -> None:
    hub = ClassHub(class_folder.hub_file)
    hub.start()
    try:
        assert hub.wait_connected()
        hub.assign("all", "precision-drill")
        for _ in range(3):
            hub.send_message("all", "Next round")
        version = hub.config.version
    finally:
        hub.stop()
    hub.config_cache.unlink()
    again = ClassHub(class_folder.hub_file)
    seen = threading.Event()
    again.add_listener(lambda e: seen.set())
    again.start()
    try:
        assert wait_until(lambda: again.config.version > version, 10), (again.config, version)
        assert again.config.assignment_all == p.Assignment("precision-drill")
        assert len(again.config.messages) == 3
    finally:
        again.stop()

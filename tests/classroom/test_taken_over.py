"""One class file on two computers: the broker hands the session from one to the other
every second, and each says why instead of "lost the class broker (Unspecified error)"."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

import trainer.classroom.link as link_module
from trainer.classroom.broker import ClassFolder, MosquittoProcess, load_class_file
from trainer.classroom.hub import ClassHub, HubConnectionChanged, HubEvent
from trainer.classroom.station import ConnectionChanged, StationEvent, StationLink
from trainer.exercises import ExerciseLibrary
from trainer.ui.classroom.run import ClassScreenSession
from trainer.ui.station_class import class_badge

from .helpers import wait_until

LIBRARY = ExerciseLibrary.load()
TAKEN_OVER = "is station-01.toml in use on another computer too?"


def station(folder: ClassFolder, db: Path, problems: list[str]) -> StationLink:
    link = StationLink(load_class_file(folder.station_file("station-01")), db, library=LIBRARY)

    def heard(event: StationEvent) -> None:
        if isinstance(event, ConnectionChanged) and event.problem is not None:
            problems.append(event.problem)

    link.add_listener(heard)
    return link


def test_one_station_file_on_two_computers_says_so(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    first_problems: list[str] = []
    second_problems: list[str] = []
    first = station(class_folder, tmp_path / "first.db", first_problems)
    second = station(class_folder, tmp_path / "second.db", second_problems)
    first.start()
    try:
        assert wait_until(lambda: first.connected, 10)
        second.start()
        try:
            said = lambda: any(TAKEN_OVER in p for p in first_problems + second_problems)  # noqa: E731
            assert wait_until(said, 20), (first_problems, second_problems)
            # The station's top bar says it too, connected for the moment or not.
            assert wait_until(lambda: first.taken_over, 10)
            badge = "Class testclass: station-01 is in use on another computer too"
            assert class_badge(first) == badge
        finally:
            second.stop(flush_timeout_s=0.5)
        # The other computer has gone: the first holds its connection again.
        assert wait_until(lambda: first.connected and not first.taken_over, 10)
        assert class_badge(first) == "Class testclass: connected"
        settled = len(first_problems)
        time.sleep(1.5)
        assert first.connected and first_problems[settled:] == []
    finally:
        first.stop(flush_timeout_s=0.5)


def test_a_broker_lost_after_a_steady_connection_is_only_lost(
    class_folder: ClassFolder,
    broker: MosquittoProcess,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(link_module, "QUICK_DROP_S", 1.0)  # 3 s in the product: a shorter test
    problems: list[str] = []
    link = station(class_folder, tmp_path / "station.db", problems)
    link.start()
    try:
        for _ in range(3):  # three losses in a row, each after a connection that held
            assert wait_until(lambda: link.connected, 15)
            time.sleep(1.5)
            broker.kill()
            assert wait_until(lambda: not link.connected, 10)
            broker.start()
        assert problems and all(p.startswith("lost the class broker") for p in problems)
    finally:
        link.stop(flush_timeout_s=0.5)


def test_the_hub_file_copied_to_another_computer_says_so(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    # Another computer: a copy of the class folder, so this computer's hub lock is not it.
    elsewhere = shutil.copytree(class_folder.folder, tmp_path / "elsewhere")
    problems: list[str] = []

    def heard(event: HubEvent) -> None:
        if isinstance(event, HubConnectionChanged) and event.problem is not None:
            problems.append(event.problem)

    screen = ClassScreenSession(class_folder.hub_file, tmp_path / "here.db", library=LIBRARY)
    screen.hub.add_listener(heard)
    there = ClassHub(elsewhere / "hub.toml", tmp_path / "there.db", library=LIBRARY)
    with screen:
        assert screen.hub.wait_connected(10)
        with there:
            said = lambda: any("is hub.toml in use on another computer too?" in p for p in problems)  # noqa: E731
            assert wait_until(said, 20), problems
            # The class screen's top bar says so, connected for the moment or not.
            assert wait_until(lambda: screen.hub.taken_over, 10)
            assert screen.link.status() == (
                "hub keeps being dropped: hub.toml is in use on another computer too"
            )
        assert wait_until(lambda: screen.link.status() == "hub connected", 10)

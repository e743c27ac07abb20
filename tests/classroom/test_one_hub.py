"""One hub a class on this computer: a second one is refused with a sentence, the first
keeps its broker connection, and the lock goes with a hub that is killed."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest

from trainer.classroom.broker import ClassFolder, MosquittoProcess, free_port
from trainer.classroom.hub import ClassHub, HubConnectionChanged, HubEvent
from trainer.classroom.hub_lock import LOCK_NAME, HubAlreadyRunning, HubLock
from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.ui.classroom.run import ClassScreenSession

from .helpers import hub_command, wait_until

LIBRARY = ExerciseLibrary.load()


def test_a_second_hub_is_refused_and_the_first_stays_connected(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    first = ClassHub(class_folder.hub_file, tmp_path / "first.db", library=LIBRARY)
    changes: list[HubEvent] = []
    first.add_listener(lambda e: changes.append(e) if isinstance(e, HubConnectionChanged) else None)
    with first:
        assert first.wait_connected(10)
        connected_at = len(changes)
        second = ClassHub(class_folder.hub_file, tmp_path / "second.db", library=LIBRARY)
        with pytest.raises(HubAlreadyRunning) as refused, second:
            pass
        message = str(refused.value)
        assert "class 'testclass' already has its hub running on this computer" in message
        assert f"(process {os.getpid()}, since " in message and "stop it first" in message
        # Before the lock, the two took the broker session from each other every second.
        time.sleep(3)
        assert changes[connected_at:] == [] and first.connected and first.problem is None
        screen = ClassScreenSession(class_folder.hub_file, tmp_path / "screen.db", library=LIBRARY)
        with pytest.raises(HubAlreadyRunning), screen:  # and a class screen is refused too
            pass
    # The first has stopped: the class may have its hub again.
    with ClassHub(class_folder.hub_file, tmp_path / "second.db", library=LIBRARY) as again:
        assert again.wait_connected(10)


def test_the_command_refuses_a_second_hub_and_the_lock_goes_with_a_killed_one(
    class_folder: ClassFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = hub_command(class_folder, tmp_path / "hub.log")
    lock_file = class_folder.hub_file.with_name(LOCK_NAME)
    try:
        assert wait_until(
            lambda: lock_file.exists() and f"process {running.pid}," in lock_file.read_text(), 20
        ), (tmp_path / "hub.log").read_text()
        assert main(["class", "hub", "--class", str(class_folder.hub_file)]) == 1
        captured = capsys.readouterr()
        assert "already has its hub running on this computer" in captured.err
        assert f"process {running.pid}," in captured.err
        assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
        assert "hub for class" not in captured.out  # nothing started
    finally:
        running.send_signal(signal.SIGKILL)
        running.wait(10)
    # Killed without a chance to clean up: the operating system let go of its lock.
    lock = HubLock(lock_file, "testclass")
    lock.acquire()
    assert lock.held and f"process {os.getpid()}," in lock_file.read_text()
    lock.release()


def test_a_screen_that_is_refused_closes_what_it_opened(
    class_folder: ClassFolder, tmp_path: Path
) -> None:
    holder = HubLock(class_folder.hub_file.with_name(LOCK_NAME), "testclass")
    holder.acquire()
    try:
        session = ClassScreenSession(class_folder.hub_file, tmp_path / "hub.db", library=LIBRARY)
        with pytest.raises(HubAlreadyRunning):
            session.start()
        for store in (session.store, session.hub.store):
            with pytest.raises(Exception, match="closed"):
                store.db.execute("SELECT 1")
    finally:
        holder.release()
    with ClassScreenSession(class_folder.hub_file, tmp_path / "hub.db", library=LIBRARY):
        pass


def test_a_folder_where_no_lock_can_be_made_still_runs_its_hub(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "hub.toml"
    not_a_folder.write_text("")
    lock = HubLock(not_a_folder / LOCK_NAME, "monday")
    with caplog.at_level(logging.WARNING, logger="trainer.classroom"):
        lock.acquire()
    assert not lock.held
    assert "no lock against a second hub" in caplog.text
    lock.release()  # nothing held: nothing to do


def test_the_web_screen_says_so_before_serving_when_a_hub_runs(
    class_folder: ClassFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = HubLock(class_folder.hub_file.with_name(LOCK_NAME), "testclass")
    holder.acquire()
    try:
        port = free_port()
        # Refused before listening: otherwise each browser would get an empty page.
        assert (
            main(["class", "--class", str(class_folder.hub_file), "--web", "--port", str(port)])
            == 1
        )
    finally:
        holder.release()
    err = capsys.readouterr().err
    assert "class 'testclass' already has its hub running on this computer" in err

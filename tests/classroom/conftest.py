"""Fixtures for class tests: a class folder from `trainer class setup`, a real Mosquitto.

Each test gets its own class folder in ``tmp_path`` (host 127.0.0.1, a free port) and its
own broker started from that folder's ``mosquitto.conf``; the broker is stopped (or
killed) afterwards. Without Mosquitto the tests skip with one line, except under
``CI=true`` where they fail: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trainer.classroom.broker import (
    MOSQUITTO_MISSING,
    ClassFolder,
    MosquittoProcess,
    find_mosquitto,
    free_port,
    setup_class,
)


def require_mosquitto() -> str:
    """The mosquitto program; skip (or fail under CI=true) when it is not installed."""
    program = find_mosquitto()
    if program is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the class tests: {MOSQUITTO_MISSING}")
        pytest.skip("mosquitto is not installed (apt install mosquitto)")
    return program


MakeClass = Callable[..., ClassFolder]
StartBroker = Callable[[ClassFolder], MosquittoProcess]


@pytest.fixture
def make_class(tmp_path: Path) -> MakeClass:
    """``make_class(stations=8, name="testclass", folder=None)`` -> a fresh class folder."""

    def make(stations: int = 8, name: str = "testclass", folder: Path | None = None) -> ClassFolder:
        return setup_class(
            folder or tmp_path / f"class-{name}",
            name,
            stations,
            host="127.0.0.1",
            port=free_port(),
        )

    return make


@pytest.fixture
def class_folder(make_class: MakeClass) -> ClassFolder:
    """A class of 8 stations, written by `trainer class setup` (library call)."""
    return make_class(stations=8)


@pytest.fixture
def start_broker() -> Iterator[StartBroker]:
    """``start_broker(folder)`` -> a running Mosquitto for that class; all stopped at the end."""
    require_mosquitto()
    started: list[MosquittoProcess] = []

    def start(folder: ClassFolder) -> MosquittoProcess:
        broker = MosquittoProcess(folder.folder)
        started.append(broker)
        return broker.start()

    yield start
    for broker in started:
        broker.stop()


@pytest.fixture
def broker(class_folder: ClassFolder, start_broker: StartBroker) -> MosquittoProcess:
    """A running Mosquitto for ``class_folder`` (``broker.kill()`` / ``broker.start()`` work)."""
    return start_broker(class_folder)

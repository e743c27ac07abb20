"""Fixtures for the instructor screens: the app with a temporary database and stepped sensors."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ui.conftest import SensorBox
from trainer.exercises import ExerciseLibrary
from trainer.store import Store
from trainer.ui.app import TrainerApp, build_app
from trainer.ui.config import UIConfig


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "exports"
    monkeypatch.setenv("TRAINER_EXPORTS", str(folder))
    return folder


MakeApp = Callable[..., tuple[TrainerApp, SensorBox]]


@pytest.fixture
def make_app(store: Store, user_dir: Path) -> MakeApp:
    def make(student: str = "", **options: object) -> tuple[TrainerApp, SensorBox]:
        box = SensorBox()
        config = UIConfig(
            store=store,
            library=ExerciseLibrary.load(),
            sensor_factory=box,
            simulated=True,
            student=student,
            timers=False,
            **options,  # type: ignore[arg-type]
        )
        return build_app(config), box

    return make

"""Fixtures for the UI tests: the app built around a temp database and stepped sensors."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

from tests.ui.helpers import BUILTIN, MakeApp, SensorBox
from trainer.exercises import ExerciseLibrary
from trainer.store import Store
from trainer.ui.app import TrainerApp, build_app
from trainer.ui.config import UIConfig
from trainer.units import Unit


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def ui_store(tmp_path: Path) -> Store:
    db = Store.open(tmp_path / "ui.db")
    yield db
    db.close()


@pytest.fixture(scope="session")
def builtin_library() -> ExerciseLibrary:
    return ExerciseLibrary.load(BUILTIN, Path("/nonexistent-user-dir"))


@pytest.fixture
def make_app(ui_store: Store, builtin_library: ExerciseLibrary) -> MakeApp:
    """Build the app with a temp database and stepped sensors: ``app, box = make_app()``."""

    def make(
        student: str = "Ana",
        units: Unit = Unit.N,
        seed: int = 7,
        library: ExerciseLibrary | None = None,
        **options: object,
    ) -> tuple[TrainerApp, SensorBox]:
        box = SensorBox(seed)
        config = UIConfig(
            store=ui_store,
            library=library or builtin_library,
            sensor_factory=box,
            simulated=True,
            student=student,
            units=units,
            timers=False,
            **options,  # type: ignore[arg-type]
        )
        return build_app(config), box

    return make

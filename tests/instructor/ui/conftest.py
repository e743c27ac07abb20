"""Fixtures for the instructor screens: the app with a temporary database and stepped sensors."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from trainer.exercises import Exercise, ExerciseLibrary
from trainer.sensors.base import ErrorSink, SampleSink
from trainer.sensors.simulated import ManualIntent, SimulatedSensor
from trainer.store import Store
from trainer.ui.app import TrainerApp, build_app
from trainer.ui.config import SensorSetup, UIConfig


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


class SteppedSensor(SimulatedSensor):
    """A simulated hand whose samples arrive only when the test calls :meth:`pump`."""

    def __init__(self, intent: ManualIntent, seed: int = 7) -> None:
        super().__init__(intent, rate_hz=80.0, seed=seed, speed=0.0)
        self.on_sample: SampleSink | None = None
        self.closed = 0

    def start(self, on_sample: SampleSink, on_error: ErrorSink | None = None) -> None:
        self.on_sample = on_sample

    def stop(self) -> None:
        self.on_sample = None

    def close(self) -> None:
        self.closed += 1
        super().close()

    def pump(self, seconds: float) -> None:
        """Hand over ``seconds`` of samples as the acquisition thread would."""
        for _ in range(round(seconds * self.rate_hz)):
            sample = self.read()
            if self.on_sample is not None:
                self.on_sample(sample)


class SensorBox:
    """The sensor factory the app is given; remembers the sensors it made."""

    def __init__(self) -> None:
        self.sensors: list[SteppedSensor] = []

    def __call__(self, exercise: Exercise, full_scale: float) -> SensorSetup:
        intent = ManualIntent(capacity_n=full_scale * 2)
        sensor = SteppedSensor(intent)
        self.sensors.append(sensor)
        return SensorSetup(sensor, intent)

    @property
    def current(self) -> SteppedSensor:
        return self.sensors[-1]


async def until(pilot: Pilot[None], condition: Callable[[], object], tries: int = 300) -> None:
    """Let the app run until ``condition()`` is true (fails after ``tries`` pauses)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.005)
    raise AssertionError(f"the app never reached {condition}")


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

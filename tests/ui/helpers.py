"""Helpers for the UI tests: a sensor the test steps by hand, waiting for the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from trainer.exercises import Exercise
from trainer.sensors.base import ErrorSink, SampleSink, SensorError
from trainer.sensors.simulated import ManualIntent, SimulatedSensor
from trainer.ui.app import TrainerApp
from trainer.ui.config import SensorSetup
from trainer.ui.screens.live import LiveScreen
from trainer.ui.widgets.phasepanel import PhasePanel

BUILTIN = Path(__file__).resolve().parents[2] / "exercises"


class SteppedSensor(SimulatedSensor):
    """A simulated hand whose samples arrive only when the test calls :meth:`pump`.

    No thread: ``pump`` reads the next samples (speed 0, so on the simulated clock) and
    hands them over exactly as the acquisition thread would.
    """

    def __init__(self, intent: ManualIntent, seed: int = 7) -> None:
        super().__init__(intent, rate_hz=80.0, seed=seed, speed=0.0)
        self.on_sample: SampleSink | None = None
        self.on_error: ErrorSink | None = None
        self.started = 0
        self.tared = 0

    def start(self, on_sample: SampleSink, on_error: ErrorSink | None = None) -> None:
        self.on_sample, self.on_error = on_sample, on_error
        self.started += 1

    def stop(self) -> None:
        self.on_sample = None

    def tare(self) -> None:
        self.tared += 1
        super().tare()

    def pump(self, seconds: float) -> int:
        """Hand over ``seconds`` worth of samples; return how many."""
        count = round(seconds * self.rate_hz)
        for _ in range(count):
            sample = self.read()
            if self.on_sample is not None:
                self.on_sample(sample)
        return count

    def fail(self, error: SensorError) -> None:
        if self.on_error is not None:
            self.on_error(error)


class SensorBox:
    """Remembers the sensors the app asked for, so tests can step them."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.sensors: list[SteppedSensor] = []

    def __call__(self, exercise: Exercise, full_scale: float) -> SensorSetup:
        intent = ManualIntent(capacity_n=full_scale * 2)
        sensor = SteppedSensor(intent, seed=self.seed)
        self.sensors.append(sensor)
        return SensorSetup(sensor, intent)

    @property
    def current(self) -> SteppedSensor:
        return self.sensors[-1]


#: ``app, box = make_app(**options)``: the fixture in conftest.py
MakeApp = Callable[..., tuple[TrainerApp, SensorBox]]


def live_screen(app: TrainerApp) -> LiveScreen:
    screen = app.screen
    assert isinstance(screen, LiveScreen), f"expected the live screen, got {screen!r}"
    return screen


async def until(pilot: Pilot[None], condition: Callable[[], object], tries: int = 200) -> None:
    """Let the app run until ``condition()`` is true (fails after ``tries`` pauses)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.005)
    raise AssertionError(f"the app never reached {condition}")


async def open_live(pilot: Pilot[None], app: TrainerApp) -> LiveScreen:
    """Wait until the live screen is up and drawing; return it."""
    await until(pilot, lambda: isinstance(app.screen, LiveScreen) and app.screen._ready)
    return live_screen(app)


def phase_line(screen: LiveScreen, name: str) -> str:
    """One line of the live screen's phase panel: name, cue, time or next."""
    return screen.query_one(PhasePanel).line(name)

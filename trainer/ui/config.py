"""What the app is built from: records, library, sensor factory, student, units, cue listeners.

Everything the screens need arrives through :class:`UIConfig`, so tests build the app
with a temporary database and a fake sensor, and the Pi adds its buzzer as a listener.

Example::

    config = UIConfig(store=Store.open(path), library=ExerciseLibrary.load(),
                      sensor_factory=simulated_sensor_factory(), student="Ana")
    build_app(config).run()
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trainer.units import Unit

if TYPE_CHECKING:
    from trainer.engine import Event
    from trainer.exercises import Exercise, ExerciseLibrary
    from trainer.sensors.base import Sample, Sensor
    from trainer.sensors.simulated import ManualIntent
    from trainer.store import Store

#: a cue listener: called on the UI thread with every engine event; must not block
CueListener = Callable[["Event"], None]


@dataclass
class SensorSetup:
    """An opened-on-demand sensor, and the keyboard intent that drives it if simulated."""

    sensor: Sensor
    intent: ManualIntent | None = None
    calibration: dict[str, Any] | None = None

    @property
    def simulated(self) -> bool:
        return self.intent is not None


#: builds the sensor for one session; full scale (N) sizes the simulated hand's keys
SensorFactory = Callable[["Exercise", float], SensorSetup]


def full_scale_n(exercise: Exercise) -> float:
    """The gauge's top and the number keys' 100 %: 1.5 x the highest band, rounded up.

    A 490 N cell's capacity would put a 10 N band in the first two percent of the gauge.
    """
    highest = max((p.band.high_n for p in exercise.phases if p.band is not None), default=20.0)
    top = highest * 1.5
    step = 5.0 if top <= 50 else 10.0
    return max(step, math.ceil(top / step) * step)


def simulated_sensor_factory(*, seed: int | None = None, speed: float = 1.0) -> SensorFactory:
    """Sensors for ``--sim``: a simulated hand driven by the keyboard and mouse."""

    def make(exercise: Exercise, full_scale: float) -> SensorSetup:
        from trainer.sensors.simulated import ManualIntent, SimulatedSensor

        intent = ManualIntent(capacity_n=full_scale * 2)
        chosen = seed if seed is not None else _random_seed()
        sensor = SimulatedSensor(intent, rate_hz=80.0, seed=chosen, speed=speed)
        return SensorSetup(sensor, intent)

    return make


def _random_seed() -> int:
    import random

    return random.randrange(1 << 30)


@dataclass
class UIConfig:
    """Everything the app is built from (see the module docstring)."""

    store: Store
    library: ExerciseLibrary
    sensor_factory: SensorFactory
    #: the sensor is simulated: show the SIMULATION badge on every screen
    simulated: bool = True
    student: str = ""
    units: Unit = Unit.N
    listeners: list[CueListener] = field(default_factory=list)
    #: open this exercise's live screen straight away (``--exercise``)
    exercise_id: str | None = None
    bell: bool = False
    #: redraws per second of the live screen
    fps: float = 30.0
    #: seconds of force shown in the live trace
    trace_window_s: float = 15.0
    #: a label shown on the live screen instead of the sensor's own name
    sensor_label: str | None = None
    #: False for tests that drain the sample queue themselves
    timers: bool = True
    #: save and leave on SIGHUP / SIGTERM (a closed terminal, a kill); off in tests
    handle_signals: bool = False
    #: benchmark hook: called after the repaint that first shows a frame's samples,
    #: with those samples (arrival time, sample) and the time of the repaint
    frame_probe: Callable[[list[tuple[float, Sample]], float], None] | None = None

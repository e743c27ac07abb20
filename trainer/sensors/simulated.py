"""A simulated hand pressing a load cell pad, read through a simulated HX711.

The hand follows an *intended* force with a first-order lag, shakes with physiological
tremor (a narrow-band 8-12 Hz oscillation that grows with force), drifts slowly, and
cannot pull on the pad. The chip adds noise, offset drift and 24-bit quantisation. The
intended force comes from an :class:`IntentSource`: the keyboard (:class:`ManualIntent`)
or a virtual student (``trainer.sensors.students``). The same seed gives the same samples.

Example::

    intent = ManualIntent()
    sensor = SimulatedSensor(intent, rate_hz=80, seed=1, speed=0)
    intent.set(30.0)
    forces = [sensor.read().force_n for _ in range(160)]   # two seconds
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from trainer.sensors.base import Sample, SampleFlag, Sensor, SensorError

#: the chip's conversion rates (RATE pin low / high)
HX711_RATES_HZ = (10.0, 80.0)
#: internal simulation step: the hand moves at 80 Hz even when the chip reads at 10 Hz
STEP_HZ = 80.0
COUNTS_PER_N = 2800.0  # a 50 kg cell at 1 mV/V on a 3.3 V HX711, gain 128
ZERO_COUNTS = 84_000  # the empty pad's reading before tare
FULL_SCALE = (1 << 23) - 1


class IntentSource(Protocol):
    """Decides what force the hand is trying to apply at a moment."""

    def intended_force_n(self, t_s: float, felt_force_n: float) -> float: ...


class ManualIntent:
    """An intended force set from outside (the keyboard, the mouse wheel); thread-safe."""

    def __init__(self, capacity_n: float = 490.0) -> None:
        self.capacity_n = capacity_n
        self._target_n = 0.0
        self._lock = threading.Lock()

    @property
    def target_n(self) -> float:
        return self._target_n

    def set(self, force_n: float) -> float:
        """Aim for ``force_n`` (clamped to 0..capacity); return the new aim."""
        with self._lock:
            self._target_n = min(max(force_n, 0.0), self.capacity_n)
            return self._target_n

    def nudge(self, delta_n: float) -> float:
        """Press harder (positive) or lighter (negative) by ``delta_n``."""
        with self._lock:
            self._target_n = min(max(self._target_n + delta_n, 0.0), self.capacity_n)
            return self._target_n

    def intended_force_n(self, t_s: float, felt_force_n: float) -> float:
        return self._target_n


@dataclass(frozen=True, slots=True)
class HandModel:
    """How a hand turns intention into force. Defaults: a calm, practised hand."""

    response_tau_s: float = 0.18  # first-order lag of the muscles and the pad
    tremor_n: float = 0.12  # tremor RMS at zero force
    tremor_fraction: float = 0.006  # extra tremor RMS per newton applied
    tremor_hz: float = 10.0  # physiological tremor, 8-12 Hz
    drift_n_per_sqrt_s: float = 0.05  # slow wander of the applied force
    drift_tau_s: float = 8.0  # how quickly the wander is pulled back
    max_rate_n_per_s: float = 400.0  # nobody loads a pad faster than this
    chip_noise_n: float = 0.03  # HX711 + cell noise RMS at 80 SPS


class SimulatedSensor(Sensor):
    """A hand on a simulated load cell; see the module docstring.

    ``speed`` paces :meth:`read` against the wall clock: 1 is real time, 2 twice as
    fast, 0 as fast as the machine can (for tests and headless runs).
    """

    backend = "simulated"

    def __init__(
        self,
        intent: IntentSource,
        *,
        rate_hz: float = 80.0,
        seed: int = 0,
        speed: float = 1.0,
        hand: HandModel | None = None,
        capacity_n: float = 490.0,
    ) -> None:
        if rate_hz not in HX711_RATES_HZ:
            raise ValueError(f"the HX711 samples at 10 or 80 per second, not {rate_hz}")
        if speed < 0:
            raise ValueError(f"speed must be 0 (as fast as possible) or positive, not {speed}")
        super().__init__(rate_hz)
        self.intent = intent
        self.seed = seed
        self.speed = speed
        self.hand = hand or HandModel()
        self.capacity_n = capacity_n
        self._rng = random.Random(seed)
        self._substeps = round(STEP_HZ / rate_hz)
        self._dt = 1.0 / STEP_HZ
        self._index = 0
        self._force = 0.0  # the hand's smooth force
        self._drift = 0.0
        self._offset_drift = 0.0
        self._tremor = (0.0, 0.0)  # resonator state
        self._tare_counts = float(ZERO_COUNTS)
        self._recent_counts: deque[int] = deque(maxlen=8)
        self._wall_start: float | None = None
        self._closed = False
        # Resonator coefficients: a damped oscillator at tremor_hz driven by white noise.
        r = 0.93
        omega = 2 * math.pi * self.hand.tremor_hz / STEP_HZ
        self._a1 = 2 * r * math.cos(omega)
        self._a2 = -r * r
        # Gain that makes the resonator's output RMS equal 1 for unit input noise.
        self._tremor_gain = math.sqrt(
            (1 - r * r) * ((1 + r * r) ** 2 - (2 * r * math.cos(omega)) ** 2) / (1 + r * r)
        )

    @property
    def t_s(self) -> float:
        """The simulated clock: seconds since the first sample."""
        return self._index / self.rate_hz

    @property
    def wall_start(self) -> float | None:
        """``time.monotonic()`` at the first read, to relate samples to the wall clock."""
        return self._wall_start

    def describe(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "rate_hz": self.rate_hz,
            "seed": self.seed,
            "speed": self.speed,
            "counts_per_n": COUNTS_PER_N,
        }

    def close(self) -> None:
        super().close()
        self._closed = True

    def tare(self) -> None:
        """Zero the present load (the average of the last few readings)."""
        if self._recent_counts:
            self._tare_counts = sum(self._recent_counts) / len(self._recent_counts)

    def read(self, timeout_s: float = 1.0) -> Sample:
        if self._closed:
            raise SensorError("the simulated sensor is closed; start a new session")
        t_s = self._index / self.rate_hz
        if self._wall_start is None:
            self._wall_start = time.monotonic()
        if self.speed > 0:
            due = self._wall_start + t_s / self.speed
            self._wait_until(due, timeout_s, "the simulated sensor's next sample is not due yet")
        total = 0.0
        for _ in range(self._substeps):
            total += self._step(t_s)
        self._index += 1
        applied = total / self._substeps
        noise = self._rng.gauss(0.0, self.hand.chip_noise_n * math.sqrt(self.rate_hz / 80.0))
        counts = round(ZERO_COUNTS + self._offset_drift + (applied + noise) * COUNTS_PER_N)
        flags = SampleFlag.SIMULATED
        if counts >= FULL_SCALE or counts <= -FULL_SCALE - 1:
            counts = max(-FULL_SCALE - 1, min(FULL_SCALE, counts))
            flags |= SampleFlag.OVERLOAD
        self._recent_counts.append(counts)
        force_n = (counts - self._tare_counts) / COUNTS_PER_N
        return Sample(t_s=t_s, force_n=force_n, counts=counts, flags=flags)

    def _step(self, t_s: float) -> float:
        hand = self.hand
        rng = self._rng
        dt = self._dt
        felt = max(0.0, self._force + self._drift)
        target = self.intent.intended_force_n(t_s, felt)
        change = (target - self._force) * (1.0 - math.exp(-dt / hand.response_tau_s))
        limit = hand.max_rate_n_per_s * dt
        self._force += max(-limit, min(limit, change))
        # Ornstein-Uhlenbeck wander: slow, bounded drift of the applied force.
        self._drift += -self._drift * dt / hand.drift_tau_s + rng.gauss(
            0.0, hand.drift_n_per_sqrt_s * math.sqrt(dt)
        )
        y1, y2 = self._tremor
        y0 = self._a1 * y1 + self._a2 * y2 + rng.gauss(0.0, self._tremor_gain)
        self._tremor = (y0, y1)
        base = max(0.0, self._force + self._drift)
        tremor_rms = hand.tremor_n + hand.tremor_fraction * base
        # Sensor offset creeps slowly (temperature), a few hundredths of a newton.
        self._offset_drift += rng.gauss(0.0, 0.002 * COUNTS_PER_N * math.sqrt(dt))
        if base < 0.05:
            return 0.0  # the hand is off the pad: nothing to shake
        return max(0.0, base + tremor_rms * y0)

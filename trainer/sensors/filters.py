"""Spike rejection and optional smoothing between a sensor and the session engine.

Spike rejection holds back a reading that jumps further from the last good one than a
hand can move the pad in one sample period (``max_rate_n_per_s``); if the next reading
confirms the jump it is accepted. So an ordinary sample passes with **no delay**, a real
fast change is delayed by **one sample** (12.5 ms at 80 Hz, 100 ms at 10 Hz), and a single
corrupted read never reaches the engine. Readings the sensor itself flagged as glitches
are rejected outright.

Smoothing (off by default) is an exponential average with time constant ``smoothing_s``;
it delays a step's 50 % point by about ``0.69 * smoothing_s``. ``tests/test_filters.py``
measures both delays.

Example::

    force_filter = ForceFilter(rate_hz=80)
    force_n, flags = force_filter.apply(sample)
"""

from __future__ import annotations

import math

from trainer.sensors.base import Sample, SampleFlag

#: faster than any hand on a pad (a slap reaches a few thousand N/s only with a fist)
DEFAULT_MAX_RATE_N_PER_S = 1500.0
#: jumps below this are never treated as spikes (noise and quantisation)
MIN_JUMP_N = 3.0


class ForceFilter:
    """Turns raw sample forces into the forces the engine judges."""

    def __init__(
        self,
        rate_hz: float,
        *,
        max_rate_n_per_s: float = DEFAULT_MAX_RATE_N_PER_S,
        smoothing_s: float = 0.0,
    ) -> None:
        self.rate_hz = rate_hz
        self.max_jump_n = max(MIN_JUMP_N, max_rate_n_per_s / rate_hz)
        self.smoothing_s = smoothing_s
        self._alpha = 1.0 - math.exp(-1.0 / (rate_hz * smoothing_s)) if smoothing_s > 0 else 1.0
        self._good: float | None = None
        self._candidate: float | None = None
        self._smooth: float | None = None
        self.rejected = 0

    def reset(self) -> None:
        """Forget the history (after a tare or a reconnect)."""
        self._good = self._candidate = self._smooth = None

    def apply(self, sample: Sample) -> tuple[float, SampleFlag]:
        """Return the force to judge and the sample's flags (GLITCH added if rejected)."""
        force = sample.force_n
        flags = sample.flags
        good = self._good
        if flags & SampleFlag.GLITCH or not math.isfinite(force):
            self.rejected += 1
            return (good if good is not None else 0.0), flags | SampleFlag.GLITCH
        if good is None or abs(force - good) <= self.max_jump_n:
            self._good = force
            self._candidate = None
        elif self._candidate is not None and abs(force - self._candidate) <= self.max_jump_n:
            self._good = force  # the jump was real: two readings agree
            self._candidate = None
        else:
            self._candidate = force
            self.rejected += 1
            return self._smoothed(good), flags | SampleFlag.GLITCH
        return self._smoothed(self._good), flags

    def _smoothed(self, force: float) -> float:
        if self._alpha >= 1.0:
            return force
        previous = self._smooth
        self._smooth = force if previous is None else previous + self._alpha * (force - previous)
        return self._smooth

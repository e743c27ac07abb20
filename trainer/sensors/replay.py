"""Plays back a stored session's samples as if they came from a sensor.

Example::

    sensor = ReplaySensor(store.samples(session_id), speed=2.0)
    sample = sensor.read()
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from trainer.sensors.base import EndOfStream, Sample, SampleFlag, Sensor


class ReplaySensor(Sensor):
    """Replays samples with their original timing (``speed`` 0: as fast as possible)."""

    backend = "replay"

    def __init__(self, samples: Sequence[Sample], *, speed: float = 1.0, rate_hz: float = 80.0):
        if not samples:
            raise ValueError("there are no samples to replay in that session")
        if len(samples) > 1 and samples[-1].t_s > samples[0].t_s:
            rate_hz = (len(samples) - 1) / (samples[-1].t_s - samples[0].t_s)
        super().__init__(rate_hz)
        self.samples = samples
        self.speed = speed
        self._index = 0
        self._offset = 0.0
        self._wall_start: float | None = None

    def describe(self) -> dict[str, object]:
        return {"backend": self.backend, "rate_hz": self.rate_hz, "samples": len(self.samples)}

    def tare(self) -> None:
        """Zero the replayed force at its present value."""
        if self._index:
            self._offset = self.samples[self._index - 1].force_n

    def read(self, timeout_s: float = 1.0) -> Sample:
        if self._index >= len(self.samples):
            raise EndOfStream("the replay has reached the end of the recorded session")
        sample = self.samples[self._index]
        if self.speed > 0:
            if self._wall_start is None:
                self._wall_start = time.monotonic()
            due = self._wall_start + (sample.t_s - self.samples[0].t_s) / self.speed
            self._wait_until(due, timeout_s, "the next replayed sample is not due yet")
        self._index += 1
        return Sample(
            t_s=sample.t_s,
            force_n=sample.force_n - self._offset,
            counts=sample.counts,
            flags=sample.flags | SampleFlag.REPLAYED,
        )

"""The hand-over from the sensor's acquisition thread to the UI's event loop.

The sensor thread only puts into a :class:`queue.SimpleQueue` (never blocks, never
touches the UI); the live screen's frame timer drains everything queued at once. So
the engine sees every sample, and the screen redraws at its own capped rate.

Example::

    feed = SampleFeed()
    sensor.start(feed.on_sample, feed.on_error)
    for item in feed.drain():           # on the UI thread, once a frame
        ...
"""

from __future__ import annotations

import contextlib
import queue
import sys
import time
from collections.abc import Callable

from trainer.sensors.base import Sample, Sensor, SensorError


def start_sensor(
    sensor: Sensor,
    on_sample: Callable[[Sample], None],
    on_error: Callable[[SensorError], None],
) -> None:
    """Start ``sensor``'s acquisition from inside the running app.

    Textual swaps ``sys.stderr`` for a capture whose ``fileno()`` is -1 while the app
    runs; the first process Python's multiprocessing spawns (the HX711's acquisition
    process) hands stderr's descriptor to its resource tracker and fails on it. The
    sensor starts with the real stderr.
    """
    real = sys.__stderr__
    if real is None:  # no console at all (pythonw): nothing to hand on
        sensor.start(on_sample, on_error)
        return
    with contextlib.redirect_stderr(real):
        sensor.start(on_sample, on_error)


class SampleFeed:
    """A thread-safe queue of samples and sensor errors, in arrival order."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[float, Sample | SensorError]] = queue.SimpleQueue()
        #: samples handed over by the sensor thread (for the dropped-sample count)
        self.received = 0

    def on_sample(self, sample: Sample) -> None:
        """Called on the sensor thread for every sample."""
        self.received += 1
        self._queue.put((time.monotonic(), sample))

    def on_error(self, error: SensorError) -> None:
        """Called on the sensor thread for every sensor error."""
        self._queue.put((time.monotonic(), error))

    def drain(self) -> list[tuple[float, Sample | SensorError]]:
        """Everything queued so far, oldest first, each with its arrival time."""
        items: list[tuple[float, Sample | SensorError]] = []
        get = self._queue.get_nowait
        while True:
            try:
                items.append(get())
            except queue.Empty:
                return items

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

import queue
import time

from trainer.sensors.base import Sample, SensorError


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

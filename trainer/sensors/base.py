"""The one sensor interface every force backend implements.

A backend reads one sample at a time with :meth:`Sensor.read`; :meth:`Sensor.start`
runs that loop on an acquisition thread of its own and hands every sample to a sink
(a callable, usually ``queue.SimpleQueue.put``). Nothing here knows about the UI.

Example::

    sensor = SimulatedSensor(intent=ManualIntent(), rate_hz=80)
    with sensor:                       # open() ... close()
        sensor.tare()
        sample = sensor.read(timeout_s=1.0)
        print(sample.force_n)
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntFlag
from types import TracebackType
from typing import ClassVar, Self


class SampleFlag(IntFlag):
    """Quality flags a sample can carry (stored with it as an integer)."""

    NONE = 0
    GLITCH = 1  # a corrupted read, or a spike rejected by the filter
    OVERLOAD = 2  # the ADC saturated: the true force is beyond the cell's range
    SIMULATED = 4  # produced by the simulated hand, not a load cell
    REPLAYED = 8  # played back from a stored session


@dataclass(frozen=True, slots=True)
class Sample:
    """One force reading.

    ``t_s`` is seconds on the sensor's own monotonic clock (only differences matter),
    ``force_n`` the force in newtons after tare and calibration, ``counts`` the raw ADC
    value where the backend has one.
    """

    t_s: float
    force_n: float
    counts: int | None = None
    flags: SampleFlag = SampleFlag.NONE


class SensorError(Exception):
    """Base of every sensor problem; the message says what to do."""


class SensorDisconnected(SensorError):
    """The sensor stopped answering (unplugged, powered down, or dead)."""


class SensorTimeout(SensorError):
    """No sample arrived within the time allowed."""


class SensorTooSlow(SensorError):
    """This computer cannot drive the sensor within its timing bound: another backend can."""


class SensorNotCalibrated(SensorError):
    """The sensor has no valid calibration, so forces would be wrong."""


SampleSink = Callable[[Sample], None]
ErrorSink = Callable[[SensorError], None]


class Sensor(ABC):
    """A force sensor: opened, started, read at its own rate, tared, closed.

    Subclasses implement :meth:`read` (block until the next sample) and, where they
    hold resources, :meth:`open` / :meth:`close`. The acquisition thread is shared.
    """

    #: registry name used on the command line (``--sensor NAME``)
    backend: ClassVar[str] = "abstract"

    def __init__(self, rate_hz: float) -> None:
        if rate_hz <= 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        self.rate_hz = rate_hz
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- lifecycle -------------------------------------------------------------
    def open(self) -> None:  # noqa: B027 - optional hook
        """Acquire the hardware or resources the backend needs."""

    def close(self) -> None:
        """Stop acquisition and release everything :meth:`open` took."""
        self.stop()

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def read(self, timeout_s: float = 1.0) -> Sample:
        """Block until the next sample; raise :class:`SensorTimeout` after ``timeout_s``."""

    @abstractmethod
    def tare(self) -> None:
        """Make the present load read as zero newtons."""

    def describe(self) -> dict[str, object]:
        """What a session record should remember about this backend."""
        return {"backend": self.backend, "rate_hz": self.rate_hz}

    # -- acquisition thread ----------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the acquisition thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, on_sample: SampleSink, on_error: ErrorSink | None = None) -> None:
        """Read continuously on a daemon thread, passing each sample to ``on_sample``.

        Sensor errors go to ``on_error`` and acquisition carries on (a disconnected
        chip may come back); ``stop()`` ends the loop.
        """
        if self.running:
            raise RuntimeError("sensor already started")
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._acquire,
            args=(on_sample, on_error),
            name=f"sensor-{self.backend}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """End the acquisition thread (waits for the read in progress)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was asked for; long waits in :meth:`read` check it."""
        return self._stop.is_set()

    def _wait_until(self, due: float, timeout_s: float, not_due: str) -> None:
        """Wait for the ``time.monotonic()`` a sample is due, in a source that paces its own.

        :class:`SensorTimeout` saying ``not_due`` when that is over ``timeout_s`` away, and
        when acquisition stops meanwhile.
        """
        wait = due - time.monotonic()
        if wait > timeout_s:
            raise SensorTimeout(not_due)
        if wait > 0 and self._stop.wait(wait):
            raise SensorTimeout("acquisition stopped")

    def _acquire(self, on_sample: SampleSink, on_error: ErrorSink | None) -> None:
        period = 1.0 / self.rate_hz
        while not self._stop.is_set():
            try:
                sample = self.read(timeout_s=max(0.5, 4 * period))
            except EndOfStream:
                return
            except SensorError as error:
                if on_error is not None:
                    on_error(error)
                # Back off briefly so a dead chip does not spin the CPU.
                self._stop.wait(min(0.2, 2 * period))
                continue
            on_sample(sample)


class EndOfStream(SensorError):
    """A finite source (a replay) has no more samples."""

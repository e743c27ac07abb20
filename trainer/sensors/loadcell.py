"""A load cell read as ADC counts: what every ADC backend shares.

The HX711 (clocked over GPIO or SPI, or read through the kernel's IIO driver) and the
NAU7802 each give one signed 24-bit count per conversion. :class:`LoadCellSensor` turns
counts into newtons through the :class:`~trainer.calibration.Calibration`, keeps the zero
(tare and slow zero tracking) and counts what happened; a backend implements
:meth:`LoadCellSensor._next_conversion` and its own ``open``/``close``.

Jumps no hand can make are not held back here: the session's
:class:`~trainer.sensors.filters.ForceFilter` does that, in one place, one sample late,
with the rejected reading kept in the records flagged as a glitch. A backend discards
only reads it knows are corrupt (a timing glitch, a dead line, a bus error).

Example::

    with backend_class("nau7802")(calibration=calibration) as sensor:
        counts = sensor.read_raw(timeout=0.5)
        sample = sensor.read(timeout_s=0.5)       # newtons
"""

from __future__ import annotations

import statistics
import time
from abc import abstractmethod
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from trainer.sensors.base import (
    Sample,
    SampleFlag,
    Sensor,
    SensorDisconnected,
    SensorError,
    SensorNotCalibrated,
    SensorTimeout,
)

if TYPE_CHECKING:
    from trainer.calibration import Calibration, ZeroTracker

#: the 24-bit saturation codes: the input is beyond the ADC's range
CODE_MAX = 0x7FFFFF
CODE_MIN = -0x800000


def to_signed(raw: int) -> int:
    """A 24-bit two's complement code as a Python int (0x800001 is -8388607)."""
    return raw - (1 << 24) if raw & 0x800000 else raw


@dataclass
class ConversionStats:
    """What a load cell backend has seen since it was opened."""

    conversions: int = 0  # conversions taken from the chip
    used: int = 0  # returned to the caller
    timing_glitches: int = 0  # HX711 on GPIO: a clock-high interval over the safe bound
    resync_discards: int = 0  # HX711: read only to set the gain after a possible reset
    dead_reads: int = 0  # all-ones (or stuck-low) reads
    bus_errors: int = 0  # I2C/SPI/sysfs errors on a read
    overloads: int = 0  # saturation codes
    disconnects: int = 0  # times the chip stopped answering
    worst_clock_high_s: float = 0.0

    def add(self, other: ConversionStats) -> None:
        """Count ``other``'s events too (an acquisition process's, when it ends)."""
        for name, value in asdict(other).items():
            if name == "worst_clock_high_s":
                self.worst_clock_high_s = max(self.worst_clock_high_s, value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @property
    def discarded(self) -> int:
        return self.timing_glitches + self.resync_discards + self.dead_reads + self.bus_errors


def default_ready_timeout_s(rate_hz: float) -> float:
    """How long without a conversion before a chip counts as lost, unless a caller says.

    A few conversion periods, and enough for an HX711 to settle after a reset (400 ms at
    10 SPS): a dead chip is reported well within a second.
    """
    return max(0.25, 5.0 / rate_hz)


class LoadCellSensor(Sensor):
    """A sensor whose reading is an ADC count: calibration, tare and zero tracking.

    Subclasses implement :meth:`_next_conversion` (the next good conversion's counts,
    time and flags) and the lifecycle of their hardware.
    """

    #: how long without a conversion before the chip counts as lost (set by each backend)
    ready_timeout_s: float

    def __init__(
        self,
        rate_hz: float,
        *,
        calibration: Calibration | None = None,
        zero_tracking: bool = True,
    ) -> None:
        super().__init__(rate_hz)
        self.calibration = calibration
        self.zero_tracking = zero_tracking
        self.stats = ConversionStats()
        self._recent: deque[int] = deque(maxlen=16)
        self._tracker: ZeroTracker | None = None
        self._zero: float | None = None
        #: contact with the chip is lost (counted once in ``stats.disconnects``)
        self._lost = False

    @property
    @abstractmethod
    def is_open(self) -> bool:
        """True while the backend holds the chip's bus or pins."""

    @abstractmethod
    def _next_conversion(self, timeout_s: float) -> tuple[int, float, SampleFlag]:
        """The next good conversion: signed counts, monotonic time, flags.

        Raises :class:`SensorTimeout` when none arrives within ``timeout_s`` and
        :class:`SensorDisconnected` when the chip stops answering.
        """

    def _check_readable(self) -> None:
        """Raise :class:`SensorError` if the chip cannot be read now."""
        if not self.is_open:
            raise SensorError("the load cell is not open; start the session again")

    def _polls(self, timeout_s: float) -> Iterator[float]:
        """One read's tries at the chip: yields the monotonic time each may wait until.

        After a try that found no conversion: :class:`SensorTimeout` once ``timeout_s`` has
        passed (or when acquisition is stopping), and the end once ``ready_timeout_s`` has,
        when the caller raises :class:`SensorDisconnected` saying why.
        """
        self._check_readable()
        start = time.monotonic()
        deadline, contact_deadline = start + timeout_s, start + self.ready_timeout_s
        while True:
            if self.stopping and self.running:
                raise SensorTimeout("acquisition stopped")
            yield min(deadline, contact_deadline)
            now = time.monotonic()
            if now >= contact_deadline:
                return
            if now >= deadline:
                raise SensorTimeout(f"no conversion within {timeout_s:.2f} s")

    def _conversion(self, timeout_s: float) -> tuple[int, float, SampleFlag]:
        counts, t_s, flags = self._next_conversion(timeout_s)
        self._recent.append(counts)
        self.stats.used += 1
        return counts, t_s, flags

    def _opened_with_calibration(self) -> None:
        """Start from the calibration's zero (a backend calls this when it opens)."""
        if self.calibration is not None:
            self._set_zero(self.calibration.offset_counts)

    # -- reading -------------------------------------------------------------------------
    def read_raw(self, timeout: float = 1.0) -> int:
        """The signed 24-bit count of the next good conversion.

        Raises :class:`SensorTimeout` if none arrives within ``timeout`` and
        :class:`SensorDisconnected` if the chip stops answering.
        """
        counts, _, _ = self._conversion(timeout)
        return counts

    def read(self, timeout_s: float = 1.0) -> Sample:
        calibration = self.calibration
        if calibration is None:
            raise SensorNotCalibrated(
                "the load cell is not calibrated, so forces would be wrong; run 'trainer calibrate'"
            )
        counts, t_s, flags = self._conversion(timeout_s)
        if self._tracker is not None and not flags:
            zero = self._tracker.update(t_s, counts)
        else:
            current = self.zero_counts
            zero = current if current is not None else calibration.offset_counts
        force_n = calibration.force_n(counts, zero)
        if abs(force_n) > 1.2 * calibration.capacity_n:
            flags |= SampleFlag.OVERLOAD  # beyond the cell's rated range: not a true force
        return Sample(t_s=t_s, force_n=force_n, counts=counts, flags=flags)

    def _lost_contact(self, what: str, where: str, check: str) -> SensorDisconnected:
        """The error for a chip that stopped answering: ``what`` happened ``where``.

        A loss counts once in ``stats.disconnects``, however often it is reported,
        until the backend clears ``_lost`` on its next good conversion.
        """
        if not self._lost:
            self._lost = True
            self.stats.disconnects += 1
        return SensorDisconnected(
            f"{what} ({where}); check {check}: the session resumes by itself when it answers"
        )

    def _judge_code(self, counts: int) -> tuple[int, SampleFlag]:
        """Flag the saturation codes as overload (the true force is beyond the range)."""
        if counts in (CODE_MAX, CODE_MIN):
            self.stats.overloads += 1
            return counts, SampleFlag.OVERLOAD
        return counts, SampleFlag.NONE

    # -- zero ----------------------------------------------------------------------------
    def tare(self) -> None:
        """Make the present load read zero: the median of the latest readings.

        The median, so one corrupted read among them cannot move the zero.
        """
        if self.running:
            recent = list(self._recent)
        else:
            # Nobody else is reading: take a short fresh set ourselves.
            timeout = max(0.5, 3 / self.rate_hz)
            recent = [self.read_raw(timeout=timeout) for _ in range(8)]
        if not recent:
            raise SensorError("no readings to tare with yet; wait for the pad to show a force")
        self._set_zero(float(statistics.median(recent)))

    @property
    def zero_counts(self) -> float | None:
        """The count read as zero newtons now (after tare and zero tracking)."""
        if self._tracker is not None:
            return float(self._tracker.zero_counts)
        return self._zero

    def _set_zero(self, zero: float) -> None:
        self._zero = zero
        if self.calibration is not None and self.zero_tracking:
            from trainer.calibration import ZeroTracker

            if self._tracker is None:
                self._tracker = ZeroTracker(self.calibration.scale_counts_per_n, zero)
            else:
                self._tracker.reset(zero)

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "rate_hz": self.rate_hz,
            "zero_tracking": self.zero_tracking,
            "stats": asdict(self.stats),
        }

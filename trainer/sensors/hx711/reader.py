"""The HX711 bit reader: one 24-bit conversion at a time through gpiozero's pin factory.

Every pin goes through ``gpiozero.Device.pin_factory`` as it is found (lgpio on a Pi 5,
whatever gpiozero picks on older Pis, ``MockFactory`` with an emulated chip in tests),
so tests run this exact code.

The bit reader is our own (``factory.py`` says why the package's cannot be used).

How one conversion is read:

* wait for DOUT's falling edge (data ready) on an event, re-checking the level because
  an edge can arrive before or after the level it reports, with a timeout of a few
  conversion periods: no data for that long is :class:`SensorDisconnected`;
* 24 clock pulses shift the 24-bit two's complement value out MSB first, then 1-3 more
  select the next conversion's channel and gain (25: A/128, 26: B/32, 27: A/64);
* each clock-high interval is timed: the chip powers down when PD_SCK stays high over
  60 us, so a read in which one exceeded ``max_clock_high_s`` is discarded, counted as
  a glitch, and the next conversion is re-synchronised (read once to set the gain if the
  chip may have reset to A/128);
* all-ones reads (a dead chip) and jumps no hand can make are discarded; the
  saturation codes 0x7FFFFF / 0x800000 are flagged as overload.

Example::

    sensor = HX711Sensor(data_pin=5, clock_pin=6, rate_hz=80, calibration=calibration)
    with sensor:
        counts = sensor.read_raw(timeout=0.5)
        sample = sensor.read(timeout_s=0.5)      # newtons, via the calibration
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from trainer.sensors.base import (
    ErrorSink,
    Sample,
    SampleFlag,
    SampleSink,
    Sensor,
    SensorDisconnected,
    SensorError,
    SensorNotCalibrated,
    SensorTimeout,
    SensorTooSlow,
)
from trainer.sensors.hx711.factory import _pin_factory, _PinValue, adafruit_version, driver_class

if TYPE_CHECKING:
    from trainer.calibration import Calibration
    from trainer.sensors.hx711.process import ReaderProcess

#: the chip powers down when PD_SCK stays high longer than this (datasheet)
POWER_DOWN_AFTER_S = 60e-6
#: a clock-high interval longer than this makes the read untrustworthy
SAFE_CLOCK_HIGH_S = 50e-6
#: the longest a chip takes from a power reset to its first conversion (400 ms at 10 SPS)
SETTLE_S = 0.5
#: where the reader runs: the sensor's thread, or a process of its own (see hardware/README.md)
ACQUISITIONS = ("thread", "process")
#: the chip's conversion rates (RATE pin low / high)
RATES_HZ = (10, 80)
#: the saturation codes: the input is beyond the ADC's range
CODE_MAX = 0x7FFFFF
CODE_MIN = -0x800000
#: what a chip that drives DOUT high (or is missing, with the pull-up) shifts out
ALL_ONES = 0xFFFFFF
#: this many dead reads in a row mean the chip is gone
DEAD_READS_BEFORE_DISCONNECT = 3
#: this many reads in a row over the clock-high bound mean this Pi clocks too slowly
GLITCHES_BEFORE_TOO_SLOW = 3
#: a hand cannot change the force on a pad faster than this
MAX_HAND_RATE_N_PER_S = 1500.0
#: without a calibration, jumps over this fraction of full scale are impossible
UNCALIBRATED_MAX_JUMP_COUNTS = 1 << 18


def to_signed(raw: int) -> int:
    """A 24-bit two's complement code as a Python int (0x800001 is -8388607)."""
    return raw - (1 << 24) if raw & 0x800000 else raw


@dataclass
class HX711Stats:
    """What the reader has seen since it was opened."""

    conversions: int = 0  # conversions shifted out of the chip
    used: int = 0  # returned to the caller
    timing_glitches: int = 0  # a clock-high interval over the safe bound
    resync_discards: int = 0  # read only to set the gain after a possible reset
    jumps_rejected: int = 0  # physically impossible changes
    dead_reads: int = 0  # all-ones (or stuck-low) reads
    overloads: int = 0  # saturation codes
    disconnects: int = 0  # times the chip stopped answering
    worst_clock_high_s: float = 0.0

    def add(self, other: HX711Stats) -> None:
        """Count ``other``'s events too (an acquisition process's, when it ends)."""
        for name, value in asdict(other).items():
            if name == "worst_clock_high_s":
                self.worst_clock_high_s = max(self.worst_clock_high_s, value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @property
    def discarded(self) -> int:
        return self.timing_glitches + self.resync_discards + self.jumps_rejected + self.dead_reads


def _pin_text(pin: int | str) -> str:
    return f"GPIO{pin}" if isinstance(pin, int) else str(pin)


class HX711Sensor(Sensor):
    """An HX711 load cell amplifier on two GPIO pins.

    ``read_raw()`` returns one conversion's signed counts; ``read()`` returns newtons
    and needs a :class:`~trainer.calibration.Calibration`. Channel A at gain 128 is the
    default; ``channel="B", gain=32`` reads the second input.

    ``start()`` reads on a thread of this process (``acquisition="thread"``, the default
    here, so tools can drive it on MockFactory pins with an emulated chip), or in a
    spawned process of its own (``acquisition="process"``, what ``trainer run`` uses:
    the live screen then never holds the reader's GIL). ``child_setup`` names a
    ``module:function`` the process calls first (tests put an emulated chip there).

    Example::

        with HX711Sensor(data_pin=5, clock_pin=6, calibration=calibration) as sensor:
            sensor.tare()
            print(sensor.read().force_n)
    """

    backend: ClassVar[str] = "hx711"

    def __init__(
        self,
        data_pin: int | str = 5,
        clock_pin: int | str = 6,
        rate_hz: float = 80,
        *,
        channel: str = "A",
        gain: int = 128,
        calibration: Calibration | None = None,
        zero_tracking: bool = True,
        max_clock_high_s: float = SAFE_CLOCK_HIGH_S,
        ready_timeout_s: float | None = None,
        max_jump_counts: float | None = None,
        acquisition: str = "thread",
        child_setup: str | None = None,
    ) -> None:
        if rate_hz not in RATES_HZ:
            raise ValueError(f"the HX711 converts at 10 or 80 per second, not {rate_hz}")
        if (channel, gain) not in {("A", 128), ("A", 64), ("B", 32)}:
            raise ValueError(
                f"the HX711 has channel A at gain 128 or 64 and channel B at gain 32, "
                f"not {channel}/{gain}"
            )
        if acquisition not in ACQUISITIONS:
            raise ValueError(f"acquisition is 'thread' or 'process', not {acquisition!r}")
        super().__init__(rate_hz)
        self.acquisition = acquisition
        self.child_setup = child_setup
        self.data_pin = data_pin
        self.clock_pin = clock_pin
        self.channel = channel
        self.gain = gain
        self.max_clock_high_s = max_clock_high_s
        # A few conversion periods, and enough for the chip to settle after a reset
        # (400 ms at 10 SPS); a dead chip is reported well within a second.
        self.ready_timeout_s = ready_timeout_s or max(0.25, 5.0 / rate_hz)
        self.calibration = calibration
        self.zero_tracking = zero_tracking
        self.stats = HX711Stats()
        self._max_jump = max_jump_counts
        self._ready = threading.Event()
        self._io = threading.Lock()  # one reader of the chip at a time
        self._dout: Any = None
        self._sck: Any = None
        self._factory: Any = None
        self.driver: Any = None
        self._pulses = 25
        self._resync = False
        self._dead_run = 0
        self._last_counts: int | None = None
        self._candidate: int | None = None
        self._recent: deque[int] = deque(maxlen=16)
        self._tracker: Any = None
        self._zero: float | None = None
        self._lost = False
        self._settle_until = 0.0
        # True while the settling time is that of a power reset (open), which the first
        # read waits for; a glitch's settling time never moves a caller's deadline.
        self._settling_from_reset = False
        self._glitch_run = 0  # reads in a row discarded by the timing guard
        self._glitch_run_worst_s = 0.0
        self._opened = False
        self._process: ReaderProcess | None = None  # the acquisition process, while started
        #: what the child's ``child_setup`` object reported when the process ended
        self.child_report: dict[str, Any] | None = None

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._opened

    def open(self) -> None:
        """Claim the pins, power-reset the chip and select the channel and gain."""
        if self.is_open:
            return
        factory = _pin_factory()
        try:
            factory.reserve_pins(self, self.data_pin, self.clock_pin)
        except Exception as error:
            raise SensorError(
                f"GPIO pins {_pin_text(self.data_pin)}/{_pin_text(self.clock_pin)} are not "
                f"free ({error}); stop the other program using them or change the pins in "
                "the config file"
            ) from None
        self._factory = factory
        self._claim_pins()
        self._opened = True
        if self.calibration is not None:
            self._set_zero(self.calibration.offset_counts)

    def _claim_pins(self) -> None:
        factory = self._factory
        try:
            dout = factory.pin(self.data_pin)
            sck = factory.pin(self.clock_pin)
            sck.function = "output"
            sck.state = False
            dout.function = "input"
            # A pulled or broken DT wire then reads high (not ready), never random data.
            dout.pull = "up"
            dout.edges = "falling"
            dout.when_changed = self._on_data_ready  # a bound method: gpiozero keeps a weakref
        except Exception as error:
            factory.release_pins(self, self.data_pin, self.clock_pin)
            raise SensorError(
                f"cannot set up GPIO pins {_pin_text(self.data_pin)}/"
                f"{_pin_text(self.clock_pin)} ({error}); check the pin numbers in the config file"
            ) from None
        self._dout, self._sck = dout, sck
        self.driver = driver_class()(_PinValue(dout), _PinValue(sck))  # power reset: A/128
        self.driver.sensor = self
        self._pulses = {
            ("A", 128): self.driver.CHAN_A_GAIN_128,
            ("A", 64): self.driver.CHAN_A_GAIN_64,
            ("B", 32): self.driver.CHAN_B_GAIN_32,
        }[(self.channel, self.gain)]
        self._resync = True  # the first conversion after the reset is at A/128
        # After a power reset the chip settles before its first conversion (400 ms at 10 SPS).
        self._settle_until = time.monotonic() + SETTLE_S
        self._settling_from_reset = True
        self._glitch_run = 0
        self._dead_run = 0
        self._last_counts = self._candidate = None

    def _release_pins(self) -> None:
        """Hand the pins back to gpiozero (for the acquisition process) without powering down."""
        with self._io:
            self._dout.when_changed = None
            self._dout.close()
            self._sck.close()
            self._dout = self._sck = None

    def close(self) -> None:
        """Stop acquiring, power the chip down (clock held high) and free the pins."""
        super().close()
        if not self.is_open:
            return
        self._opened = False
        with self._io:
            try:
                if self._sck is not None:
                    self._sck.state = True  # held high > 60 us: the chip powers down
                    self._dout.when_changed = None
            finally:
                self._factory.release_pins(self, self.data_pin, self.clock_pin)
                self._dout = self._sck = None
                self.driver = None

    def _conflicts_with(self, other: object) -> bool:
        """gpiozero's reservation check: nothing else may share our pins."""
        return True

    def _on_data_ready(self, ticks: object, state: object) -> None:
        self._ready.set()

    # -- reading -------------------------------------------------------------------------
    def read_raw(self, timeout: float = 1.0) -> int:
        """The signed 24-bit count of the next good conversion.

        Raises :class:`SensorTimeout` if none arrives within ``timeout`` and
        :class:`SensorDisconnected` if the chip stops answering.
        """
        counts, _, _ = self._next_conversion(timeout)
        return counts

    def read(self, timeout_s: float = 1.0) -> Sample:
        calibration = self.calibration
        if calibration is None:
            raise SensorNotCalibrated(
                "the load cell is not calibrated, so forces would be wrong; run 'trainer calibrate'"
            )
        counts, t_s, flags = self._next_conversion(timeout_s)
        if self._tracker is not None and not flags:
            zero = self._tracker.update(t_s, counts)
        else:
            current = self.zero_counts
            zero = current if current is not None else calibration.offset_counts
        force_n = calibration.force_n(counts, zero)
        if abs(force_n) > 1.2 * calibration.capacity_n:
            flags |= SampleFlag.OVERLOAD  # beyond the cell's rated range: not a true force
        return Sample(t_s=t_s, force_n=force_n, counts=counts, flags=flags)

    def tare(self) -> None:
        """Make the present load read zero: the mean of the last readings."""
        if self._process is not None:
            self._process.tare()
            return
        if self.running:
            recent = list(self._recent)
        else:
            # Nobody else is reading: take a short fresh average ourselves.
            recent = [self.read_raw(timeout=max(0.5, 3 * self.ready_timeout_s)) for _ in range(8)]
        if not recent:
            raise SensorError("no readings to tare with yet; wait for the pad to show a force")
        zero = sum(recent) / len(recent)
        if self.driver is not None:
            if self.channel == "B":
                self.driver.tare_value_b = round(zero)
            else:
                self.driver.tare_value_a = round(zero)
        self._set_zero(zero)

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

    @property
    def max_jump_counts(self) -> float:
        """A change between two conversions larger than this cannot come from a hand."""
        if self._max_jump is not None:
            return self._max_jump
        if self.calibration is not None:
            newtons = max(5.0, MAX_HAND_RATE_N_PER_S / self.rate_hz)
            return newtons * abs(self.calibration.scale_counts_per_n)
        return UNCALIBRATED_MAX_JUMP_COUNTS

    def describe(self) -> dict[str, object]:
        version = adafruit_version()
        return {
            "backend": self.backend,
            "rate_hz": self.rate_hz,
            "data_pin": self.data_pin,
            "clock_pin": self.clock_pin,
            "channel": self.channel,
            "gain": self.gain,
            "driver": f"adafruit-circuitpython-hx711 {version}" if version else "built-in",
            "zero_tracking": self.zero_tracking,
            "acquisition": self.acquisition,
            "stats": asdict(self.stats),
        }

    # -- the acquisition process -------------------------------------------------------------
    def start(self, on_sample: SampleSink, on_error: ErrorSink | None = None) -> None:
        """Acquire on a thread, or in a process of its own (``acquisition="process"``)."""
        if self.acquisition == "thread":
            super().start(on_sample, on_error)
            return
        if self.running:
            raise RuntimeError("sensor already started")
        if not self.is_open:
            self.open()
        from trainer.sensors.hx711.process import ReaderProcess

        self._release_pins()  # the child claims them
        process = ReaderProcess(self)
        self._stop.clear()
        try:
            thread = process.start(on_sample, on_error)
        except BaseException:
            self._claim_pins()
            raise
        self._process, self._thread = process, thread

    def stop(self) -> None:
        """End acquisition; a child process is asked to stop, then the pins come back here."""
        process = self._process
        if process is None:
            super().stop()
            return
        self._stop.set()
        self._thread = None
        process.stop()
        self._process = None
        if self.is_open:
            self._claim_pins()

    # -- the reader ----------------------------------------------------------------------
    def _next_conversion(self, timeout_s: float) -> tuple[int, float, SampleFlag]:
        if self._process is not None:
            raise SensorError(
                "the load cell is being read by its acquisition process; take samples from "
                "start(), or stop() it first"
            )
        if not self.is_open or self._sck is None:
            raise SensorError("the load cell is not open; start the session again")
        start = time.monotonic()
        deadline = start + timeout_s
        with self._io:
            # Contact is judged per conversion: each good one restarts the ready timeout.
            # A chip still settling after a power reset is not late: it gets the settling
            # time first, and the caller waits for it rather than seeing a timeout. That is
            # the only thing that moves the deadline: discarded reads never do.
            contact_deadline = max(start, self._settle_until) + self.ready_timeout_s
            if self._settling_from_reset and self._settle_until > start:
                deadline = max(deadline, contact_deadline)
            while True:
                if self.stopping and self.running:
                    raise SensorTimeout("acquisition stopped")
                if not self._wait_ready(min(deadline, contact_deadline)):
                    if time.monotonic() >= contact_deadline:
                        raise self._disconnected(
                            f"no data from the HX711 for {self.ready_timeout_s:.2f} s"
                        )
                    raise self._late(timeout_s)
                t_s = time.monotonic()
                raw, worst = self._shift_in()
                outcome = self._judge(raw, worst)
                if outcome is None:
                    now = time.monotonic()
                    contact_deadline = max(now, self._settle_until) + self.ready_timeout_s
                    if now >= deadline:
                        raise self._late(timeout_s)
                    continue
                counts, flags = outcome
                self._settle_until = 0.0  # it answers: no more allowance for settling
                self._settling_from_reset = False
                self._glitch_run = 0
                self._glitch_run_worst_s = 0.0
                if self._lost:
                    self._lost = False
                self._recent.append(counts)
                self.stats.used += 1
                return counts, t_s, flags

    def _late(self, timeout_s: float) -> SensorError:
        """The deadline passed: a timeout, or (every read too slow) the reason and the fix."""
        if self._glitch_run < GLITCHES_BEFORE_TOO_SLOW:
            return SensorTimeout(f"no conversion within {timeout_s:.2f} s")
        return SensorTooSlow(
            f"the clock pulses are too slow on this Pi: the last {self._glitch_run} reads "
            f"held the HX711's clock high up to {1e6 * self._glitch_run_worst_s:.0f} us "
            f"(the chip powers down after {1e6 * POWER_DOWN_AFTER_S:.0f} us, reads over "
            f"{1e6 * self.max_clock_high_s:.0f} us are discarded); use the hx711-spi backend "
            "(PD_SCK on MOSI GPIO10, DOUT on MISO GPIO9) or a NAU7802 board: "
            "see hardware/README.md and run 'trainer doctor'"
        )

    def _wait_ready(self, deadline: float) -> bool:
        """Wait for DOUT low (data ready) until ``deadline``, without spinning."""
        dout, ready = self._dout, self._ready
        while True:
            ready.clear()
            # The level decides: an edge event can lag the pin, or be lost.
            if not dout.state:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            ready.wait(min(remaining, 0.05))

    def _shift_in(self) -> tuple[int, float]:
        """Clock out one conversion; return the 24-bit code and the longest clock-high."""
        sck, dout = self._sck, self._dout
        perf = time.perf_counter
        value = 0
        worst = 0.0
        for _ in range(24):
            # Only the two writes sit between these clock reads: the clock is high
            # for as short a time as Python allows, and never while we read DOUT
            # (which holds its bit from one rising edge to the next).
            t0 = perf()
            sck.state = True
            sck.state = False
            high = perf() - t0
            if high > worst:
                worst = high
            value = (value << 1) | dout.state
        for _ in range(self._pulses - 24):
            t0 = perf()
            sck.state = True
            sck.state = False
            high = perf() - t0
            if high > worst:
                worst = high
        self.stats.conversions += 1
        if worst > self.stats.worst_clock_high_s:
            self.stats.worst_clock_high_s = worst
        return value, worst

    def _judge(self, raw: int, worst: float) -> tuple[int, SampleFlag] | None:
        """Accept a conversion (counts and flags) or discard it (None), counting why."""
        stats = self.stats
        if worst > self.max_clock_high_s:
            # The chip may have powered down mid-read: bits may be shifted or reset.
            stats.timing_glitches += 1
            self._glitch_run += 1
            self._glitch_run_worst_s = max(self._glitch_run_worst_s, worst)
            self._resync = True
            # If it did power down, it settles before its next conversion; that keeps it
            # from being called lost, but moves no caller's deadline.
            self._settle_until = time.monotonic() + SETTLE_S
            self._settling_from_reset = False
            return None
        # After the 25th pulse the chip pulls DOUT high until the next conversion.
        stuck_low = raw == 0 and not self._dout.state
        if raw == ALL_ONES or stuck_low:
            stats.dead_reads += 1
            self._dead_run += 1
            if self._dead_run >= DEAD_READS_BEFORE_DISCONNECT:
                self._dead_run = 0
                level = "low" if stuck_low else "high"
                raise self._disconnected(f"the HX711's DT line is stuck {level}")
            return None
        self._dead_run = 0
        if self._resync:
            self._resync = False
            if self._pulses != self.driver.CHAN_A_GAIN_128:
                # Read at the reset gain; this read set ours for the next conversion.
                stats.resync_discards += 1
                return None
        counts = to_signed(raw)
        if counts in (CODE_MAX, CODE_MIN):
            stats.overloads += 1
            return counts, SampleFlag.OVERLOAD
        last = self._last_counts
        limit = self.max_jump_counts
        if last is not None and abs(counts - last) > limit:
            candidate = self._candidate
            if candidate is None or abs(counts - candidate) > limit:
                # One impossible jump is a corrupted read; the next one confirms a real step.
                self._candidate = counts
                stats.jumps_rejected += 1
                return None
        self._last_counts = counts
        self._candidate = None
        return counts, SampleFlag.NONE

    def _disconnected(self, what: str) -> SensorDisconnected:
        if not self._lost:
            self._lost = True
            self.stats.disconnects += 1
        # When it answers again it has been reset: re-sync and forget the last value.
        self._resync = True
        self._last_counts = self._candidate = None
        return SensorDisconnected(
            f"{what} (DT {_pin_text(self.data_pin)}, SCK {_pin_text(self.clock_pin)}); "
            "check the load cell's wires and the board's 3.3 V supply: the session "
            "resumes by itself when it answers"
        )

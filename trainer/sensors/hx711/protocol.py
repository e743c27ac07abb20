"""The HX711's serial protocol, however its clock pulses are made (GPIO or SPI).

How one conversion is read:

* wait until DOUT is low (data ready), with a timeout of a few conversion periods: no
  data for that long is :class:`SensorDisconnected`;
* 24 clock pulses shift the 24-bit two's complement value out MSB first, then 1-3 more
  select the next conversion's channel and gain (25: A/128, 26: B/32, 27: A/64);
* the chip powers down when PD_SCK stays high over 60 us, so a read in which a pulse
  may have been longer than ``max_clock_high_s`` is discarded, counted as a timing
  glitch, and the next conversion is re-synchronised (read once to set the gain if the
  chip may have reset to A/128). When every read trips this guard the pulses are too
  slow on this computer: :class:`SensorTooSlow` says so within the caller's timeout;
* all-ones reads and a line stuck low (a dead chip) are discarded, three in a row are
  :class:`SensorDisconnected`; the saturation codes 0x7FFFFF / 0x800000 are flagged as
  overload.
"""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from typing import TYPE_CHECKING, Any, TypedDict

from trainer.sensors.base import (
    SampleFlag,
    SensorDisconnected,
    SensorError,
    SensorTimeout,
    SensorTooSlow,
)
from trainer.sensors.loadcell import LoadCellSensor, default_ready_timeout_s, to_signed

if TYPE_CHECKING:
    from trainer.calibration import Calibration

#: the chip powers down when PD_SCK stays high longer than this (datasheet)
POWER_DOWN_AFTER_S = 60e-6
#: a clock-high interval longer than this makes the read untrustworthy
SAFE_CLOCK_HIGH_S = 50e-6
#: the longest a chip takes from a power reset to its first conversion (400 ms at 10 SPS)
SETTLE_S = 0.5
#: the chip's conversion rates (RATE pin low / high)
RATES_HZ = (10, 80)
#: channel and gain -> clock pulses per read (the datasheet's, and adafruit_hx711's)
PULSES = {("A", 128): 25, ("B", 32): 26, ("A", 64): 27}
#: what a chip that drives DOUT high (or is missing, with the pull-up) shifts out
ALL_ONES = 0xFFFFFF
#: this many dead reads in a row mean the chip is gone
DEAD_READS_BEFORE_DISCONNECT = 3
#: this many reads in a row over the clock-high bound mean this Pi clocks too slowly
GLITCHES_BEFORE_TOO_SLOW = 3


def check_settings(rate_hz: float, channel: str, gain: int) -> None:
    """Raise ValueError unless the HX711 offers this rate and this channel with this gain."""
    if rate_hz not in RATES_HZ:
        raise ValueError(f"the HX711 converts at 10 or 80 per second, not {rate_hz}")
    if (channel, gain) not in PULSES:
        raise ValueError(
            f"the HX711 has channel A at gain 128 or 64 and channel B at gain 32, "
            f"not {channel}/{gain}"
        )


class HX711Settings(TypedDict, total=False):
    """The settings of an HX711 clocked over GPIO or SPI, besides its wiring.

    Keywords passed on to :class:`HX711Reader`, which gives their defaults.
    """

    channel: str
    gain: int
    calibration: Calibration | None
    zero_tracking: bool
    ready_timeout_s: float | None


class HX711Reader(LoadCellSensor):
    """An HX711: conversions judged and counted; subclasses make the clock pulses.

    A subclass implements :meth:`_wait_ready`, :meth:`_shift_in`, :meth:`_dout_low`,
    :meth:`_wiring` and its lifecycle, and calls :meth:`_power_reset_done` after each
    power reset of the chip.
    """

    def __init__(
        self,
        rate_hz: float,
        *,
        channel: str = "A",
        gain: int = 128,
        calibration: Calibration | None = None,
        zero_tracking: bool = True,
        max_clock_high_s: float = SAFE_CLOCK_HIGH_S,
        ready_timeout_s: float | None = None,
    ) -> None:
        check_settings(rate_hz, channel, gain)
        super().__init__(rate_hz, calibration=calibration, zero_tracking=zero_tracking)
        self.channel = channel
        self.gain = gain
        self.max_clock_high_s = max_clock_high_s
        self.ready_timeout_s = ready_timeout_s or default_ready_timeout_s(rate_hz)
        self._pulses = PULSES[(channel, gain)]
        self._io = threading.Lock()  # one reader of the chip at a time
        self._resync = False
        self._dead_run = 0
        self._settle_until = 0.0
        # True while the settling time is that of a power reset (open), which the first
        # read waits for; a glitch's settling time never moves a caller's deadline.
        self._settling_from_reset = False
        self._glitch_run = 0  # reads in a row discarded by the timing guard
        self._glitch_run_worst_s = 0.0

    # -- what a way of clocking the chip provides ------------------------------------------
    @abstractmethod
    def _wait_ready(self, deadline: float) -> bool:
        """Wait for DOUT low (data ready) until ``deadline``; False if it stayed high."""

    @abstractmethod
    def _shift_in(self) -> tuple[int, float]:
        """Clock out one conversion (``self._pulses`` pulses): the code, the longest high."""

    @abstractmethod
    def _dout_low(self) -> bool:
        """DOUT's level after the last read (a live chip pulls it high after the 25th pulse)."""

    @abstractmethod
    def _wiring(self) -> str:
        """Where the chip is wired, for messages ("DT GPIO5, SCK GPIO6")."""

    def _power_reset_done(self) -> None:
        """The chip was just power-reset: it wakes at A/128 and settles first."""
        self._resync = True  # the first conversion after the reset is at A/128
        # After a power reset the chip settles before its first conversion (400 ms at 10 SPS).
        self._settle_until = time.monotonic() + SETTLE_S
        self._settling_from_reset = True
        self._glitch_run = 0
        self._dead_run = 0

    # -- the conversion loop -----------------------------------------------------------------
    def _next_conversion(self, timeout_s: float) -> tuple[int, float, SampleFlag]:
        self._check_readable()
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
                self.stats.conversions += 1
                if worst > self.stats.worst_clock_high_s:
                    self.stats.worst_clock_high_s = worst
                outcome = self._judge(raw, worst)
                if outcome is None:
                    now = time.monotonic()
                    contact_deadline = max(now, self._settle_until) + self.ready_timeout_s
                    if now >= deadline:
                        raise self._late(timeout_s)
                    continue
                self._settle_until = 0.0  # it answers: no more allowance for settling
                self._settling_from_reset = False
                self._glitch_run = 0
                self._glitch_run_worst_s = 0.0
                self._lost = False
                counts, flags = outcome
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

    def _judge(self, raw: int, worst: float) -> tuple[int, SampleFlag] | None:
        """Accept a conversion (counts and flags) or discard it (None), counting why."""
        stats = self.stats
        if worst > self.max_clock_high_s:
            # The chip may have powered down mid-read: bits may be shifted or reset.
            stats.timing_glitches += 1
            self._glitch_run += 1
            self._glitch_run_worst_s = max(self._glitch_run_worst_s, worst)
            self._resync = True
            # If it did power down, it settles before its next conversion (four periods,
            # per the datasheet); that keeps it from being called lost, but moves no
            # caller's deadline.
            self._settle_until = time.monotonic() + min(SETTLE_S, 5.0 / self.rate_hz)
            self._settling_from_reset = False
            return None
        # After the 25th pulse the chip pulls DOUT high until the next conversion.
        stuck_low = raw == 0 and self._dout_low()
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
            if self._pulses != PULSES[("A", 128)]:
                # Read at the reset gain; this read set ours for the next conversion.
                stats.resync_discards += 1
                return None
        return self._judge_code(to_signed(raw))

    def _disconnected(self, what: str) -> SensorDisconnected:
        # When it answers again it has been reset: re-sync before trusting the gain.
        self._resync = True
        return self._lost_contact(
            what, self._wiring(), "the load cell's wires and the board's 3.3 V supply"
        )

    def describe(self) -> dict[str, Any]:
        return super().describe() | {"channel": self.channel, "gain": self.gain}

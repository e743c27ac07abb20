"""An emulated HX711 for tests and benchmarks: one chip model, two ways to reach it.

:class:`HX711Chip` is the chip; :class:`HX711Emulator` puts it behind gpiozero
MockFactory pins (the ``hx711-gpio`` reader), and ``tests/fake_spidev.py`` behind a
fake ``spidev.SpiDev`` (the ``hx711-spi`` reader), so both readers face the same model.

The chip converts at 10 or 80 SPS on a thread of its own, pulls DOUT low when a
conversion is ready, shifts 24-bit two's complement out MSB first on PD_SCK's rising
edges, takes 25/26/27 pulses as the next conversion's channel/gain (A/128, B/32, A/64),
powers down when PD_SCK stays high over 60 us and wakes reset to A/128 after settling.
Force becomes counts through a linear model with Gaussian noise.

Faults: bit errors, stalls while the clock is high (a preempted reader), DOUT stuck
high or low, all-ones data, saturation, and a chip that disappears and comes back.
A slow Pi: ``pin_write_s`` makes every PD_SCK write on the mock pins take that long
before its edge (lgpio checks the pin's mode, then writes), and ``on_pin_write`` lets a
test advance a virtual clock instead.

Example::

    Device.pin_factory = MockFactory()
    with HX711Emulator(rate_hz=80) as chip:
        chip.force_n = 30.0
        sensor = HX711Sensor(5, 6, 80)
        with sensor:
            counts = sensor.read_raw(timeout=0.5)
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPin

POWER_DOWN_AFTER_S = 60e-6
#: when set (seconds), a chip on mock pins made without ``power_down_after_s`` powers down
#: after this long instead of the datasheet's 60 us; a spawned acquisition process inherits it
POWER_DOWN_ENV = "HX711_EMULATOR_POWER_DOWN_S"
#: channel/gain selected by the number of pulses in a read
MODE_BY_PULSES = {25: ("A", 128), 26: ("B", 32), 27: ("A", 64)}


class _QuietPin(MockPin):  # type: ignore[misc]
    """A mock pin that keeps no state history (a long run would fill memory)."""

    chip: HX711Emulator | None = None  # the chip wired to this pin

    def _change_state(self, value: bool) -> bool:
        if self._state != value:
            self._state = value
            self._last_change = time.monotonic()
            return True
        return False


class EmulatedClockPin(_QuietPin):
    """PD_SCK: every write is passed to the chip."""

    def _set_function(self, value: str) -> None:
        super()._set_function(value)
        chip = self.chip
        if chip is not None and value == "output":
            chip.on_host_setup()

    def _set_state(self, value: Any) -> None:
        chip = self.chip
        if chip is not None:
            chip.before_pin_write()
        super()._set_state(value)
        if chip is not None:
            chip.on_clock(bool(value))


class EmulatedDataPin(_QuietPin):
    """DOUT: the chip drives it; a pull-up only shows when the chip is gone."""

    def _set_pull(self, value: str) -> None:
        chip = self.chip
        if chip is None:
            super()._set_pull(value)
            return
        self._pull = value
        chip.refresh_dout()


@dataclass
class ChipStats:
    produced: int = 0  # conversions completed while powered
    shifted: int = 0  # conversions clocked out completely (25+ pulses)
    overwritten: int = 0  # completed but replaced before anyone read them
    power_downs: int = 0
    bit_errors: list[int] = field(default_factory=list)  # bit flipped, one entry per read
    stalls: int = 0  # clock-high stalls injected


class HX711Chip:
    """The chip model. Set :attr:`force_n` (thread-safe) to press the pad.

    PD_SCK edges come in through :meth:`on_clock` (with their time, for a host that
    knows it, such as an SPI transfer); DOUT's level goes out through :attr:`line_level`
    and, for a binding that drives a pin, :meth:`_drive_line`.
    """

    #: the host's pull on DOUT: the line's level when no chip drives it
    line_pull_up = True

    def __init__(
        self,
        *,
        rate_hz: float = 80,
        counts_per_n: float = 5000.0,
        zero_counts: float = 80_000.0,
        noise_counts: float = 40.0,
        channel_b_counts: float = -12_345.0,
        power_down_after_s: float = POWER_DOWN_AFTER_S,
        settle_periods: int = 4,
        seed: int = 0,
    ) -> None:
        self.rate_hz = rate_hz
        self.period_s = 1.0 / rate_hz
        self.counts_per_n = counts_per_n
        self.zero_counts = zero_counts
        self.noise_counts = noise_counts
        self.channel_b_counts = channel_b_counts
        self.power_down_after_s = power_down_after_s
        self.settle_s = settle_periods * self.period_s
        self.stats = ChipStats()
        self.force_n = 0.0
        # faults
        self.connected = True
        self.stuck_dout: str | None = None  # "high" or "low"
        self.all_ones = False
        self.saturate: str | None = None  # "high" or "low"
        self._bit_errors: list[int | None] = []
        self._stalls: list[tuple[int, float]] = []
        # chip state
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._mode = ("A", 128)  # this conversion's channel/gain
        self._next_mode = ("A", 128)
        self._data = 0
        self._ready = False  # a conversion waits to be read
        self._pulses = 0  # since the conversion was ready
        self._flip: int | None = None
        self._sck_high = False
        self._t_rise = 0.0
        self._last_edge = 0.0
        self._wake_at = time.monotonic() + self.settle_s
        self._dout_level = True
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.line_level = True

    # -- lifecycle --------------------------------------------------------------------------
    def start(self, *, as_hardware: bool = False) -> Self:
        """Start converting. ``as_hardware``: the chip's thread asks for the priority the
        acquisition process asks for (a real chip is never late because the Pi is busy,
        and a chip thread preempted while holding the GIL would stall the reader)."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(as_hardware,), name="hx711-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def report(self) -> dict[str, Any]:
        """The chip's counters, for a process to send back."""
        stats = vars(self.stats).copy()
        stats["bit_errors"] = len(self.stats.bit_errors)
        return stats

    # -- fault injection --------------------------------------------------------------------
    def inject_bit_errors(self, count: int = 1, bit: int | None = None) -> None:
        """Flip one bit (``bit``, or a random one from 17 to 22) in each of the next reads."""
        with self._lock:
            self._bit_errors.extend([bit] * count)

    def inject_stalls(self, count: int = 1, stall_s: float = 200e-6) -> None:
        """In each of the next reads, hold one clock pulse high for ``stall_s``."""
        with self._lock:
            for _ in range(count):
                self._stalls.append((self._rng.randrange(1, 25), stall_s))

    def disconnect(self) -> None:
        """The chip vanishes (a pulled wire): no conversions, DOUT follows the pull-up."""
        with self._lock:
            self.connected = False
            self._ready = False
            self.refresh_dout()

    def reconnect(self) -> None:
        """The chip answers again, freshly powered: A/128, ready after settling."""
        with self._lock:
            self.connected = True
            self._reset(time.monotonic())

    # -- the chip -----------------------------------------------------------------------------
    @property
    def mode(self) -> tuple[str, int]:
        """Channel and gain of the conversion being produced."""
        return self._mode

    def expected_counts(self, force_n: float | None = None) -> float:
        """What channel A at gain 128 reads for ``force_n`` without noise."""
        force = self.force_n if force_n is None else force_n
        return self.zero_counts + force * self.counts_per_n

    def refresh_dout(self) -> None:
        """Put the pin at the level the chip (or, without one, the pull resistor) sets."""
        with self._lock:
            self._set_dout(self._dout_level)

    def stick_dout(self, level: str | None) -> None:
        """Hold DOUT ``"high"`` or ``"low"`` whatever the chip does; None to release."""
        with self._lock:
            self.stuck_dout = level
            self._set_dout(self._dout_level)

    def _set_dout(self, level: bool) -> None:
        self._dout_level = level  # what the chip drives
        if not self.connected:
            level = self.line_pull_up  # the pull resistor (or a floating line) wins
        elif self.stuck_dout is not None:
            level = self.stuck_dout == "high"
        self.line_level = level
        self._drive_line(level)

    def _drive_line(self, level: bool) -> None:
        """Put the line's level on a pin (a binding with pins overrides this)."""

    def _reset(self, now: float) -> None:
        if self._ready:
            self.stats.overwritten += 1
        self._ready = False
        self._pulses = 0
        self._mode = self._next_mode = ("A", 128)
        self._wake_at = now + self.settle_s
        self._dout_level = True
        self._set_dout(True)

    def _run(self, as_hardware: bool = False) -> None:
        if as_hardware:
            from trainer.sensors.priority import raise_priority

            raise_priority()  # this thread only
        next_t = time.monotonic() + self.period_s
        retry = 0.0005
        while not self._stop.wait(max(0.0, next_t - time.monotonic())):
            now = time.monotonic()
            with self._lock:
                delivered = self._convert(now)
            if delivered:
                next_t += self.period_s
                if next_t < now:
                    next_t = now + self.period_s  # we were starved: no burst of catch-ups
            else:
                next_t = now + retry

    def _convert(self, now: float) -> bool:
        """Complete a conversion now if the chip can; False to try again very soon."""
        if not self.connected:
            return True  # nothing produced; keep the schedule
        if self._sck_high and time.perf_counter() - self._t_rise > self.power_down_after_s:
            return True  # powered down by a long clock-high
        if now < self._wake_at:
            return True  # settling after a reset
        if 0 < self._pulses < 25 or (
            self._pulses >= 25 and time.perf_counter() - self._last_edge < 0.0003
        ):
            return False  # a read in progress: the output register waits for it
        if self._pulses >= 25:
            self._next_mode = MODE_BY_PULSES[min(self._pulses, 27)]
        if self._ready:
            self.stats.overwritten += 1
        self._mode = self._next_mode
        self._data = self._code(self._mode) & 0xFFFFFF
        self._flip = None
        if self._bit_errors:
            bit = self._bit_errors.pop(0)
            self._flip = bit if bit is not None else self._rng.randrange(17, 23)
            self.stats.bit_errors.append(self._flip)
        self._ready = True
        self._pulses = 0
        self.stats.produced += 1
        self._set_dout(False)
        return True

    def _code(self, mode: tuple[str, int]) -> int:
        if self.all_ones:
            return 0xFFFFFF
        if self.saturate == "high":
            return 0x7FFFFF
        if self.saturate == "low":
            return 0x800000
        noise = self._rng.gauss(0.0, self.noise_counts)
        if mode[0] == "B":
            value = self.channel_b_counts + noise
        else:
            value = (self.zero_counts + self.force_n * self.counts_per_n) * mode[1] / 128 + noise
        return max(-0x800000, min(0x7FFFFF, round(value)))

    @property
    def powered_down(self) -> bool:
        """True while PD_SCK has been high longer than the power-down bound."""
        with self._lock:
            return self._sck_high and time.perf_counter() - self._t_rise > self.power_down_after_s

    def on_host_setup(self) -> None:
        """A host (re)claims PD_SCK. If the clock was left high, the chip slept meanwhile.

        Without this, a relaxed ``power_down_after_s`` would take a close() followed by a
        quick re-open for one long clock pulse instead of the power cycle it is.
        """
        with self._lock:
            if self._sck_high:
                self._sck_high = False
                self.stats.power_downs += 1
                self._reset(time.monotonic())

    def on_clock(self, high: bool, now: float | None = None) -> float:
        """A PD_SCK write (at ``now`` on the perf_counter clock); returns a stall to inject."""
        if now is None:
            now = time.perf_counter()
        stall = 0.0
        with self._lock:
            if high == self._sck_high:
                return 0.0
            self._last_edge = now
            if high:
                self._sck_high = True
                self._t_rise = now
                if self.stuck_dout == "low" and self.connected:
                    return 0.0
                if not (self._ready or self._pulses) or not self.connected:
                    return 0.0
                self._pulses += 1
                pulse = self._pulses
                if pulse <= 24:
                    bit = (self._data >> (24 - pulse)) & 1
                    if self._flip is not None and self._flip == 24 - pulse:
                        bit ^= 1
                    self._set_dout(bool(bit))
                    if self._stalls and self._stalls[0][0] == pulse:
                        stall = self._stalls.pop(0)[1]
                        self.stats.stalls += 1
                elif pulse == 25:
                    self._ready = False
                    self.stats.shifted += 1
                    self._set_dout(True)
            else:
                self._sck_high = False
                if now - self._t_rise > self.power_down_after_s:
                    self.stats.power_downs += 1
                    self._reset(time.monotonic())
        return stall


class HX711Emulator(HX711Chip):
    """The chip behind gpiozero MockFactory pins: DOUT driven, PD_SCK writes passed in.

    ``pin_write_s`` makes each PD_SCK write take that long before its edge (a slow Pi);
    ``on_pin_write`` (if set) is called at each write instead, to advance a test's
    virtual clock.
    """

    def __init__(
        self,
        factory: MockFactory | None = None,
        *,
        data_pin: int = 5,
        clock_pin: int = 6,
        pin_write_s: float = 0.0,
        **chip: Any,
    ) -> None:
        factory = factory or Device.pin_factory
        assert isinstance(factory, MockFactory), "set Device.pin_factory = MockFactory() first"
        self.dout: EmulatedDataPin = factory.pin(data_pin, pin_class=EmulatedDataPin)
        self.sck: EmulatedClockPin = factory.pin(clock_pin, pin_class=EmulatedClockPin)
        assert isinstance(self.dout, EmulatedDataPin), "pin already made: use a fresh MockFactory"
        assert isinstance(self.sck, EmulatedClockPin), "pin already made: use a fresh MockFactory"
        relaxed = os.environ.get(POWER_DOWN_ENV)
        if relaxed is not None:  # (SPI's pulses are the controller's: HX711Chip keeps 60 us)
            chip.setdefault("power_down_after_s", float(relaxed))
        super().__init__(**chip)
        self.pin_write_s = pin_write_s
        self.on_pin_write: Callable[[], None] | None = None
        self.dout.chip = self
        self.sck.chip = self
        self.refresh_dout()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        self.dout.chip = None
        self.sck.chip = None

    @property  # type: ignore[override]
    def line_pull_up(self) -> bool:
        return bool(self.dout.pull != "down")

    def _drive_line(self, level: bool) -> None:
        if self.dout.function != "input":
            return
        if level:
            self.dout.drive_high()
        else:
            self.dout.drive_low()

    def before_pin_write(self) -> None:
        """A PD_SCK write begins: it costs what this Pi's pin writes cost."""
        if self.on_pin_write is not None:
            self.on_pin_write()
        elif self.pin_write_s:
            _busy_sleep(self.pin_write_s)

    def on_clock(self, high: bool, now: float | None = None) -> float:
        stall = super().on_clock(high, now)
        if stall:
            # The reader is preempted with the clock high, as a forced GIL switch does.
            _busy_sleep(stall)
        return stall


def _busy_sleep(seconds: float) -> None:
    end = time.perf_counter() + seconds
    if seconds > 0.002:
        time.sleep(seconds - 0.001)
    while time.perf_counter() < end:
        pass


# -- pytest fixtures (import them into a test module to use them) ------------------------------

#: generous timing bounds for tests that are not about timing: a loaded CI machine may
#: preempt any thread for milliseconds, which the strict 60 us bound would (rightly) reject.
#: The reader's guard (RELAXED_S) stays below the chip's power-down, as 50 us is below
#: 60 us on the real chip: a pulse the guard passes never reset the chip.
RELAXED_S = 0.02
RELAXED_POWER_DOWN_S = 0.03
#: a preemption with the clock high that the relaxed bounds catch, as 300 us is for the real
RELAXED_STALL_S = 0.06


def relax_timing(monkeypatch: Any) -> None:
    """Give every HX711 reader and emulated chip made from now on the relaxed bounds.

    The tests' conftest does this for every test not marked ``datasheet_timing``: a test
    about forces, sessions or the doctor's advice must not fail because a loaded CI runner
    held a thread for more than 60 us, which the datasheet bounds (rightly) call a fault.
    The reader's bound has a default in two signatures and is read by the pin-timing probe
    and the doctor, so all four are set; ``tests/test_hx711_timing.py`` checks they took.
    """
    from trainer.sensors import detect
    from trainer.sensors.hx711 import protocol, reader

    for init in (protocol.HX711Reader.__init__, reader.HX711Sensor.__init__):
        monkeypatch.setitem(init.__kwdefaults__, "max_clock_high_s", RELAXED_S)
    monkeypatch.setattr(protocol, "SAFE_CLOCK_HIGH_S", RELAXED_S)
    monkeypatch.setattr(detect, "SAFE_CLOCK_HIGH_S", RELAXED_S)
    monkeypatch.setenv(POWER_DOWN_ENV, str(RELAXED_POWER_DOWN_S))


def fresh_mock_factory() -> Any:
    """A pytest fixture body: a fresh MockFactory as gpiozero's pin factory, then restored."""
    previous = Device.pin_factory
    factory = MockFactory()
    Device.pin_factory = factory
    try:
        yield factory
    finally:
        factory.reset()
        Device.pin_factory = previous


_child_chips: list[HX711Emulator] = []


def child_chip() -> HX711Emulator:
    """``child_setup`` for an acquisition process: a fresh emulated chip on mock pins there.

    Set in the environment before the process starts: ``HX711_EMULATOR_FORCE_N`` (default
    20 N), and ``HX711_EMULATOR_VANISH_S`` / ``HX711_EMULATOR_BACK_S`` (seconds after the
    start) for a chip that disappears and comes back.
    """
    import os

    Device.pin_factory = MockFactory()
    chip = HX711Emulator(noise_counts=40.0)
    chip.force_n = float(os.environ.get("HX711_EMULATOR_FORCE_N", "20"))
    chip.start(as_hardware=True)
    _child_chips.append(chip)  # lives as long as the process
    vanish = os.environ.get("HX711_EMULATOR_VANISH_S")
    if vanish:
        threading.Timer(float(vanish), chip.disconnect).start()
        back = os.environ.get("HX711_EMULATOR_BACK_S")
        if back:
            threading.Timer(float(back), chip.reconnect).start()
    return chip


def child_chip_refused_priority() -> HX711Emulator:
    """``child_setup``: :func:`child_chip` in a process the kernel refuses a higher priority
    (real-time and a lower nice both fail with EPERM, as for a user without the rights)."""
    import os

    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    os.sched_setscheduler = refuse  # type: ignore[assignment]
    os.setpriority = refuse  # type: ignore[assignment]
    return child_chip()

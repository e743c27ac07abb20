"""The HX711 bit reader on two GPIO pins, through gpiozero's pin factory (``hx711-gpio``).

Every pin goes through ``gpiozero.Device.pin_factory`` as it is found (lgpio on a Pi 5,
whatever gpiozero picks on older Pis, ``MockFactory`` with an emulated chip in tests),
so tests run this exact code. It needs no wiring beyond two GPIO pins, but Python
makes the clock pulses, so their length depends on this Pi: where pin writes are slow
(a Pi Zero 2W through lgpio) most reads trip the timing guard and the SPI-clocked
reader (``hx711-spi``) or a NAU7802 is the way (``trainer doctor`` measures it).

The protocol (waiting, judging, re-synchronising) is in ``protocol.py``; the bit reader
is our own (``factory.py`` says why the adafruit package's cannot be used). Details of
this reader:

* DOUT's falling edge sets an event the wait sleeps on; the callback is disarmed while
  the bits are shifted, so the data bits do not wake the pin library's callback thread
  in the middle of a read;
* each clock pulse is timed from just after the write that raises PD_SCK to just after
  the write that lowers it: the interval the pin is really high (a write takes effect
  at the end of its call), plus whatever the raising write took beyond its fastest
  (a preemption just after the edge), so the guard errs on the safe side by little.

Example::

    sensor = HX711Sensor(data_pin=5, clock_pin=6, rate_hz=80, calibration=calibration)
    with sensor:
        counts = sensor.read_raw(timeout=0.5)
        sample = sensor.read(timeout_s=0.5)      # newtons, via the calibration
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Unpack

from trainer.sensors.base import ErrorSink, SampleSink, SensorError
from trainer.sensors.hx711.factory import (
    _pin_factory,
    _PinValue,
    adafruit_version,
    driver_class,
    hand_over_pin,
)
from trainer.sensors.hx711.protocol import (
    POWER_DOWN_AFTER_S,
    SAFE_CLOCK_HIGH_S,
    SETTLE_S,
    HX711Reader,
    HX711Settings,
)
from trainer.sensors.loadcell import CODE_MAX, CODE_MIN, ConversionStats, to_signed

if TYPE_CHECKING:
    from trainer.sensors.hx711.process import ReaderProcess
    from trainer.sensors.priority import Priority


def clock_pulse(sck: Any, clock: Callable[[], float], fastest_s: float) -> tuple[float, float]:
    """One pulse on PD_SCK: how long the raising write took, and how long the pin was high.

    The pin rises at the end of the first write (lgpio checks the mode, then writes) and
    falls at the end of the second: high for t2 - t1. Whatever the first write took beyond
    the fastest seen (``fastest_s``) may have passed with the pin already high (a
    preemption after the edge): it counts.
    """
    t0 = clock()
    sck.state = True
    t1 = clock()
    sck.state = False
    t2 = clock()
    rise = t1 - t0
    return rise, (t2 - t1) + max(0.0, rise - fastest_s)


#: how long open() holds the clock high to power-reset the chip
POWER_RESET_S = 0.04
#: where the reader runs: the sensor's thread, or a process of its own (see hardware/README.md)
ACQUISITIONS = ("thread", "process")

#: the name older code and files use for the statistics
HX711Stats = ConversionStats

__all__ = [
    "ACQUISITIONS",
    "CODE_MAX",
    "CODE_MIN",
    "POWER_DOWN_AFTER_S",
    "SAFE_CLOCK_HIGH_S",
    "SETTLE_S",
    "HX711Sensor",
    "HX711Stats",
    "to_signed",
]


def _pin_text(pin: int | str) -> str:
    return f"GPIO{pin}" if isinstance(pin, int) else str(pin)


class HX711Sensor(HX711Reader):
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

    backend: ClassVar[str] = "hx711-gpio"

    def __init__(
        self,
        data_pin: int | str = 5,
        clock_pin: int | str = 6,
        rate_hz: float = 80,
        *,
        max_clock_high_s: float = SAFE_CLOCK_HIGH_S,
        acquisition: str = "thread",
        child_setup: str | None = None,
        **settings: Unpack[HX711Settings],
    ) -> None:
        if acquisition not in ACQUISITIONS:
            raise ValueError(f"acquisition is 'thread' or 'process', not {acquisition!r}")
        super().__init__(rate_hz, max_clock_high_s=max_clock_high_s, **settings)
        self.acquisition = acquisition
        self.child_setup = child_setup
        self.data_pin = data_pin
        self.clock_pin = clock_pin
        self._ready = threading.Event()
        #: the clock the pulses are timed with (tests give a virtual one)
        self._clock: Callable[[], float] = time.perf_counter
        self._fastest_write_s = math.inf
        self._dout: Any = None
        self._sck: Any = None
        self._factory: Any = None
        self.driver: Any = None
        self._opened = False
        self._process: ReaderProcess | None = None  # the acquisition process, while started
        #: what the child's ``child_setup`` object reported when the process ended
        self.child_report: dict[str, Any] | None = None
        #: what the kernel granted the acquisition process (None: none has run yet)
        self.acquisition_priority: Priority | None = None

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
        self._opened_with_calibration()

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
        # Our own power reset too, whatever the driver's lasted: a chip that took the
        # driver's pulse for a clock pulse would otherwise start one pulse out of step
        # (and on the wrong channel). 40 ms is past the 60 us bound on any setup, and past
        # the relaxed bound of the test emulator's chip.
        sck.state = True
        time.sleep(POWER_RESET_S)
        sck.state = False
        self._power_reset_done()

    def _release_pins(self) -> None:
        """Hand the pins to the acquisition process, PD_SCK still driven low.

        gpiozero's ``close()`` would turn PD_SCK into an input with no pull, floating
        until the process claims it; :func:`hand_over_pin` frees it as it is (and DOUT,
        once its edge callback is off).
        """
        with self._io:
            self._dout.when_changed = None
            self._dout.close()
            hand_over_pin(self._factory, self._dout)
            hand_over_pin(self._factory, self._sck)
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

    # -- zero ----------------------------------------------------------------------------
    def tare(self) -> None:
        """Make the present load read zero (in the acquisition process, if one reads)."""
        if self._process is not None:
            self._process.tare()
            return
        super().tare()
        zero = self.zero_counts
        if self.driver is not None and zero is not None:
            if self.channel == "B":
                self.driver.tare_value_b = round(zero)
            else:
                self.driver.tare_value_a = round(zero)

    def describe(self) -> dict[str, Any]:
        version = adafruit_version()
        return (
            super().describe()
            | {
                "data_pin": self.data_pin,
                "clock_pin": self.clock_pin,
                "driver": f"adafruit-circuitpython-hx711 {version}" if version else "built-in",
                "acquisition": self.acquisition,
            }
            | (
                {"acquisition_priority": self.acquisition_priority.describe()}
                if self.acquisition_priority is not None
                else {}
            )
        )

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

    # -- the bit reader ----------------------------------------------------------------------
    def _check_readable(self) -> None:
        if self._process is not None:
            raise SensorError(
                "the load cell is being read by its acquisition process; take samples from "
                "start(), or stop() it first"
            )
        if not self.is_open or self._sck is None:
            raise SensorError("the load cell is not open; start the session again")

    def _wiring(self) -> str:
        return f"DT {_pin_text(self.data_pin)}, SCK {_pin_text(self.clock_pin)}"

    def _dout_low(self) -> bool:
        return not self._dout.state

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
        clock = self._clock
        fastest = self._fastest_write_s
        value = 0
        worst = 0.0
        # Every data bit that is a 0 is a falling edge on DOUT: with the callback armed,
        # each would wake the pin library's callback thread mid-read.
        dout.when_changed = None
        try:
            for bit in range(self._pulses):
                rise, high = clock_pulse(sck, clock, fastest)
                if rise < fastest:
                    fastest = rise
                if high > worst:
                    worst = high
                if bit < 24:
                    # DOUT holds its bit from one rising edge to the next: read it low.
                    value = (value << 1) | dout.state
        finally:
            dout.when_changed = self._on_data_ready
        self._fastest_write_s = fastest
        return value, worst

"""Where the HX711 driver's parts come from: gpiozero's pin factory and the driver class.

adafruit-circuitpython-hx711 (the ``pi`` extra) supplies the ``HX711`` class, its
channel/gain constants and tare values when it is installed, but its own read cannot
work on Linux (CircuitPython-only calls, ~70 us clock pulses that power the chip down,
one conversion discarded per read, a busy wait with no timeout, and a sign conversion
that turns negative readings into huge positive ones); see ``hardware/README.md``.
Without the package the same constants come from here.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from trainer.sensors.base import SensorError

if TYPE_CHECKING:
    from trainer.sensors.hx711.reader import HX711Sensor


class _Constants:
    """The channel/gain pulse counts and tare values, as adafruit_hx711.HX711 has them.

    Used when the package is not installed (simulation, CI); the values are the
    datasheet's and the package's.
    """

    CHAN_A_GAIN_128 = 25
    CHAN_A_GAIN_64 = 27
    CHAN_B_GAIN_32 = 26

    def __init__(self, data_pin: Any, clock_pin: Any) -> None:
        self._data_pin = data_pin
        self._clock_pin = clock_pin
        self.tare_value_a = 0
        self.tare_value_b = 0
        self._initialize()

    def _initialize(self) -> None:
        """A power reset: clock high for 1 ms, then low (the chip wakes at A/128)."""
        self.power_down(True)
        time.sleep(0.001)
        self.power_down(False)

    def power_down(self, down: bool) -> None:
        self._clock_pin.value = down


def adafruit_version() -> str | None:
    """The installed adafruit-circuitpython-hx711 version, or None if it cannot be used."""
    base = _adafruit_base()
    if base is None:
        return None
    import adafruit_hx711.hx711 as module

    return str(getattr(module, "__version__", "unknown"))


_adafruit: list[type | None] = []


def _adafruit_base() -> type | None:
    """adafruit_hx711's ``HX711`` class, imported on first use; None when unusable."""
    if not _adafruit:
        try:
            from adafruit_hx711.hx711 import HX711
        # Blinka raises more than ImportError on a machine it does not know (a laptop, CI):
        # any failure here only means "use our constants".
        except Exception:
            _adafruit.append(None)
        else:
            _adafruit.append(HX711)
    return _adafruit[0]


def driver_class() -> type:
    """``HX711`` from the package (or our constants) with a Linux-safe bit reader."""
    base: type = _adafruit_base() or _Constants

    class LinuxHX711(base):  # type: ignore[misc, valid-type]
        """The package's HX711 reading every conversion through :class:`HX711Sensor`."""

        sensor: HX711Sensor | None = None

        def _read_channel_raw(self, chan_gain: int) -> int:
            assert self.sensor is not None, "LinuxHX711 reads through an HX711Sensor"
            return self.sensor.read_raw()

        def read(self, chan_gain: int = 25) -> int:
            # One conversion per read: the package reads twice and throws one away.
            tare = self.tare_value_b if chan_gain == self.CHAN_B_GAIN_32 else self.tare_value_a
            return int(self._read_channel_raw(chan_gain)) - int(tare)

    return LinuxHX711


class _PinValue:
    """A digitalio-style ``.value`` over a gpiozero pin, for the package's driver."""

    def __init__(self, pin: Any) -> None:
        self._pin = pin

    @property
    def value(self) -> bool:
        return bool(self._pin.state)

    @value.setter
    def value(self, value: bool) -> None:
        self._pin.state = bool(value)


def _pin_factory() -> Any:
    """gpiozero's pin factory as configured (``GPIOZERO_PIN_FACTORY``, tests, or the default)."""
    try:
        from gpiozero import Device
    except ImportError:  # pragma: no cover - gpiozero is a core dependency
        raise SensorError(
            "gpiozero is not installed; run 'pip install gpiozero' in the trainer's environment"
        ) from None
    if Device.pin_factory is None:
        try:
            Device.ensure_pin_factory()
        except Exception as error:
            raise SensorError(
                f"cannot reach the GPIO pins ({error}); run on a Raspberry Pi with "
                "python3-lgpio installed and your user in the gpio group "
                "(hardware/setup-pi.sh does both)"
            ) from None
    return Device.pin_factory


def hand_over_pin(factory: Any, pin: Any) -> None:
    """Free a pin for another process, leaving an output driven as it is.

    gpiozero's ``pin.close()`` makes the pin an input with no pull and, with lgpio, keeps
    it claimed by this process (so the other could not claim it), and a clock line would
    float meanwhile. With lgpio the line is freed as it stands (the kernel leaves an
    output driving its level); pin libraries without per-process claims (the mock,
    pigpio, RPi.GPIO) need nothing: the other process simply takes the pin over.
    """
    handle = getattr(factory, "_handle", None)
    number = getattr(pin, "_number", None)
    if handle is None or number is None or type(factory).__name__ != "LGPIOFactory":
        return
    import lgpio

    lgpio.gpio_free(handle, number)


def gpio_chip(factory: Any) -> str | None:
    """The gpiochip a pin factory opened ("gpiochip0"), where it has one."""
    chip = getattr(factory, "chip", None)
    if chip is None:
        chip = getattr(factory, "_chip", None)
    return f"gpiochip{chip}" if isinstance(chip, int) else None

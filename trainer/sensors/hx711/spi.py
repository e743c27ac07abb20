"""The HX711 clocked by the SPI peripheral (``hx711-spi``): pulse timing set by hardware.

PD_SCK is wired to SPI0 MOSI (GPIO10, pin 19) and DOUT to SPI0 MISO (GPIO9, pin 21);
the kernel's spidev (``dtparam=spi=on``) moves the bits. Each PD_SCK pulse is the bit
pair 1,0 on MOSI, so at 1 MHz the clock is high for 1 us whatever Python or the
scheduler does: the 60 us power-down bound cannot be reached by a slow or busy Pi.
This is the encoding of robert-hh/hx711 (``hx711_spi.py``) and dudapickler/hx711_SPI:

* 24 data pulses are six bytes of 0xAA (``10101010``); 1-3 more pulses, which choose
  the next conversion's channel and gain, are 0x80, 0xA0 or 0xA8;
* every byte ends with MOSI low, so a pause the driver makes between bytes (the clock
  stops, MOSI holds its last bit) never holds PD_SCK high;
* DOUT changes on PD_SCK's rising edge and SPI mode 0 samples MISO in the middle of
  each bit slot: the MISO bits of the slots where MOSI is high are the data bits;
* readiness is read without clocking: a zero byte keeps PD_SCK low and samples DOUT on
  MISO; it is polled at an eighth of the conversion period (one short ioctl each);
* a power reset at open is a burst of 0xFF (128 us high at 1 MHz): the chip powers
  down and wakes at A/128 when MOSI returns low.

MOSI's level between transfers is not defined by the SPI controller, so it cannot be
trusted to hold PD_SCK high: by default ``close()`` leaves the chip converting (about
1.5 mA) and the next open resets it again. Asked to (``power_down_between_sessions``,
the config's ``[sensor] power_down_between_sessions = true``), ``close()`` takes GPIO10
from SPI as a plain output held high through gpiozero's pin factory (the chip powers
down after 60 us) and keeps it while this program runs; the next ``open()`` releases
the line and gives the pin back to SPI with Raspberry Pi OS's ``pinctrl set 10 a0``
(the kernel does not: a freed line stays a GPIO, and spidev's open does not re-mux it),
and the chip wakes as MOSI idles low, reset to A/128. Without ``pinctrl`` the pin is
not taken, so SPI keeps working, and the reason is in :attr:`HX711SpiSensor.power_down`.

``spidev`` is the ``pi`` extra's (Debian: python3-spidev) and is imported when the
sensor opens; tests put a fake ``spidev`` module in ``sys.modules``.

Example::

    with HX711SpiSensor(rate_hz=80, calibration=calibration) as sensor:
        print(sensor.read().force_n)
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from typing import Any, ClassVar, Unpack

from trainer.sensors.base import SensorError
from trainer.sensors.hx711.protocol import HX711Reader, HX711Settings

#: the SPI clock: one MOSI bit per microsecond, so a PD_SCK pulse is high for 1 us
DEFAULT_SPEED_HZ = 1_000_000
#: the 24 data pulses: 1,0 pairs
DATA_BYTES = [0xAA] * 6
#: the byte holding the 25th-27th pulses, by how many there are
GAIN_BYTE = {1: 0x80, 2: 0xA0, 3: 0xA8}
#: MOSI bits (MSB first) that are the high half of a pulse in 0xAA / the gain byte
PULSE_BITS = (7, 5, 3, 1)
#: a power reset: MOSI high for 16 bytes (128 us at 1 MHz), well past the 60 us bound
RESET_BYTES = [0xFF] * 16
#: SPI bus -> the GPIO of its MOSI and the pinctrl function that gives it to SPI
MOSI_PINS = {0: (10, "a0")}

log = logging.getLogger(__name__)

#: SPI bus -> the gpiozero output holding its MOSI (PD_SCK) high between sessions
_held_clocks: dict[int, Any] = {}
_held_lock = threading.Lock()


def pinctrl_path() -> str | None:
    """Raspberry Pi OS's ``pinctrl`` tool (package raspi-utils), or None."""
    return shutil.which("pinctrl")


def hold_clock_high(bus: int) -> str:
    """Take ``bus``'s MOSI from SPI as a GPIO output held high: the HX711 powers down.

    Returns what happened, in words; never raises (not held: the chip keeps converting,
    and that is logged).
    """
    gpio, _ = MOSI_PINS[bus]
    if pinctrl_path() is None:
        # Without pinctrl the next session could not give the pin back to SPI.
        return _not_held(
            f"GPIO{gpio} could not be given back to SPI without the pinctrl tool "
            "(apt install raspi-utils)"
        )
    try:
        from gpiozero import DigitalOutputDevice

        from trainer.sensors.hx711.factory import _pin_factory

        clock = DigitalOutputDevice(gpio, initial_value=True, pin_factory=_pin_factory())
    except Exception as error:  # the pin library's own errors: pin busy, no GPIO access
        return _not_held(f"GPIO{gpio} could not be taken as an output ({error})")
    with _held_lock:
        previous = _held_clocks.pop(bus, None)
        _held_clocks[bus] = clock
    if previous is not None:
        previous.close()
    return f"PD_SCK held high on GPIO{gpio}: the HX711 is powered down until the next session"


def _not_held(why: str) -> str:
    """Say (and log) why the chip keeps converting between sessions."""
    words = f"not held: {why}"
    log.warning("the HX711 is not powered down: %s", words)
    return words


def release_held_clocks() -> None:
    """Free every MOSI held high, as gpiozero does when the program ends (no re-mux)."""
    with _held_lock:
        clocks = list(_held_clocks.values())
        _held_clocks.clear()
    for clock in clocks:
        clock.close()


def give_back_to_spi(bus: int) -> None:
    """Release a held MOSI and give the pin back to SPI (``pinctrl set N a0``).

    Raises :class:`SensorError` when the pin cannot be given back (SPI could not clock
    the chip).
    """
    gpio, function = MOSI_PINS[bus]
    with _held_lock:
        clock = _held_clocks.pop(bus, None)
    if clock is not None:
        # First the line is freed (gpiozero leaves it an input): freeing it after the
        # re-mux would turn the pin back into a GPIO.
        clock.close()
    tool = pinctrl_path()
    if tool is None:
        if clock is None:
            return  # nothing of ours to undo
        raise SensorError(
            f"GPIO{gpio} cannot be given back to SPI without the pinctrl tool; install it "
            "(sudo apt install raspi-utils) or set power_down_between_sessions = false"
        )
    try:
        subprocess.run(
            [tool, "set", str(gpio), function], check=True, capture_output=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SensorError(
            f"cannot give GPIO{gpio} back to SPI ('pinctrl set {gpio} {function}' failed: "
            f"{error}); run it yourself, or set power_down_between_sessions = false"
        ) from None


def decode(reply: list[int]) -> int:
    """The 24-bit code in the MISO bytes of the six data bytes (bits where MOSI was high)."""
    value = 0
    for byte in reply[:6]:
        for bit in PULSE_BITS:
            value = (value << 1) | ((byte >> bit) & 1)
    return value


def open_spidev(bus: int, device: int, speed_hz: int) -> Any:
    """``spidev.SpiDev`` opened on ``/dev/spidev{bus}.{device}`` in mode 0, or a SensorError."""
    try:
        import spidev
    except ImportError:
        raise SensorError(
            "the spidev package is not installed; run hardware/setup-pi.sh, or "
            "'pip install \"pressure-trainer[pi]\"' (Debian: apt install python3-spidev)"
        ) from None
    spi = spidev.SpiDev()
    path = f"/dev/spidev{bus}.{device}"
    try:
        spi.open(bus, device)
    except FileNotFoundError:
        raise SensorError(
            f"there is no SPI device {path}; enable SPI (dtparam=spi=on in "
            "/boot/firmware/config.txt, or run hardware/setup-pi.sh) and reboot"
        ) from None
    except PermissionError:
        raise SensorError(
            f"no permission to use {path}; add your user to the spi group "
            "('sudo adduser $USER spi', hardware/setup-pi.sh does it) and log in again"
        ) from None
    except OSError as error:
        raise SensorError(f"cannot open {path} ({error.strerror or error})") from None
    try:
        spi.max_speed_hz = speed_hz
        spi.mode = 0
        spi.bits_per_word = 8
    except OSError as error:
        spi.close()
        raise SensorError(f"cannot set up {path} ({error.strerror or error})") from None
    return spi


class HX711SpiSensor(HX711Reader):
    """An HX711 clocked by SPI0: PD_SCK on MOSI (GPIO10), DOUT on MISO (GPIO9).

    The same protocol, judging and calibration as :class:`HX711Sensor`; the clock
    pulses are made by the SPI peripheral, so they are never too long.

    Example::

        with HX711SpiSensor(bus=0, device=0, rate_hz=80) as sensor:
            counts = sensor.read_raw(timeout=0.5)
    """

    backend: ClassVar[str] = "hx711-spi"

    def __init__(
        self,
        rate_hz: float = 80,
        *,
        bus: int = 0,
        device: int = 0,
        speed_hz: int = DEFAULT_SPEED_HZ,
        power_down_between_sessions: bool = False,
        **settings: Unpack[HX711Settings],
    ) -> None:
        # SPI makes every pulse 1 us long: the clock-high guard keeps its default bound.
        super().__init__(rate_hz, **settings)
        if not 100_000 <= speed_hz <= 8_000_000:
            raise ValueError(f"the SPI clock is 0.1-8 MHz for the HX711, not {speed_hz} Hz")
        if power_down_between_sessions and bus not in MOSI_PINS:
            raise ValueError(
                f"power-down between sessions needs SPI bus 0 (PD_SCK on GPIO10), not bus {bus}"
            )
        self.power_down_between_sessions = power_down_between_sessions
        #: what the last close() did about powering the chip down, in words
        self.power_down = "off" if not power_down_between_sessions else "not closed yet"
        self.bus = bus
        self.device = device
        self.speed_hz = speed_hz
        self.poll_s = 1.0 / (8 * rate_hz)
        self._spi: Any = None
        self._frame = [*DATA_BYTES, GAIN_BYTE[self._pulses - 24]]
        self._last_line_low = False

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._spi is not None

    def open(self) -> None:
        """Open the SPI device and power-reset the chip (it wakes at A/128).

        With power-down between sessions, MOSI goes back to SPI first: the chip wakes.
        """
        if self.is_open:
            return
        if self.power_down_between_sessions:
            give_back_to_spi(self.bus)
        spi = open_spidev(self.bus, self.device, self.speed_hz)
        self._spi = spi
        try:
            self._transfer(RESET_BYTES)
        except SensorError:
            self._spi = None
            spi.close()
            raise
        self._power_reset_done()
        self._opened_with_calibration()

    def close(self) -> None:
        """Stop acquiring and close the SPI device.

        The chip keeps converting, unless power-down between sessions was asked for:
        then MOSI is held high until the next open (:attr:`power_down` says how it went).
        """
        super().close()
        with self._io:
            spi, self._spi = self._spi, None
            if spi is not None:
                spi.close()
                if self.power_down_between_sessions:
                    self.power_down = hold_clock_high(self.bus)

    def describe(self) -> dict[str, Any]:
        return super().describe() | {
            "spi": f"/dev/spidev{self.bus}.{self.device}",
            "spi_clock_hz": self.speed_hz,
            "power_down_between_sessions": self.power_down,
        }

    # -- the protocol over SPI ---------------------------------------------------------
    def _transfer(self, data: list[int]) -> list[int]:
        try:
            reply: list[int] = self._spi.xfer2(list(data))
        except OSError as error:
            self.stats.bus_errors += 1
            raise self._disconnected(
                f"the transfer on /dev/spidev{self.bus}.{self.device} failed "
                f"({error.strerror or error})"
            ) from None
        return reply

    def _wiring(self) -> str:
        return "PD_SCK on MOSI GPIO10, DOUT on MISO GPIO9"

    def _dout_low(self) -> bool:
        return self._last_line_low

    def _wait_ready(self, deadline: float) -> bool:
        """Poll DOUT with a zero byte (no clock pulse) until it is low or ``deadline``."""
        while True:
            if not self._transfer([0x00])[0] & 0x01:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(remaining, self.poll_s))

    def _shift_in(self) -> tuple[int, float]:
        reply = self._transfer(self._frame)
        # After the 25th pulse a live chip holds DOUT high: the last MISO bit shows it.
        self._last_line_low = not reply[-1] & 0x01
        return decode(reply), 1.0 / self.speed_hz

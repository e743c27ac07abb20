"""What is wired to this Pi, and how fast its own GPIO writes are: ``trainer doctor``'s eyes.

:func:`detect_wiring` looks for each way a load cell can be read: an SPI device
(``/dev/spidev*``, for ``hx711-spi``), a NAU7802 answering at 0x2A on an I2C bus
(``/dev/i2c-*``, for ``nau7802``), the kernel's IIO hx711 device (``hx711-iio``) and the
GPIO chips (``hx711-gpio``). :func:`time_pin_writes` times writes through the pin
factory in use, as the GPIO reader makes them, and says whether bit-banging keeps
the HX711's 60 us bound on this Pi. :func:`recommend` turns both into one backend.

Example::

    wired = detect_wiring()
    timing = time_pin_writes(Device.pin_factory, 6)
    print(recommend(wired, timing))
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.sensors.hx711.iio import IIO_ROOT, find_iio_device
from trainer.sensors.hx711.protocol import POWER_DOWN_AFTER_S, SAFE_CLOCK_HIGH_S
from trainer.sensors.hx711.reader import clock_pulse

DEV_ROOT = Path("/dev")
NAU7802_ADDRESS = 0x2A
#: clock pulses per HX711 read (24 data + up to 3 gain pulses)
PULSES_PER_READ = 27


@dataclass
class Wiring:
    """What :func:`detect_wiring` found."""

    spi_devices: list[str] = field(default_factory=list)  # "/dev/spidev0.0"
    i2c_buses: list[str] = field(default_factory=list)  # "/dev/i2c-1"
    nau7802_buses: list[int] = field(default_factory=list)  # buses where 0x2A answers
    iio_device: str | None = None
    gpio_chips: list[str] = field(default_factory=list)  # "gpiochip0"
    i2c_note: str = ""  # why the I2C buses could not be searched, if so


def detect_wiring(dev: Path | None = None, iio_root: Path | None = None) -> Wiring:
    """Look for SPI devices, a NAU7802 on I2C, the IIO hx711 device and the GPIO chips."""
    dev = dev or DEV_ROOT
    found = Wiring(
        spi_devices=sorted(str(p) for p in dev.glob("spidev*")),
        i2c_buses=sorted((str(p) for p in dev.glob("i2c-*")), key=_bus_number),
        gpio_chips=sorted(p.name for p in dev.glob("gpiochip*")),
    )
    device = find_iio_device(iio_root or IIO_ROOT)
    found.iio_device = str(device) if device else None
    if found.i2c_buses:
        try:
            import smbus2
        except ImportError:
            found.i2c_note = "smbus2 is not installed, so I2C was not searched"
        else:
            for path in found.i2c_buses:
                number = _bus_number(path)
                try:
                    bus = smbus2.SMBus(number)
                except OSError:
                    continue
                try:
                    bus.read_byte_data(NAU7802_ADDRESS, 0x1F)  # REV_ID
                except OSError:
                    pass  # nothing acknowledges 0x2A on this bus
                else:
                    found.nau7802_buses.append(number)
                finally:
                    bus.close()
    return found


def _bus_number(path: str) -> int:
    tail = path.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


@dataclass(frozen=True)
class PinTiming:
    """Pin writes timed through the pin factory, in seconds."""

    write_p50_s: float
    write_p99_s: float
    pulse_p50_s: float  # how long the clock is high in one pulse, as the reader times it
    pulse_p99_s: float
    over_bound: float  # share of pulses over the reader's 50 us bound

    @property
    def reads_lost(self) -> float:
        """The share of HX711 reads the timing guard would discard here."""
        return 1.0 - (1.0 - self.over_bound) ** PULSES_PER_READ

    @property
    def holds(self) -> bool:
        """True if bit-banging keeps its pulses within the bound here (99 % of them).

        A rare long pulse is a preemption, which the reader's guard catches at the cost of
        that one read; pulses that are long as a rule mean this Pi is too slow.
        """
        return self.pulse_p99_s <= SAFE_CLOCK_HIGH_S

    def summary(self) -> str:
        return (
            f"a pin write takes {_us(self.write_p50_s)} (p99 {_us(self.write_p99_s)}), "
            f"a clock pulse is high {_us(self.pulse_p50_s)} (p99 {_us(self.pulse_p99_s)}); "
            f"the chip powers down past {_us(POWER_DOWN_AFTER_S)}, so about "
            f"{100 * self.reads_lost:.0f} % of reads would be discarded"
        )


def _us(seconds: float) -> str:
    return f"{1e6 * seconds:.0f} us" if seconds >= 1e-6 else f"{1e6 * seconds:.1f} us"


def time_pin_writes(
    factory: Any,
    pin: int | str,
    *,
    pulses: int = 500,
    clock: Callable[[], float] = time.perf_counter,
) -> PinTiming:
    """Time ``pulses`` single writes and clock pulses on ``pin`` (left low, then freed).

    The pin should be the HX711's clock: a few hundred short pulses leave the chip
    converting (it is power-reset when the reader opens it).
    """
    sck = factory.pin(pin)
    try:
        sck.function = "output"
        sck.state = False
        writes: list[float] = []
        highs: list[float] = []
        fastest = math.inf
        for _ in range(pulses):
            # Timed as the reader times its pulses.
            rise, high = clock_pulse(sck, clock, fastest)
            fastest = min(fastest, rise)
            writes.append(rise)
            highs.append(high)
    finally:
        sck.close()
    return PinTiming(
        write_p50_s=statistics.median(writes),
        write_p99_s=_percentile(writes, 0.99),
        pulse_p50_s=statistics.median(highs),
        pulse_p99_s=_percentile(highs, 0.99),
        over_bound=sum(high > SAFE_CLOCK_HIGH_S for high in highs) / len(highs),
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def recommend(wired: Wiring, timing: PinTiming | None) -> tuple[str, str]:
    """The backend to use here and why, from what is wired and how fast pins are."""
    if wired.nau7802_buses:
        return "nau7802", f"a NAU7802 answers on /dev/i2c-{wired.nau7802_buses[0]}"
    if wired.iio_device:
        return "hx711-iio", "the kernel's hx711 driver is loaded: it keeps the timing"
    if timing is not None and timing.holds:
        return "hx711-gpio", "this Pi's pin writes are fast enough for bit-banging"
    why = (
        "bit-banging would lose reads here"
        if timing is not None
        else "its clock pulses are made by hardware"
    )
    if wired.spi_devices:
        return "hx711-spi", f"{why}; SPI is enabled ({wired.spi_devices[0]})"
    return "hx711-spi", f"{why}; enable SPI (dtparam=spi=on) and wire the HX711 to it"

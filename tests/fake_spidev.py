"""A fake ``spidev`` module: each SPI transfer drives PD_SCK of an emulated HX711.

:class:`FakeSpiDev` has the surface of ``spidev.SpiDev`` the ``hx711-spi`` reader uses
(``open``, ``max_speed_hz``, ``mode``, ``bits_per_word``, ``xfer2``, ``close``). A
transfer is played bit by bit at the SPI clock: MOSI (wired to PD_SCK) changes level at
the start of each bit slot, with the slot's time, so a run of 1 bits is one long clock
pulse; MISO (wired to DOUT) is sampled in the middle of each slot, as SPI mode 0 does.
The chip is the same :class:`~hx711_emulator.HX711Chip` the GPIO emulator uses.

GPIO10 (MOSI, wired to PD_SCK) is modelled as a Pi's pin mux has it
(:attr:`SpiBus.mosi_function`): "a0" (SPI0 MOSI, as ``dtparam=spi=on`` leaves it), "gpio"
once a pin library claims it as an output (the BCM2835's pinctrl lets it, and then the
pin's level drives PD_SCK, not the SPI transfers), "input" when the library frees it
(gpiozero makes it an input first: PD_SCK floats, taken as low). Only ``pinctrl set 10
a0`` gives it back to SPI: :func:`install_fake_pinctrl` puts a ``pinctrl`` on PATH whose
calls the bus reads.

Example::

    chip = HX711Chip(rate_hz=80).start()
    monkeypatch.setitem(sys.modules, "spidev", fake_spidev_module(chip))
    with HX711SpiSensor(rate_hz=80) as sensor:
        sensor.read_raw(timeout=0.5)
"""

from __future__ import annotations

import os
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

from hx711_emulator import HX711Chip, _QuietPin

#: MOSI of SPI0, the GPIO PD_SCK is wired to
MOSI_GPIO = 10


class SpiBus:
    """What is on the Pi's SPI: the chip on /dev/spidev0.0, and faults to inject."""

    def __init__(self, chip: HX711Chip | None, *, bus: int = 0, device: int = 0) -> None:
        self.chip = chip
        self.devices = {(bus, device)}
        self.failing = False  # every transfer raises OSError (the device went away)
        self.permission = True
        self.transfers = 0
        self.lock = threading.Lock()
        #: what drives GPIO10: "a0" (SPI's MOSI), "gpio" (an output) or "input" (floating)
        self.mosi_function = "a0"
        #: every pinctrl command run so far (from :func:`install_fake_pinctrl`'s log)
        self.pinctrl_calls: list[str] = []
        self.pinctrl_log: Path | None = None
        self._log_read = 0

    def wire_mosi(self, factory: Any) -> MosiPin:
        """Put GPIO10 on a MockFactory, so a pin library can take it from SPI."""
        pin = factory.pin(MOSI_GPIO, pin_class=MosiPin)
        assert isinstance(pin, MosiPin), "GPIO10 already made: use a fresh MockFactory"
        pin.bus = self
        return pin

    def mosi_taken(self, function: str, level: bool) -> None:
        """A pin library changed GPIO10's function: it no longer follows SPI."""
        self.sync_pinctrl()  # a pinctrl run before this change came first
        self.mosi_function = "gpio" if function == "output" else "input"
        self._drive_clock(level if function == "output" else False)

    def mosi_written(self, level: bool) -> None:
        if self.mosi_function == "gpio":
            self._drive_clock(level)

    def _drive_clock(self, level: bool) -> None:
        if self.chip is not None:
            self.chip.on_clock(level)

    def sync_pinctrl(self) -> None:
        """Apply the pinctrl commands run since the last look ("set 10 a0": back to SPI)."""
        log = self.pinctrl_log
        if log is None or not log.exists() or log.stat().st_size == self._log_read:
            return
        with log.open() as file:
            file.seek(self._log_read)
            lines = file.read().splitlines()
            self._log_read = file.tell()
        for line in lines:
            self.pinctrl_calls.append(line)
            if line.split() == ["set", str(MOSI_GPIO), "a0"]:
                self.mosi_function = "a0"
                self._drive_clock(False)  # MOSI idles low between transfers


class MosiPin(_QuietPin):
    """GPIO10 on a MockFactory: a pin library taking it as an output drives PD_SCK."""

    bus: SpiBus | None = None

    def _set_function(self, value: str) -> None:
        super()._set_function(value)
        if self.bus is not None:
            self.bus.mosi_taken(value, bool(self._state))

    def _set_state(self, value: Any) -> None:
        super()._set_state(value)
        if self.bus is not None:
            self.bus.mosi_written(bool(value))


def install_fake_pinctrl(folder: Path, bus: SpiBus) -> Path:
    """A ``pinctrl`` in ``folder`` that logs its arguments for ``bus``; put it on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "pinctrl.log"
    tool = folder / "pinctrl"
    tool.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"with open({str(log)!r}, 'a') as log:\n"
        "    log.write(' '.join(sys.argv[1:]) + '\\n')\n"
    )
    tool.chmod(0o755)
    bus.pinctrl_log = log
    return tool


def path_with(folder: Path) -> str:
    """PATH with ``folder`` first."""
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


class FakeSpiDev:
    """``spidev.SpiDev`` on a :class:`SpiBus`."""

    bus_under_test: SpiBus | None = None

    def __init__(self) -> None:
        self.max_speed_hz = 500_000
        self.mode = 0
        self.bits_per_word = 8
        self._open: tuple[int, int] | None = None
        self._bus = type(self).bus_under_test

    def open(self, bus: int, device: int) -> None:
        spi = self._bus
        if spi is None or (bus, device) not in spi.devices:
            raise FileNotFoundError(2, "No such file or directory")
        if not spi.permission:
            raise PermissionError(13, "Permission denied")
        self._open = (bus, device)

    def close(self) -> None:
        self._open = None

    def xfer2(self, data: list[int]) -> list[int]:
        spi = self._bus
        if self._open is None or spi is None:
            raise OSError(9, "Bad file descriptor")
        if spi.failing:
            raise OSError(5, "Input/output error")
        if self.mode != 0:
            raise AssertionError("the HX711 reader must use SPI mode 0")
        with spi.lock:
            spi.transfers += 1
            spi.sync_pinctrl()
            # A MOSI that is not SPI's does not reach PD_SCK; MISO still reads DOUT.
            chip = spi.chip if spi.mosi_function == "a0" else None
            dout = spi.chip
            slot = 1.0 / self.max_speed_hz
            start = time.perf_counter()
            level = False  # MOSI idles low between transfers
            reply = []
            for index, byte in enumerate(data):
                answer = 0
                for bit in range(7, -1, -1):
                    t = start + (8 * index + 7 - bit) * slot
                    mosi = bool(byte >> bit & 1)
                    if mosi != level and chip is not None:
                        chip.on_clock(mosi, t)
                    level = mosi
                    miso = dout.line_level if dout is not None else False
                    answer = answer << 1 | int(miso)
                reply.append(answer)
            if level and chip is not None:
                chip.on_clock(False, start + 8 * len(data) * slot)
            return reply


def fake_spidev_module(chip: HX711Chip | None, **where: Any) -> types.ModuleType:
    """A module to put in ``sys.modules["spidev"]``; its ``bus`` attribute is the SpiBus."""
    if chip is not None:
        chip.line_pull_up = False  # GPIO9 (MISO) is pulled down at power-up on a Pi
    spi = SpiBus(chip, **where)

    class SpiDev(FakeSpiDev):
        bus_under_test = spi

    module = types.ModuleType("spidev")
    module.SpiDev = SpiDev  # type: ignore[attr-defined]
    module.bus = spi  # type: ignore[attr-defined]
    return module

"""A fake ``spidev`` module: each SPI transfer drives PD_SCK of an emulated HX711.

:class:`FakeSpiDev` has the surface of ``spidev.SpiDev`` the ``hx711-spi`` reader uses
(``open``, ``max_speed_hz``, ``mode``, ``bits_per_word``, ``xfer2``, ``close``). A
transfer is played bit by bit at the SPI clock: MOSI (wired to PD_SCK) changes level at
the start of each bit slot, with the slot's time, so a run of 1 bits is one long clock
pulse; MISO (wired to DOUT) is sampled in the middle of each slot, as SPI mode 0 does.
The chip is the same :class:`~hx711_emulator.HX711Chip` the GPIO emulator uses.

Example::

    chip = HX711Chip(rate_hz=80).start()
    monkeypatch.setitem(sys.modules, "spidev", fake_spidev_module(chip))
    with HX711SpiSensor(rate_hz=80) as sensor:
        sensor.read_raw(timeout=0.5)
"""

from __future__ import annotations

import threading
import time
import types
from typing import Any

from hx711_emulator import HX711Chip


class SpiBus:
    """What is on the Pi's SPI: the chip on /dev/spidev0.0, and faults to inject."""

    def __init__(self, chip: HX711Chip | None, *, bus: int = 0, device: int = 0) -> None:
        self.chip = chip
        self.devices = {(bus, device)}
        self.failing = False  # every transfer raises OSError (the device went away)
        self.permission = True
        self.transfers = 0
        self.lock = threading.Lock()


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
            chip = spi.chip
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
                    miso = chip.line_level if chip is not None else False
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

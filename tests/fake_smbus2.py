"""A fake ``smbus2`` module with a NAU7802 on it, for the ``nau7802`` backend's tests.

:class:`NAU7802Chip` keeps the register map the driver uses: PU_CTRL (register reset,
power-up of the digital and analog parts with PUR a little later, cycle start, CR set
when a conversion is ready and cleared by reading ADCO), CTRL1 (gain, LDO), CTRL2
(rate, calibration that clears CALS after a while and can set CAL_ERR), ADCO (24-bit
two's complement), the ADC and PGA_PWR registers and REV_ID. Conversions follow the
wall clock at the CRS rate once CS is set; force becomes counts through a linear model
with Gaussian noise, scaled by the gain.

Faults: a chip that stops answering (every transfer raises OSError, as a NACK does), a
bus error in the middle of a read, a calibration that fails, and a chip that comes back
with its registers reset (it lost power).

Example::

    chip = NAU7802Chip()
    monkeypatch.setitem(sys.modules, "smbus2", fake_smbus2_module(chip))
    with NAU7802Sensor(rate_hz=80) as sensor:
        sensor.read_raw(timeout=0.5)
"""

from __future__ import annotations

import errno
import random
import threading
import time
import types
from typing import Any

RATES = {0: 10, 1: 20, 2: 40, 3: 80, 7: 320}


class NAU7802Chip:
    """The chip's registers and conversions. Set :attr:`force_n` to press the pad."""

    def __init__(
        self,
        *,
        counts_per_n: float = 5000.0,
        zero_counts: float = 80_000.0,
        noise_counts: float = 40.0,
        power_up_s: float = 0.002,
        calibration_s: float = 0.02,
        seed: int = 0,
    ) -> None:
        self.counts_per_n = counts_per_n
        self.zero_counts = zero_counts
        self.noise_counts = noise_counts
        self.power_up_s = power_up_s
        self.calibration_s = calibration_s
        self.force_n = 0.0
        self.answering = True
        self.fail_calibration = False
        self.saturate: str | None = None
        self._bus_errors = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.read_out = 0  # conversions read out through ADCO
        self.overwritten = 0  # completed but replaced before anyone read them
        self._produced_before = 0  # conversions of earlier cycles
        self._cycle_from: float | None = None
        self._power_on_reset()

    # -- faults ------------------------------------------------------------------------
    def stop_answering(self) -> None:
        """The chip is gone (a pulled Qwiic cable): every transfer is NACKed."""
        self.answering = False

    def come_back(self) -> None:
        """The chip answers again, freshly powered: every register at its default."""
        with self._lock:
            self._power_on_reset()
        self.answering = True

    def inject_bus_errors(self, count: int = 1) -> None:
        """The next ``count`` ADCO block reads fail half-way (EIO)."""
        self._bus_errors += count

    # -- the model -----------------------------------------------------------------------
    @property
    def produced(self) -> int:
        """Conversions completed since the chip was made."""
        return self._produced_before + self._completed(time.monotonic())

    def _stop_cycle(self) -> None:
        self._produced_before += self._completed(time.monotonic())
        self._cycle_from = None

    def _start_cycle(self, now: float) -> None:
        self._stop_cycle()
        self._cycle_from = now
        self._seen = 0

    def _power_on_reset(self) -> None:
        self._stop_cycle()
        self.regs = dict.fromkeys(range(0x20), 0)
        self.regs[0x1F] = 0x0F  # REV_ID
        self._powered_at: float | None = None
        self._seen = 0  # conversions completed when ADCO was last read
        self._cal_until: float | None = None

    def expected_counts(self, force_n: float | None = None) -> float:
        force = self.force_n if force_n is None else force_n
        return self.zero_counts + force * self.counts_per_n

    @property
    def rate_hz(self) -> int:
        return RATES.get(self.regs[0x02] >> 4 & 0x07, 10)

    @property
    def gain(self) -> int:
        return 1 << (self.regs[0x01] & 0x07)

    def _completed(self, now: float) -> int:
        if self._cycle_from is None:
            return 0
        return int((now - self._cycle_from) * self.rate_hz)

    def _code(self) -> int:
        if self.saturate == "high":
            return 0x7FFFFF
        if self.saturate == "low":
            return 0x800000
        value = self.expected_counts() * self.gain / 128 + self._rng.gauss(0, self.noise_counts)
        return max(-0x800000, min(0x7FFFFF, round(value))) & 0xFFFFFF

    def _refresh(self, now: float) -> None:
        pu = self.regs[0x00]
        if self._powered_at is not None and now - self._powered_at >= self.power_up_s:
            pu |= 0x08  # PUR
        if self._cal_until is not None and now >= self._cal_until:
            self._cal_until = None
            self.regs[0x02] &= ~0x04  # CALS clears
            if self.fail_calibration:
                self.regs[0x02] |= 0x08  # CAL_ERR
        if self._completed(now) > self._seen:
            pu |= 0x20  # CR
        else:
            pu &= ~0x20
        self.regs[0x00] = pu

    def read(self, register: int, length: int) -> list[int]:
        with self._lock:
            now = time.monotonic()
            self._refresh(now)
            if register == 0x12 and length == 3:
                if self._bus_errors:
                    self._bus_errors -= 1
                    raise OSError(errno.EIO, "Input/output error")
                code = self._code()
                completed = self._completed(now)
                if completed > self._seen:
                    self.read_out += 1
                    self.overwritten += completed - self._seen - 1
                self._seen = completed
                self.regs[0x00] &= ~0x20
                return [code >> 16 & 0xFF, code >> 8 & 0xFF, code & 0xFF]
            return [self.regs[(register + i) & 0x1F] for i in range(length)]

    def write(self, register: int, value: int) -> None:
        with self._lock:
            now = time.monotonic()
            if register == 0x00:
                if value & 0x01:  # RR: every register to its default
                    self._power_on_reset()
                    self.regs[0x00] = 0x01
                    return
                if value & 0x02 and self._powered_at is None:
                    self._powered_at = now
                if not value & 0x02:
                    self._powered_at = None
                cycle = bool(value & 0x10) and value & 0x06 == 0x06
                if cycle and self._cycle_from is None:
                    self._start_cycle(now)
                elif not cycle and self._cycle_from is not None:
                    self._stop_cycle()
                keep = self.regs[0x00] & 0x28  # PUR and CR are the chip's
                self.regs[0x00] = (value & ~0x29) | keep
                if not value & 0x02:
                    self.regs[0x00] &= ~0x08
                return
            if register == 0x02:
                if value & 0x04:  # CALS: calibration starts
                    self._cal_until = now + self.calibration_s
                    value &= ~0x08
                if self._cycle_from is not None and (value ^ self.regs[0x02]) & 0x70:
                    self._start_cycle(now)  # a new rate restarts the conversions
            self.regs[register] = value & 0xFF


class I2CBus:
    """What is on the Pi's I2C bus: the chip at 0x2A, and which buses exist."""

    def __init__(self, chip: NAU7802Chip | None, *, bus: int = 1, address: int = 0x2A) -> None:
        self.chip = chip
        self.buses = {bus}
        self.address = address
        self.permission = True


class FakeSMBus:
    """``smbus2.SMBus`` on an :class:`I2CBus` (the calls the NAU7802 backend makes)."""

    on: I2CBus | None = None

    def __init__(self, bus: int | None = None) -> None:
        where = type(self).on
        if where is None or bus not in where.buses:
            raise FileNotFoundError(errno.ENOENT, f"No such file or directory: '/dev/i2c-{bus}'")
        if not where.permission:
            raise PermissionError(errno.EACCES, "Permission denied")
        self._where = where
        self.closed = False

    def _chip(self, address: int) -> NAU7802Chip:
        if self.closed:
            raise OSError(errno.EBADF, "Bad file descriptor")
        chip = self._where.chip
        if chip is None or address != self._where.address or not chip.answering:
            raise OSError(errno.EREMOTEIO, "Remote I/O error")
        return chip

    def read_byte(self, address: int) -> int:
        return self._chip(address).read(0x00, 1)[0]

    def read_byte_data(self, address: int, register: int) -> int:
        return self._chip(address).read(register, 1)[0]

    def write_byte_data(self, address: int, register: int, value: int) -> None:
        self._chip(address).write(register, value)

    def read_i2c_block_data(self, address: int, register: int, length: int) -> list[int]:
        return self._chip(address).read(register, length)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> FakeSMBus:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def fake_smbus2_module(chip: NAU7802Chip | None, **where: Any) -> types.ModuleType:
    """A module to put in ``sys.modules["smbus2"]``; its ``bus`` attribute is the I2CBus."""
    bus = I2CBus(chip, **where)

    class SMBus(FakeSMBus):
        on = bus

    module = types.ModuleType("smbus2")
    module.SMBus = SMBus  # type: ignore[attr-defined]
    module.bus = bus  # type: ignore[attr-defined]
    return module

"""The NAU7802 backend on a fake smbus2 bus with the chip's register map."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest
from fake_smbus2 import NAU7802Chip, fake_smbus2_module

from trainer.sensors import backend_class
from trainer.sensors.base import SampleFlag, SensorDisconnected, SensorError, SensorTimeout
from trainer.sensors.nau7802 import NAU7802Sensor

NOISE = 40.0


@pytest.fixture
def chip(monkeypatch: pytest.MonkeyPatch) -> Iterator[NAU7802Chip]:
    made = NAU7802Chip(noise_counts=NOISE)
    monkeypatch.setitem(sys.modules, "smbus2", fake_smbus2_module(made))
    yield made


def within_noise(counts: float, expected: float) -> bool:
    return abs(counts - expected) < 6 * NOISE


def test_the_backend_is_registered_as_nau7802() -> None:
    assert backend_class("nau7802") is NAU7802Sensor


def test_open_powers_up_sets_gain_and_rate_and_calibrates(chip: NAU7802Chip) -> None:
    with NAU7802Sensor(80, gain=64) as sensor:
        regs = chip.regs
        assert regs[0x00] & 0x08  # PUR: powered up
        assert regs[0x00] & 0x10 and regs[0x00] & 0x80  # cycle start, internal LDO
        assert regs[0x01] & 0x07 == 6  # gain 64
        assert regs[0x02] >> 4 & 0x07 == 3  # 80 SPS
        assert not regs[0x02] & 0x04  # calibration finished
        assert sensor.revision == 0x0F
        assert sensor.describe()["address"] == "0x2A"
    assert chip.regs[0x00] & 0x06 == 0  # closed: powered down


@pytest.mark.parametrize("rate_hz", [80, 320, 10])
def test_every_conversion_is_read_once_at_its_rate(chip: NAU7802Chip, rate_hz: int) -> None:
    chip.force_n = 7.0
    count = {10: 4, 80: 20, 320: 40}[rate_hz]
    with NAU7802Sensor(rate_hz) as sensor:
        sensor.read_raw(timeout=1.0)
        start = time.monotonic()
        values = [sensor.read_raw(timeout=1.0) for _ in range(count)]
        elapsed = time.monotonic() - start
    assert all(within_noise(v, chip.expected_counts()) for v in values)
    assert chip.read_out == count + 1  # each read a new conversion, none twice
    assert elapsed >= (count - 1) / rate_hz  # at the chip's rate, never faster


def test_the_gain_scales_the_counts(chip: NAU7802Chip) -> None:
    chip.force_n = 10.0
    with NAU7802Sensor(80, gain=32) as sensor:
        value = sensor.read_raw(timeout=1.0)
    assert within_noise(value, chip.expected_counts() / 4)


def test_negative_counts_and_saturation(chip: NAU7802Chip) -> None:
    chip.zero_counts = -60_000.0
    with NAU7802Sensor(80) as sensor:
        assert within_noise(sensor.read_raw(timeout=1.0), -60_000)
        chip.saturate = "high"
        counts, _, flags = sensor._conversion(1.0)
    assert counts == 0x7FFFFF and flags & SampleFlag.OVERLOAD


def test_waiting_for_cycle_ready_does_not_spin(chip: NAU7802Chip) -> None:
    with NAU7802Sensor(80) as sensor:
        sensor.read_raw(timeout=1.0)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(8):
            sensor.read_raw(timeout=1.0)
        cpu_used, elapsed = time.process_time() - cpu, time.perf_counter() - wall
    assert elapsed > 0.08
    assert cpu_used < 0.6 * elapsed


def test_a_bus_error_mid_read_costs_no_conversion(chip: NAU7802Chip) -> None:
    with NAU7802Sensor(80) as sensor:
        sensor.read_raw(timeout=1.0)
        read_out = chip.read_out
        chip.inject_bus_errors(1)
        values = [sensor.read_raw(timeout=1.0) for _ in range(3)]
        assert sensor.stats.bus_errors == 1
    # The failed read is retried while the conversion is still there (CR stays set).
    assert all(within_noise(v, chip.expected_counts()) for v in values)
    assert chip.read_out - read_out == 3


def test_a_chip_that_stops_answering_is_disconnected_within_a_second_then_resumes(
    chip: NAU7802Chip,
) -> None:
    chip.force_n = 3.0
    with NAU7802Sensor(80) as sensor:
        sensor.read_raw(timeout=1.0)
        chip.stop_answering()
        start = time.monotonic()
        with pytest.raises(SensorDisconnected, match=r"stopped answering.*Qwiic"):
            sensor.read_raw(timeout=2.0)
        assert time.monotonic() - start < 1.0
        # It comes back having lost power: every register at its default.
        chip.come_back()
        assert sensor.read_raw(timeout=1.0)
        assert chip.regs[0x00] & 0x10  # set up again: cycling
        assert sensor.stats.disconnects == 1
    assert within_noise(sensor._recent[-1], chip.expected_counts())


def test_a_short_timeout_is_a_timeout_not_a_disconnect(chip: NAU7802Chip) -> None:
    with NAU7802Sensor(10) as sensor:
        sensor.read_raw(timeout=1.0)
        with pytest.raises(SensorTimeout):
            sensor.read_raw(timeout=0.01)


def test_no_chip_at_the_address_says_what_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "smbus2", fake_smbus2_module(None))
    with pytest.raises(SensorError, match=r"no NAU7802 answers at 0x2A on /dev/i2c-1.*Qwiic"):
        NAU7802Sensor(80).open()


def test_a_failed_calibration_is_refused(chip: NAU7802Chip) -> None:
    chip.fail_calibration = True
    with pytest.raises(SensorError, match="internal calibration failed"):
        NAU7802Sensor(80).open()


def test_a_missing_i2c_bus_says_how_to_enable_it(chip: NAU7802Chip) -> None:
    with pytest.raises(SensorError, match=r"no I2C bus /dev/i2c-3.*i2c_arm=on"):
        NAU7802Sensor(80, bus=3).open()


def test_no_permission_names_the_group(chip: NAU7802Chip) -> None:
    sys.modules["smbus2"].bus.permission = False  # type: ignore[attr-defined]
    with pytest.raises(SensorError, match="i2c group"):
        NAU7802Sensor(80).open()


def test_without_smbus2_installed_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "smbus2", None)
    with pytest.raises(SensorError, match="python3-smbus2"):
        NAU7802Sensor(80).open()


def test_invalid_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="10, 20, 40, 80 or 320"):
        NAU7802Sensor(50)
    with pytest.raises(ValueError, match="gain"):
        NAU7802Sensor(80, gain=100)

"""The kernel's IIO hx711 driver (hx711-iio), on a fake sysfs tree."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_iio import FakeIIOHX711

from trainer.sensors import backend_class
from trainer.sensors.base import SensorDisconnected, SensorError
from trainer.sensors.hx711.iio import HX711IIOSensor, find_iio_device

NOISE = 40.0


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeIIOHX711]:
    with FakeIIOHX711(tmp_path / "iio", noise_counts=NOISE, dead_wait_s=0.3) as made:
        yield made


def within_noise(counts: float, expected: float) -> bool:
    return abs(counts - expected) < 6 * NOISE


def test_the_backend_is_registered_as_hx711_iio() -> None:
    assert backend_class("hx711-iio") is HX711IIOSensor


def test_the_device_is_found_by_its_name(fake: FakeIIOHX711, tmp_path: Path) -> None:
    assert find_iio_device(fake.root) == fake.device  # iio:device0 is another ADC
    assert find_iio_device(tmp_path / "nowhere") is None


def test_offset_binary_becomes_signed_counts(fake: FakeIIOHX711) -> None:
    fake.force_n = 4.0
    with HX711IIOSensor(80, root=fake.root) as sensor:
        positive = [sensor.read_raw(timeout=1.0) for _ in range(5)]
        fake.zero_counts = -70_000.0
        fake.force_n = 0.0
        sensor.read_raw(timeout=1.0)  # the conversion under way
        negative = sensor.read_raw(timeout=1.0)
    assert all(within_noise(v, 80_000 + 4 * 5000) for v in positive)
    assert within_noise(negative, -70_000)


def test_reads_follow_the_chip_s_conversions(fake: FakeIIOHX711) -> None:
    with HX711IIOSensor(80, root=fake.root) as sensor:
        sensor.read_raw(timeout=1.0)
        start = time.monotonic()
        for _ in range(16):
            sensor.read_raw(timeout=1.0)
        elapsed = time.monotonic() - start
    assert elapsed >= 15 / 80  # each read waits for the next conversion


def test_channel_a_gain_64_is_chosen_through_the_scale(fake: FakeIIOHX711) -> None:
    fake.force_n = 10.0
    with HX711IIOSensor(80, gain=64, root=fake.root) as sensor:
        value = sensor.read_raw(timeout=1.0)
    assert fake.gain == 64
    assert within_noise(value, fake.expected_counts() / 2)


def test_channel_b_reads_its_own_file(fake: FakeIIOHX711) -> None:
    with HX711IIOSensor(80, channel="B", gain=32, root=fake.root) as sensor:
        assert within_noise(sensor.read_raw(timeout=1.0), -12_345)
        assert sensor.raw_path.name == "in_voltage1_raw"


def test_without_the_driver_the_message_points_at_the_module_and_overlay(tmp_path: Path) -> None:
    with pytest.raises(SensorError, match=r"no IIO hx711 device.*overlay"):
        HX711IIOSensor(80, root=tmp_path).open()


def test_a_dead_chip_is_reported_within_a_second_and_reading_resumes(
    fake: FakeIIOHX711,
) -> None:
    fake.force_n = 2.0
    with HX711IIOSensor(80, root=fake.root) as sensor:
        sensor.read_raw(timeout=1.0)
        fake.alive = False
        start = time.monotonic()
        with pytest.raises(SensorDisconnected, match="resumes by itself"):
            for _ in range(3):  # the conversion finished before it died may still come
                sensor.read_raw(timeout=2.0)
        assert time.monotonic() - start < 1.0
        fake.alive = True
        deadline = time.monotonic() + 3.0
        while True:
            try:
                value = sensor.read_raw(timeout=1.0)
                break
            except SensorDisconnected:
                assert time.monotonic() < deadline
    assert within_noise(value, fake.expected_counts())

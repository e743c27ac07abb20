"""The SPI-clocked HX711 (hx711-spi) on a fake spidev driving the emulated chip."""

from __future__ import annotations

import queue
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_spidev import SpiBus, fake_spidev_module, install_fake_pinctrl
from gpiozero.pins.mock import MockFactory
from hx711_emulator import HX711Chip, HX711Emulator, fresh_mock_factory

from trainer.calibration import Calibration
from trainer.sensors import backend_class
from trainer.sensors.base import Sample, SensorDisconnected, SensorError, SensorTooSlow
from trainer.sensors.hx711 import HX711Sensor
from trainer.sensors.hx711.spi import HX711SpiSensor, decode, release_held_clocks

NOISE = 40.0


@pytest.fixture
def chip(monkeypatch: pytest.MonkeyPatch) -> Iterator[HX711Chip]:
    """The datasheet's chip (60 us power-down) on SPI0: the fake spidev is installed."""
    with HX711Chip(noise_counts=NOISE) as made:
        monkeypatch.setitem(sys.modules, "spidev", fake_spidev_module(made))
        yield made


def calibration(chip: HX711Chip) -> Calibration:
    return Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=NOISE / chip.counts_per_n,
    )


def within_noise(counts: float, expected: float) -> bool:
    return abs(counts - expected) < 6 * NOISE


def test_the_backend_is_registered_as_hx711_spi() -> None:
    assert backend_class("hx711-spi") is HX711SpiSensor


def test_the_data_bits_are_the_miso_bits_of_the_clock_high_slots() -> None:
    # MISO answers 1 in every slot: only the four high slots of each byte count.
    assert decode([0xFF] * 6 + [0xFF]) == 0xFFFFFF
    assert decode([0b10000000] + [0] * 5) == 0x800000
    assert decode([0b01010101] * 6) == 0  # the low slots carry nothing


@pytest.mark.parametrize("rate_hz", [80, 10])
def test_every_conversion_is_used_and_the_chip_never_powers_down(rate_hz: int) -> None:
    with HX711Chip(rate_hz=rate_hz, noise_counts=NOISE) as chip:
        sys.modules["spidev"] = fake_spidev_module(chip)
        try:
            chip.force_n = 12.0
            with HX711SpiSensor(rate_hz) as sensor:
                sensor.read_raw(timeout=1.0)
                shifted, power_downs = chip.stats.shifted, chip.stats.power_downs
                values = [sensor.read_raw(timeout=1.0) for _ in range(12 if rate_hz == 80 else 4)]
                assert chip.stats.shifted - shifted == len(values)
                assert sensor.stats.discarded == 0
                assert chip.stats.power_downs == power_downs  # 1 us pulses
                assert sensor.stats.worst_clock_high_s == pytest.approx(1e-6)
        finally:
            del sys.modules["spidev"]
    assert all(within_noise(v, chip.expected_counts()) for v in values)


def test_negative_counts_stay_negative(chip: HX711Chip) -> None:
    chip.zero_counts = -50_000.0
    with HX711SpiSensor(80) as sensor:
        assert within_noise(sensor.read_raw(timeout=1.0), -50_000)


@pytest.mark.parametrize(
    ("channel", "gain", "expected"),
    [("B", 32, -12_345.0), ("A", 64, (80_000.0 + 10.0 * 5000.0) / 2)],
)
def test_channel_and_gain_are_chosen_by_the_gain_byte(
    chip: HX711Chip, channel: str, gain: int, expected: float
) -> None:
    chip.force_n = 10.0
    with HX711SpiSensor(80, channel=channel, gain=gain) as sensor:
        values = [sensor.read_raw(timeout=1.0) for _ in range(4)]
        assert sensor.stats.resync_discards == 1  # the reset left it at A/128
    assert chip.mode == (channel, gain)
    assert all(within_noise(v, expected) for v in values)


def test_open_resets_the_chip(chip: HX711Chip) -> None:
    with HX711SpiSensor(80, channel="B", gain=32) as sensor:
        sensor.read_raw(timeout=1.0)
    assert chip.mode == ("B", 32)
    power_downs = chip.stats.power_downs
    with HX711SpiSensor(80) as sensor:
        sensor.read_raw(timeout=1.0)
    assert chip.stats.power_downs == power_downs + 1  # the 128 us burst of 1s
    assert chip.mode == ("A", 128)


def test_waiting_for_data_polls_without_spinning(chip: HX711Chip) -> None:
    with HX711SpiSensor(80) as sensor:
        sensor.read_raw(timeout=1.0)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(8):
            sensor.read_raw(timeout=1.0)
        cpu_used, elapsed = time.process_time() - cpu, time.perf_counter() - wall
    assert elapsed > 0.08
    assert cpu_used < 0.6 * elapsed


def test_a_missing_spi_device_says_how_to_enable_it(chip: HX711Chip) -> None:
    with pytest.raises(SensorError, match=r"no SPI device /dev/spidev0\.1.*dtparam=spi=on"):
        HX711SpiSensor(80, device=1).open()


def test_no_permission_names_the_group(chip: HX711Chip) -> None:
    sys.modules["spidev"].bus.permission = False  # type: ignore[attr-defined]
    with pytest.raises(SensorError, match="spi group"):
        HX711SpiSensor(80).open()


def test_without_spidev_installed_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "spidev", None)  # import fails
    with pytest.raises(SensorError, match="python3-spidev"):
        HX711SpiSensor(80).open()


def run_until_back(sensor: HX711SpiSensor, fault: object, heal: object) -> tuple[float, int]:
    """Start, cause ``fault``, time the SensorDisconnected, ``heal``; count samples after."""
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    sensor.start(samples.put, errors.put)
    samples.get(timeout=2.0)
    fault()  # type: ignore[operator]
    started = time.monotonic()
    error = errors.get(timeout=2.0)
    noticed = time.monotonic() - started
    assert isinstance(error, SensorDisconnected), error
    heal()  # type: ignore[operator]
    time.sleep(0.1)
    while not samples.empty():
        samples.get_nowait()
    after = [samples.get(timeout=2.0) for _ in range(5)]
    sensor.stop()
    return noticed, len(after)


def test_a_dead_chip_is_reported_within_a_second_and_reading_resumes(chip: HX711Chip) -> None:
    with HX711SpiSensor(80, calibration=calibration(chip)) as sensor:
        noticed, after = run_until_back(sensor, chip.disconnect, chip.reconnect)
    assert noticed < 1.0 and after == 5


def test_a_failing_spi_device_is_reported_and_reading_resumes(chip: HX711Chip) -> None:
    bus = sys.modules["spidev"].bus  # type: ignore[attr-defined]

    def fail() -> None:
        bus.failing = True

    def heal() -> None:
        bus.failing = False

    with HX711SpiSensor(80, calibration=calibration(chip)) as sensor:
        noticed, after = run_until_back(sensor, fail, heal)
        assert sensor.stats.bus_errors >= 1
    assert noticed < 1.0 and after == 5


@pytest.mark.datasheet_timing  # a busy machine only makes the GPIO pulses longer still
def test_where_pin_writes_are_too_slow_gpio_fails_and_spi_reads_every_conversion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Zero 2W's pin writes (60 us each): the GPIO reader cannot, the SPI reader can."""
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Emulator(factory, pin_write_s=60e-6, noise_counts=NOISE) as gpio_chip:
            with HX711Sensor(5, 6, 80) as gpio, pytest.raises(SensorTooSlow):
                gpio.read_raw(timeout=0.5)
            assert gpio_chip.stats.power_downs >= 3
    with HX711Chip(noise_counts=NOISE) as spi_chip:
        monkeypatch.setitem(sys.modules, "spidev", fake_spidev_module(spi_chip))
        with HX711SpiSensor(80) as spi:
            spi.read_raw(timeout=1.0)
            values = [spi.read_raw(timeout=0.5) for _ in range(16)]
            assert spi.stats.discarded == 0
        assert spi_chip.stats.power_downs == 1  # the reset at open, no other
    assert all(within_noise(v, spi_chip.expected_counts()) for v in values)


# -- power-down between sessions (MOSI held high through gpiozero) ---------------------------
@pytest.fixture
def held_rig(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[HX711Chip, SpiBus, MockFactory]]:
    """The chip on SPI0, GPIO10 on a MockFactory, and a fake pinctrl (the only one on PATH)."""
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Chip(noise_counts=NOISE) as made:
            module = fake_spidev_module(made)
            monkeypatch.setitem(sys.modules, "spidev", module)
            bus: SpiBus = module.bus  # type: ignore[attr-defined]
            bus.wire_mosi(factory)
            install_fake_pinctrl(tmp_path / "bin", bus)
            monkeypatch.setenv("PATH", str(tmp_path / "bin"))
            try:
                yield made, bus, factory
            finally:
                release_held_clocks()  # as the program's end would


def test_power_down_between_sessions_holds_pd_sck_high_and_the_next_session_wakes_the_chip(
    held_rig: tuple[HX711Chip, SpiBus, MockFactory],
) -> None:
    chip, bus, _ = held_rig
    chip.force_n = 12.0
    with HX711SpiSensor(80, power_down_between_sessions=True) as sensor:
        sensor.read_raw(timeout=1.0)
    assert sensor.power_down.startswith("PD_SCK held high on GPIO10")
    assert bus.mosi_function == "gpio"
    time.sleep(0.005)
    assert chip.powered_down  # the emulator: PD_SCK high for over 60 us
    produced = chip.stats.produced
    time.sleep(0.1)  # eight conversion periods
    assert chip.stats.produced == produced  # asleep
    power_downs = chip.stats.power_downs
    chip.force_n = 30.0
    with HX711SpiSensor(80, power_down_between_sessions=True) as sensor:
        values = [sensor.read_raw(timeout=1.0) for _ in range(8)]
        bus.sync_pinctrl()
        assert bus.mosi_function == "a0" and bus.pinctrl_calls[-1] == "set 10 a0"
    # It woke when MOSI went back to SPI (idle low), then the open's reset burst.
    assert chip.stats.power_downs == power_downs + 2
    assert all(within_noise(v, chip.expected_counts()) for v in values)


@pytest.mark.parametrize("rate_hz", [10, 80])
def test_after_waking_the_first_conversion_waits_for_settling_and_the_gain_is_set_again(
    held_rig: tuple[HX711Chip, SpiBus, MockFactory], rate_hz: int
) -> None:
    chip, _, _ = held_rig
    chip.rate_hz, chip.period_s, chip.settle_s = rate_hz, 1 / rate_hz, 4 / rate_hz
    chip.force_n = 20.0
    with HX711SpiSensor(rate_hz, gain=64, power_down_between_sessions=True) as sensor:
        sensor.read_raw(timeout=2.0)
    time.sleep(0.005)
    assert chip.powered_down
    with HX711SpiSensor(rate_hz, gain=64, power_down_between_sessions=True) as sensor:
        opened = time.monotonic()
        first = sensor.read_raw(timeout=0.2)  # the settling time is allowed on top
        waited = time.monotonic() - opened
        # The first conversion after the wake was at A/128: read to set A/64, discarded.
        assert sensor.stats.resync_discards == 1
    assert waited >= 4 / rate_hz  # four periods of settling (400 ms at 10/s, 50 ms at 80/s)
    assert within_noise(first, chip.expected_counts() * 64 / 128)


def test_without_power_down_nothing_is_held(
    held_rig: tuple[HX711Chip, SpiBus, MockFactory],
) -> None:
    chip, bus, factory = held_rig
    with HX711SpiSensor(80) as sensor:
        sensor.read_raw(timeout=1.0)
    assert sensor.power_down == "off"
    produced = chip.stats.produced
    time.sleep(0.1)
    bus.sync_pinctrl()
    assert bus.mosi_function == "a0" and bus.pinctrl_calls == []
    assert factory.pin(10).function == "input"  # never taken as an output
    assert not chip.powered_down and chip.stats.produced > produced  # still converting


def test_without_pinctrl_the_pin_is_not_taken_and_that_is_said(
    held_rig: tuple[HX711Chip, SpiBus, MockFactory],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chip, bus, _ = held_rig
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with HX711SpiSensor(80, power_down_between_sessions=True) as sensor:
        sensor.read_raw(timeout=1.0)
    assert "not held" in sensor.power_down and "raspi-utils" in sensor.power_down
    assert "the HX711 is not powered down" in caplog.text
    assert bus.mosi_function == "a0" and not chip.powered_down
    with HX711SpiSensor(80, power_down_between_sessions=True) as sensor:
        assert within_noise(sensor.read_raw(timeout=1.0), chip.expected_counts())


def test_a_held_pin_without_pinctrl_to_give_it_back_is_a_clear_error(
    held_rig: tuple[HX711Chip, SpiBus, MockFactory],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    with HX711SpiSensor(80, power_down_between_sessions=True) as sensor:
        sensor.read_raw(timeout=1.0)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # pinctrl removed meanwhile
    with pytest.raises(SensorError, match=r"GPIO10 cannot be given back to SPI.*raspi-utils"):
        HX711SpiSensor(80, power_down_between_sessions=True).open()


def test_power_down_needs_spi0() -> None:
    with pytest.raises(ValueError, match="SPI bus 0"):
        HX711SpiSensor(80, bus=1, power_down_between_sessions=True)

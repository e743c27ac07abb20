"""The HX711 backend on an emulated chip behind gpiozero MockFactory pins."""

from __future__ import annotations

import queue
import statistics
import sys
import time
import types
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import (
    POWER_DOWN_AFTER_S,
    RELAXED_POWER_DOWN_S,
    RELAXED_S,
    RELAXED_STALL_S,
    HX711Emulator,
    fresh_mock_factory,
)

from trainer.calibration import Calibration, save_calibration
from trainer.config import load_config
from trainer.sensors import backend_class
from trainer.sensors.base import (
    Sample,
    SampleFlag,
    SensorDisconnected,
    SensorError,
    SensorNotCalibrated,
    SensorTimeout,
    SensorTooSlow,
)
from trainer.sensors.hx711 import SETTLE_S, HX711Sensor, driver_class, open_calibrated, to_signed
from trainer.sensors.hx711 import factory as hx711_factory

SCALE = 5000.0  # the emulator's counts per newton
ZERO = 80_000.0
NOISE = 40.0


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    yield from fresh_mock_factory()


@pytest.fixture
def chip(pins: MockFactory) -> Iterator[HX711Emulator]:
    # Relaxed power-down said outright: the guard test on a virtual clock is marked
    # datasheet_timing, but its chip still sees real time.
    with HX711Emulator(
        pins, power_down_after_s=RELAXED_POWER_DOWN_S, noise_counts=NOISE
    ) as emulated:
        yield emulated


@pytest.fixture
def strict_chip(pins: MockFactory, request: pytest.FixtureRequest) -> Iterator[HX711Emulator]:
    """The datasheet's 60 us power-down, beside the reader's 50 us guard."""
    assert request.node.get_closest_marker("datasheet_timing"), "mark the test datasheet_timing"
    with HX711Emulator(pins, noise_counts=NOISE, power_down_after_s=POWER_DOWN_AFTER_S) as emulated:
        yield emulated


def calibration(**changes: Any) -> Calibration:
    values: dict[str, Any] = {
        "created": datetime.now(UTC).replace(microsecond=0),
        "scale_counts_per_n": SCALE,
        "offset_counts": ZERO,
        "capacity_n": 490.0,
        "noise_n": NOISE / SCALE,
    }
    values.update(changes)
    return Calibration(**values)


def sensor_at_80(**options: Any) -> HX711Sensor:
    return HX711Sensor(5, 6, 80, **options)


def within_noise(counts: float, expected: float) -> bool:
    return abs(counts - expected) < 6 * NOISE


def test_sign_conversion_keeps_negative_readings_negative() -> None:
    assert to_signed(0x000001) == 1
    assert to_signed(0x7FFFFF) == 8_388_607
    assert to_signed(0x800001) == -8_388_607  # adafruit's OR gives 4286578689 here
    assert to_signed(0xFFFFFF) == -1


def test_the_backend_is_registered_as_hx711() -> None:
    assert backend_class("hx711") is HX711Sensor


def test_read_raw_returns_the_signed_count_of_one_conversion(chip: HX711Emulator) -> None:
    chip.force_n = 10.0
    with sensor_at_80() as sensor:
        values = [sensor.read_raw(timeout=1.0) for _ in range(20)]
    assert all(within_noise(v, chip.expected_counts()) for v in values)
    assert statistics.stdev(values) > 0  # real conversions, not one value repeated


def test_forces_below_the_tare_point_read_negative(chip: HX711Emulator) -> None:
    chip.zero_counts = -50_000.0
    with sensor_at_80() as sensor:
        assert within_noise(sensor.read_raw(timeout=1.0), -50_000)


def test_every_conversion_is_used(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor:
        sensor.read_raw(timeout=1.0)
        shifted_before = chip.stats.shifted
        for _ in range(30):
            sensor.read_raw(timeout=1.0)
        # Nothing read and thrown away: each conversion clocked out is returned.
        assert chip.stats.shifted - shifted_before == 30
        assert sensor.stats.discarded == 0
        assert sensor.stats.used == sensor.stats.conversions


def test_waiting_for_data_does_not_spin(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor:
        sensor.read_raw(timeout=1.0)
        cpu = time.process_time()
        wall = time.perf_counter()
        for _ in range(8):
            sensor.read_raw(timeout=1.0)
        cpu_used = time.process_time() - cpu
        elapsed = time.perf_counter() - wall
    # A busy wait would burn a whole core for the 0.1 s; waiting on the edge costs little.
    assert elapsed > 0.08
    assert cpu_used < 0.6 * elapsed


@pytest.mark.parametrize(
    ("channel", "gain", "expected"),
    [("B", 32, -12_345.0), ("A", 64, (ZERO + 10.0 * SCALE) / 2)],
)
def test_channel_and_gain_are_selected_by_the_extra_pulses(
    chip: HX711Emulator, channel: str, gain: int, expected: float
) -> None:
    chip.force_n = 10.0
    with sensor_at_80(channel=channel, gain=gain) as sensor:
        values = [sensor.read_raw(timeout=1.0) for _ in range(5)]
        # The first conversion after the power reset is at A/128: read only to set the gain.
        assert sensor.stats.resync_discards == 1
    assert chip.mode == (channel, gain)
    assert all(within_noise(v, expected) for v in values)


def test_a_clock_held_high_too_long_is_caught_and_the_read_discarded(
    chip: HX711Emulator,
) -> None:
    # Relaxed bounds, a stall past both: the guard's logic, on a clock no busy CI upsets.
    chip.force_n = 20.0
    with HX711Sensor(5, 6, 80) as sensor:
        sensor.read_raw(timeout=1.0)
        chip.inject_stalls(4, stall_s=RELAXED_STALL_S)
        values = [sensor.read_raw(timeout=1.0) for _ in range(12)]
        assert chip.stats.stalls == 4
        assert sensor.stats.timing_glitches >= 4
    # The stalls powered the chip down mid-read; none of those garbled reads came out.
    assert chip.stats.power_downs >= 4
    assert all(within_noise(v, chip.expected_counts()) for v in values)


def test_after_a_reset_on_channel_b_the_gain_is_set_again(chip: HX711Emulator) -> None:
    with HX711Sensor(5, 6, 80, channel="B", gain=32) as sensor:
        sensor.read_raw(timeout=1.0)
        chip.inject_stalls(2, stall_s=RELAXED_STALL_S)
        values = [sensor.read_raw(timeout=1.0) for _ in range(6)]
        assert chip.stats.power_downs >= 2
        assert sensor.stats.resync_discards >= 2  # at open, and after the resets
    # A reading taken at the reset gain (channel A) would be ~80 000, not ~-12 345.
    assert all(within_noise(v, -12_345) for v in values)


def test_the_sensor_holds_back_no_reading_a_real_fast_step_comes_at_once(
    chip: HX711Emulator,
) -> None:
    # Impossible jumps are the session filter's to hold back (one place, one sample late):
    # the sensor returns every conversion it shifts out.
    with sensor_at_80(calibration=calibration()) as sensor:
        sensor.read_raw(timeout=1.0)
        shifted = chip.stats.shifted
        chip.force_n = 200.0  # a dropped weight: far more than a hand moves in 12.5 ms
        values = [sensor.read_raw(timeout=1.0) for _ in range(3)]
        assert chip.stats.shifted - shifted == 3
        assert sensor.stats.discarded == 0
    # The conversion in progress when the weight fell may be the old force; no later one.
    assert all(within_noise(v, chip.expected_counts()) for v in values[1:])


def test_a_bit_error_is_not_hidden_by_the_sensor(chip: HX711Emulator) -> None:
    chip.force_n = 5.0
    with sensor_at_80(calibration=calibration()) as sensor:
        sensor.read_raw(timeout=1.0)
        chip.inject_bit_errors(1, bit=22)
        values = [sensor.read_raw(timeout=1.0) for _ in range(3)]
    assert sum(not within_noise(v, chip.expected_counts()) for v in values) == 1


def test_saturation_codes_are_flagged_as_overload(chip: HX711Emulator) -> None:
    with sensor_at_80(calibration=calibration()) as sensor:
        sensor.read(timeout_s=1.0)
        chip.saturate = "high"
        sample = sensor.read(timeout_s=1.0)
        assert sample.flags & SampleFlag.OVERLOAD
        assert sample.counts == 0x7FFFFF
        chip.saturate = "low"
        assert sensor.read_raw(timeout=1.0) == -0x800000
        assert sensor.stats.overloads == 2


def test_counts_become_newtons_through_the_calibration(chip: HX711Emulator) -> None:
    chip.force_n = 42.0
    with sensor_at_80(calibration=calibration(), zero_tracking=False) as sensor:
        forces = [sensor.read(timeout_s=1.0).force_n for _ in range(10)]
    assert statistics.fmean(forces) == pytest.approx(42.0, abs=0.05)


def test_tare_makes_the_present_load_zero(chip: HX711Emulator) -> None:
    chip.force_n = 3.0  # the pad's own weight shifted since calibration
    with sensor_at_80(calibration=calibration()) as sensor:
        sensor.tare()
        assert abs(sensor.read(timeout_s=1.0).force_n) < 0.1
        chip.force_n = 23.0
        assert sensor.read(timeout_s=1.0).force_n == pytest.approx(20.0, abs=0.1)


def test_reading_newtons_without_a_calibration_is_refused(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor, pytest.raises(SensorNotCalibrated, match="trainer calibrate"):
        sensor.read(timeout_s=1.0)


def test_dout_stuck_high_raises_disconnected_within_a_second(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor:
        sensor.read_raw(timeout=1.0)
        chip.stick_dout("high")
        start = time.monotonic()
        with pytest.raises(SensorDisconnected, match="check the load cell's wires"):
            sensor.read_raw(timeout=5.0)
        assert time.monotonic() - start < 1.0


def test_dout_stuck_low_raises_disconnected_and_does_not_spin(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor:
        sensor.read_raw(timeout=1.0)
        chip.stick_dout("low")
        start = time.monotonic()
        with pytest.raises(SensorDisconnected, match="stuck low"):
            sensor.read_raw(timeout=5.0)
        assert time.monotonic() - start < 1.0


def test_all_ones_reads_mean_a_dead_chip(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor:
        sensor.read_raw(timeout=1.0)
        chip.all_ones = True
        with pytest.raises(SensorDisconnected, match="stuck high"):
            sensor.read_raw(timeout=5.0)
        assert sensor.stats.dead_reads == 3


def test_a_short_timeout_is_a_timeout_not_a_disconnect(chip: HX711Emulator) -> None:
    with sensor_at_80() as sensor:
        # Asked right after a read, 1 ms is far short of the next conversion (12.5 ms away),
        # unless the test process is preempted for that long in between: then try again.
        for _ in range(5):
            sensor.read_raw(timeout=1.0)
            try:
                sensor.read_raw(timeout=0.001)
            except SensorTimeout:
                break
        else:
            pytest.fail("a 1 ms timeout never timed out")


def test_a_chip_that_vanishes_mid_session_is_reported_then_resumes(chip: HX711Emulator) -> None:
    chip.force_n = 15.0
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    sensor = sensor_at_80(calibration=calibration(), zero_tracking=False)
    with sensor:
        sensor.start(samples.put, errors.put)
        first = samples.get(timeout=1.0)
        chip.disconnect()
        lost_at = time.monotonic()
        error = errors.get(timeout=1.0)
        assert isinstance(error, SensorDisconnected)
        assert time.monotonic() - lost_at < 1.0
        chip.reconnect()
        back_at = time.monotonic()
        back = samples.get(timeout=2.0)
        while back.t_s < back_at:  # samples from before the wire was pulled are all kept
            back = samples.get(timeout=2.0)
        sensor.stop()
    assert first.force_n == pytest.approx(15.0, abs=0.1)
    assert back.force_n == pytest.approx(15.0, abs=0.1)
    assert sensor.stats.disconnects == 1


def test_close_powers_the_chip_down(chip: HX711Emulator) -> None:
    sensor = sensor_at_80()
    sensor.open()
    sensor.read_raw(timeout=1.0)
    sensor.close()
    assert chip.sck.state  # clock held high: the chip sleeps
    time.sleep(2 * RELAXED_S)  # this emulated chip takes 20 ms to notice
    produced = chip.stats.produced
    time.sleep(0.1)
    assert chip.stats.produced == produced
    with pytest.raises(SensorError, match="not open"):
        sensor.read_raw(timeout=0.1)


def test_pins_in_use_are_refused_with_a_message(chip: HX711Emulator) -> None:
    with sensor_at_80(), pytest.raises(SensorError, match="not free"):
        sensor_at_80().open()


def test_invalid_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="10 or 80"):
        HX711Sensor(5, 6, 40)
    with pytest.raises(ValueError, match="channel B at gain 32"):
        HX711Sensor(5, 6, 80, channel="B", gain=128)


# -- the adafruit package adapter ------------------------------------------------------------


def test_without_the_adafruit_package_our_constants_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hx711_factory, "_adafruit", [])
    monkeypatch.setitem(sys.modules, "adafruit_hx711", None)  # import fails
    cls = driver_class()
    assert (cls.CHAN_A_GAIN_128, cls.CHAN_B_GAIN_32, cls.CHAN_A_GAIN_64) == (25, 26, 27)
    assert hx711_factory.adafruit_version() is None


def test_the_adafruit_class_is_used_with_our_reader_when_installed(
    chip: HX711Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in with the package's surface: our subclass must read one conversion."""

    class PackageHX711:
        CHAN_A_GAIN_128 = 25
        CHAN_A_GAIN_64 = 27
        CHAN_B_GAIN_32 = 26

        def __init__(self, data_pin: Any, clock_pin: Any) -> None:
            self._clock_pin = clock_pin
            self.tare_value_a = 0
            self.tare_value_b = 0
            clock_pin.value = True
            time.sleep(0.001)
            clock_pin.value = False

        def power_down(self, down: bool) -> None:
            self._clock_pin.value = down

        def read(self, chan_gain: int = 25) -> int:
            raise AssertionError("the package's own read must not run")

    package = types.ModuleType("adafruit_hx711")
    module = types.ModuleType("adafruit_hx711.hx711")
    module.HX711 = PackageHX711  # type: ignore[attr-defined]
    module.__version__ = "1.1.2"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "adafruit_hx711", package)
    monkeypatch.setitem(sys.modules, "adafruit_hx711.hx711", module)
    monkeypatch.setattr(hx711_factory, "_adafruit", [])
    chip.force_n = 1.0
    with sensor_at_80() as sensor:
        assert isinstance(sensor.driver, PackageHX711)
        assert sensor.describe()["driver"] == "adafruit-circuitpython-hx711 1.1.2"
        sensor.driver.tare_value_a = round(ZERO)
        shifted = chip.stats.shifted
        reading = sensor.driver.read()
        assert chip.stats.shifted - shifted == 1  # no discarded conversion
    assert abs(reading - SCALE) < 6 * NOISE


# -- open_calibrated, what `trainer run --sensor hx711` uses -----------------------------------


def test_open_calibrated_without_a_calibration_says_to_calibrate(chip: HX711Emulator) -> None:
    with pytest.raises(SensorNotCalibrated, match="run 'trainer calibrate'"):
        open_calibrated()


def test_open_calibrated_refuses_a_calibration_for_another_channel(
    chip: HX711Emulator, isolated_user_files: Any
) -> None:
    config = load_config()
    save_calibration(calibration(channel="B", gain=32), config.calibration_path)
    with pytest.raises(SensorNotCalibrated, match="channel B at gain 32"):
        open_calibrated(config)


def test_open_calibrated_with_no_chip_points_at_the_wiring(pins: MockFactory) -> None:
    config = load_config()
    save_calibration(calibration(), config.calibration_path)
    with pytest.raises(SensorDisconnected, match="trainer doctor"):
        open_calibrated(config)


def test_open_calibrated_gives_an_open_sensor_reading_newtons(chip: HX711Emulator) -> None:
    config = load_config()
    save_calibration(calibration(), config.calibration_path)
    chip.force_n = 12.0
    sensor = open_calibrated(config)
    try:
        assert sensor.read(timeout_s=1.0).force_n == pytest.approx(12.0, abs=0.2)
        assert sensor.describe()["backend"] == "hx711-gpio"
    finally:
        sensor.close()


def test_a_chip_settling_after_power_up_is_not_reported_as_lost(pins: MockFactory) -> None:
    # At 10 SPS the chip takes 400 ms or more after a power reset before its first
    # conversion: longer than the acquisition thread's 0.5 s read timeout, here.
    with HX711Emulator(pins, rate_hz=10, noise_counts=NOISE, settle_periods=5):
        samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
        errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
        with HX711Sensor(5, 6, 10, calibration=calibration()) as sensor:
            sensor.start(samples.put, errors.put)
            samples.get(timeout=2.0)
            sensor.stop()
    assert errors.empty()


def test_when_every_read_trips_the_timing_guard_read_raw_fails_within_its_timeout(
    chip: HX711Emulator,
) -> None:
    # A Pi whose pin writes are too slow: every clock pulse is over the bound.
    with HX711Sensor(5, 6, 80, max_clock_high_s=1e-9) as sensor:
        opened = time.monotonic()
        with pytest.raises(SensorTooSlow) as first:
            sensor.read_raw(timeout=0.5)
        # The first read may wait for the chip to settle after its power reset, no more.
        assert time.monotonic() - opened < SETTLE_S + sensor.ready_timeout_s + 0.3
        for timeout in (0.5, 0.2):
            start = time.monotonic()
            with pytest.raises(SensorTooSlow):
                sensor.read_raw(timeout=timeout)
            assert time.monotonic() - start < timeout + 0.2
        assert sensor.stats.timing_glitches >= 10
        assert sensor.stats.used == 0
    message = str(first.value)
    assert "too slow on this Pi" in message and "hx711-spi" in message and "NAU7802" in message
    assert " us " in message  # the worst clock-high time it saw


@pytest.mark.datasheet_timing  # a busy machine only makes the pulses longer still
def test_open_calibrated_on_a_pi_too_slow_to_clock_says_which_backend_to_use(
    strict_chip: HX711Emulator,
) -> None:
    save_calibration(calibration(), load_config().calibration_path)
    # Every read holds one pulse high past 60 us: the chip powers down each time.
    strict_chip.inject_stalls(10_000, stall_s=100e-6)
    start = time.monotonic()
    with pytest.raises(SensorTooSlow, match="hx711-spi"):
        open_calibrated()
    assert time.monotonic() - start < 2.0
    assert strict_chip.stats.power_downs >= 3


def test_acquisition_on_a_pi_too_slow_to_clock_reports_it_and_stops_cleanly(
    chip: HX711Emulator,
) -> None:
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    with HX711Sensor(5, 6, 80, max_clock_high_s=1e-9, calibration=calibration()) as sensor:
        sensor.start(lambda sample: None, errors.put)
        error = errors.get(timeout=3.0)
        start = time.monotonic()
        sensor.stop()
        assert time.monotonic() - start < 1.5
    assert isinstance(error, SensorTooSlow)


# -- what a review of the GPIO reader found -------------------------------------------------


@pytest.mark.datasheet_timing  # on a virtual clock
def test_the_guard_times_the_interval_the_clock_is_really_high(chip: HX711Emulator) -> None:
    # Each pin write takes 30 us (a Pi 4 through lgpio): the clock is high for one write,
    # within the 50 us bound. Timing both writes would see 60 us and discard every read.
    virtual = [0.0]

    def write() -> None:
        virtual[0] += 30e-6

    chip.on_pin_write = write
    with HX711Sensor(5, 6, 80) as sensor:
        sensor._clock = lambda: virtual[0]
        values = [sensor.read_raw(timeout=1.0) for _ in range(10)]
        assert sensor.stats.timing_glitches == 0
        assert sensor.stats.worst_clock_high_s == pytest.approx(30e-6)
    assert all(within_noise(v, chip.expected_counts()) for v in values)


def test_the_data_ready_callback_is_quiet_while_the_bits_are_shifted(
    chip: HX711Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []

    def on_data_ready(self: HX711Sensor, ticks: object, state: object) -> None:
        calls.append(ticks)
        self._ready.set()

    monkeypatch.setattr(HX711Sensor, "_on_data_ready", on_data_ready)
    chip.force_n = 3.3  # a code with many 1-to-0 steps among its bits
    with sensor_at_80() as sensor:
        sensor.read_raw(timeout=1.0)
        calls.clear()
        for _ in range(10):
            sensor.read_raw(timeout=1.0)
    # One falling edge per conversion (data ready), none per data bit.
    assert len(calls) <= 11


def test_handing_the_clock_to_another_process_leaves_it_driven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With lgpio the clock line is freed as it stands, not re-claimed as a floating input."""
    freed: list[tuple[int, int]] = []
    lgpio = types.ModuleType("lgpio")
    lgpio.gpio_free = lambda handle, number: freed.append((handle, number))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lgpio", lgpio)

    class LGPIOFactory:
        _handle = 7

    class Pin:
        _number = 6

        def close(self) -> None:
            raise AssertionError("close() would make PD_SCK a floating input")

    hx711_factory.hand_over_pin(LGPIOFactory(), Pin())
    assert freed == [(7, 6)]  # freed, not re-claimed by this process
    hx711_factory.hand_over_pin(MockFactory(), Pin())  # no claims to free: left as it is
    assert freed == [(7, 6)]


def test_gpiozero_opens_the_pi_5_header_chip_on_new_kernels() -> None:
    # gpiozero 2.0.1 opened gpiochip4 on a Pi 5, which kernels from 6.6.45 renamed.
    from importlib.metadata import version

    assert version("gpiozero") >= "2.0.1.post3"

    class LGPIOFactory:
        _chip = 0

    assert hx711_factory.gpio_chip(LGPIOFactory()) == "gpiochip0"
    assert hx711_factory.gpio_chip(MockFactory()) is None

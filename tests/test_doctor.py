"""`trainer doctor`: each failure found and explained, on the emulated chip."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory
from hx711_emulator import RELAXED_POWER_DOWN_S, HX711Emulator, fresh_mock_factory

from trainer.calibration import Calibration, save_calibration
from trainer.cli import main
from trainer.cli.hardware import Check, run_doctor
from trainer.config import load_config

SCALE = 5000.0


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    yield from fresh_mock_factory()


def calibrate(age_days: float = 1.0, **changes: object) -> None:
    values: dict[str, object] = {
        "created": datetime.now(UTC).replace(microsecond=0) - timedelta(days=age_days),
        "scale_counts_per_n": SCALE,
        "offset_counts": 80_000.0,
        "capacity_n": 490.0,
        "noise_n": 40 / SCALE,
    }
    values.update(changes)
    save_calibration(Calibration(**values), load_config().calibration_path)  # type: ignore[arg-type]


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_a_healthy_setup_passes_every_check(pins: MockFactory) -> None:
    calibrate()
    with HX711Emulator(pins, noise_counts=40):
        checks = by_name(run_doctor(0.3))
    assert checks["config"].status == "ok"
    assert checks["calibration"].status == "ok"
    assert checks["GPIO"].status == "ok"
    assert checks["chip"].status == "ok"
    # A starved test process may still miss a conversion now and then.
    assert checks["data rate"].status in ("ok", "warn")
    rate = float(checks["data rate"].detail.split()[0])
    assert rate == pytest.approx(80, rel=0.3)  # a starved test machine reads some late
    assert checks["noise"].status == "ok" and "0.008 N" in checks["noise"].detail


def test_the_command_prints_the_report_and_exits_zero(
    pins: MockFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    calibrate()
    with HX711Emulator(pins):
        assert main(["doctor", "--seconds", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "ok    chip" in out and "Everything works" in out
    assert "FAIL" not in out


def test_no_chip_fails_with_the_wiring_to_check(
    pins: MockFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    calibrate()
    assert main(["doctor", "--seconds", "0.3"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  chip" in out
    assert "no data from an HX711 on DT GPIO5 / SCK GPIO6" in out
    assert "fix: check VCC to 3.3 V, GND, DT and SCK" in out


def test_a_low_rate_pin_is_recognised(pins: MockFactory) -> None:
    calibrate()
    with HX711Emulator(pins, rate_hz=10):
        check = by_name(run_doctor(1.0))["data rate"]
    assert check.status == "FAIL"
    assert "RATE pin is low" in check.fix


def _stall_every_other_read(chip: HX711Emulator, stop: threading.Event) -> None:
    """Hold a clock pulse high in every second read, as a busy Pi does: the guard drops it."""
    seen = chip.stats.shifted
    while not stop.is_set():
        if chip.stats.shifted != seen:
            seen = chip.stats.shifted
            if seen % 2 == 0:
                chip.inject_stalls(1)
        time.sleep(0.001)


@pytest.mark.datasheet_timing  # the reader's 50 us guard; the chip never powers down
@pytest.mark.parametrize(
    ("chip_rate", "status", "fix"),
    [(10, "FAIL", "RATE pin is low"), (80, "warn", "reads are being disturbed")],
)
def test_the_rate_is_the_chips_even_when_half_the_reads_are_discarded(
    pins: MockFactory, chip_rate: int, status: str, fix: str
) -> None:
    calibrate()
    stop = threading.Event()
    with HX711Emulator(pins, rate_hz=chip_rate, power_down_after_s=RELAXED_POWER_DOWN_S) as chip:
        watcher = threading.Thread(target=_stall_every_other_read, args=(chip, stop))
        watcher.start()
        try:
            check = by_name(run_doctor(1.2))["data rate"]
        finally:
            stop.set()
            watcher.join()
    assert chip.stats.stalls >= 3
    # Not half the rate: a read thrown away was still one of the chip's conversions.
    assert float(check.detail.split()[0]) == pytest.approx(chip_rate, rel=0.15)
    assert check.status == status and fix in check.fix


def test_missing_and_stale_calibrations_are_reported(pins: MockFactory) -> None:
    with HX711Emulator(pins):
        missing = by_name(run_doctor(0.2))["calibration"]
        calibrate(age_days=200)
        stale = by_name(run_doctor(0.2))["calibration"]
        calibrate(channel="B", gain=32)
        other = by_name(run_doctor(0.2))["calibration"]
    assert missing.status == "FAIL" and missing.fix == "run 'trainer calibrate'"
    assert stale.status == "warn" and "200 days old" in stale.detail
    assert other.status == "FAIL" and "channel B gain 32" in other.detail


def test_noise_far_above_the_calibrated_noise_is_a_warning(pins: MockFactory) -> None:
    calibrate()
    with HX711Emulator(pins, noise_counts=2000):
        check = by_name(run_doctor(0.3))["noise"]
    assert check.status == "warn"
    assert "check the load cell wires" in check.fix


def test_a_broken_config_file_is_the_first_failure(isolated_user_files: Path) -> None:
    (isolated_user_files / "config.toml").write_text("[hx711]\nrate_hz = 40\n")
    checks = run_doctor(0.2)
    assert [c.status for c in checks] == ["FAIL"]
    assert "set rate_hz = 80" in checks[0].detail


def test_no_gpio_access_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = Device.pin_factory
    Device.pin_factory = None
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-factory")
    try:
        checks = by_name(run_doctor(0.2))
    finally:
        Device.pin_factory = previous
    assert checks["GPIO"].status == "FAIL"
    assert "gpio group" in checks["GPIO"].fix
    assert checks["chip"].status == "skip"


def test_feedback_parts_are_checked(pins: MockFactory, isolated_user_files: Path) -> None:
    (isolated_user_files / "config.toml").write_text("[feedback]\nled_in = 27\nbuzzer = 23\n")
    calibrate()
    with HX711Emulator(pins):
        checks = by_name(run_doctor(0.2))
    assert checks["feedback"].status == "ok"
    assert "led_in 27" in checks["feedback"].detail


def test_seconds_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--seconds", "0"]) == 2
    assert "--seconds must be between" in capsys.readouterr().err


def test_reads_slower_than_the_chip_are_a_warning_not_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import types

    from trainer.cli import hardware

    # The doctor's clock is virtual here: a loaded test machine cannot make 50/s slower.
    now = [1000.0]
    monkeypatch.setattr(hardware, "time", types.SimpleNamespace(monotonic=lambda: now[0]))

    class Slow:
        """Reads arriving at 50/s from a chip set to 80/s: a busy Pi, not a wiring fault."""

        ready_timeout_s = 0.25

        def __init__(self) -> None:
            from trainer.sensors.hx711 import HX711Stats

            self.stats = HX711Stats()
            self.value = 0

        def read_raw(self, timeout: float) -> int:
            now[0] += 0.02
            self.stats.conversions += 1
            self.value += 1
            return 80_000 + self.value % 3

    check = hardware._measure(Slow(), 80, 0.3, None)[0]  # type: ignore[arg-type]
    assert check.status == "warn"
    assert "too busy" in check.fix


# -- what is wired, how fast this Pi's pins are, which backend to use -------------------------


def test_fast_pin_writes_hold_the_bound_and_the_glitches_are_shown(pins: MockFactory) -> None:
    calibrate()
    with HX711Emulator(pins):
        checks = by_name(run_doctor(0.3))
    timing = checks["pin timing"]
    assert timing.status == "ok" and "bit-banging holds" in timing.detail
    assert "a pin write takes" in timing.detail and "p99" in timing.detail
    assert "Recommended: hx711-gpio" in checks["wiring"].detail
    glitches = checks["glitches"]
    assert "reads discarded by the timing guard; longest clock-high" in glitches.detail


@pytest.mark.datasheet_timing  # a busy machine only makes the pulses longer still
def test_slow_pin_writes_fail_and_point_at_the_spi_backend(pins: MockFactory) -> None:
    calibrate()
    # A Zero 2W through lgpio: every write takes 60 us, so every pulse is too long.
    with HX711Emulator(pins, pin_write_s=60e-6):
        checks = by_name(run_doctor(0.3))
    timing = checks["pin timing"]
    assert timing.status == "FAIL" and "100 % of reads would be discarded" in timing.detail
    assert 'backend = "hx711-spi"' in timing.fix and "GPIO10, pin 19" in timing.fix
    assert checks["wiring"].status == "warn" and "Recommended: hx711-spi" in checks["wiring"].detail
    chip = checks["chip"]
    assert chip.status == "FAIL" and "reads were discarded: clock high up to" in chip.detail
    assert "too slow on this Pi" in chip.fix


def test_what_is_wired_is_found(
    pins: MockFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_iio import FakeIIOHX711
    from fake_smbus2 import NAU7802Chip, fake_smbus2_module

    from trainer.sensors import detect

    dev = tmp_path / "dev"
    dev.mkdir()
    for name in ("spidev0.0", "spidev0.1", "i2c-1", "i2c-20", "gpiochip0", "gpiochip4"):
        (dev / name).touch()
    monkeypatch.setattr(detect, "DEV_ROOT", dev)
    monkeypatch.setattr(detect, "IIO_ROOT", tmp_path / "iio")
    monkeypatch.setitem(sys.modules, "smbus2", fake_smbus2_module(NAU7802Chip()))
    with FakeIIOHX711(tmp_path / "iio"):
        wired = detect.detect_wiring()
        with HX711Emulator(pins):
            check = by_name(run_doctor(0.2))["wiring"]
    assert wired.spi_devices == [str(dev / "spidev0.0"), str(dev / "spidev0.1")]
    assert wired.nau7802_buses == [1]
    assert wired.iio_device is not None and wired.iio_device.endswith("iio:device1")
    assert wired.gpio_chips == ["gpiochip0", "gpiochip4"]
    assert "a NAU7802 at 0x2A on /dev/i2c-1" in check.detail
    assert "Recommended: nau7802" in check.detail


def test_a_configured_backend_with_nothing_wired_says_how_to_enable_it(
    pins: MockFactory, isolated_user_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.sensors import detect

    monkeypatch.setattr(detect, "DEV_ROOT", tmp_path)
    (isolated_user_files / "config.toml").write_text('[sensor]\nbackend = "hx711-spi"\n')
    checks = by_name(run_doctor(0.2))
    assert checks["wiring"].status == "FAIL" and "dtparam=spi=on" in checks["wiring"].fix
    assert "pin timing" not in checks  # SPI makes the pulses: nothing to time
    assert checks["chip"].status == "FAIL"


def test_the_doctor_measures_a_nau7802(
    pins: MockFactory, isolated_user_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_smbus2 import NAU7802Chip, fake_smbus2_module

    chip = NAU7802Chip()
    monkeypatch.setitem(sys.modules, "smbus2", fake_smbus2_module(chip))
    (isolated_user_files / "config.toml").write_text('[sensor]\nbackend = "nau7802"\n')
    calibrate(adc="nau7802")
    checks = by_name(run_doctor(0.3))
    assert checks["calibration"].status == "ok"
    assert checks["chip"].status == "ok"
    assert "a NAU7802 answers at 0x2A on /dev/i2c-1" in checks["chip"].detail
    assert checks["data rate"].status in ("ok", "warn")
    assert "glitches" not in checks


def test_a_calibration_from_the_other_adc_is_refused(
    pins: MockFactory, isolated_user_files: Path
) -> None:
    (isolated_user_files / "config.toml").write_text('[sensor]\nbackend = "nau7802"\n')
    calibrate()  # made with the HX711
    check = by_name(run_doctor(0.2))["calibration"]
    assert check.status == "FAIL" and "made on the HX711" in check.detail


def test_the_reader_priority_is_shown(pins: MockFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.sensors import priority

    monkeypatch.setattr(priority, "probe_priority", lambda: priority.Priority("SCHED_RR", 10))
    reader = by_name(run_doctor(0.3))["reader"]
    assert reader.status == "ok"
    assert reader.detail == "the acquisition process would read at real-time (SCHED_RR 10)"


def test_a_reader_refused_real_time_is_a_warning_with_the_fix(
    pins: MockFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.sensors import priority

    refused = priority.Priority("normal", 0, "real-time not permitted; nice -10 not permitted")
    monkeypatch.setattr(priority, "probe_priority", lambda: refused)
    reader = by_name(run_doctor(0.3))["reader"]
    assert reader.status == "warn"
    assert "normal priority (real-time not permitted" in reader.detail
    assert "LimitRTPRIO" in reader.fix and "limits.d/pressure-trainer.conf" in reader.fix


def test_a_thread_reader_has_no_priority_line(pins: MockFactory, isolated_user_files: Path) -> None:
    (isolated_user_files / "config.toml").write_text('[hx711]\nacquisition = "thread"\n')
    assert "reader" not in by_name(run_doctor(0.3))


def test_the_power_down_setting_of_hx711_spi_is_shown(
    pins: MockFactory, isolated_user_files: Path
) -> None:
    (isolated_user_files / "config.toml").write_text('[sensor]\nbackend = "hx711-spi"\n')
    check = by_name(run_doctor(0.2))["power-down"]
    assert check.status == "ok"
    assert check.detail.startswith("between sessions: off (the HX711 keeps converting")


def test_power_down_between_sessions_says_how_the_pin_is_held_and_given_back(
    pins: MockFactory, isolated_user_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_user_files / "config.toml").write_text(
        '[sensor]\nbackend = "hx711-spi"\npower_down_between_sessions = true\n'
    )
    tool = isolated_user_files / "bin" / "pinctrl"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tool.parent))
    check = by_name(run_doctor(0.2))["power-down"]
    assert check.status == "ok"
    assert "GPIO10 (PD_SCK) is held high through MockFactory" in check.detail
    assert f"'{tool} set 10 a0'" in check.detail

    monkeypatch.setenv("PATH", str(isolated_user_files / "nothing"))
    check = by_name(run_doctor(0.2))["power-down"]
    assert check.status == "warn" and "no pinctrl tool" in check.detail
    assert "raspi-utils" in check.fix

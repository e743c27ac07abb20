"""`--sensor NAME` on run, calibrate and doctor: every load cell backend, over the config's."""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import pytest

from trainer.cli import main
from trainer.cli.hardware import run_doctor
from trainer.cli.run import choose_sensor
from trainer.config import Config
from trainer.sensors import LOAD_CELL_NAMES, backend_class, configured
from trainer.sensors.base import SensorNotCalibrated


def test_every_registered_load_cell_backend_is_a_valid_name() -> None:
    assert set(LOAD_CELL_NAMES) == {"hx711", "hx711-gpio", "hx711-spi", "nau7802", "hx711-iio"}
    for name in LOAD_CELL_NAMES:
        backend_class(name)  # each name is one the registry knows


@pytest.mark.parametrize("command", ["run", "calibrate", "doctor"])
def test_an_unknown_sensor_is_one_line_naming_the_valid_ones(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--sensor", "hx712"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "hx712" in err
    for name in LOAD_CELL_NAMES:
        assert f"'{name}'" in err


@pytest.mark.parametrize("command", ["run", "calibrate", "doctor"])
def test_help_lists_every_backend(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name in LOAD_CELL_NAMES:
        assert name in out


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Config]:
    """The configs `trainer run` opened its load cell with (none is calibrated)."""
    configs: list[Config] = []

    def fake_open(config: Config | None = None) -> Any:
        assert config is not None
        configs.append(config)
        raise SensorNotCalibrated("not calibrated; run 'trainer calibrate'")

    monkeypatch.setattr(configured, "open_calibrated", fake_open)
    return configs


def write_config(home: Path, backend: str) -> None:
    Path(home / "config.toml").write_text(f'[sensor]\nbackend = "{backend}"\n')


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("hx711", "hx711-gpio"),
        ("hx711-spi", "hx711-spi"),
        ("nau7802", "nau7802"),
        ("hx711-iio", "hx711-iio"),
        ("hx711-gpio", "hx711-gpio"),
    ],
)
def test_run_reads_through_the_named_backend_over_the_configs(
    given: str, used: str, isolated_user_files: Path, opened: list[Config]
) -> None:
    write_config(isolated_user_files, "hx711-iio" if used != "hx711-iio" else "nau7802")
    args = argparse.Namespace(sim=False, sensor=given, seed=None)
    from trainer.cli.common import CommandFailed

    with pytest.raises(CommandFailed, match="no calibrated load cell"):
        choose_sensor(args, stdin=io.StringIO(), out=io.StringIO())
    assert [config.sensor.backend for config in opened] == [used]


def test_run_without_sensor_keeps_the_configs_backend(
    isolated_user_files: Path, opened: list[Config]
) -> None:
    write_config(isolated_user_files, "hx711-spi")
    args = argparse.Namespace(sim=False, sensor=None, seed=None)
    choose_sensor(args, stdin=io.StringIO(), out=io.StringIO())  # falls back to simulation
    assert [config.sensor.backend for config in opened] == ["hx711-spi"]


def test_doctor_checks_the_named_backend(isolated_user_files: Path) -> None:
    write_config(isolated_user_files, "hx711-gpio")
    config_check = run_doctor(0.2, "nau7802")[0]
    assert "backend nau7802" in config_check.detail


def test_calibrate_opens_the_named_backend(
    isolated_user_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(isolated_user_files, "hx711-gpio")
    from trainer.cli import hardware
    from trainer.sensors.base import SensorDisconnected

    opened: list[str] = []

    def fake_open(config: Config) -> Any:
        opened.append(config.sensor.backend)
        raise SensorDisconnected("nothing answers")

    monkeypatch.setattr(hardware, "open_uncalibrated", fake_open)
    assert main(["calibrate", "--plain", "--sensor", "hx711-spi"]) == 1
    assert opened == ["hx711-spi"]


def test_with_backend_refuses_an_unknown_name_naming_the_valid_ones() -> None:
    from trainer.sensors.base import SensorError

    with pytest.raises(SensorError, match="choose one of: hx711, hx711-gpio"):
        configured.with_backend(Config(), "simulated")

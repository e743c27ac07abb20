"""Config and calibration files of any content: one line naming the file and the problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from trainer.calibration import Calibration, CalibrationError, load_calibration
from trainer.config import ConfigError, load_config

UNREADABLE: dict[str, bytes] = {
    "latin-1": "[hx711]\n# Café\nrate_hz = 80\n".encode("latin-1"),
    "utf-16": "[hx711]\nrate_hz = 80\n".encode("utf-16"),
    "binary": bytes(range(256)) * 4,
    "deep-arrays": ("x = " + "[" * 2000 + "]" * 2000).encode(),
    "deep-tables": ("x = " + "{a = " * 2000 + "1" + "}" * 2000).encode(),
    "5000-digits": ("[hx711]\ncapacity_kg = " + "9" * 5000).encode(),
}


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_config_file_of_any_content_is_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message and len(message) < 400


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[hx711]\ncapacity_kg = " + "9" * 401, "capacity_kg is <a whole number of 401 digits>"),
        ("[hx711]\ncapacity_kg = nan", "capacity_kg is nan"),
        ('[hx711]\nchannel = "' + "x" * 10_000_000 + '"', "(10000000 characters)"),
        ('[feedback]\nled_in = "GPIO\\u001b[31m"', "led_in is 'GPIO\\x1b[31m'"),
    ],
)
def test_a_bad_config_value_is_named_short(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert problem in str(caught.value)
    assert len(str(caught.value)) < 400


def calibration(**changes: Any) -> dict[str, Any]:
    good = Calibration(
        created=datetime(2026, 3, 1, tzinfo=UTC),
        scale_counts_per_n=5000.0,
        offset_counts=80_000.0,
        capacity_n=490.0,
        noise_n=0.01,
    ).to_dict()
    return good | changes


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_calibration_file_of_any_content_is_one_clear_error(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "calibration.json"
    path.write_bytes(content)
    with pytest.raises(CalibrationError) as caught:
        load_calibration(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        json.dumps(calibration()).replace("5000.0", "9" * 5000),
        json.dumps(calibration()).replace("5000.0", "9" * 401),
    ],
    ids=["deep", "5000-digits", "401-digit-int"],
)
def test_huge_or_deep_calibration_json_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(text)
    with pytest.raises(CalibrationError, match="trainer calibrate"):
        load_calibration(path)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"scale_counts_per_n": 1e308}, "whole range would be less than a newton"),
        ({"capacity_n": 1e308}, "capacity of 1e\\+308 N"),
        ({"capacity_n": 1e-300}, "capacity of 1e-300 N"),
        ({"noise_n": 1000}, "noise of 1000 N"),
        ({"linearity_pct": -5}, "linearity of -5 %"),
        ({"repeatability_n": 1e9}, "repeatability"),
        ({"format": True}, "format True"),
        ({"gain": True}, "gain True"),
        ({"channel": ["A"]}, "channel \\['A'\\]"),
        ({"rate_hz": 80.5}, "rate of 80.5"),
    ],
)
def test_calibration_values_that_cannot_be_right_are_refused(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(calibration(**changes)))
    with pytest.raises(CalibrationError, match=problem):
        load_calibration(path)

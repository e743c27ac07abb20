"""Calibration model, file validation, the wizard's arithmetic, and zero tracking."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from trainer.calibration import (
    STANDARD_GRAVITY,
    Calibration,
    CalibrationError,
    CalibrationProcedure,
    Measurement,
    NotSteady,
    ZeroTracker,
    load_calibration,
    parse_mass_kg,
    save_calibration,
)
from trainer.sensors.base import SensorNotCalibrated

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def good(**changes: Any) -> Calibration:
    values: dict[str, Any] = {
        "created": NOW,
        "scale_counts_per_n": 5000.0,
        "offset_counts": 80_000.0,
        "capacity_n": 490.0,
        "noise_n": 0.01,
    }
    values.update(changes)
    return Calibration(**values)


def test_counts_become_newtons_and_back() -> None:
    calibration = good()
    assert calibration.force_n(80_000 + 5000 * 12.5) == pytest.approx(12.5)
    assert calibration.force_n(calibration.counts_for(-3.0)) == pytest.approx(-3.0)
    assert calibration.force_n(85_000, offset_counts=90_000) == pytest.approx(-1.0)


def test_a_saved_calibration_loads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "calibration.json"
    original = good(linearity_pct=0.4, channel="B", gain=32)
    save_calibration(original, path)
    assert load_calibration(path) == original
    assert not list(path.parent.glob(".calibration-*"))  # no temporary file left behind


def test_a_missing_file_says_to_calibrate(tmp_path: Path) -> None:
    with pytest.raises(SensorNotCalibrated, match=r"not calibrated yet .*run 'trainer calibrate'"):
        load_calibration(tmp_path / "none.json")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: "{not json", "damaged"),
        (lambda d: [], "not a calibration record"),
        (lambda d: d | {"format": 99}, "format 99"),
        (lambda d: {k: v for k, v in d.items() if k != "created"}, "no date"),
        (lambda d: d | {"created": "yesterday"}, "unreadable date"),
        (lambda d: d | {"created": "2999-01-01T00:00:00+00:00"}, "in the future"),
        (lambda d: {k: v for k, v in d.items() if k != "scale_counts_per_n"}, "scale_counts_per_n"),
        (lambda d: d | {"scale_counts_per_n": "5000"}, "no number for scale_counts_per_n"),
        (lambda d: d | {"scale_counts_per_n": 0.0}, "too small"),
        (lambda d: d | {"offset_counts": 9e6}, "outside the ADC's range"),
        (lambda d: d | {"capacity_n": -1}, "capacity"),
        (lambda d: d | {"noise_n": -0.1}, "negative noise"),
        (lambda d: d | {"channel": "B", "gain": 128}, "channel 'B' with gain 128"),
        (lambda d: d | {"rate_hz": 40}, "rate of 40"),
        (lambda d: d | {"linearity_pct": True}, "linearity_pct"),
    ],
)
def test_a_damaged_file_is_refused_with_the_fix(tmp_path: Path, damage: Any, message: str) -> None:
    path = tmp_path / "calibration.json"
    damaged = damage(good().to_dict())
    path.write_text(damaged if isinstance(damaged, str) else json.dumps(damaged))
    with pytest.raises(CalibrationError, match=message) as caught:
        load_calibration(path)
    assert "trainer calibrate" in str(caught.value)
    assert str(path) in str(caught.value)


def test_nan_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(good().to_dict()).replace('"noise_n": 0.01', '"noise_n": NaN'))
    with pytest.raises(CalibrationError, match="noise_n"):
        load_calibration(path)


def test_age_in_days() -> None:
    assert good().age_days(NOW + timedelta(days=3)) == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("text", "kg"),
    [("500 g", 0.5), ("2 kg", 2.0), ("2.5kg", 2.5), ("1,5 kg", 1.5), ("750 grams", 0.75)],
)
def test_masses_are_read_with_their_unit(text: str, kg: float) -> None:
    assert parse_mass_kg(text) == pytest.approx(kg)


@pytest.mark.parametrize("text", ["500", "two kg", "", "0 g", "5 lb"])
def test_a_mass_without_a_usable_unit_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="'500 g' or '2 kg'"):
        parse_mass_kg(text)


def test_measurement_reports_mean_spread_and_drift() -> None:
    flat = Measurement.of([100, 102, 98, 100, 101, 99])
    assert flat.mean_counts == pytest.approx(100)
    assert abs(flat.drift_counts) < 2
    ramp = Measurement.of([100 + 10 * i for i in range(11)])
    assert ramp.drift_counts == pytest.approx(100)


class FakeCell:
    """Raw counts from a pad with a given load, noise and drift."""

    def __init__(self, scale: float = 5000.0, zero: float = 80_000.0, noise: float = 40.0) -> None:
        self.scale, self.zero, self.noise = scale, zero, noise
        self.load_n = 0.0
        self.drift_per_read = 0.0
        self.reads = 0
        self.rng = random.Random(3)

    def __call__(self) -> int:
        self.reads += 1
        value = self.zero + self.load_n * self.scale + self.drift_per_read * self.reads
        return round(value + self.rng.gauss(0.0, self.noise))


def procedure(cell: FakeCell) -> CalibrationProcedure:
    return CalibrationProcedure(cell, capacity_n=490.0, rate_hz=80, window=40)


def test_the_procedure_finds_scale_offset_and_noise() -> None:
    cell = FakeCell()
    steps = procedure(cell)
    steps.tare()
    cell.load_n = 2 * STANDARD_GRAVITY
    scale = steps.place_mass(2.0)
    assert scale == pytest.approx(5000.0, rel=0.002)
    cell.load_n = 1 * STANDARD_GRAVITY
    error = steps.verify(1.0)
    assert abs(error) < 0.05
    result = steps.result(now=NOW)
    assert result.offset_counts == pytest.approx(80_000, abs=20)
    assert result.noise_n == pytest.approx(40 / 5000, rel=0.3)
    assert result.linearity_pct is not None and result.linearity_pct < 0.5
    assert result.repeatability_n is None


def test_the_same_mass_again_reports_repeatability() -> None:
    cell = FakeCell()
    steps = procedure(cell)
    steps.tare()
    cell.load_n = 2 * STANDARD_GRAVITY
    steps.place_mass(2.0)
    steps.verify(2.0)
    result = steps.result()
    assert result.repeatability_n is not None and result.linearity_pct is None


def test_a_negative_scale_works_for_a_cell_mounted_upside_down() -> None:
    cell = FakeCell(scale=-5000.0)
    steps = procedure(cell)
    steps.tare()
    cell.load_n = STANDARD_GRAVITY
    assert steps.place_mass(1.0) == pytest.approx(-5000.0, rel=0.005)
    assert steps.result().force_n(cell.zero - 5000 * 3) == pytest.approx(3.0, abs=0.02)


def test_tare_is_refused_while_the_reading_drifts() -> None:
    cell = FakeCell()
    cell.drift_per_read = 30.0  # a hand resting on the pad, slowly pressing in
    with pytest.raises(NotSteady, match="take your hands off the pad"):
        procedure(cell).tare()


def test_a_mass_that_changes_nothing_is_refused() -> None:
    cell = FakeCell()
    steps = procedure(cell)
    steps.tare()
    with pytest.raises(NotSteady, match="hardly changed"):
        steps.place_mass(2.0)  # nothing was put on the pad


def test_a_settling_mass_is_refused() -> None:
    cell = FakeCell()
    steps = procedure(cell)
    steps.tare()
    cell.load_n = 2 * STANDARD_GRAVITY
    cell.drift_per_read = 40.0
    with pytest.raises(NotSteady, match="let the mass settle"):
        steps.place_mass(2.0)


# -- zero tracking ------------------------------------------------------------------------------


def run_tracker(tracker: ZeroTracker, counts: float, seconds: float, t0: float = 0.0) -> float:
    zero = tracker.zero_counts
    for i in range(round(seconds * 80)):
        zero = tracker.update(t0 + i / 80, counts)
    return zero


def test_zero_tracking_follows_a_slow_creep_of_the_empty_pad() -> None:
    tracker = ZeroTracker(5000.0, 80_000.0)
    crept = 80_000 + 0.3 * 5000  # the empty pad now reads 0.3 N
    zero = run_tracker(tracker, crept, 20.0)
    assert zero == pytest.approx(crept, abs=50)
    assert tracker.correction_n == pytest.approx(0.3, abs=0.01)


def test_zero_tracking_is_slow() -> None:
    tracker = ZeroTracker(5000.0, 80_000.0, rate_n_per_s=0.05)
    zero = run_tracker(tracker, 80_000 + 0.4 * 5000, 4.0)
    # About 2 s to see it is steady, then at most 0.05 N/s: well under the 0.4 N offset.
    assert 0.05 < (zero - 80_000) / 5000 <= 0.05 * 2.25


def test_zero_tracking_leaves_a_real_press_alone() -> None:
    tracker = ZeroTracker(5000.0, 80_000.0)
    zero = run_tracker(tracker, 80_000 + 12 * 5000, 30.0)
    assert zero == 80_000


def test_zero_tracking_stops_at_its_limit() -> None:
    tracker = ZeroTracker(5000.0, 80_000.0, band_n=3.0, limit_n=1.0, rate_n_per_s=1.0)
    zero = run_tracker(tracker, 80_000 + 2.5 * 5000, 60.0)
    assert zero == pytest.approx(80_000 + 1.0 * 5000)


def test_a_tare_resets_where_tracking_is_anchored() -> None:
    tracker = ZeroTracker(5000.0, 80_000.0)
    run_tracker(tracker, 80_000 + 0.3 * 5000, 20.0)
    tracker.reset(90_000.0)
    assert tracker.zero_counts == 90_000.0 and tracker.correction_n == 0.0

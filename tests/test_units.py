"""Display units: one rounding per unit, used by every screen."""

from __future__ import annotations

import pytest

from trainer.exercises import TargetBand
from trainer.ui import text
from trainer.units import Unit


@pytest.mark.parametrize(
    ("unit", "force_n", "shown"),
    [
        (Unit.N, 12.345, "12.3 N"),
        (Unit.KGF, 90.0, "9.18 kgf"),  # the gauge's top once read "9.17745 kgf"
        (Unit.LBF, 90.0, "20.2 lbf"),  # and "20.2328 lbf"
    ],
)
def test_forces_are_rounded_to_the_units_resolution(unit: Unit, force_n: float, shown: str) -> None:
    assert unit.show(force_n) == shown


def test_a_bias_that_rounds_to_zero_never_reads_minus_zero() -> None:
    assert Unit.N.show(-0.04, signed=True) == "0.0 N"
    assert Unit.N.number(-0.04) == "0.0"
    assert Unit.N.show(1.26, signed=True) == "+1.3 N"
    assert Unit.KGF.show(-2.0, signed=True) == "-0.20 kgf"


def test_band_text_and_gauge_ticks_round_alike() -> None:
    """The band once read "9.0-13.5 lbf" while its tick said "13"."""
    band = TargetBand(40.0, 60.0)
    assert text.band(Unit.LBF, band) == "9-13.5 lbf"
    assert Unit.LBF.number(60.0, compact=True) == "13.5"
    assert text.band(Unit.N, band) == "40-60 N"
    assert text.band(Unit.KGF, band) == "4.08-6.12 kgf"


def test_rates_are_rounded_like_forces() -> None:
    assert Unit.N.show_rate(14 / 3) == "4.7 N/s"
    assert Unit.N.show_rate(15.0) == "15 N/s"
    assert Unit.N.show_rate(15.0, compact=False) == "15.0 N/s"

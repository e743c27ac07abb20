"""Spike rejection and smoothing: what they remove and the delay they add."""

from __future__ import annotations

import pytest

from trainer.sensors.base import Sample, SampleFlag
from trainer.sensors.filters import ForceFilter


def feed(force_filter: ForceFilter, forces: list[float], rate: float = 80.0) -> list[float]:
    return [force_filter.apply(Sample(i / rate, f))[0] for i, f in enumerate(forces)]


def step_delay_s(force_filter: ForceFilter, rate: float = 80.0) -> float:
    """Time from a 0 -> 10 N step to the output's 50 % point."""
    out = feed(force_filter, [0.0] * 10 + [10.0] * 400, rate)
    first = next(i for i, f in enumerate(out) if f >= 5.0)
    return (first - 10) / rate


def test_a_single_spike_never_reaches_the_engine() -> None:
    force_filter = ForceFilter(80)
    out = feed(force_filter, [20, 20.2, 400, 20.1, 19.9])
    assert out == [20, 20.2, 20.2, 20.1, 19.9]
    assert force_filter.rejected == 1


def test_glitch_flagged_reads_are_replaced_by_the_last_good_force() -> None:
    force_filter = ForceFilter(80)
    force_filter.apply(Sample(0, 12.0))
    force, flags = force_filter.apply(Sample(0.0125, -8000.0, flags=SampleFlag.GLITCH))
    assert force == 12.0 and flags & SampleFlag.GLITCH
    force, flags = force_filter.apply(Sample(0.025, float("nan")))
    assert force == 12.0 and flags & SampleFlag.GLITCH


def test_ordinary_samples_pass_with_no_delay() -> None:
    assert step_delay_s(ForceFilter(80)) == 0.0  # a 10 N step is within one period's reach


def test_a_real_fast_jump_is_accepted_one_sample_late() -> None:
    out = feed(ForceFilter(80), [0.0] * 5 + [100.0] * 5)
    assert out[5] == 0.0 and out[6] == 100.0  # 12.5 ms at 80 Hz
    out10 = feed(ForceFilter(10), [0.0] * 5 + [300.0] * 5, rate=10)
    assert out10[5] == 0.0 and out10[6] == 300.0  # 100 ms at 10 Hz


@pytest.mark.parametrize("smoothing_s", [0.05, 0.1, 0.2])
def test_smoothing_delays_a_step_by_about_0_69_tau(smoothing_s: float) -> None:
    delay = step_delay_s(ForceFilter(80, smoothing_s=smoothing_s))
    assert delay == pytest.approx(0.69 * smoothing_s, abs=1 / 80)


def test_reset_forgets_history() -> None:
    force_filter = ForceFilter(80)
    feed(force_filter, [50.0] * 3)
    force_filter.reset()
    assert force_filter.apply(Sample(1.0, 0.0))[0] == 0.0

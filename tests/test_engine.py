"""The session engine on hand-made traces: clock, zones, events and metrics."""

from __future__ import annotations

import statistics

import pytest

from tests.conftest import make_exercise
from trainer.engine import (
    BandEntered,
    BandLeft,
    Overshoot,
    PhaseEnded,
    PhaseStarted,
    SessionEngine,
    SessionFinished,
    Zone,
)
from trainer.scoring import steadiness_credit


def run(engine: SessionEngine, forces: list[float], rate_hz: float = 10.0, t0: float = 0.0) -> list:
    events = []
    for i, force in enumerate(forces):
        events.extend(engine.feed(t0 + i / rate_hz, force))
    return events


HOLD = [{"kind": "hold", "band": [40, 60], "duration_s": 1.0}]
TRACE = [30, 45, 50, 55, 65, 50, 50, 50, 50, 50, 50]


def test_hold_metrics_match_the_hand_computed_values() -> None:
    engine = SessionEngine(make_exercise(HOLD))
    run(engine, TRACE)
    assert engine.finished
    phase = engine.result().phases[0]
    assert phase.samples == 11
    assert phase.duration_s == pytest.approx(1.0)
    assert phase.time_in_band_pct == pytest.approx(100 * 9 / 11)
    assert phase.constant_error_n == pytest.approx((-10 + 5) / 11)
    assert phase.absolute_error_n == pytest.approx(15 / 11)
    assert phase.variable_error_n == pytest.approx(statistics.stdev(f - 50 for f in TRACE))
    after_entry = TRACE[1:]
    cv = 100 * statistics.stdev(after_entry) / statistics.mean(after_entry)
    assert phase.steadiness_cv_pct == pytest.approx(cv)
    assert phase.time_to_band_s == pytest.approx(0.1)
    assert phase.overshoot_count == 1
    assert phase.overshoot_peak_n == pytest.approx(5)
    assert phase.peak_force_n == 65
    credit = (9 + (1 - 10 / 20) + (1 - 5 / 20)) / 11  # near misses earn part credit
    assert phase.score == pytest.approx(100 * (0.8 * credit + 0.2 * steadiness_credit(cv)))
    assert engine.result().score == pytest.approx(phase.score, abs=0.05)


def test_events_in_order_for_the_hold_trace() -> None:
    engine = SessionEngine(make_exercise(HOLD))
    events = run(engine, TRACE)
    kinds = [(type(e).__name__, round(e.t_s, 3)) for e in events]
    assert kinds == [
        ("PhaseStarted", 0.0),
        ("BandEntered", 0.1),
        ("BandLeft", 0.4),
        ("Overshoot", 0.4),
        ("BandEntered", 0.5),
        ("PhaseEnded", 1.0),
        ("SessionFinished", 1.0),
    ]
    left = next(e for e in events if isinstance(e, BandLeft))
    assert left.zone is Zone.ABOVE
    assert isinstance(events[-1], SessionFinished) and events[-1].result.completed


def test_overshoot_counted_once_per_excursion() -> None:
    engine = SessionEngine(make_exercise([{"kind": "hold", "band": [40, 60], "duration_s": 5}]))
    events = run(engine, [50, 61, 62, 63, 61.5, 62, 55, 50, 62, 70, 50])
    overshoots = [e for e in events if isinstance(e, Overshoot)]
    assert [round(e.t_s, 1) for e in overshoots] == [0.1, 0.8]
    assert engine.result().phases[0].overshoot_count == 2
    assert engine.result().phases[0].overshoot_peak_n == pytest.approx(10)


def test_zone_hysteresis_stops_chatter_at_the_edge() -> None:
    engine = SessionEngine(make_exercise([{"kind": "hold", "band": [40, 60], "duration_s": 5}]))
    events = run(engine, [50, 60.2, 59.9, 60.3, 59.8, 60.4])
    assert not [e for e in events if isinstance(e, BandLeft | BandEntered)][1:]
    assert engine.state.zone is Zone.IN


def test_perfect_ramp_scores_full_marks_and_measures_the_rate() -> None:
    exercise = make_exercise([{"kind": "ramp", "band": [40, 50], "rate_n_per_s": 10, "max_s": 10}])
    engine = SessionEngine(exercise)
    run(engine, [10.0 * i / 10 for i in range(60)])
    phase = engine.result().phases[0]
    assert engine.finished
    assert phase.duration_s == pytest.approx(4.0)  # ends on reaching the band at 40 N
    assert phase.ramp_rate_n_per_s == pytest.approx(10.0)
    assert phase.ramp_rate_error_pct == pytest.approx(0.0, abs=1e-6)
    assert phase.time_in_band_pct == 100
    assert phase.score == pytest.approx(100)


def test_a_too_fast_ramp_loses_rate_credit_and_leaves_the_moving_band() -> None:
    exercise = make_exercise(
        [
            {
                "kind": "ramp",
                "band": [40, 50],
                "rate_n_per_s": 10,
                "rate_tolerance_n_per_s": 3,
                "max_s": 10,
            }
        ]
    )
    engine = SessionEngine(exercise)
    run(engine, [25.0 * i / 10 for i in range(30)])  # 25 N/s against 10
    phase = engine.result().phases[0]
    assert phase.ramp_rate_n_per_s == pytest.approx(25.0)
    assert phase.ramp_rate_error_pct == pytest.approx(150.0)
    assert phase.time_in_band_pct < 60
    assert phase.score is not None and phase.score < 60


def test_live_state_shows_the_ramp_target_moving() -> None:
    engine = SessionEngine(
        make_exercise([{"kind": "ramp", "band": [40, 50], "rate_n_per_s": 10, "max_s": 10}])
    )
    run(engine, [0.0, 1.0, 2.0])
    state = engine.state
    assert state.band is not None and state.band.centre_n == pytest.approx(2.0)
    assert state.rate_n_per_s == pytest.approx(10.0)
    assert state.zone is Zone.IN


def test_a_ramp_that_begins_in_its_band_keeps_its_own_direction() -> None:
    # The second ramp goes up to 15-30 N and begins at 20 N, already in its band; it was
    # judged in the direction of the ramp before it (down), so 32 N did not end it.
    engine = SessionEngine(
        make_exercise(
            [
                {"kind": "ramp", "band": [10, 20], "rate_n_per_s": 10, "max_s": 10},
                {"kind": "ramp", "band": [15, 30], "rate_n_per_s": 10, "max_s": 10},
            ]
        )
    )
    events = run(engine, [50, 40, 30, 20, 32])
    started = [(e.index, round(e.t_s, 1)) for e in events if isinstance(e, PhaseStarted)]
    assert started == [(0, 0.0), (1, 0.3)]
    assert engine.finished
    assert engine.result().phases[1].duration_s == pytest.approx(0.1)


def test_hold_time_in_band_end_condition_and_time_left() -> None:
    engine = SessionEngine(
        make_exercise([{"kind": "hold", "band": [10, 20], "hold_s": 0.5, "max_s": 3}])
    )
    run(engine, [5, 5, 5, 15, 15, 15])
    state = engine.state
    # each sample's interval counts on the side the sample is on: 0.3 s of 0.5 s done
    assert state.hold_left_s == pytest.approx(0.2)
    assert state.time_left_s == pytest.approx(2.5)
    run(engine, [15, 15, 15], t0=0.6)
    assert engine.finished
    assert engine.result().phases[0].duration_s == pytest.approx(0.7)


def test_release_ends_when_the_force_drops_into_its_band() -> None:
    engine = SessionEngine(
        make_exercise(
            [
                {"kind": "release", "band": [0, 5], "max_s": 5},
                {"kind": "rest", "duration_s": 0.5},
            ]
        )
    )
    events = run(engine, [40, 30, 20, 10, 4, 0, 0, 0, 0, 0, 0])
    started = [e.index for e in events if isinstance(e, PhaseStarted)]
    assert started == [0, 1]
    assert engine.finished
    assert engine.result().phases[0].duration_s == pytest.approx(0.4)
    assert engine.result().phases[0].score is None  # releases are reported, not scored


def test_pause_stops_the_clock_and_ignores_samples() -> None:
    engine = SessionEngine(make_exercise(HOLD))
    run(engine, [50, 50, 50])
    engine.pause()
    run(engine, [0] * 20, t0=0.3)
    assert engine.state.elapsed_s == pytest.approx(0.2)
    engine.resume()
    run(engine, [50] * 3, t0=2.3)
    assert engine.result().phases[0].samples == 6
    # the interval from the last paused sample to the first live one counts, nothing before
    assert engine.state.elapsed_s == pytest.approx(0.5)


def test_a_sensor_gap_does_not_advance_the_phase_clock() -> None:
    engine = SessionEngine(make_exercise(HOLD))
    engine.feed(0.0, 50)
    engine.feed(0.1, 50)
    engine.feed(5.0, 50)  # the chip was unplugged for 4.9 s
    assert engine.state.elapsed_s == pytest.approx(0.1)
    assert not engine.finished


def test_abort_keeps_the_phase_in_progress_as_incomplete() -> None:
    engine = SessionEngine(make_exercise(HOLD + HOLD))
    run(engine, [50] * 13)
    result = engine.abort()
    assert not result.completed
    assert [p.completed for p in result.phases] == [True, False]
    assert isinstance(engine.take_events()[0], PhaseEnded)
    assert engine.feed(2.0, 50) == []


def test_state_before_the_first_sample_shows_the_first_phase() -> None:
    engine = SessionEngine(make_exercise(HOLD))
    state = engine.state
    assert state.phase is not None and state.phase.band is not None
    assert state.band == state.phase.band
    assert state.time_left_s == pytest.approx(1.0)
    assert state.next_phases == ()


def test_blind_phase_state_says_blind() -> None:
    engine = SessionEngine(make_exercise(HOLD, feedback="blind"))
    assert engine.state.blind

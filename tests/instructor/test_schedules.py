"""Feedback schedules: pure decisions the live screen asks for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.instructor.helpers import holds_exercise, run
from trainer.engine import LiveState, SessionEngine, Zone
from trainer.exercises import FeedbackMode, TargetBand
from trainer.instructor import InstructorError
from trainer.instructor.schedules import (
    FeedbackController,
    FeedbackSchedule,
    GaugeMode,
    ScheduleKind,
    retention_variable_error,
)


def _state(engine: SessionEngine, **changes: object) -> LiveState:
    return replace(engine.state, **changes)  # type: ignore[arg-type]


def test_always_shows_every_trial_and_every_result() -> None:
    exercise = holds_exercise(3)
    _, batches = run(exercise, [25, 25, 25])
    control = FeedbackController(FeedbackSchedule())
    shown = [m for batch in batches for m in control.observe(batch)]
    assert control.report.trials == 3 and control.report.trials_with_live_feedback == 3
    assert len(shown) == 3


def test_faded_feedback_drops_as_scores_rise() -> None:
    exercise = holds_exercise(12)
    _, batches = run(exercise, [25.0] * 12)  # perfect trials: scores of 100
    control = FeedbackController(FeedbackSchedule.faded())
    trials = []
    for batch in batches:
        control.observe(batch)
        current = control.current
        is_hold = current is not None and exercise.phases[current.index].kind.value == "hold"
        if is_hold and current is not None and (not trials or trials[-1][0] != current.index):
            trials.append((current.index, current.gauge))
    shown = [gauge is GaugeMode.SHOWN for _, gauge in trials]
    # first trial live; after a high score only every 5th (20 %)
    assert shown == [True, False, False, False, False, True] + [False] * 4 + [True, False]
    assert control.finish().trials_with_live_feedback == 3
    assert control.live_fraction() == 0.2


def test_faded_feedback_stays_on_while_scores_are_low() -> None:
    exercise = holds_exercise(6)
    _, batches = run(exercise, [60.0] * 6)  # far above the band: score 0
    control = FeedbackController(FeedbackSchedule.faded())
    for batch in batches:
        control.observe(batch)
    assert control.report.trials_with_live_feedback == 6


def test_bandwidth_gauge_only_out_of_band() -> None:
    exercise = holds_exercise(1)
    engine = SessionEngine(exercise)
    control = FeedbackController(FeedbackSchedule(ScheduleKind.BANDWIDTH, bandwidth_pct=10))
    control.observe(engine.feed(0.0, 25.0))
    band = TargetBand(20, 30)
    inside = _state(engine, zone=Zone.IN, band=band, distance_n=0.0)
    near = _state(engine, zone=Zone.ABOVE, band=band, distance_n=1.0)  # 1 N < 10% of 25 N
    far = _state(engine, zone=Zone.BELOW, band=band, distance_n=-5.0)
    assert not control.gauge_visible(inside)
    assert not control.gauge_visible(near)
    assert control.gauge_visible(far)


def test_summary_shows_results_after_every_n_trials() -> None:
    exercise = holds_exercise(5)
    _, batches = run(exercise, [25.0] * 5)
    control = FeedbackController(FeedbackSchedule(ScheduleKind.SUMMARY, summary_every=2))
    shown_sizes = [len(s) for batch in batches if (s := control.observe(batch))]
    assert shown_sizes == [2, 2, 1]  # the last one when the session finishes
    assert control.report.trials_with_live_feedback == 0


def test_self_controlled_peeks_are_counted_and_time_limited() -> None:
    exercise = holds_exercise(2)
    engine = SessionEngine(exercise)
    control = FeedbackController(FeedbackSchedule(ScheduleKind.SELF, peek_s=2.0))
    control.observe(engine.feed(0.0, 25.0))
    now = _state(engine, session_elapsed_s=10.0)
    assert not control.gauge_visible(now)
    assert control.peek(now)
    assert control.peek(now)
    assert control.gauge_visible(_state(engine, session_elapsed_s=11.5))
    assert not control.gauge_visible(_state(engine, session_elapsed_s=12.5))
    assert control.report.peeks == 2 and control.report.peeked_trials == [1]


def test_peek_is_refused_when_schedule_does_not_allow_it() -> None:
    engine = SessionEngine(holds_exercise(1))
    control = FeedbackController(FeedbackSchedule())
    control.observe(engine.feed(0.0, 25.0))
    assert not control.peek(engine.state)
    assert control.report.peeks == 0


def test_blind_phases_stay_blind_under_any_schedule() -> None:
    exercise = holds_exercise(1)
    blind = replace(
        exercise, phases=tuple(replace(p, feedback=FeedbackMode.BLIND) for p in exercise.phases)
    )
    engine = SessionEngine(blind)
    control = FeedbackController(FeedbackSchedule())
    control.observe(engine.feed(0.0, 25.0))
    assert control.current is not None and control.current.gauge is GaugeMode.HIDDEN
    assert not control.gauge_visible(engine.state)


def test_retention_test_hides_everything_and_reports_variable_error() -> None:
    exercise = holds_exercise(4)
    forces = [22.0, 28.0, 22.0, 28.0]  # centre 25: errors -3, +3, -3, +3
    _, batches = run(exercise, forces)
    control = FeedbackController(FeedbackSchedule(ScheduleKind.RETENTION))
    shown = [m for batch in batches for m in control.observe(batch)]
    report = control.finish()
    assert shown == []
    assert report.trials_with_live_feedback == 0
    assert report.variable_error_n == pytest.approx(3.4641, abs=0.01)  # SD of ±3
    assert report.constant_error_n == pytest.approx(0.0, abs=0.01)  # all inside the band


def test_consistent_but_biased_trials_have_no_variable_error() -> None:
    exercise = holds_exercise(3)
    _, batches = run(exercise, [35.0] * 3)
    control = FeedbackController(FeedbackSchedule(ScheduleKind.RETENTION))
    for batch in batches:
        control.observe(batch)
    trials = control._trial_forces
    assert retention_variable_error(trials) == pytest.approx(0.0, abs=0.05)
    assert control.finish().constant_error_n == pytest.approx(5.0, abs=0.2)


def test_retention_falls_due_after_the_gap() -> None:
    schedule = FeedbackSchedule(ScheduleKind.FADED, retention_after_days=7)
    assert schedule.for_session(3.0, False).kind is ScheduleKind.FADED
    assert schedule.for_session(8.0, False).kind is ScheduleKind.RETENTION
    assert schedule.for_session(8.0, True).kind is ScheduleKind.FADED
    assert schedule.for_session(None, False).kind is ScheduleKind.FADED


def test_schedule_json_round_trip_and_parse_errors() -> None:
    schedule = FeedbackSchedule.parse("summary", summary_every=3)
    assert FeedbackSchedule.from_json(schedule.to_json()) == schedule
    with pytest.raises(InstructorError, match="choose one of always, faded"):
        FeedbackSchedule.parse("sometimes")
    with pytest.raises(InstructorError, match="from 1 to 50"):
        FeedbackSchedule.parse("summary", summary_every=0)

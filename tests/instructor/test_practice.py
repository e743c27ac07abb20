"""A student's practice plan: their bands and their feedback schedule, stored afterwards."""

from __future__ import annotations

import pytest

from trainer.exercises import ExerciseLibrary, TargetBand
from trainer.instructor import InstructorError
from trainer.instructor.feedback_store import SchedulePlans
from trainer.instructor.practice import plan_practice
from trainer.instructor.roster import Roster
from trainer.instructor.schedules import FeedbackSchedule, ScheduleKind
from trainer.instructor.targets import BandTargets
from trainer.sensors.students import PROFILES, VirtualStudent
from trainer.session import PracticeSession
from trainer.store import Store


def test_plan_uses_the_class_bands_and_schedule_and_records_the_report(
    store: Store, library: ExerciseLibrary
) -> None:
    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    exercise = library.get("graded-levels")
    BandTargets(store).set("class", "Monday", exercise, "deep", 40, 55)
    SchedulePlans(store).set("class", "Monday", FeedbackSchedule(ScheduleKind.SELF))

    plan = plan_practice(store, exercise, "Ana")
    assert plan.schedule.kind is ScheduleKind.SELF and plan.schedule_source == "class Monday"
    assert TargetBand(40, 55, "deep") in {p.band for p in plan.exercise.phases}
    assert "class Monday" in plan.band_note()

    virtual = VirtualStudent(PROFILES["steady"], seed=2)
    sensor = virtual.sensor(rate_hz=80, speed=0)
    session = PracticeSession.begin(store, plan.exercise, "Ana", sensor.describe(), rate_hz=80)
    peeked = False
    with sensor:
        virtual.observe(session.engine.state)
        while not session.engine.finished:
            plan.controller.observe(session.process(sensor.read()))
            state = session.engine.state
            if not peeked and state.phase is not None and state.phase.kind.value == "hold":
                peeked = plan.controller.peek(state)
            virtual.observe(state)
    session.finish()
    report = plan.finish(store, session.session_id)
    assert report.peeks == 1 and report.trials == 6
    assert SchedulePlans(store).report(session.session_id) == report.to_json()


def test_unknown_student_gets_the_exercise_as_written(
    store: Store, library: ExerciseLibrary
) -> None:
    exercise = library.get("steady-ramp")
    plan = plan_practice(store, exercise, "Newcomer")
    assert plan.exercise is exercise
    assert plan.schedule.kind is ScheduleKind.ALWAYS and plan.band_note() == ""


def test_retention_test_falls_due_after_the_gap(store: Store, library: ExerciseLibrary) -> None:
    from datetime import UTC, datetime, timedelta

    from trainer.session import simulate

    Roster(store).add_student("Ana")
    SchedulePlans(store).set(
        "student", "Ana", FeedbackSchedule(ScheduleKind.FADED, retention_after_days=7)
    )
    exercise = library.get("precision-drill")
    simulate(store, exercise, profile="steady", seed=1, student="Ana")
    plans = SchedulePlans(store)
    soon = datetime.now(UTC) + timedelta(days=2)
    later = datetime.now(UTC) + timedelta(days=8)
    assert plans.resolve("Ana", exercise.id, now=soon)[0].kind is ScheduleKind.FADED
    due, source = plans.resolve("Ana", exercise.id, now=later)
    assert due.kind is ScheduleKind.RETENTION and "retention test due" in source


def test_a_schedule_for_an_unknown_scope_is_refused_not_given_to_a_student(
    store: Store,
) -> None:
    # Band overrides and schedules find their owner in one place (Roster.owner_id): a
    # scope other than class or student was stored against a student of that name.
    Roster(store).add_student("Ana")
    plans = SchedulePlans(store)
    with pytest.raises(InstructorError, match="scope 'group' is not known"):
        plans.set("group", "Ana", FeedbackSchedule(ScheduleKind.SELF))
    assert store.db.execute("SELECT COUNT(*) FROM feedback_schedules").fetchone() == (0,)

"""Assessment: pass marks ("4 of 5 trials in band"), blind runs, results per student."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.instructor.helpers import holds_exercise, run
from trainer.engine import SessionEngine
from trainer.exercises import ExerciseLibrary, FeedbackMode
from trainer.instructor import InstructorError
from trainer.instructor.assessment import (
    Assessments,
    PassMark,
    PassMarks,
    PassVerdict,
    assessment_exercise,
    judge,
    simulate_assessment,
    trials_of,
)
from trainer.instructor.roster import Roster
from trainer.instructor.targets import BandTargets
from trainer.store import Store


def test_four_of_five_trials_in_band_passes_three_does_not() -> None:
    exercise = holds_exercise(5)
    mark = PassMark(exercise.id, trials_required=4)
    engine, _ = run(exercise, [25, 25, 25, 25, 50])  # the last trial far above the band
    verdict = judge(mark, exercise, engine.result())
    assert (verdict.trials, verdict.trials_in_band, verdict.passed) == (5, 4, True)
    engine, _ = run(exercise, [25, 25, 25, 50, 50])
    verdict = judge(mark, exercise, engine.result())
    assert (verdict.trials_in_band, verdict.passed) == (3, False)
    assert "3 of 5 trials in band" in verdict.text()


def test_min_score_and_trials_both_required() -> None:
    exercise = holds_exercise(2)
    engine, _ = run(exercise, [25, 25])
    result = engine.result()
    assert judge(PassMark(exercise.id, min_score=90, trials_required=2), exercise, result).passed
    engine, _ = run(exercise, [25, 31])  # second trial just above the band
    result = engine.result()
    mark = PassMark(exercise.id, min_score=result.score + 1, trials_required=1)
    assert not judge(mark, exercise, result).passed  # trials enough, score not


def test_a_session_stopped_before_its_end_never_passes() -> None:
    exercise = holds_exercise(3)
    engine = SessionEngine(exercise)
    for i in range(80):  # 2 s at 40 a second, in the first trial's band
        engine.feed(i / 40, 25.0 if exercise.phases[engine.phase_index].kind.value == "hold" else 0)
    result = engine.abort()
    assert not result.completed and result.score > 50
    verdict = judge(PassMark(exercise.id, min_score=50), exercise, result)
    # Scored on those 2 s only: well above the mark, and still no pass.
    assert not verdict.passed and not verdict.completed
    assert "stopped before the end" in verdict.text()
    engine, _ = run(exercise, [25, 25, 25])  # the whole session in band
    assert judge(PassMark(exercise.id, min_score=50), exercise, engine.result()).passed


def test_a_repetition_is_one_trial(library: ExerciseLibrary) -> None:
    exercise = library.get("stripping-strokes")  # 6 strokes of press + glide
    engine = SessionEngine(exercise)
    trials = trials_of(exercise, engine.abort())
    assert len(trials) == 6
    assert trials_of(holds_exercise(3), run(holds_exercise(3), [25] * 3)[0].result())[2]


def test_pass_marks_are_checked_and_stored(store: Store) -> None:
    with pytest.raises(InstructorError, match="needs a minimum score"):
        PassMark("x")
    with pytest.raises(InstructorError, match="from 0 to 100"):
        PassMark("x", min_score=120)
    marks = PassMarks(store)
    marks.set(PassMark("graded-levels", trials_required=5, trial_in_band_pct=60))
    assert marks.get("graded-levels") == PassMark("graded-levels", None, 5, 60)
    assert marks.clear("graded-levels") and marks.get("graded-levels") is None


def test_assessed_exercise_is_blind_with_the_students_bands(
    store: Store, library: ExerciseLibrary
) -> None:
    Roster(store).add_student("Ana")
    exercise = library.get("graded-levels")
    BandTargets(store).set("student", "Ana", exercise, "deep", 35, 50)
    assessed = assessment_exercise(store, exercise, "Ana")
    assert {p.feedback for p in assessed.phases} == {FeedbackMode.BLIND}
    assert {p.band.high_n for p in assessed.phases if p.band and p.band.level == "deep"} == {50}


def test_simulated_assessment_records_every_exercise_and_the_verdict(
    store: Store, library: ExerciseLibrary
) -> None:
    book = Assessments(store)
    book.create("Module 2", ["precision-drill", "graded-levels"], set(library.exercises))
    PassMarks(store).set(PassMark("precision-drill", min_score=50))
    PassMarks(store).set(PassMark("graded-levels", trials_required=99))  # cannot pass
    result = simulate_assessment(
        store, library.exercises, "Module 2", "Ana", profile="steady", seed=3
    )
    assert result.status == "complete"
    assert [i.exercise_id for i in result.items] == ["precision-drill", "graded-levels"]
    assert [i.passed for i in result.items] == [True, False]
    assert result.passed is False
    for item in result.items:
        session = store.session(item.session_id)
        assert session["student"] == "Ana"
        assert {p["feedback"] for p in session["exercise"]["phases"]} == {"blind"}
    assert [r.id for r in book.runs(student="Ana")] == [result.id]
    # The instructor's screen words each exercise's verdict as the verdict itself does.
    from trainer.ui.instructor.assessment import run_detail

    detail = run_detail(result)
    first, second = result.items
    assert f"session {first.session_id}: pass, " in detail
    assert f"session {second.session_id}: not yet, " in detail
    assert "(needs 99 of" in detail and "stopped before the end" not in detail


def test_a_stored_verdict_reads_back_the_same_and_an_older_one_as_completed() -> None:
    exercise = holds_exercise(2)
    engine, _ = run(exercise, [25, 25])
    verdict = judge(PassMark(exercise.id, min_score=50), exercise, engine.result())
    stopped = replace(verdict, passed=False, completed=False)
    assert [PassVerdict.from_json(v.to_json()) for v in (verdict, stopped)] == [verdict, stopped]
    stored_before = {k: v for k, v in verdict.to_json().items() if k != "completed"}
    assert PassVerdict.from_json(stored_before).completed is True


def test_unknown_exercise_in_assessment_is_refused(store: Store, library: ExerciseLibrary) -> None:
    with pytest.raises(InstructorError, match="no exercise with id nope"):
        Assessments(store).create("X", ["nope"], set(library.exercises))
    with pytest.raises(InstructorError, match="no assessment called 'Y'"):
        Assessments(store).get("Y")


def test_sitting_goes_exercise_by_exercise_and_an_early_stop_is_incomplete(
    store: Store, library: ExerciseLibrary
) -> None:
    from trainer.instructor.assessment import AssessmentSitting
    from trainer.session import simulate

    Assessments(store).create("Two", ["precision-drill", "blind-levels"])
    sitting = AssessmentSitting(store, library.exercises, "Two", "Ben")
    assert sitting.total == 2
    first = sitting.next_exercise()
    assert first is not None and first.id == "precision-drill"
    outcome = simulate(store, first, profile="steady", seed=1, student="Ben")
    assert sitting.record(outcome.session_id, outcome.result) is None  # no pass mark set
    next_one = sitting.next_exercise()
    assert next_one is not None and next_one.id == "blind-levels"
    run = sitting.finish()  # stopped before the second exercise
    assert run.status == "incomplete" and run.passed is False
    assert run.items[1].session_id is None

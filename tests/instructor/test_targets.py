"""Band overrides: built-in -> class -> student, shown plainly and applied to sessions."""

from __future__ import annotations

import pytest

from trainer.exercises import ExerciseLibrary, TargetBand
from trainer.instructor import InstructorError
from trainer.instructor.roster import Roster
from trainer.instructor.targets import BandTargets
from trainer.store import Store


@pytest.fixture
def targets(store: Store) -> BandTargets:
    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    roster.enrol("Monday", "Ben")
    return BandTargets(store)


def test_student_beats_class_beats_builtin(targets: BandTargets, library: ExerciseLibrary) -> None:
    exercise = library.get("graded-levels")
    targets.set("class", "Monday", exercise, "deep", 40, 60)
    targets.set("student", "Ana", exercise, "deep", 30, 45)
    targets.set("class", "Monday", exercise, "light", 8, 16)
    ana = {row.index: row for row in targets.explain(exercise, student="Ana")}
    ben = {row.index: row for row in targets.explain(exercise, student="Ben")}
    deep = next(i for i, p in enumerate(exercise.phases) if p.band and p.band.level == "deep")
    light = next(i for i, p in enumerate(exercise.phases) if p.band and p.band.level == "light")
    moderate = next(
        i for i, p in enumerate(exercise.phases) if p.band and p.band.level == "moderate"
    )
    assert ana[deep].builtin == TargetBand(45, 70, "deep")
    assert ana[deep].class_band == TargetBand(40, 60)
    assert ana[deep].effective == TargetBand(30, 45, "deep") and ana[deep].source == "student"
    assert ben[deep].effective == TargetBand(40, 60, "deep") and ben[deep].source == "class Monday"
    assert ana[light].effective == TargetBand(8, 16, "light")
    assert ana[moderate].source == "built-in"
    applied = targets.apply(exercise, student="Ana")
    assert {p.band for p in applied.phases if p.band and p.band.level == "deep"} == {
        TargetBand(30, 45, "deep")
    }


def test_phase_override_beats_level_override_in_same_layer(
    targets: BandTargets, library: ExerciseLibrary
) -> None:
    exercise = library.get("graded-levels")
    targets.set("class", "Monday", exercise, "moderate", 20, 30)
    targets.set("class", "Monday", exercise, "phase 1", 22, 28)
    rows = targets.explain(exercise, class_name="Monday")
    assert rows[0].effective == TargetBand(22, 28, "moderate")
    assert rows[6].effective == TargetBand(20, 30, "moderate")


def test_no_overrides_returns_the_same_exercise(
    targets: BandTargets, library: ExerciseLibrary
) -> None:
    exercise = library.get("steady-ramp")
    assert targets.apply(exercise, student="Ana") is exercise


def test_bad_overrides_are_explained(targets: BandTargets, library: ExerciseLibrary) -> None:
    exercise = library.get("graded-levels")
    with pytest.raises(InstructorError, match="not a level or phase"):
        targets.set("class", "Monday", exercise, "heavy", 1, 2)
    with pytest.raises(InstructorError, match="low < high"):
        targets.set("class", "Monday", exercise, "deep", 60, 40)
    with pytest.raises(InstructorError, match="no phase 99"):
        targets.set("class", "Monday", exercise, "phase 99", 1, 2)
    with pytest.raises(InstructorError, match="no class called 'Tuesday'"):
        targets.set("class", "Tuesday", exercise, "deep", 40, 60)


@pytest.mark.parametrize(("low", "high"), [(1e-320, 2e-320), (40.0, 40.2)])
def test_an_override_no_one_could_hold_is_refused_as_in_a_file(
    targets: BandTargets, library: ExerciseLibrary, low: float, high: float
) -> None:
    with pytest.raises(InstructorError, match=r"too narrow to hold: make it at least 0\.5 N wide"):
        targets.set("class", "Monday", library.get("graded-levels"), "deep", low, high)


def test_clear_restores_inheritance(targets: BandTargets, library: ExerciseLibrary) -> None:
    exercise = library.get("graded-levels")
    targets.set("student", "Ana", exercise, "deep", 30, 45)
    assert targets.clear("student", "Ana", exercise.id, "deep") == 1
    assert targets.apply(exercise, student="Ana") is exercise
    assert targets.overrides() == []

"""Students and classes: add, rename, archive; sessions are never lost."""

from __future__ import annotations

import pytest

from trainer.exercises import ExerciseLibrary
from trainer.instructor import InstructorError
from trainer.instructor.roster import Roster
from trainer.session import simulate
from trainer.store import Store


def test_add_rename_and_enrol(store: Store) -> None:
    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    roster.enrol("Monday", "Ben")
    roster.rename_student("Ben", "Benedict")
    roster.rename_class("Monday", "Monday pm")
    [monday] = roster.classes()
    assert monday.name == "Monday pm"
    assert monday.students == ("Ana", "Benedict")
    assert [s.classes for s in roster.students()] == [("Monday pm",), ("Monday pm",)]


def test_rename_to_existing_name_is_refused_with_a_sentence(store: Store) -> None:
    roster = Roster(store)
    roster.add_student("Ana")
    roster.add_student("Ben")
    with pytest.raises(InstructorError, match="already a student called 'ana'"):
        roster.rename_student("Ben", "ana")


def test_unknown_student_names_the_known_ones(store: Store) -> None:
    roster = Roster(store)
    roster.add_student("Ana")
    with pytest.raises(InstructorError, match=r"no student called 'Zed'.*students: Ana"):
        roster.student_id("Zed")


def test_archived_student_keeps_sessions_and_is_hidden(
    store: Store, library: ExerciseLibrary
) -> None:
    exercise = library.get("precision-drill")
    outcome = simulate(store, exercise, profile="steady", seed=1, student="Ana")
    roster = Roster(store)
    roster.archive_student("Ana")
    assert [s.name for s in roster.students()] == []
    [ana] = roster.students(include_archived=True)
    assert ana.archived and ana.sessions == 1
    assert store.sample_count(outcome.session_id) > 0
    roster.add_student("Ana")  # adding again brings them back
    assert [s.name for s in roster.students()] == ["Ana"]


def test_archived_class_is_hidden_but_members_stay(store: Store) -> None:
    roster = Roster(store)
    roster.add_class("Old")
    roster.enrol("Old", "Ana")
    roster.archive_class("Old")
    assert roster.classes() == []
    assert roster.classes(include_archived=True)[0].students == ("Ana",)
    assert [s.name for s in roster.students()] == ["Ana"]


def test_blank_names_are_refused(store: Store) -> None:
    with pytest.raises(InstructorError, match="needs a name"):
        Roster(store).add_class("   ")

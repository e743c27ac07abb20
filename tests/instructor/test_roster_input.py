"""The roster refuses names that are not one student, and the class CSV is text, not formulas."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.instructor import InstructorError
from trainer.instructor.reports import spreadsheet_text, write_class_csv
from trainer.instructor.roster import Roster
from trainer.session import simulate
from trainer.store import Store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_comma_is_two_students_not_one(store: Store) -> None:
    with pytest.raises(InstructorError, match=r"looks like several students.*'Gus' 'Hana'"):
        Roster(store).add_student("Gus, Hana")
    assert Roster(store).students() == []


def test_a_student_who_typed_a_comma_on_home_can_be_put_in_a_class(
    capsys: pytest.CaptureFixture[str], store: Store, library: ExerciseLibrary
) -> None:
    # The home screen takes the name as typed; the session is recorded under it.
    simulate(store, library.get("precision-drill"), profile="steady", seed=1, student="Lee, Max")
    assert run(capsys, "instructor", "classes", "add", "Monday")[0] == 0
    code, _, err = run(capsys, "instructor", "classes", "enrol", "Monday", "Lee, Max")
    assert (code, err) == (0, ""), err
    assert {c.name: c.students for c in Roster(store).classes()} == {"Monday": ("Lee, Max",)}
    # Still refused as a new name: typed, it is most likely two students.
    code, _, err = run(capsys, "instructor", "classes", "enrol", "Monday", "Gus, Hana", "--add")
    assert code == 1 and "looks like several students" in err


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("x" * 3000, r"\(3000 characters\) is too long: use at most 60 characters$"),
        ("Red\x1b[31m\x07", "control character"),
        ("Ana\nBen", "control character or line break"),
    ],
)
def test_names_are_one_short_clean_line(store: Store, name: str, problem: str) -> None:
    with pytest.raises(InstructorError, match=problem):
        Roster(store).add_student(name)
    with pytest.raises(InstructorError, match=problem):
        Roster(store).add_class(name)


def test_adding_a_student_twice_says_they_exist(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    assert run(capsys, "instructor", "students", "add", "Ana")[0] == 0
    code, out, err = run(capsys, "instructor", "students", "add", "Ana", "Ben")
    assert code == 1
    assert "Added Ben." in out
    assert "'Ana' is already a student" in err


def test_enrol_does_not_invent_a_student(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    run(capsys, "instructor", "classes", "add", "Monday")
    code, _, err = run(capsys, "instructor", "classes", "enrol", "Monday", "Zed")
    assert code == 1
    assert "no student called 'Zed'" in err and "students add" in err and "--add" in err
    _, out, _ = run(capsys, "instructor", "students", "list")
    assert "Zed" not in out
    assert run(capsys, "instructor", "classes", "enrol", "Monday", "Zed", "--add")[0] == 0
    _, out, _ = run(capsys, "instructor", "classes", "list")
    assert "Zed" in out


def test_the_class_csv_neutralises_formulas(store: Store, library: ExerciseLibrary) -> None:
    roster = Roster(store)
    roster.add_class("Monday")
    name = '=HYPERLINK("http://evil.example")'
    roster.enrol("Monday", name)
    simulate(store, library.get("steady-ramp"), profile="steady", seed=1, student=name)
    out = io.StringIO()
    write_class_csv(store, "Monday", out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["student"] == "'" + name
    assert float(row["constant_error_n"]) == pytest.approx(float(row["constant_error_n"]))
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_text(prefix + "1+1") == "'" + prefix + "1+1"
    assert spreadsheet_text("Ana") == "Ana"


def test_a_student_name_from_the_command_line_is_checked(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run(capsys, "simulate", "--exercise", "steady-ramp", "--student", "x" * 3000)
    assert code != 0 and "at most 60" in err and "Traceback" not in err


def test_a_student_name_with_square_brackets_is_refused(store: Store) -> None:
    with pytest.raises(InstructorError, match="square bracket"):
        Roster(store).add_student("Ana [/]")

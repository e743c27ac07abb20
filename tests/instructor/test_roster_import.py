"""A class list imported from CSV: names, classes, and a bad row refusing the whole file."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.instructor import InstructorError
from trainer.instructor.roster import Roster
from trainer.instructor.roster_import import import_roster
from trainer.store import Store


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "class.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_class_list_with_a_header_adds_students_to_their_classes(
    store: Store, tmp_path: Path
) -> None:
    Roster(store).add_student("Ana")
    path = _write(
        tmp_path,
        "\ufeffStudent name;Class\nAna;Monday\nBen Ortiz;Monday\nChloé;Tuesday\n\nben ortiz;Monday\n",
    )
    report = import_roster(store, path)
    assert report.added == ["Ben Ortiz", "Chloé"] and report.already == ["Ana"]
    assert report.new_classes == ["Monday", "Tuesday"]
    assert report.repeated == ["ben ortiz"]
    classes = {c.name: c.students for c in Roster(store).classes()}
    assert classes == {"Monday": ("Ana", "Ben Ortiz"), "Tuesday": ("Chloé",)}
    assert "Added 2 student(s): Ben Ortiz, Chloé." in report.summary()


def test_first_and_last_name_columns_and_a_class_for_everyone(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "First name,Last name,Email\nAna,Lima,a@x\nBo,Berg,b@x\n")
    report = import_roster(store, path, class_name="Evening")
    assert report.added == ["Ana Lima", "Bo Berg"]
    assert {c.name: c.students for c in Roster(store).classes()} == {
        "Evening": ("Ana Lima", "Bo Berg")
    }


def test_a_quoted_name_with_a_comma_is_one_student(store: Store, tmp_path: Path) -> None:
    # "Surname, First name" is how many school systems export their lists.
    report = import_roster(store, _write(tmp_path, 'name,class\n"Lee, Max",Monday\nAna,Monday\n'))
    assert report.added == ["Lee, Max", "Ana"]
    assert {c.name: c.students for c in Roster(store).classes()} == {"Monday": ("Ana", "Lee, Max")}


def test_without_a_header_the_first_column_is_the_name(store: Store, tmp_path: Path) -> None:
    report = import_roster(store, _write(tmp_path, "Ana\nBen\n"))
    assert report.added == ["Ana", "Ben"] and not report.enrolled


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name\nAna\n=HYPER\u001b[31m\n", "line 3"),
        ("name\nAna\n" + "x" * 300 + "\n", "line 3"),
        ("name\n\n", "no students under it"),
        # an unquoted comma: Hana was dropped (or, without a header, taken for a class)
        ("name\nAna\nGus, Hana\n", "line 3 has more cells than the 1 column.*'Hana'"),
        ("Ana,Monday\nGus,Hana,Tuesday\n", "line 2 has more cells than the 2 column"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(
    store: Store, tmp_path: Path, text: str, problem: str
) -> None:
    with pytest.raises(InstructorError, match=problem):
        import_roster(store, _write(tmp_path, text))
    assert Roster(store).students() == []


def test_a_file_that_is_not_utf8_says_how_to_save_it(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InstructorError, match="CSV UTF-8"):
        import_roster(store, _write(tmp_path, "name\nChloé\n", encoding="utf-16"))


def test_students_import_on_the_command_line(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    path = _write(tmp_path, "name,class\nAna,Monday\nBen,Monday\n")
    assert main(["instructor", "students", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Added 2 student(s): Ana, Ben." in out and "Monday: 2 student(s) enrolled." in out
    assert main(["instructor", "students", "import", str(tmp_path / "nope.csv")]) == 1
    assert "there is no file" in capsys.readouterr().err

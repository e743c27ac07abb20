"""``trainer instructor ...`` and ``trainer exercises new|edit|copy|delete|import|export``."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary, builtin_exercise_dir
from trainer.instructor import pin as pin_module
from trainer.store import Store


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pin_module, "SCRYPT_N", 2**8)


def trainer(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _set_pin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = trainer(capsys, monkeypatch, "instructor", "set-pin", stdin="2468\n2468\n")
    assert code == 0 and "PIN set" in out


def test_commands_module_is_cheap_to_import() -> None:
    script = (
        "import sys, trainer.cli.instructor\n"
        "heavy = [m for m in ('sqlite3', 'textual', 'gpiozero', 'tomlkit') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_roster_commands(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    assert trainer(capsys, monkeypatch, "instructor", "classes", "add", "Monday")[0] == 0
    assert (
        trainer(
            capsys, monkeypatch, "instructor", "classes", "enrol", "Monday", "Ana", "Ben", "--add"
        )[0]
        == 0
    )
    assert trainer(capsys, monkeypatch, "instructor", "students", "rename", "Ben", "Benji")[0] == 0
    code, out, _ = trainer(capsys, monkeypatch, "instructor", "classes", "list")
    assert "Ana, Benji" in out
    code, _, err = trainer(capsys, monkeypatch, "instructor", "students", "archive", "Zed")
    assert code == 1 and "no student called 'Zed'" in err and "Traceback" not in err


def test_pin_guards_changes_and_wrong_pins_lock_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_pin(capsys, monkeypatch)
    trainer(capsys, monkeypatch, "instructor", "students", "add", "Ana")  # adding is open
    args = ("instructor", "bands", "set", "graded-levels", "deep", "35", "50", "--student", "Ana")
    code, _, err = trainer(capsys, monkeypatch, *args, stdin="1111\n")
    assert code == 1 and "PIN is not right" in err
    code, out, _ = trainer(capsys, monkeypatch, *args, stdin="2468\n")
    assert code == 0 and "35-50 N" in out
    for _ in range(2):
        trainer(capsys, monkeypatch, *args, stdin="0000\n")
    code, _, err = trainer(capsys, monkeypatch, *args, stdin="0000\n")
    assert code == 1 and "entry is locked: wait 30 s" in err
    code, _, err = trainer(capsys, monkeypatch, *args, stdin="2468\n")
    assert code == 1 and "too many wrong PINs" in err  # even the right PIN waits
    code, _, err = trainer(capsys, monkeypatch, *args)  # no PIN given at all
    assert code == 1 and "too many wrong PINs" in err


def test_set_pin_refuses_mismatch_and_bad_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = trainer(capsys, monkeypatch, "instructor", "set-pin", stdin="1234\n4321\n")
    assert code == 1 and "the two PINs differ" in err
    code, _, err = trainer(capsys, monkeypatch, "instructor", "set-pin", stdin="12\n12\n")
    assert code == 1 and "4 to 12 digits" in err


def test_bands_show_marks_the_band_in_force(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer(capsys, monkeypatch, "instructor", "classes", "add", "Monday")
    trainer(capsys, monkeypatch, "instructor", "classes", "enrol", "Monday", "Ana", "--add")
    trainer(
        capsys,
        monkeypatch,
        "instructor",
        "bands",
        "set",
        "graded-levels",
        "deep",
        "40",
        "60",
        "--class",
        "Monday",
    )
    code, out, _ = trainer(
        capsys, monkeypatch, "instructor", "bands", "show", "graded-levels", "--student", "Ana"
    )
    assert code == 0
    deep = next(line for line in out.splitlines() if "deep" in line)
    assert "45-70 " in deep and "40-60*" in deep and deep.endswith("class Monday")


def test_schedule_set_and_resolve(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer(capsys, monkeypatch, "instructor", "classes", "add", "Monday")
    trainer(capsys, monkeypatch, "instructor", "classes", "enrol", "Monday", "Ana", "Ben", "--add")
    trainer(capsys, monkeypatch, "instructor", "schedule", "set", "faded", "--class", "Monday")
    trainer(
        capsys,
        monkeypatch,
        "instructor",
        "schedule",
        "set",
        "summary",
        "--every",
        "3",
        "--student",
        "Ben",
    )
    _, out, _ = trainer(capsys, monkeypatch, "instructor", "schedule", "show", "--student", "Ana")
    assert "Ana: faded" in out and "from class Monday" in out
    _, out, _ = trainer(capsys, monkeypatch, "instructor", "schedule", "show", "--student", "Ben")
    assert "every 3 trials" in out and "from student" in out
    code, _, err = trainer(
        capsys, monkeypatch, "instructor", "schedule", "set", "often", "--student", "Ben"
    )
    assert code == 1 and "choose one of always" in err
    with pytest.raises(SystemExit) as exit_info:
        trainer(capsys, monkeypatch, "instructor", "schedule", "set", "faded")
    assert exit_info.value.code == 2
    assert "--class" in capsys.readouterr().err


def test_assessment_results_need_the_pin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_pin(capsys, monkeypatch)
    trainer(
        capsys,
        monkeypatch,
        "instructor",
        "assessment",
        "create",
        "Final",
        "precision-drill",
        stdin="2468\n",
    )
    trainer(
        capsys,
        monkeypatch,
        "instructor",
        "pass-mark",
        "set",
        "precision-drill",
        "--trials",
        "2",
        stdin="2468\n",
    )
    code, out, _ = trainer(
        capsys, monkeypatch, "instructor", "assessment", "run", "Final", "--student", "Ana"
    )
    assert code == 0 and "complete" in out and "PASS" not in out  # the student sees no result
    code, _, err = trainer(
        capsys, monkeypatch, "instructor", "assessment", "results", stdin="1357\n"
    )
    assert code == 1 and "not right" in err
    code, out, _ = trainer(
        capsys, monkeypatch, "instructor", "assessment", "results", stdin="2468\n"
    )
    assert code == 0 and "Final" in out and "Ana" in out and "trials in band" in out


def test_class_csv_export_reread_against_database(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    db_path: Path,
) -> None:
    trainer(capsys, monkeypatch, "instructor", "classes", "add", "Monday")
    trainer(capsys, monkeypatch, "instructor", "classes", "enrol", "Monday", "Ana", "--add")
    for seed in (1, 2):
        trainer(
            capsys,
            monkeypatch,
            "simulate",
            "--exercise",
            "precision-drill",
            "--student",
            "Ana",
            "--seed",
            str(seed),
        )
    target = tmp_path / "monday.csv"
    code, out, _ = trainer(
        capsys, monkeypatch, "instructor", "export-class", "--class", "Monday", "-o", str(target)
    )
    assert code == 0 and "2 session(s)" in out
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    with Store.open(db_path) as store:
        for row in rows:
            result = store.session(int(row["session_id"]))["result"]
            assert float(row["score"]) == pytest.approx(result["score"], abs=0.05)
            assert row["student"] == "Ana" and row["class"] == "Monday"


def test_report_writes_html_and_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    trainer(capsys, monkeypatch, "simulate", "--exercise", "precision-drill", "--student", "Ana")
    page = tmp_path / "s.html"
    assert trainer(capsys, monkeypatch, "instructor", "report", "1", "-o", str(page))[0] == 0
    assert "<svg" in page.read_text(encoding="utf-8")
    code, out, _ = trainer(capsys, monkeypatch, "instructor", "report", "1", "--format", "json")
    assert code == 0 and '"samples"' in out
    code, _, err = trainer(capsys, monkeypatch, "instructor", "report", "99")
    assert code == 1 and "no session 99" in err


def test_exercise_new_copy_delete_restore(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, user_dir: Path
) -> None:
    assert (
        trainer(capsys, monkeypatch, "exercises", "new", "my-holds", "--name", "My holds")[0] == 0
    )
    assert (user_dir / "my-holds.toml").exists()
    code, _, err = trainer(capsys, monkeypatch, "exercises", "new", "graded-levels")
    assert code == 1 and "already an exercise" in err
    assert trainer(capsys, monkeypatch, "exercises", "copy", "graded-levels", "my-levels")[0] == 0
    code, out, _ = trainer(capsys, monkeypatch, "exercises", "list")
    assert "my-levels" in out and "my-holds" in out
    assert trainer(capsys, monkeypatch, "exercises", "delete", "my-holds")[0] == 0
    assert not (user_dir / "my-holds.toml").exists()
    code, _, err = trainer(capsys, monkeypatch, "exercises", "delete", "graded-levels")
    assert code == 1 and "built in and cannot be deleted" in err
    code, _, err = trainer(capsys, monkeypatch, "exercises", "restore", "graded-levels")
    assert code == 1 and "already the built-in version" in err


def test_exercise_new_from_a_recorded_session(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer(
        capsys, monkeypatch, "simulate", "--exercise", "ischemic-compression", "--student", "Expert"
    )
    code, out, _ = trainer(
        capsys,
        monkeypatch,
        "exercises",
        "new",
        "expert-hold",
        "--from-session",
        "1",
        "--band-width",
        "8",
    )
    assert code == 0 and "Created expert-hold" in out
    exercise = ExerciseLibrary.load().get("expert-hold")
    assert any(p.kind.value == "hold" for p in exercise.phases)
    assert "Expert" in exercise.instructions


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake_editor.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_change_as_the_users_copy(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    user_dir: Path,
) -> None:
    editor = _editor(
        tmp_path,
        """
        import sys, pathlib
        path = pathlib.Path(sys.argv[1])
        path.write_text(path.read_text().replace("deep = [45, 70]", "deep = [40, 55]"))
        """,
    )
    monkeypatch.setenv("EDITOR", editor)
    before = (builtin_exercise_dir() / "graded-levels.toml").read_text()
    code, out, _ = trainer(capsys, monkeypatch, "exercises", "edit", "graded-levels")
    assert code == 0 and "replaces the built-in" in out
    assert (builtin_exercise_dir() / "graded-levels.toml").read_text() == before
    exercise = ExerciseLibrary.load().get("graded-levels")
    assert not exercise.builtin
    assert {p.band.high_n for p in exercise.phases if p.band and p.band.level == "deep"} == {55}


def test_edit_with_a_mistake_keeps_the_draft_and_saves_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    user_dir: Path,
) -> None:
    editor = _editor(
        tmp_path,
        """
        import sys, pathlib
        path = pathlib.Path(sys.argv[1])
        path.write_text(path.read_text().replace("duration_s = 6", "duration_s = -6", 1))
        """,
    )
    monkeypatch.setenv("EDITOR", editor)
    code, _, err = trainer(capsys, monkeypatch, "exercises", "edit", "graded-levels")
    assert code == 1
    assert "duration_s = -6" in err and "must be a number from 0.5 to 3600 s" in err
    assert "your edit is kept" in err
    assert not (user_dir / "graded-levels.toml").exists()
    assert (user_dir / ".drafts" / "graded-levels.toml").exists()


def test_export_and_import_pack_on_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    trainer(capsys, monkeypatch, "exercises", "copy", "steady-ramp", "my-ramp")
    pack = tmp_path / "pack.toml"
    assert trainer(capsys, monkeypatch, "exercises", "export", "--mine", "-o", str(pack))[0] == 0
    monkeypatch.setenv("TRAINER_EXERCISES", str(tmp_path / "station-2"))
    code, out, _ = trainer(capsys, monkeypatch, "exercises", "import", str(pack))
    assert code == 0 and "added     my-ramp" in out
    code, _, err = trainer(
        capsys, monkeypatch, "exercises", "import", str(tmp_path / "missing.toml")
    )
    assert code == 1 and "no file" in err

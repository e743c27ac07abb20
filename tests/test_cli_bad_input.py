"""`trainer` with bad input: broken files in the folder, NaN speeds, names holding escapes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from trainer.cli import main

GOOD = """id = "{id}"
name = "{name}"
technique = "t"
instructions = "i"
[[phases]]
kind = "hold"
band = [10, 20]
duration_s = 1
"""

BROKEN_FILES: dict[str, str | bytes] = {
    "deep.toml": "x = " + "[" * 2000 + "]" * 2000,
    "dotted.toml": ".".join(["k"] * 5000) + " = 1",
    "latin.toml": 'name = "Caf\xe9"'.encode("latin-1"),
    "utf16.toml": 'id = "x"'.encode("utf-16"),
    "binary.toml": bytes(range(256)),
    "longid.toml": GOOD.format(id="a" * 5000, name="Long"),
    "bigint.toml": GOOD.format(id="big", name="Big").replace(
        "duration_s = 1", "duration_s = 1" + "0" * 400
    ),
    "nan.toml": GOOD.format(id="nanband", name="NaN").replace("[10, 20]", "[nan, 10]"),
    "dup.toml": GOOD.format(id="mine", name="Duplicate"),
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def messy_folder(isolated_user_files: Path) -> Path:
    folder = isolated_user_files / "exercises"
    folder.mkdir()
    (folder / "a-mine.toml").write_text(GOOD.format(id="mine", name="Mine"))
    for name, content in BROKEN_FILES.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


def test_broken_files_never_stop_the_others_loading(
    capsys: pytest.CaptureFixture[str], messy_folder: Path
) -> None:
    code, out, err = run(capsys, "exercises", "list")
    assert code == 0
    assert "mine " in out and "steady-ramp" in out
    assert err.count("skipped an invalid file") == len(BROKEN_FILES)
    assert "Traceback" not in err
    assert "same id as" in err and "a-mine.toml" in err
    assert max(len(line) for line in err.splitlines()) < 300
    code, out, err = run(capsys, "simulate", "--exercise", "mine", "--json")
    assert code == 0, err


def test_check_names_every_broken_file_in_one_line_each(
    capsys: pytest.CaptureFixture[str], messy_folder: Path
) -> None:
    files = sorted(str(p) for p in messy_folder.glob("*.toml"))
    code, out, err = run(capsys, "exercises", "check", *files)
    assert code == 1 and "Traceback" not in out + err
    assert out.count(": invalid,") == len(BROKEN_FILES)
    assert f"the same id as {messy_folder / 'a-mine.toml'}" in out


@pytest.mark.parametrize("speed", ["nan", "inf", "-1", "-inf", "1e400"])
def test_simulate_refuses_a_speed_that_is_not_a_number_of_times(
    capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    code, _, err = run(capsys, "simulate", "--exercise", "steady-ramp", f"--speed={speed}")
    assert code == 2
    assert "is not a speed" in err
    code, out, _ = run(capsys, "history")
    assert "No sessions" in out


def test_escapes_stored_in_the_records_never_reach_the_terminal(
    capsys: pytest.CaptureFixture[str], isolated_user_files: Path
) -> None:
    assert run(capsys, "simulate", "--exercise", "steady-ramp", "--student", "Ana")[0] == 0
    # An older trainer stored names as typed; the database may hold anything.
    db = sqlite3.connect(isolated_user_files / "trainer.db")
    with db:
        db.execute("UPDATE students SET name = ?", ("Ana\x1b[31m\x1b]0;owned\x07",))
    db.close()
    code, out, err = run(capsys, "history")
    assert code == 0
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "Ana\\x1b[31m" in out


def test_exercise_names_with_escapes_are_refused(
    capsys: pytest.CaptureFixture[str], isolated_user_files: Path
) -> None:
    folder = isolated_user_files / "exercises"
    folder.mkdir()
    (folder / "esc.toml").write_text(GOOD.format(id="esc", name="Red \\u001b[31mX\\u0007"))
    code, out, err = run(capsys, "exercises", "list")
    assert code == 0
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "must not hold a control character" in err


@pytest.mark.parametrize(
    "command", [["delete"], ["new"], ["copy", "steady-ramp"]], ids=["delete", "new", "copy"]
)
def test_an_exercise_id_is_a_name_never_a_path(
    capsys: pytest.CaptureFixture[str], isolated_user_files: Path, command: list[str]
) -> None:
    folder = isolated_user_files / "exercises"
    folder.mkdir()
    victim = isolated_user_files / "victimdir" / "victim.toml"
    victim.parent.mkdir()
    victim.write_text(GOOD.format(id="victim", name="Victim"))
    code, _, err = run(capsys, "exercises", *command, "../victimdir/victim")
    assert code != 0
    assert "is not a usable exercise id" in err
    assert "already" not in err  # says nothing of what exists outside the folder
    assert victim.read_text() == GOOD.format(id="victim", name="Victim")
    assert not list(folder.rglob("*"))


@pytest.mark.parametrize(
    "name", ["deep.toml", "dotted.toml", "latin.toml", "longid.toml", "bigint.toml"]
)
def test_importing_a_broken_file_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_user_files: Path, name: str
) -> None:
    path = tmp_path / name
    content = BROKEN_FILES[name]
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    code, out, err = run(capsys, "exercises", "import", str(path))
    assert code == 1 and "Traceback" not in out + err
    assert str(path) in err
    assert not (isolated_user_files / "exercises").exists() or not list(
        (isolated_user_files / "exercises").glob("*.toml")
    )


def test_a_broken_file_in_the_folder_does_not_stop_new_exercises(
    capsys: pytest.CaptureFixture[str], messy_folder: Path
) -> None:
    code, _, err = run(capsys, "exercises", "new", "fresh-holds")
    assert code == 0, err
    assert (messy_folder / "fresh-holds.toml").is_file()


def test_json_output_is_strict_json_even_from_a_damaged_record(
    capsys: pytest.CaptureFixture[str], isolated_user_files: Path
) -> None:
    assert run(capsys, "simulate", "--exercise", "steady-ramp")[0] == 0
    db = sqlite3.connect(isolated_user_files / "trainer.db")
    with db:
        db.execute("UPDATE results SET score = 1e999, time_in_band_pct = -1e999")  # inf
    db.close()

    def refuse(name: str) -> None:
        pytest.fail(f"{name} in the JSON output")

    for argv in (["history", "--json"], ["export", "1", "--format", "json"]):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        json.loads(out, parse_constant=refuse)


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (
            ["history", "--limit", "9" * 23],
            "a number of 23 digits is out of range: give a number from 1 to 100000",
        ),
        (["history", "--limit", "-5"], "-5 is out of range"),
        (["history", "--limit", "abc"], "abc is not a whole number"),
        (["export", "9" * 23], "a number of 23 digits is too large to be an id"),
        (["export", "9" * 5000], "a number of 5000 digits is too large to be an id"),
        (["export", "-" + "9" * 5000], "a number of 5000 digits is out of range"),
        (["export", "0"], "0 is out of range: give a number of at least 1"),
        (["instructor", "report", "9" * 30], "too large to be an id"),
        (["instructor", "assessment", "results", "--run", "9" * 30], "too large to be an id"),
        (["instructor", "review", "Ana", "--limit", "0"], "out of range"),
        (["exercises", "new", "x", "--from-session", "9" * 30], "too large to be an id"),
    ],
)
def test_ids_and_counts_out_of_range_are_one_usage_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    """A 23-digit session id was an OverflowError traceback; --limit -5 listed everything."""
    code, out, err = run(capsys, *argv)
    assert code == 2, err
    assert problem in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err and len(err) < 300


@pytest.mark.parametrize("trials", ["9" * 23, "301", "0"])
def test_a_pass_mark_of_more_trials_than_any_exercise_holds_is_refused(
    capsys: pytest.CaptureFixture[str], trials: str
) -> None:
    """A 23-digit trial count reached SQLite as an OverflowError."""
    code, out, err = run(
        capsys, "instructor", "pass-mark", "set", "precision-drill", "--trials", trials
    )
    assert code == 1, err
    assert "the trials in band needed is a whole number from 1 to 300" in err
    assert "Traceback" not in out + err

"""The `trainer` command: help, errors, simulate, exercises, history and export."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.cli import build_parser, main, subparsers_of


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def all_subcommands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(parser, path: list[str]) -> None:
        try:
            group = subparsers_of(parser)
        except LookupError:
            found.append(path)
            return
        found.append(path)
        for name, child in group.choices.items():
            walk(child, [*path, name])

    walk(build_parser(), [])
    return found


@pytest.mark.parametrize("command", all_subcommands(), ids=lambda c: " ".join(c) or "trainer")
def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert out.startswith("usage: trainer")


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate"],
        ["simulate", "--exercise", "graded-levels", "--seed", "x"],
        ["simulate", "--exercise", "nope"],
        ["simulate", "--exercise", "graded-levels", "--student-profile", "lazy"],
        ["simulate", "--exercise", "graded-levels", "--speed", "-1"],
        ["export", "abc"],
        ["frobnicate"],
        ["exercises"],
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("trainer")
    assert "Traceback" not in err


def test_simulate_json_has_the_promised_fields(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--exercise", "graded-levels", "--student-profile", "shaky"]
    code, out, _ = run(capsys, *argv, "--seed", "7", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"score", "time_in_band_pct", "session_id", "phases"} <= set(data)
    assert 0 <= data["score"] <= 100
    assert data["phases"][0]["time_in_band_pct"] >= 0
    assert {"constant_error_n", "variable_error_n", "overshoot_count"} <= set(data["phases"][0])
    _, again, _ = run(capsys, *argv, "--seed", "7", "--json")
    second = json.loads(again)
    assert second["score"] == data["score"] and second["session_id"] == data["session_id"] + 1


def test_simulate_prints_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "simulate", "--exercise", "precision-drill", "--seed", "1")
    assert code == 0
    assert "Precision drill" in out and "Score" in out and "in band" in out


def test_exercises_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "exercises", "list")
    assert code == 0 and "ischemic-compression" in out and "40-60 N" in out
    code, out, _ = run(capsys, "exercises", "show", "steady-ramp")
    assert code == 0 and "7.5±2.5 N/s" in out and "Ramp 1/3" in out


def test_exercises_check_exits_1_with_every_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'id = "x"\nname = "x"\ntechnique = "x"\ninstructions = "x"\n'
        '[[phases]]\nkind = "hold"\nband = [50, 10]\n'
    )
    good = Path(__file__).parents[1] / "exercises" / "graded-levels.toml"
    code, out, _ = run(capsys, "exercises", "check", str(good), str(bad))
    assert code == 1
    assert "graded-levels.toml: ok" in out
    assert "bad.toml: invalid, 2 problems" in out
    assert "band = [50, 10]: low must be less than high" in out


def test_history_and_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "history")
    assert "No sessions recorded yet" in out
    run(capsys, "simulate", "--exercise", "precision-drill", "--student", "Ana")
    code, out, _ = run(capsys, "history", "--student", "Ana")
    assert code == 0 and "Precision drill" in out and "complete" in out
    code, out, _ = run(capsys, "export", "1", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["seq", "t_s", "force_n", "raw_force_n", "counts", "flags", "phase"]
    assert len(rows) > 100
    target = tmp_path / "s.json"
    code, out, _ = run(capsys, "export", "1", "--format", "json", "-o", str(target))
    data = json.loads(target.read_text())
    assert data["student"] == "Ana" and len(data["samples"]) == len(rows) - 1
    code, _, err = run(capsys, "export", "42")
    assert code == 1 and "no session 42" in err


def test_a_bad_database_is_one_sentence_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    code, _, err = run(capsys, "--db", str(junk), "history")
    assert code == 1
    assert "damaged or is not a trainer database" in err and "Traceback" not in err


def test_the_console_script_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trainer.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("trainer ")


def test_help_survives_python_OO() -> None:
    """-OO strips docstrings, the commands' help: it is read from the source instead."""

    def help_of(*argv: str) -> str:
        result = subprocess.run(
            [sys.executable, "-OO", "-m", "trainer.cli", *argv, "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    top = help_of()
    assert "run" in top and "practise live: pick an exercise, press the pad" in top
    assert "headless with a virtual student" in top  # simulate
    instructor = help_of("instructor")
    assert "pass marks per exercise" in instructor
    assert "list, add, rename, archive classes" in instructor
    assert "Pass marks: e.g. '--trials 4'" in help_of("instructor", "pass-mark")
    assert "try the class screen" in help_of("class")


def test_simulate_for_a_named_student_uses_their_bands(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from trainer.exercises import ExerciseLibrary
    from trainer.instructor.roster import Roster
    from trainer.instructor.targets import BandTargets
    from trainer.store import Store

    db = tmp_path / "bands.db"
    store = Store.open(db)
    Roster(store).add_student("Ben")
    exercise = ExerciseLibrary.load().get("graded-levels")
    BandTargets(store).set("student", "Ben", exercise, "deep", 40, 55)
    store.close()
    code, out, _ = run(
        capsys,
        "--db",
        str(db),
        "simulate",
        "--exercise",
        "graded-levels",
        "--student",
        "Ben",
        "--json",
    )
    assert code == 0
    session = Store.open(db).session(json.loads(out)["session_id"])
    deep = [
        p["band"]
        for p in session["exercise"]["phases"]
        if p["band"] and p["band"]["level"] == "deep"
    ]
    assert deep and all((b["low_n"], b["high_n"]) == (40, 55) for b in deep)


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "simulate", "--exercise", "precision-drill"],
        ["simulate", "--exercise", "precision-drill", "--db", "{db}"],
        ["simulate", "--db", "{db}", "--exercise", "precision-drill"],
    ],
    ids=["before", "after", "between"],
)
def test_db_is_accepted_before_and_after_the_subcommand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    db = tmp_path / "elsewhere.db"
    code, _, err = run(capsys, *(a.replace("{db}", str(db)) for a in argv))
    assert code == 0, err
    code, out, _ = run(capsys, "history", "--db", str(db))
    assert code == 0 and "Precision drill" in out
    code, out, _ = run(capsys, "history")  # the default database got nothing
    assert "No sessions recorded yet" in out


def test_db_after_a_nested_subcommand_and_the_later_one_wins(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    argv = ["instructor", "students", "add", "Ana"]
    assert run(capsys, "--db", str(first), *argv, "--db", str(second))[0] == 0
    code, out, _ = run(capsys, "instructor", "students", "list", "--db", str(second))
    assert code == 0 and "Ana" in out
    assert not first.exists()


def test_every_subcommand_documents_db(capsys: pytest.CaptureFixture[str]) -> None:
    for command in all_subcommands():
        assert "--db FILE" in run(capsys, *command, "--help")[1], command


def test_history_json_has_one_object_per_session(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime

    assert json.loads(run(capsys, "history", "--json")[1]) == []
    run(capsys, "simulate", "--exercise", "precision-drill", "--student", "Ana")
    run(capsys, "simulate", "--exercise", "graded-levels", "--student", "Ben")
    code, out, _ = run(capsys, "history", "--json")
    sessions = json.loads(out)
    assert code == 0 and len(sessions) == 2
    ben, ana = sessions
    assert ana["student"] == "Ana" and ben["student"] == "Ben"
    assert ana["exercise_id"] == "precision-drill" and ana["exercise_name"] == "Precision drill"
    assert ana["station"] is None  # recorded on this machine, not a class station
    assert len(ana["uuid"]) == 36 and ana["uuid"] != ben["uuid"]
    assert datetime.fromisoformat(ana["started_at"]).tzinfo is not None
    assert ana["complete"] is True and ana["status"] == "complete"
    assert 0 <= ana["score"] <= 100
    only_ana = json.loads(run(capsys, "history", "--json", "--student", "Ana")[1])
    assert [s["uuid"] for s in only_ana] == [ana["uuid"]]


def test_history_json_reads_the_station(
    capsys: pytest.CaptureFixture[str], isolated_user_files: Path
) -> None:
    from trainer.store import Store

    run(capsys, "simulate", "--exercise", "precision-drill", "--student", "Ana")
    store = Store.open(isolated_user_files / "trainer.db")
    store.db.execute("UPDATE sessions SET station = 'pad-07', status = 'incomplete'")
    store.db.commit()
    store.close()
    (session,) = json.loads(run(capsys, "history", "--json")[1])
    assert session["station"] == "pad-07" and session["complete"] is False


def test_exercises_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "exercises", "list", "--json")
    exercises = {e["id"]: e for e in json.loads(out)}
    assert code == 0 and "graded-levels" in exercises
    graded = exercises["graded-levels"]
    assert graded["name"] == "Graded levels" and graded["builtin"] is True
    assert graded["phases"] > 1 and graded["nominal_s"] > 0 and "N" in graded["targets"]


def test_history_of_an_unknown_exercise_names_it_and_the_valid_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "simulate", "--exercise", "precision-drill")
    code, out, err = run(capsys, "history", "--exercise", "nope")
    assert code == 2 and out == ""
    assert "no exercise with id 'nope'" in err and "graded-levels" in err
    assert "precision-drill" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "history", "--exercise", "graded-levels")
    assert code == 0 and "No sessions recorded" in out


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["--sim", "run"], "--sim belongs after run: trainer run --sim"),
        (["--sim"], "--sim belongs after run: trainer run --sim"),
        (
            ["--exercise", "precision-drill", "simulate", "--json"],
            "--exercise belongs after simulate: trainer simulate --exercise precision-drill --json",
        ),
    ],
)
def test_an_option_before_its_command_gets_a_hint(
    capsys: pytest.CaptureFixture[str], argv: list[str], hint: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.strip() == f"trainer: {hint}"


def test_an_unknown_option_is_still_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--bogus", "run")
    assert code == 2 and "unrecognized arguments: --bogus" in err


def test_simulate_rounds_like_the_screens_and_judges_a_release_by_what_it_asks() -> None:
    """No '-0.0', no '4.66667', and a smooth release is not '2%' in band."""
    from dataclasses import replace

    from tests.test_coaching import phase, ramp, release, result
    from trainer.cli.practice import format_result

    session = replace(
        result(
            ramp(0, ramp_rate_n_per_s=4.9, target_rate_n_per_s=14 / 3),
            phase(1, constant_error_n=-0.04),
            release(2),
        ),
        constant_error_n=-0.03,
    )
    text = format_result(session)
    assert "-0.0" not in text and "4.66667" not in text
    assert "bias 0.0 N" in text
    assert "4.9/4.7" in text
    release_row = text.splitlines()[-1]
    assert release_row.split()[1:4] == ["Release", "0-5", "smooth"], release_row
    assert "%" not in release_row

"""Assessment sessions are marked as such, and their scores stay behind the instructor PIN."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.instructor import pin as pin_module
from trainer.instructor.assessment import Assessments, simulate_assessment
from trainer.instructor.pin import PinGuard
from trainer.instructor.reports import (
    AssessmentHidden,
    class_overview,
    session_document,
    student_progress,
    write_class_csv,
)
from trainer.session import simulate
from trainer.store import MIGRATIONS, SESSION_KINDS, Store


@pytest.fixture
def eli(store: Store, library: ExerciseLibrary) -> tuple[int, list[int]]:
    """Eli practised precision-drill once and sat an assessment of two exercises."""
    practice = simulate(
        store, library.get("precision-drill"), profile="steady", seed=1, student="Eli"
    )
    Assessments(store).create("Final", ["precision-drill", "graded-levels"])
    run = simulate_assessment(store, library.exercises, "Final", "Eli", profile="steady", seed=2)
    return practice.session_id, [item.session_id for item in run.items if item.session_id]


@pytest.fixture
def instructor_pin(store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    """Set the instructor's PIN (with a cheap scrypt: the tests are not about its cost); return
    it as typed at the prompt."""
    monkeypatch.setattr(pin_module, "SCRYPT_N", 2**8)
    PinGuard(store).set_pin("2468")
    return "2468\n"


def test_assessment_sessions_are_recorded_as_assessments(
    store: Store, eli: tuple[int, list[int]]
) -> None:
    practice, assessed = eli
    assert store.session_kind(practice) == "practice"
    assert [store.session_kind(s) for s in assessed] == ["assessment", "assessment"]
    assert store.session(assessed[0])["kind"] == "assessment"


def test_the_students_history_and_last_best_leave_assessments_out(
    store: Store, eli: tuple[int, list[int]]
) -> None:
    practice, assessed = eli
    assert [row.id for row in store.history(student="Eli")] == [practice]
    assert store.hidden_count(student="Eli") == 2
    everything = store.history(student="Eli", kinds=SESSION_KINDS)
    assert {row.id for row in everything} == {practice, *assessed}
    assert {row.kind for row in everything if row.id in assessed} == {"assessment"}


def test_reports_show_assessments_only_with_the_pin(
    store: Store, eli: tuple[int, list[int]]
) -> None:
    practice, assessed = eli
    assert [p.session_id for p in student_progress(store, "Eli")] == [practice]
    with_pin = student_progress(store, "Eli", assessments=True)
    assert [p.session_id for p in with_pin] == [practice, *assessed]
    assert [p.kind for p in with_pin] == ["practice", "assessment", "assessment"]

    overview = {r.exercise_id: r.sessions for r in class_overview(store)}
    assert overview == {"precision-drill": 1}
    overview = {r.exercise_id: r.sessions for r in class_overview(store, assessments=True)}
    assert overview == {"precision-drill": 2, "graded-levels": 1}

    out = io.StringIO()
    assert write_class_csv(store, None, out) == 1
    assert write_class_csv(store, None, io.StringIO(), assessments=True) == 3

    with pytest.raises(AssessmentHidden, match="--assessments"):
        session_document(store, assessed[0])
    assert session_document(store, assessed[0], assessments=True)["kind"] == "assessment"
    assert session_document(store, practice)["kind"] == "practice"


def test_migration_marks_the_sessions_of_past_assessment_runs(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path)
    for number in range(2):
        db.executescript(
            "BEGIN;" + MIGRATIONS[number] + f"; PRAGMA user_version = {number + 1}; COMMIT;"
        )
    snapshot = {"id": "x", "name": "Old name", "technique": "t", "instructions": "", "phases": []}
    db.execute("INSERT INTO students (name, created_at) VALUES ('Eli', '2026-01-01')")
    for sid in (1, 2):
        db.execute(
            "INSERT INTO sessions (id, student_id, exercise_id, technique, exercise_json, "
            "sensor_json, started_at, updated_at, status) "
            "VALUES (?, 1, 'x', 't', ?, '{}', '2026-01-01', 0, 'complete')",
            (sid, json.dumps(snapshot)),
        )
    db.execute("INSERT INTO assessments VALUES (1, 'Final', '[\"x\"]', '2026-01-01')")
    db.execute("INSERT INTO assessment_runs VALUES (1, 1, 1, '2026-01-01', NULL, 'complete', NULL)")
    db.execute("INSERT INTO assessment_items VALUES (1, 0, 'x', 2, NULL, NULL)")
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert [store.session_kind(s) for s in (1, 2)] == ["practice", "assessment"]
        assert [row.id for row in store.history(student="Eli")] == [1]
        names = store.db.execute("SELECT DISTINCT exercise_name FROM sessions").fetchall()
        assert names == [("Old name",)]
        versions = store.db.execute("SELECT DISTINCT exercise_version FROM sessions").fetchall()
        assert len(versions) == 1 and len(versions[0][0]) == 16


def _trainer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, pin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(pin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _session_ids(listing: str) -> set[int]:
    return {int(line.split()[0]) for line in listing.splitlines() if line[:5].strip().isdigit()}


def test_cli_shows_assessment_scores_only_with_the_pin(
    store: Store,
    eli: tuple[int, list[int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    instructor_pin: str,
) -> None:
    practice, assessed = eli

    code, out, _ = _trainer(capsys, monkeypatch, "history", "--student", "Eli")
    assert code == 0
    listed = _session_ids(out)
    assert listed == {practice}
    assert "2 assessment session(s) not shown" in out
    code, _, err = _trainer(
        capsys, monkeypatch, "history", "--student", "Eli", "--assessments", pin="1111\n"
    )
    assert code == 1 and "not right" in err
    code, out, _ = _trainer(
        capsys, monkeypatch, "history", "--student", "Eli", "--assessments", pin=instructor_pin
    )
    listed = _session_ids(out)
    assert code == 0 and listed == {practice, *assessed} and "assessment" in out

    code, _, err = _trainer(capsys, monkeypatch, "export", str(assessed[0]))
    assert code == 1 and "is an assessment" in err and "--assessments" in err
    code, out, _ = _trainer(
        capsys, monkeypatch, "export", str(assessed[0]), "--assessments", pin=instructor_pin
    )
    assert code == 0 and out.startswith("seq,")

    code, out, _ = _trainer(capsys, monkeypatch, "instructor", "review", "Eli")
    assert code == 0 and "graded-levels" not in out.split("not shown")[0]
    assert "2 assessment session(s) not shown" in out
    code, out, _ = _trainer(
        capsys, monkeypatch, "instructor", "review", "Eli", "--assessments", pin=instructor_pin
    )
    assert code == 0 and out.count("assessment") >= 2

    code, _, err = _trainer(
        capsys, monkeypatch, "instructor", "report", str(assessed[1]), "--format", "json"
    )
    assert code == 1 and "is an assessment" in err
    code, out, _ = _trainer(capsys, monkeypatch, "instructor", "export-class")
    assert len(out.strip().splitlines()) == 2  # the header and the practice session
    code, out, _ = _trainer(
        capsys, monkeypatch, "instructor", "export-class", "--assessments", pin=instructor_pin
    )
    assert len(out.strip().splitlines()) == 4
    code, out, _ = _trainer(capsys, monkeypatch, "instructor", "overview")
    assert "Graded" not in out


def test_behind_the_pin_each_score_shows_even_without_pass_marks(
    store: Store,
    eli: tuple[int, list[int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    instructor_pin: str,
) -> None:
    from trainer.ui.instructor.assessment import run_detail

    _, assessed = eli
    (run,) = Assessments(store).runs(student="Eli")
    scores = [store.session(s)["result"]["score"] for s in assessed]
    assert [item.score for item in run.items] == pytest.approx(scores)
    assert run.passed is None  # no pass marks: the instructor judges from the scores
    detail = run_detail(run)
    for session_id, score in zip(assessed, scores, strict=True):
        assert f"session {session_id}: score {score:.0f}," in detail
    code, out, _ = _trainer(
        capsys, monkeypatch, "instructor", "assessment", "results", pin=instructor_pin
    )
    assert code == 0
    for score in scores:
        assert f"score {score:.0f}, " in out


def test_the_overview_says_how_many_assessment_sessions_it_left_out(
    store: Store,
    eli: tuple[int, list[int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = _trainer(capsys, monkeypatch, "instructor", "overview")
    assert code == 0 and "2 assessment session(s) not shown" in out
    code, out, _ = _trainer(capsys, monkeypatch, "instructor", "overview", "--assessments")
    assert code == 0 and "not shown" not in out and "Graded levels" in out

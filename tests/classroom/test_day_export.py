"""The end-of-class export: formula-safe CSV cells, and assessments sat at a station."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

from tests.classroom.messages import record
from trainer.classroom.board import summarise, write_day_csv
from trainer.classroom.day_report import export_day, stored_summaries
from trainer.exercises import ExerciseLibrary
from trainer.instructor.assessment import Assessments, simulate_assessment
from trainer.store import Store


def test_the_day_csv_neutralises_formulas() -> None:
    # A name typed at a station reaches the instructor's spreadsheet.
    sneaky = replace(record("station-01", '=HYPERLINK("http://x")'), station="@station")
    summary = summarise(sneaky, {})
    summary = replace(summary, exercise_name="+SUM(1)", exercise_id="-x")
    out = io.StringIO()
    write_day_csv([summary], out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["student"] == '\'=HYPERLINK("http://x")'
    assert row["exercise_name"] == "'+SUM(1)"
    assert row["exercise_id"] == "'-x"
    assert row["station"] == "'@station"
    assert row["score"] == "80.0"  # numbers stay numbers


def test_the_day_export_takes_an_assessment_sat_at_a_station(
    store: Store, library: ExerciseLibrary, tmp_path: Path
) -> None:
    Assessments(store).create("Final", ["precision-drill"])
    run = simulate_assessment(store, library.exercises, "Final", "Eli", profile="steady", seed=2)
    (session_id,) = [item.session_id for item in run.items]
    assert session_id is not None and store.session_kind(session_id) == "assessment"
    uuid = store.session(session_id)["uuid"]
    sessions = stored_summaries(store, "", uuids=[uuid])
    done = export_day(tmp_path, "monday", sessions, store, date(2026, 5, 28))
    # The instructor's own export from the class screen: the sitting is in it, not a crash.
    assert done.reports == 1
    assert (done.folder / f"session-{session_id}.html").is_file()


def test_the_day_export_never_writes_through_a_link(
    store: Store, library: ExerciseLibrary, tmp_path: Path
) -> None:
    from trainer.session import simulate

    outcome = simulate(
        store, library.get("precision-drill"), profile="steady", seed=1, student="Ana"
    )
    sessions = stored_summaries(store, "", uuids=[store.session(outcome.session_id)["uuid"]])
    victim = tmp_path / "hostname"
    victim.write_text("station-7\n")
    folder = tmp_path / "class-monday-2026-05-28"
    folder.mkdir()
    (folder / "sessions.csv").symlink_to(victim)
    done = export_day(tmp_path, "monday", sessions, store, date(2026, 5, 28))
    assert victim.read_text() == "station-7\n"
    assert not done.csv.is_symlink() and "Ana" in done.csv.read_text()
    again = export_day(tmp_path, "monday", sessions, store, date(2026, 5, 28))  # up to date
    assert again.csv.read_text() == done.csv.read_text()
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        f"session-{outcome.session_id}.html",
        "sessions.csv",
    ]  # no temporary file left

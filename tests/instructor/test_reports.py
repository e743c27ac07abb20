"""Review and export: progress, class overview, CSV re-read against the database, HTML."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from trainer.exercises import ExerciseLibrary
from trainer.instructor import InstructorError
from trainer.instructor.assessment import PassMark, PassMarks
from trainer.instructor.reports import (
    CLASS_COLUMNS,
    class_overview,
    session_document,
    session_html,
    student_progress,
    trend,
    write_class_csv,
    write_session_csv,
)
from trainer.instructor.roster import Roster
from trainer.session import simulate
from trainer.store import Store
from trainer.units import Unit


@pytest.fixture
def classroom(store: Store, library: ExerciseLibrary) -> dict[str, list[int]]:
    roster = Roster(store)
    roster.add_class("Monday")
    for name in ("Ana", "Ben", "Cleo"):
        roster.enrol("Monday", name)
    roster.enrol("Monday", "Dee")
    roster.archive_student("Dee")
    sessions: dict[str, list[int]] = {"Ana": [], "Ben": []}
    drill = library.get("precision-drill")
    for seed in range(3):
        sessions["Ana"].append(
            simulate(store, drill, profile="steady", seed=seed, student="Ana").session_id
        )
    sessions["Ben"].append(
        simulate(store, drill, profile="novice", seed=9, student="Ben").session_id
    )
    sessions["Ben"].append(
        simulate(
            store, library.get("graded-levels"), profile="shaky", seed=2, student="Ben"
        ).session_id
    )
    simulate(store, drill, profile="steady", seed=5, student="Outsider")
    return sessions


def test_exported_class_csv_matches_the_database(
    store: Store, classroom: dict[str, list[int]]
) -> None:
    out = io.StringIO()
    count = write_class_csv(store, "Monday", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == CLASS_COLUMNS
    assert count == len(rows) == 5  # Ana 3, Ben 2; no outsider, no archived Dee
    for row in rows:
        session = store.session(int(row["session_id"]))
        assert row["student"] == session["student"]
        assert row["exercise_id"] == session["exercise_id"]
        assert row["status"] == session["status"]
        assert float(row["score"]) == pytest.approx(session["result"]["score"], abs=0.05)
        assert float(row["time_in_band_pct"]) == pytest.approx(
            session["result"]["time_in_band_pct"], abs=0.05
        )
        assert float(row["variable_error_n"]) == pytest.approx(
            session["result"]["variable_error_n"], abs=0.0005
        )
        assert int(row["overshoots"]) == session["result"]["overshoot_count"]
    assert {int(r["session_id"]) for r in rows} == set(classroom["Ana"] + classroom["Ben"])


def test_the_csv_of_every_student_says_each_ones_classes(
    store: Store, classroom: dict[str, list[int]]
) -> None:
    Roster(store).add_class("Tuesday")
    Roster(store).enrol("Tuesday", "Ben")
    out = io.StringIO()
    write_class_csv(store, None, out)  # every student, not one class
    classes = {r["student"]: r["class"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert classes == {"Ana": "Monday", "Ben": "Monday; Tuesday", "Outsider": ""}


def test_session_csv_has_every_sample(store: Store, classroom: dict[str, list[int]]) -> None:
    session_id = classroom["Ana"][0]
    out = io.StringIO()
    write_session_csv(store, session_id, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert len(rows) == store.sample_count(session_id)
    first = next(store.sample_rows(session_id))
    assert float(rows[0][2]) == pytest.approx(first[2])


def test_session_json_round_trips(store: Store, classroom: dict[str, list[int]]) -> None:
    PassMarks(store).set(PassMark("precision-drill", min_score=10))
    doc = json.loads(json.dumps(session_document(store, classroom["Ana"][1])))
    assert doc["student"] == "Ana" and len(doc["samples"]) == store.sample_count(
        classroom["Ana"][1]
    )
    assert doc["pass"]["passed"] is True


def test_class_overview_flags_who_is_below_the_pass_mark(
    store: Store, classroom: dict[str, list[int]]
) -> None:
    ana_best = max(store.session(s)["result"]["score"] for s in classroom["Ana"])
    ben_score = store.session(classroom["Ben"][0])["result"]["score"]
    mark = (ana_best + ben_score) / 2
    PassMarks(store).set(PassMark("precision-drill", min_score=mark))
    rows = {(r.student, r.exercise_id): r for r in class_overview(store, "Monday")}
    ana = rows[("Ana", "precision-drill")]
    assert ana.sessions == 3 and ana.best_score == pytest.approx(ana_best)
    assert ana.latest_score == store.session(classroom["Ana"][-1])["result"]["score"]
    assert rows[("Ben", "precision-drill")].below_pass_mark is True
    assert rows[("Ben", "graded-levels")].below_pass_mark is None  # no pass mark set
    assert rows[("Cleo", None)].sessions == 0  # never practised: still listed
    assert ("Dee", None) not in rows


def test_progress_points_and_trend(store: Store, classroom: dict[str, list[int]]) -> None:
    points = student_progress(store, "Ana", "precision-drill")
    assert [p.session_id for p in points] == classroom["Ana"]
    assert all(p.steadiness_cv_pct is not None for p in points)
    assert trend([50, 60, 70]) == pytest.approx(10)
    assert trend([1]) is None
    with pytest.raises(InstructorError, match="no student called"):
        student_progress(store, "Nobody")


def test_html_report_is_self_contained_with_trace_and_bands(
    store: Store, classroom: dict[str, list[int]]
) -> None:
    session_id = classroom["Ben"][1]
    page = session_html(store, session_id, unit=Unit.KGF)
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in page and "<link" not in page
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group(0))  # well-formed SVG
    ns = "{http://www.w3.org/2000/svg}"
    polyline = root.find(f"{ns}polyline")
    assert polyline is not None and len(polyline.get("points", "").split()) > 100
    bands = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    result = store.session(session_id)["result"]
    assert len(bands) == sum(1 for p in result["phases"] if p["kind"] != "rest")
    assert "force (kgf)" in page
    for phase in result["phases"]:
        assert phase["name"] in page
    assert f"{result['score']:.0f}" in page


def test_html_escapes_names(store: Store, library: ExerciseLibrary) -> None:
    outcome = simulate(
        store, library.get("precision-drill"), profile="steady", seed=1, student="<b>Eve</b>"
    )
    page = session_html(store, outcome.session_id)
    assert "<b>Eve</b>" not in page and "&lt;b&gt;Eve&lt;/b&gt;" in page


def test_a_trend_is_called_only_when_it_stands_out_of_the_spread() -> None:
    from trainer.instructor.reports import trend_of, trend_words

    # The case: 91, 92, 92, 91 is noise, not "falling 0.1 pts/session".
    assert trend_words([91, 92, 92, 91], "pts", True).startswith("no clear trend")
    assert trend_words([91, 92, 90, 91.5, 90.5], "pts", True).startswith("no clear trend")
    assert trend_words([60, 64, 69, 73, 77], "pts", True) == "rising 4.3 pts/session (better)"
    assert trend_words([30, 27, 25, 21], "%", False) == "falling 2.9 %/session (better)"
    assert trend_words([80, 75, 71, 64], "pts", True).endswith("(worse)")
    assert "not enough sessions" in trend_words([50, 60], "pts", True)
    # A steady rise of a tenth of a point is not worth calling either.
    assert trend_words([90.0, 90.1, 90.2, 90.3], "pts", True).startswith("no clear trend")
    found = trend_of([91, 92, 92, 91])
    assert found is not None and not found.clear and found.spread > 0


def test_score_plot_has_a_score_axis_and_dates() -> None:
    from trainer.ui.instructor.plot import score_plot

    points = [(f"2026-03-{day:02d}T10:00:00+00:00", score) for day, score in [(1, 20), (9, 95)]]
    lines = score_plot(points, width=40, height=7)
    assert [line[:5] for line in lines[:5]] == ["100 ┤", "    │", " 50 ┤", "    │", "  0 ┤"]
    assert lines[5] == "    └" + "─" * 35
    assert lines[6].split() == ["03-01", "03-09"]
    assert lines[0].endswith("●")  # 95: the top row, at the right end
    assert lines[3][5] == "●"  # 20: near the bottom, at the left end

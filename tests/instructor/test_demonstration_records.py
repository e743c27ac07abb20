"""A demonstration is kept as a session of its own kind; the class CSV names the bands
each score was judged against."""

from __future__ import annotations

import csv
import io
import sys

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.instructor.demonstration import save_demonstration
from trainer.instructor.practice import plan_practice
from trainer.instructor.reports import class_overview, write_class_csv
from trainer.instructor.roster import Roster
from trainer.instructor.targets import BandTargets
from trainer.sensors.base import Sample
from trainer.session import simulate
from trainer.store import Store


def _curve() -> list[Sample]:
    samples = []
    for i in range(800):  # 10 s at 80 Hz: press to 40 N, hold, let go
        t = i / 80
        force = min(40.0, 20 * t) if t < 8 else max(0.0, 40 - 20 * (t - 8))
        samples.append(Sample(t_s=100 + t, force_n=force))
    return samples


def test_a_demonstration_is_a_session_of_its_own_kind_in_history_and_export(
    store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = save_demonstration(store, _curve(), by="Mo", sensor_info={"backend": "test"})
    record = store.session(session_id)
    assert record["kind"] == "demonstration" and record["status"] == "complete"
    assert record["result"] is None and record["exercise"]["name"] == "Demonstration"
    assert store.sample_count(session_id) == 800
    (row,) = store.history()
    assert row.id == session_id and row.kind == "demonstration" and row.student == "Mo"

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["history"]) == 0
    assert "demonstration" in capsys.readouterr().out
    assert main(["export", str(session_id)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("seq,") and len(lines) == 801
    out = io.StringIO()
    write_class_csv(store, None, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["session_id"], r["kind"]) for r in rows] == [(str(session_id), "demonstration")]
    # Not a practice result: the overview does not count it.
    assert [r.exercise_id for r in class_overview(store)] == [None]


def test_an_exercise_is_made_from_a_stored_demonstration(
    store: Store,
    user_dir: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session_id = save_demonstration(store, _curve(), by="Mo", sensor_info={"backend": "test"})
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["exercises", "new", "mo-hold", "--from-session", str(session_id)])
    assert code == 0, capsys.readouterr().err
    assert any(p.kind.value == "hold" for p in ExerciseLibrary.load().get("mo-hold").phases)


def test_class_csv_says_which_bands_each_score_was_judged_against(
    store: Store, library: ExerciseLibrary
) -> None:
    exercise = library.get("graded-levels")
    roster = Roster(store)
    roster.add_class("Monday")
    for name in ("Ana", "Ben", "Cy"):
        roster.enrol("Monday", name)
    targets = BandTargets(store)
    targets.set("class", "Monday", exercise, "deep", 40, 60)
    targets.set("student", "Ana", exercise, "deep", 35, 50)
    targets.set("student", "Ana", exercise, "light", 12, 22)
    for seed, name in enumerate(("Ana", "Ben")):
        plan = plan_practice(store, exercise, name)
        simulate(store, plan.exercise, profile="steady", seed=seed, student=name)
    simulate(store, library.get("steady-ramp"), profile="steady", seed=5, student="Cy")
    out = io.StringIO()
    write_class_csv(store, "Monday", out)
    bands = {r["student"]: r["bands"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert bands == {
        "Ana": "built-in; student",
        "Ben": "built-in; class Monday",
        "Cy": "built-in",
    }


def test_the_overview_says_who_only_demonstrated(store: Store) -> None:
    save_demonstration(store, _curve(), by="Instructor", sensor_info={"backend": "test"})
    Roster(store).add_student("Ana")
    rows = {r.student: r.exercise_name for r in class_overview(store)}
    assert rows == {"Instructor": "(demonstrations only)", "Ana": "(no sessions yet)"}

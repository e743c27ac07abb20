"""Packs carry the instructor's settings: bands, feedback schedules, pass marks, assessments."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary, builtin_exercise_dir
from trainer.instructor import InstructorError
from trainer.instructor.assessment import Assessments, PassMark, PassMarks
from trainer.instructor.editing import copy_exercise
from trainer.instructor.feedback_store import SchedulePlans
from trainer.instructor.pack_settings import export_settings
from trainer.instructor.packs import export_pack, import_pack
from trainer.instructor.roster import Roster
from trainer.instructor.schedules import FeedbackSchedule, ScheduleKind
from trainer.instructor.targets import BandTargets
from trainer.store import Store


@pytest.fixture
def pack(store: Store, library: ExerciseLibrary, user_dir: Path, tmp_path: Path) -> Path:
    """Station A's exercises and settings, exported with --settings."""
    copy_exercise(library.get("stripping-strokes"), "my-strokes", "My strokes").save()
    here = ExerciseLibrary.load(builtin_exercise_dir(), user_dir)
    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    targets = BandTargets(store)
    targets.set("class", "Monday", here.get("graded-levels"), "deep", 40, 60)
    targets.set("student", "Ana", here.get("my-strokes"), "stroke", 22.5, 35)
    targets.set("student", "Ana", here.get("steady-ramp"), "phase 1", 20, 30)  # not exported
    SchedulePlans(store).set("class", "Monday", FeedbackSchedule.faded())
    PassMarks(store).set(PassMark("graded-levels", min_score=60, trials_required=4))
    Assessments(store).create("Final", ["graded-levels", "my-strokes"])
    Assessments(store).create("Ramps", ["steady-ramp"])  # steady-ramp is built in
    Assessments(store).create("Other", ["my-strokes", "nope"])  # cannot travel
    exported = [here.get("graded-levels"), here.get("my-strokes")]
    settings = export_settings(store, exported, {"graded-levels", "steady-ramp"})
    path = tmp_path / "monday.pack.toml"
    path.write_text(export_pack(exported, settings=settings), encoding="utf-8")
    return path


def test_a_pack_with_settings_sets_up_another_station(pack: Path, tmp_path: Path) -> None:
    text = pack.read_text(encoding="utf-8")
    assert "[[bands]]" in text and "[[schedules]]" in text and "[[pass_marks]]" in text
    with Store.open(tmp_path / "b.db") as other:
        report = import_pack(pack, folder=tmp_path / "b-exercises", store=other)
        assert report.added == ["my-strokes"]
        assert "settings  2 band override(s)" in report.settings
        assert "settings  added class Monday" in report.settings
        bands = {
            (o.scope, o.owner, o.exercise_id, o.target): (o.band.low_n, o.band.high_n)
            for o in BandTargets(other).overrides()
        }
        assert bands == {
            ("class", "Monday", "graded-levels", "deep"): (40, 60),
            ("student", "Ana", "my-strokes", "stroke"): (22.5, 35),
        }
        monday = Roster(other).class_id("Monday")
        schedule = SchedulePlans(other).get("class", monday)
        assert schedule is not None and schedule.kind is ScheduleKind.FADED
        mark = PassMarks(other).get("graded-levels")
        assert mark == PassMark("graded-levels", 60, 4, 70.0)
        names = {a.name: a.exercise_ids for a in Assessments(other).all()}
        assert names == {"Final": ("graded-levels", "my-strokes"), "Ramps": ("steady-ramp",)}


def test_a_bad_setting_refuses_the_import_before_anything_is_written(
    pack: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pack.toml"
    broken.write_text(
        pack.read_text(encoding="utf-8").replace('target = "deep"', 'target = "deepest"'),
        encoding="utf-8",
    )
    folder = tmp_path / "c-exercises"
    with Store.open(tmp_path / "c.db") as other:
        with pytest.raises(InstructorError, match="band 1: 'deepest' is not a level"):
            import_pack(broken, folder=folder, store=other)
        assert not folder.exists() and BandTargets(other).overrides() == []


def test_export_settings_on_the_command_line(
    pack: Path,
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    out = tmp_path / "cli.pack.toml"
    assert main(["exercises", "export", "graded-levels", "--settings", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'owner = "Monday"' in text and 'name = "Final"' not in text  # my-strokes left out
    assert 'name = "Ramps"' not in text or "steady-ramp" in text
    plain = tmp_path / "plain.pack.toml"
    assert main(["exercises", "export", "graded-levels", "-o", str(plain)]) == 0
    assert "[[bands]]" not in plain.read_text(encoding="utf-8")

"""Records keep the exercise version they were judged against; a replacement says what
it affects, keeps a backup, and never relabels old sessions."""

from __future__ import annotations

import io
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary, builtin_exercise_dir
from trainer.instructor import InstructorError
from trainer.instructor.assessment import PassMark, PassMarks, blind
from trainer.instructor.packs import import_pack
from trainer.instructor.reports import class_overview
from trainer.instructor.targets import BandTargets
from trainer.session import simulate
from trainer.store import Store

IMPOSTOR = textwrap.dedent(
    """
    id = "graded-levels"
    name = "Impostor"
    technique = "test"
    instructions = "One hold."

    [[phases]]
    kind = "hold"
    band = [20, 30]
    duration_s = 2
    """
)


def test_a_session_records_the_version_and_name_it_was_judged_against(
    store: Store, library: ExerciseLibrary
) -> None:
    exercise = library.get("graded-levels")
    assert len(exercise.version) == 16
    # Bands set for a student and an assessment's blind copy are still this version.
    assert replace(exercise, phases=exercise.phases[:1]).version == exercise.version
    assert blind(exercise).version == exercise.version
    outcome = simulate(store, exercise, profile="steady", seed=1, student="Ana")
    row = store.history(student="Ana")[0]
    assert row.exercise_version == exercise.version
    assert store.session(outcome.session_id)["exercise_version"] == exercise.version
    # A change to a band makes another version; comments and file location do not count.
    changed = replace(exercise, phases=exercise.phases[1:], version="")
    assert changed.version != exercise.version
    assert replace(exercise, source="elsewhere.toml", version="").version == exercise.version


@pytest.fixture
def judged(store: Store, library: ExerciseLibrary) -> Store:
    """Ana practised graded-levels twice; her bands and a 5-trial pass mark are set."""
    exercise = library.get("graded-levels")
    for seed in (1, 2):
        simulate(store, exercise, profile="steady", seed=seed, student="Ana")
    BandTargets(store).set("student", "Ana", exercise, "deep", 35, 50)
    PassMarks(store).set(PassMark("graded-levels", trials_required=5))
    return store


def replaced_by_the_impostor(judged: Store, user_dir: Path, tmp_path: Path) -> ExerciseLibrary:
    """Import the impostor over graded-levels; return the library now in force."""
    file = tmp_path / "impostor.toml"
    file.write_text(IMPOSTOR, encoding="utf-8")
    import_pack(file, store=judged)
    return ExerciseLibrary.load(builtin_exercise_dir(), user_dir)


def test_replacing_an_exercise_says_what_it_affects_and_keeps_old_names(
    judged: Store, user_dir: Path, tmp_path: Path
) -> None:
    file = tmp_path / "impostor.toml"
    file.write_text(IMPOSTOR, encoding="utf-8")
    report = import_pack(file, store=judged)
    assert report.over_builtin == ["graded-levels"]
    notes = "\n".join(report.notes)
    assert "2 recorded session(s) were judged against an earlier version" in notes
    assert "'Graded levels'" in notes
    assert "band for 'Ana' on 'deep'" in notes and "no longer fits" in notes
    assert "asks for 5 trials in band but the new version has 1" in notes

    now = ExerciseLibrary.load(builtin_exercise_dir(), user_dir).get("graded-levels")
    assert now.name == "Impostor"
    simulate(judged, now, profile="steady", seed=3, student="Ana")
    rows = {r.exercise_name: r for r in class_overview(judged)}
    assert rows["Graded levels (earlier version)"].sessions == 2
    assert rows["Graded levels (earlier version)"].pass_mark == ""
    assert rows["Impostor"].sessions == 1 and "5" in rows["Impostor"].pass_mark
    # The old sessions keep their own name in the history too.
    names = [r.exercise_name for r in judged.history(student="Ana")]
    assert names == ["Impostor", "Graded levels", "Graded levels"]


def test_two_files_of_one_id_in_one_import_are_refused(user_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(IMPOSTOR, encoding="utf-8")
    second.write_text(IMPOSTOR.replace("Impostor", "Second"), encoding="utf-8")
    with pytest.raises(InstructorError, match=r"a\.toml and .*b\.toml both hold .*graded-levels"):
        import_pack([first, second])
    assert not user_dir.exists() or not list(user_dir.glob("*.toml"))


def test_import_replace_on_the_command_line_warns_and_keeps_a_backup(
    judged: Store,
    user_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    first = tmp_path / "first.toml"
    first.write_text(IMPOSTOR.replace("Impostor", "First"), encoding="utf-8")
    assert main(["exercises", "import", str(first)]) == 0
    capsys.readouterr()
    file = tmp_path / "impostor.toml"
    file.write_text(IMPOSTOR, encoding="utf-8")
    assert main(["exercises", "import", str(file)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["exercises", "import", str(file), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "replaced  graded-levels" in out and ".removed" in out
    assert "note: graded-levels: 2 recorded session(s)" in out
    backups = list((user_dir / ".removed").glob("*.toml"))
    assert len(backups) == 1 and 'name = "First"' in backups[0].read_text(encoding="utf-8")
    assert main(["exercises", "import", str(first), str(file), "--replace"]) == 1
    assert "both hold the exercise id 'graded-levels'" in capsys.readouterr().err


def test_the_overview_prints_every_name_whole(
    judged: Store, user_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = replaced_by_the_impostor(judged, user_dir, tmp_path).get("graded-levels")
    simulate(judged, now, profile="steady", seed=3, student="Ana")
    simulate(judged, now, profile="steady", seed=4, student="Ana Beatriz Carvalho de Souza")
    assert main(["instructor", "overview", "--db", str(judged.path)]) == 0
    out = capsys.readouterr().out
    assert "Ana                           Graded levels (earlier version) " in out
    assert "Ana Beatriz Carvalho de Souza Impostor " in out


def test_edit_and_restore_on_the_command_line_say_what_they_affect(
    judged: Store,
    user_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    editor = tmp_path / "editor.sh"  # the instructor's edit: the deep level is gone
    editor.write_text(
        '#!/bin/sh\nsed -i -e \'/^deep = /d\' -e \'s/band = "deep"/band = "moderate"/\' "$1"\n',
        encoding="utf-8",
    )
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    assert main(["exercises", "edit", "graded-levels"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "note: graded-levels: 2 recorded session(s)" in out
    assert "band for 'Ana' on 'deep'" in out and "no longer fits" in out
    assert main(["exercises", "restore", "graded-levels"]) == 0
    out = capsys.readouterr().out
    assert "is the built-in version again" in out
    assert "note: graded-levels: the pass mark" in out


def test_trends_are_of_the_latest_version_only(
    judged: Store, user_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from trainer.instructor.reports import latest_version, student_progress

    now = replaced_by_the_impostor(judged, user_dir, tmp_path).get("graded-levels")
    for seed in (3, 4, 5):
        simulate(judged, now, profile="steady", seed=seed, student="Ana")
    points = student_progress(judged, "Ana", "graded-levels")
    same, left_out = latest_version(points)
    assert len(points) == 5 and left_out == 2
    assert {p.exercise_version for p in same} == {now.version}
    assert main(["instructor", "review", "Ana", "--db", str(judged.path)]) == 0
    out = capsys.readouterr().out
    assert "(2 session(s) of an earlier version left out)" in out


def test_a_student_who_only_practised_the_old_version_is_shown_as_such(
    judged: Store, user_dir: Path, tmp_path: Path
) -> None:
    now = replaced_by_the_impostor(judged, user_dir, tmp_path)
    in_force = {e.id: e.version for e in now.exercises.values()}
    (row,) = class_overview(judged, in_force=in_force)  # Ana has no session of the new one
    assert row.exercise_name == "Graded levels (earlier version)"
    assert row.pass_mark == "" and row.below_pass_mark is None  # the mark judges the new one
    simulate(judged, now.get("graded-levels"), profile="steady", seed=3, student="Ana")
    names = [r.exercise_name for r in class_overview(judged, in_force=in_force)]
    assert names == ["Graded levels (earlier version)", "Impostor"]

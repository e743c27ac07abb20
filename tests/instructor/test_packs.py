"""Exercise packs: an exported pack imports on another station unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.exercises import ExerciseError, ExerciseLibrary, builtin_exercise_dir
from trainer.instructor import InstructorError
from trainer.instructor.editing import Draft, copy_exercise
from trainer.instructor.packs import export_pack, import_pack


def _strip(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k not in ("source", "builtin")}


def test_pack_round_trip_between_stations(
    library: ExerciseLibrary, user_dir: Path, tmp_path: Path
) -> None:
    mine = copy_exercise(library.get("stripping-strokes"), "my-strokes", "My strokes")
    mine.set_level("stroke", "20-30")
    mine.save()
    edited = Draft.from_exercise(library.get("graded-levels"))
    edited.set_level("deep", "40-55")
    edited.save()
    here = ExerciseLibrary.load(builtin_exercise_dir(), user_dir)
    chosen = [here.get("my-strokes"), here.get("graded-levels"), here.get("steady-ramp")]
    pack = tmp_path / "monday.pack.toml"
    pack.write_text(export_pack(chosen), encoding="utf-8")

    other = tmp_path / "other-station"
    report = import_pack(pack, folder=other)
    assert report.added == ["my-strokes"]
    assert report.over_builtin == ["graded-levels"]
    assert report.unchanged == ["steady-ramp"]  # identical to the built-in: nothing written
    there = ExerciseLibrary.load(builtin_exercise_dir(), other)
    for exercise in chosen:
        assert _strip(there.get(exercise.id).snapshot()) == _strip(exercise.snapshot())


def test_importing_twice_changes_nothing(
    library: ExerciseLibrary, user_dir: Path, tmp_path: Path
) -> None:
    copy_exercise(library.get("steady-ramp"), "mine", "Mine").save()
    pack = tmp_path / "p.toml"
    pack.write_text(export_pack([ExerciseLibrary.load().get("mine")]), encoding="utf-8")
    report = import_pack(pack)
    assert report.unchanged == ["mine"] and not report.added


def test_conflicting_import_needs_replace_and_keeps_the_old_file(
    library: ExerciseLibrary, user_dir: Path, tmp_path: Path
) -> None:
    draft = copy_exercise(library.get("steady-ramp"), "mine", "Mine")
    draft.save()
    pack = tmp_path / "p.toml"
    draft.set_field("name", "Mine, changed")
    # export from a separate folder so the pack differs from the installed copy
    elsewhere = tmp_path / "elsewhere"
    draft.save(elsewhere)
    pack.write_text(
        export_pack([ExerciseLibrary.load(builtin_exercise_dir(), elsewhere).get("mine")]),
        encoding="utf-8",
    )
    with pytest.raises(InstructorError, match="already has different versions of mine"):
        import_pack(pack)
    report = import_pack(pack, replace=True)
    [(exercise_id, old)] = report.replaced
    assert exercise_id == "mine" and old.exists()
    assert ExerciseLibrary.load().get("mine").name == "Mine, changed"


def test_a_broken_pack_is_refused_whole(user_dir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bad.toml"
    pack.write_text(
        'format = "pressure-trainer-pack"\nversion = 1\n'
        '[[exercises]]\nid = "ok-one"\nname = "Ok"\ntechnique = "t"\ninstructions = "i"\n'
        '[[exercises.phases]]\nkind = "rest"\nduration_s = 2\n'
        '[[exercises]]\nid = "bad-one"\nname = "Bad"\ntechnique = "t"\ninstructions = "i"\n'
        '[[exercises.phases]]\nkind = "hold"\nband = [30, 20]\nduration_s = 2\n',
        encoding="utf-8",
    )
    with pytest.raises(ExerciseError, match="low must be less than high"):
        import_pack(pack)
    assert not user_dir.exists() or not list(user_dir.glob("*.toml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml = = =", "not valid TOML"),
        ('format = "something-else"', "not an exercise pack"),
        ('format = "pressure-trainer-pack"\nversion = 9', "update it"),
    ],
)
def test_unreadable_packs_get_a_sentence(
    user_dir: Path, tmp_path: Path, text: str, message: str
) -> None:
    pack = tmp_path / "x.toml"
    pack.write_text(text, encoding="utf-8")
    with pytest.raises(InstructorError, match=message):
        import_pack(pack)

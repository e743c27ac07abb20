"""Files the program writes back keep the instructor's comments, key order and layout."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from trainer.exercises import ExerciseLibrary, builtin_exercise_dir, load_exercise_file
from trainer.instructor.editing import Draft, copy_exercise
from trainer.instructor.packs import export_pack, import_pack

BUILTIN_FILES = sorted(builtin_exercise_dir().glob("*.toml"))


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_every_builtin_file_has_comments_to_keep() -> None:
    assert len(BUILTIN_FILES) >= 7
    assert all(_comments(path.read_text(encoding="utf-8")) for path in BUILTIN_FILES)


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.stem)
def test_unchanged_builtin_round_trips_byte_for_byte(path: Path, user_dir: Path) -> None:
    exercise = load_exercise_file(path, builtin=True)
    saved = Draft.from_exercise(exercise).save()
    assert saved.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.stem)
def test_edited_builtin_keeps_every_comment_and_the_key_order(path: Path, user_dir: Path) -> None:
    original = path.read_text(encoding="utf-8")
    exercise = load_exercise_file(path, builtin=True)
    draft = Draft.from_exercise(exercise)
    draft.set_field("name", "Edited name")
    draft.set_field("instructions", "New instructions.\nSecond line.")
    step = 0 if "steps" in draft.raw["phases"][0] else None
    draft.set_phase_field(0, step, "cue", "A new cue")
    draft.add_phase(kind="rest")
    saved = draft.save().read_text(encoding="utf-8")
    assert _comments(saved) == _comments(original)
    keys = [line.split("=")[0].strip() for line in original.splitlines() if "=" in line]
    saved_keys = [line.split("=")[0].strip() for line in saved.splitlines() if "=" in line]
    for key in ("id", "name", "technique", "instructions"):
        assert saved_keys.index(key) == keys.index(key)
    reread = load_exercise_file(draft.save())
    assert reread.name == "Edited name"
    assert reread.instructions.strip() == "New instructions.\nSecond line."
    assert reread.phases[-1].kind.value == "rest"
    assert len(reread.phases) == len(exercise.phases) + 1
    # The new instructions start on their own line, as in the built-in files.
    assert 'instructions = """\nNew instructions.' in saved


def test_a_repeat_group_step_is_inserted_laid_out_like_its_neighbours(user_dir: Path) -> None:
    path = builtin_exercise_dir() / "stripping-strokes.toml"
    draft = Draft.from_exercise(load_exercise_file(path, builtin=True))
    draft.add_step(0, 0, kind="hold")
    text = draft.toml()
    assert '\n\n  [[phases.steps]]\n  kind = "hold"\n  band = [20, 30]\n' in text
    assert tomllib.loads(text)["phases"][0]["steps"][1]["kind"] == "hold"


def test_levels_edited_in_place_keep_their_comments(tmp_path: Path, user_dir: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        (builtin_exercise_dir() / "graded-levels.toml")
        .read_text(encoding="utf-8")
        .replace("[levels]\n", "[levels]\n# our school's scale\n"),
        encoding="utf-8",
    )
    draft = Draft.from_exercise(load_exercise_file(path))
    assert draft.set_levels_text("light 12-22, moderate 25-40, deep 45-70") is None
    text = draft.toml()
    assert "# our school's scale\nlight = [12, 22]" in text


def test_a_copy_and_a_pack_round_trip(
    library: ExerciseLibrary, user_dir: Path, tmp_path: Path
) -> None:
    copy = copy_exercise(library.get("graded-levels"), "my-levels", "My levels")
    saved = copy.save().read_text(encoding="utf-8")
    assert _comments(saved)[0].startswith("# Graded levels")
    here = ExerciseLibrary.load(builtin_exercise_dir(), user_dir)
    pack = tmp_path / "p.pack.toml"
    pack.write_text(export_pack([here.get("my-levels"), here.get("stripping-strokes")]))
    other = tmp_path / "other"
    report = import_pack(pack, folder=other)
    assert report.added == ["my-levels"]
    there = ExerciseLibrary.load(builtin_exercise_dir(), other)
    assert there.get("my-levels").version == here.get("my-levels").version

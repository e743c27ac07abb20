"""Editing exercises: TOML round trip, live validation, save, copy, delete, restore built-in."""

from __future__ import annotations

import math
import random
import tomllib
from pathlib import Path

import pytest

from trainer.engine import SessionEngine
from trainer.exercises import (
    ExerciseError,
    ExerciseLibrary,
    builtin_exercise_dir,
    load_exercise_file,
)
from trainer.instructor import InstructorError
from trainer.instructor.demonstration import draft_from_demonstration, profile_phases
from trainer.instructor.editing import (
    Draft,
    copy_exercise,
    delete_exercise,
    parse_band_text,
    restore_builtin,
    to_toml,
)
from trainer.instructor.timeline import render_timeline, timeline_segments


def _strip(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k not in ("source", "builtin")}


@pytest.mark.parametrize(
    "path", sorted(builtin_exercise_dir().glob("*.toml")), ids=lambda p: p.stem
)
def test_every_builtin_survives_the_toml_writer(path: Path, tmp_path: Path) -> None:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    copy = tmp_path / path.name
    copy.write_text(to_toml(raw, header="test"), encoding="utf-8")
    assert _strip(load_exercise_file(copy).snapshot()) == _strip(
        load_exercise_file(path).snapshot()
    )


def test_saving_a_builtin_makes_a_user_copy_that_takes_its_place(
    library: ExerciseLibrary, user_dir: Path
) -> None:
    builtin_file = builtin_exercise_dir() / "graded-levels.toml"
    before = builtin_file.read_bytes()
    draft = Draft.from_exercise(library.get("graded-levels"))
    draft.set_level("deep", "40-60")
    draft.set_phase_field(0, None, "duration_s", "8")
    path = draft.save()
    assert path == user_dir / "graded-levels.toml"
    assert builtin_file.read_bytes() == before  # never overwritten
    reloaded = ExerciseLibrary.load(builtin_exercise_dir(), user_dir).get("graded-levels")
    assert not reloaded.builtin
    assert reloaded.phases[0].duration_s == 8
    assert {p.band.high_n for p in reloaded.phases if p.band and p.band.level == "deep"} == {60}
    moved = restore_builtin("graded-levels")
    assert moved.parent.name == ".removed" and moved.exists()  # kept, not destroyed
    again = ExerciseLibrary.load(builtin_exercise_dir(), user_dir).get("graded-levels")
    assert again.builtin and again.phases[0].duration_s == 6


def test_invalid_edits_are_located_next_to_their_field(library: ExerciseLibrary) -> None:
    draft = Draft.from_exercise(library.get("stripping-strokes"))
    draft.set_phase_field(0, 1, "duration_s", "six")
    draft.set_phase_field(0, 0, "band", "40-30")
    draft.set_field("name", "")
    problems = {(p.phase, p.step, p.field): p.message for p in draft.field_problems()}
    assert "must be a number" in problems[(0, 1, "duration_s")]
    assert "low must be less than high" in problems[(0, 0, "band")]
    assert (None, None, "name") in problems
    with pytest.raises(ExerciseError):
        draft.save()


def test_invalid_draft_is_never_written(library: ExerciseLibrary, user_dir: Path) -> None:
    draft = Draft.from_exercise(library.get("precision-drill"))
    draft.set_phase_field(0, None, "kind", "squeeze")
    with pytest.raises(ExerciseError, match="kind"):
        draft.save()
    assert not user_dir.exists() or not list(user_dir.glob("*.toml"))


def test_band_text_forms() -> None:
    assert parse_band_text("20-30") == [20, 30]
    assert parse_band_text("[20, 30.5]") == [20, 30.5]
    assert parse_band_text("20 to 30 N") == [20, 30]
    assert parse_band_text("barrier-1") == "barrier-1"


def test_phases_can_be_added_moved_and_removed(library: ExerciseLibrary) -> None:
    draft = Draft.new("my-holds", "My holds")
    index = draft.add_phase(after=1, kind="rest")
    assert draft.raw["phases"][index]["kind"] == "rest"
    assert draft.move_phase(index, -1) == index - 1
    draft.remove_phase(index - 1)
    assert [p["kind"] for p in draft.raw["phases"]] == ["ramp", "hold", "release"]
    assert draft.problems() == []


def test_copy_and_delete(library: ExerciseLibrary, user_dir: Path) -> None:
    path = copy_exercise(library.get("steady-ramp"), "my-ramp", "My ramp").save()
    loaded = load_exercise_file(path)
    assert loaded.id == "my-ramp" and loaded.name == "My ramp"
    assert len(loaded.phases) == len(library.get("steady-ramp").phases)
    moved = delete_exercise("my-ramp")
    assert not path.exists() and moved.exists()
    with pytest.raises(InstructorError, match="built in and cannot be deleted"):
        delete_exercise("steady-ramp")
    with pytest.raises(InstructorError, match="not a usable exercise id"):
        copy_exercise(library.get("steady-ramp"), "My Ramp")


def _demonstration(noise: float = 0.4, seed: int = 1) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [
        (i / 80, max(0.0, _planned_force(i / 80) + rng.gauss(0, noise))) for i in range(31 * 80)
    ]


def test_demonstration_becomes_a_profile_of_ramps_and_holds() -> None:
    phases = profile_phases(_demonstration(), band_width_n=6)
    assert [p["kind"] for p in phases] == ["ramp", "hold", "ramp", "hold", "release"]
    assert phases[0]["rate_n_per_s"] == pytest.approx(8, abs=1)
    assert phases[1]["band"] == [37, 43] and phases[1]["duration_s"] == pytest.approx(10, abs=1)
    assert phases[2]["rate_n_per_s"] == pytest.approx(5, abs=1)
    assert phases[3]["band"] == [52, 58]


def _overshooting_demonstration(seed: int) -> list[tuple[float, float]]:
    """The same two holds, pressed as a real hand does: each ramp overshoots its level
    and comes back, and each hold has a brief wobble up and a brief dip."""
    rng = random.Random(seed)

    def bump(t: float, at: float, height: float, width: float) -> float:
        return height * math.sin(math.pi * (t - at) / width) if at <= t <= at + width else 0.0

    def force(t: float) -> float:
        excursions = (
            bump(t, 5.8, 9, 1.0)  # overshoot at the top of the first ramp
            + bump(t, 9.5, 7, 0.7)
            + bump(t, 12.5, -6, 0.8)
            + bump(t, 18.8, 9, 1.2)  # overshoot at the top of the second ramp
            + bump(t, 22, 8, 0.6)
            + bump(t, 24.5, -8, 0.9)
        )
        return _planned_force(t) + excursions

    return [(i / 80, max(0.0, force(i / 80) + rng.gauss(0, 0.4))) for i in range(31 * 80)]


def _planned_force(t: float) -> float:
    if t < 1:
        return 0.0
    if t < 6:
        return 8 * (t - 1)
    if t < 16:
        return 40.0
    if t < 19:
        return 40 + 5 * (t - 16)
    if t < 27:
        return 55.0
    if t < 30:
        return 55 - 55 * (t - 27) / 3
    return 0.0


@pytest.mark.parametrize("seed", range(4))
def test_overshoots_and_wobbles_are_not_phases_of_their_own(seed: int) -> None:
    phases = profile_phases(_overshooting_demonstration(seed), band_width_n=6)
    assert [p["kind"] for p in phases] == ["ramp", "hold", "ramp", "hold", "release"]
    assert phases[1]["band"] == [37, 43] and phases[3]["band"] == [52, 58]
    assert phases[1]["duration_s"] == pytest.approx(10, abs=1.5)
    assert phases[3]["duration_s"] == pytest.approx(8, abs=1.5)
    assert phases[0]["rate_n_per_s"] == pytest.approx(8, rel=0.5)
    assert phases[2]["rate_n_per_s"] == pytest.approx(5, rel=0.5)


def test_a_slow_departure_and_return_is_kept() -> None:
    # Hold 30 N, then over 4 s down to 15 N and back: meant, not a wobble.
    def force(t: float) -> float:
        if t < 1:
            return 30 * t
        if t < 6 or t >= 10:
            return 30.0 if t < 14 else max(0.0, 30 - 15 * (t - 14))
        return 30 - 15 * (1 - abs(t - 8) / 2)

    trace = [(i / 80, force(i / 80)) for i in range(17 * 80)]
    kinds = [p["kind"] for p in profile_phases(trace, band_width_n=6)]
    assert kinds.count("hold") >= 2 and len(kinds) > 3


def test_the_demonstrator_scores_well_on_their_own_exercise(user_dir: Path) -> None:
    trace = _demonstration()
    draft = draft_from_demonstration(trace, "demo", "Demo", band_width_n=6)
    exercise = load_exercise_file(draft.save())
    engine = SessionEngine(exercise)
    start = next(i for i, (_, f) in enumerate(trace) if f > 1.0)
    for t, force in trace[start:]:
        engine.feed(t, force)
    result = engine.result()
    assert result.time_in_band_pct > 80
    assert result.score > 70


def test_a_demonstration_without_pressing_is_refused() -> None:
    with pytest.raises(InstructorError, match="never pressed the pad"):
        profile_phases([(i / 80, 0.5) for i in range(400)], band_width_n=6)


def test_timeline_spans_the_exercise_and_highlights_a_phase(library: ExerciseLibrary) -> None:
    exercise = library.get("pressure-release")
    segments = timeline_segments(exercise)
    assert segments[-1].end_s == pytest.approx(sum(max(p.nominal_s, 0.5) for p in exercise.phases))
    ramp = segments[0]
    assert ramp.low_start_n == 0 and ramp.low_end_n == 18  # slides from the start to the band
    lines = render_timeline(exercise, width=40, height=6, highlight=1)
    assert len(lines) == 8
    assert any("#" in line for line in lines)
    assert all(len(line) == len(lines[0]) for line in lines[:6])


def test_levels_as_one_line_of_text(library: ExerciseLibrary) -> None:
    draft = Draft.from_exercise(library.get("graded-levels"))
    assert draft.levels_text() == "light 10-20, moderate 25-40, deep 45-70"
    assert draft.set_levels_text("light 8-18; moderate=25-40, deep: [40, 60]") is None
    assert draft.raw["levels"] == {"light": [8, 18], "moderate": [25, 40], "deep": [40, 60]}
    problem = draft.set_levels_text("light 8-18, oops")
    assert problem is not None and "'oops' is not a level" in problem
    assert draft.raw["levels"]["deep"] == [40, 60]  # unreadable text changes nothing
    assert draft.set_levels_text("light 8-18") is None
    assert {p.field for p in draft.problems()} == {"band"}  # phases still name moderate, deep


def test_repeat_group_steps(library: ExerciseLibrary) -> None:
    draft = Draft.from_exercise(library.get("stripping-strokes"))
    assert draft.add_step(0, 1, kind="rest") == 2
    assert [s["kind"] for s in draft.raw["phases"][0]["steps"]][:3] == ["ramp", "hold", "rest"]
    draft.remove_step(0, 2)
    assert draft.problems() == []
    single = Draft.new("x", "X")
    single.raw["phases"] = [{"repeat": 2, "steps": [{"kind": "rest", "duration_s": 1}]}]
    with pytest.raises(InstructorError, match="at least one step"):
        single.remove_step(0, 0)

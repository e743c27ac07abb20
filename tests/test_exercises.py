"""Exercise files: the model, validation messages, the library and its overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_exercise
from trainer.exercises import (
    ExerciseError,
    ExerciseLibrary,
    FeedbackMode,
    PhaseKind,
    builtin_exercise_dir,
    load_exercise_file,
    parse_exercise,
    parse_toml,
)

GOOD = """
id = "demo"
name = "Demo"
technique = "ischemic compression"
instructions = "Press and hold."

[levels]
moderate = [25, 40]

[[phases]]
kind = "ramp"
band = "moderate"
rate_n_per_s = 8
max_s = 10

[[phases]]
kind = "hold"
band = [40, 60]
hold_s = 20
max_s = 60
feedback = "blind"

[[phases]]
repeat = 3
  [[phases.steps]]
  kind = "hold"
  band = "moderate"
  duration_s = 5
  [[phases.steps]]
  kind = "rest"
  duration_s = 2
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_expands_levels_and_repeats(tmp_path: Path) -> None:
    exercise = load_exercise_file(write(tmp_path, "demo.toml", GOOD))
    kinds = [p.kind for p in exercise.phases]
    assert kinds == [PhaseKind.RAMP, PhaseKind.HOLD] + [PhaseKind.HOLD, PhaseKind.REST] * 3
    ramp = exercise.phases[0]
    assert (ramp.band.low_n, ramp.band.high_n, ramp.band.level) == (25, 40, "moderate")
    assert ramp.rate_tolerance_n_per_s == pytest.approx(2.4)  # 30 % of the rate by default
    assert exercise.phases[1].feedback is FeedbackMode.BLIND
    assert exercise.phases[2].name == "Hold moderate 1/3"
    assert exercise.phases[7].repetition == 3


def test_every_problem_is_reported_at_once_with_place_field_value_and_rule(tmp_path: Path) -> None:
    bad = """
id = "Bad Id"
name = "x"
instructions = "y"
[[phases]]
kind = "hold"
band = [60, 40]
duration_s = -5
[[phases]]
kind = "ramp"
band = [10, 900]
max_s = 5
[[phases]]
repeat = 2
  [[phases.steps]]
  kind = "wiggle"
"""
    with pytest.raises(ExerciseError) as caught:
        load_exercise_file(write(tmp_path, "bad.toml", bad))
    text = str(caught.value)
    problems = caught.value.problems
    assert len(problems) >= 6
    assert all(p.file.endswith("bad.toml") for p in problems)
    assert "technique = missing: required" in text
    assert "id = 'Bad Id': use lower-case letters" in text
    assert "phase 1: band = [60, 40]: low must be less than high" in text
    assert "phase 1: duration_s = -5: must be a number from 0.5 to 3600 s" in text
    assert "phase 2: band = [10, 900]: forces must lie within 0..490 N" in text
    assert "phase 2: rate_n_per_s = missing: a ramp needs a target rate" in text
    assert "phase 3, step 1: kind = 'wiggle': must be one of ramp, hold, release, rest" in text


def test_unknown_level_names_the_known_ones() -> None:
    with pytest.raises(ExerciseError, match="unknown level; known levels: light"):
        make_exercise(
            [{"kind": "hold", "band": "deep", "duration_s": 5}], levels={"light": [10, 20]}
        )


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ExerciseError, match=r"broken\.toml, line 2, column 8: TOML syntax = "):
        load_exercise_file(write(tmp_path, "broken.toml", 'id = "x"\nname = \n'))


def test_the_toml_parsers_words_are_shown_whole() -> None:
    """A value from the file is quoted short; the parser's own words never are."""
    with pytest.raises(ExerciseError) as caught:
        parse_toml('id = "x"\nname "y"\n', "bad.toml")
    assert str(caught.value.problems[0]) == (
        "bad.toml, line 2, column 6: TOML syntax = Expected '=' after a key in a key/value "
        "pair: fix the file's TOML syntax"
    )


def test_hold_needs_an_end_and_max_must_cover_hold() -> None:
    with pytest.raises(ExerciseError) as caught:
        make_exercise(
            [
                {"kind": "hold", "band": [1, 2]},
                {"kind": "hold", "band": [1, 2], "hold_s": 20, "max_s": 10},
                {"kind": "hold", "band": [1, 2], "duration_s": 5, "max_s": 10},
            ]
        )
    text = str(caught.value)
    assert "phase 1: duration_s = missing: give duration_s, or hold_s with max_s" in text
    assert "phase 2: max_s = 10: must be at least hold_s (20)" in text
    assert "phase 3: duration_s = 5: give either duration_s, or hold_s/max_s, not both" in text


def test_a_broken_file_never_stops_the_others(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "good.toml", GOOD)
    write(builtin, "broken.toml", "this is not toml")
    library = ExerciseLibrary.load(builtin, tmp_path / "none")
    assert list(library.exercises) == ["demo"]
    assert len(library.errors) == 1 and "broken.toml" in str(library.errors[0])


def test_a_user_file_overrides_a_builtin_by_id(tmp_path: Path) -> None:
    write(tmp_path / "builtin", "demo.toml", GOOD)
    write(tmp_path / "user", "mine.toml", GOOD.replace('name = "Demo"', 'name = "My demo"'))
    library = ExerciseLibrary.load(tmp_path / "builtin", tmp_path / "user")
    assert library.get("demo").name == "My demo"
    assert library.get("demo").builtin is False


def test_unknown_id_lists_the_known_ones(library: ExerciseLibrary) -> None:
    with pytest.raises(KeyError, match=r"known ids: .*graded-levels"):
        library.get("nope")


def test_builtin_library_is_complete_and_valid(library: ExerciseLibrary) -> None:
    assert library.errors == []
    ids = set(library.exercises)
    assert {
        "ischemic-compression",
        "pressure-release",
        "graded-levels",
        "steady-ramp",
        "stripping-strokes",
        "precision-drill",
    } <= ids
    ramp = library.get("steady-ramp").phases[0]
    assert 5 <= ramp.rate_n_per_s <= 10  # 0.5-1 kg/cm2/s on a 1 cm2 tip
    precision = library.get("precision-drill")
    assert all(
        p.band.width_n <= 4 and p.band.high_n <= 15
        for p in precision.phases
        if p.kind is PhaseKind.HOLD
    )
    assert builtin_exercise_dir().is_dir()


def test_snapshot_round_trip(library: ExerciseLibrary) -> None:
    from trainer.exercises import Exercise

    exercise = library.get("stripping-strokes")
    again = Exercise.from_snapshot(exercise.snapshot())
    assert again.phases == exercise.phases


def test_parse_rejects_unknown_fields_with_the_allowed_list() -> None:
    with pytest.raises(ExerciseError, match="durationn_s = 5: unknown field; allowed: band"):
        parse_exercise(
            {
                "id": "x",
                "name": "x",
                "technique": "x",
                "instructions": "x",
                "phases": [{"kind": "rest", "durationn_s": 5}],
            }
        )


def test_the_annotated_example_in_the_format_guide_is_valid() -> None:
    guide = (Path(__file__).parents[1] / "exercises" / "README.md").read_text(encoding="utf-8")
    block = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    import tomllib

    exercise = parse_exercise(tomllib.loads(block), "exercises/README.md")
    assert exercise.id == "thumb-compression"
    assert len(exercise.phases) == 3 + 5 * 4
    assert exercise.phases[1].feedback is FeedbackMode.BLIND

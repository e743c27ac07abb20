"""Exercise limits: every force, rate and duration finite and sane, names one clean line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_exercise
from trainer.exercises import (
    MAX_PHASES,
    ExerciseError,
    ExerciseLibrary,
    load_exercise_file,
)
from trainer.instructor.editing import Draft, parse_band_text

NAN, INF = float("nan"), float("inf")


def problems_of(phases: list[dict[str, object]], **top: object) -> str:
    with pytest.raises(ExerciseError) as caught:
        make_exercise(phases, **top)
    return str(caught.value)


def hold(**fields: object) -> dict[str, object]:
    return {"kind": "hold", "band": [10, 20], "duration_s": 5} | fields


@pytest.mark.parametrize(
    "band", [[NAN, 10], [0, NAN], [NAN, NAN], [0, INF], [-INF, 10], [1e-320, 2e-320]]
)
def test_non_finite_or_vanishing_bands_are_refused(band: list[float]) -> None:
    text = problems_of([hold(band=band)])
    assert "phase 1: band" in text
    assert "finite" in text or "at least 0.5 N wide" in text


@pytest.mark.parametrize("band", [[NAN, 10], [0, NAN], [NAN, NAN], [0, INF]])
def test_non_finite_levels_are_refused(band: list[float]) -> None:
    text = problems_of([hold(band="light")], levels={"light": band})
    assert "[levels]: light" in text


def test_a_band_beyond_the_cells_capacity_names_it() -> None:
    assert "within 0..490 N (the load cell's capacity)" in problems_of([hold(band=[10, 600])])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_s", 1e-300),
        ("duration_s", 0.2),
        ("duration_s", NAN),
        ("duration_s", INF),
        ("duration_s", 5000 * 3600),
        ("duration_s", 10**401),
    ],
)
def test_phase_durations_are_at_least_half_a_second_and_at_most_an_hour(
    field: str, value: float
) -> None:
    assert f"{field} = " in problems_of([hold(**{field: value})])
    assert "must be a number from 0.5 to 3600 s" in problems_of([hold(**{field: value})])


@pytest.mark.parametrize("rate", [1e-9, 5e-324, NAN, INF, 1e6, 0, -3])
def test_ramp_rates_are_sane(rate: float) -> None:
    ramp = {"kind": "ramp", "band": [20, 30], "rate_n_per_s": rate, "max_s": 10}
    assert "rate_n_per_s" in problems_of([ramp])
    assert "must be a number from 0.5 to 200 N/s" in problems_of([ramp])


def test_a_tolerance_of_almost_nothing_is_refused() -> None:
    ramp = {
        "kind": "ramp",
        "band": [20, 30],
        "rate_n_per_s": 5,
        "rate_tolerance_n_per_s": 5e-324,
        "max_s": 10,
    }
    assert "rate_tolerance_n_per_s" in problems_of([ramp])


def test_an_exercise_lasts_a_few_hours_at_most() -> None:
    phases = [hold(duration_s=3600)] * 4
    assert "at most 3 hours" in problems_of(phases)


def test_an_exercise_has_a_few_hundred_phases_at_most() -> None:
    assert f"at most {MAX_PHASES}" in problems_of([hold(duration_s=1)] * 200_000)
    group = {"repeat": 100, "steps": [hold(duration_s=1)] * 10}
    assert f"more than the {MAX_PHASES} phases" in problems_of([group])


def test_a_phase_on_an_invalid_level_points_at_the_level_not_at_unknown() -> None:
    text = problems_of([hold(band="light")], levels={"light": [NAN, 30]})
    assert "[levels]: light = [nan, 30]: must be [low, high]: two finite numbers of newtons\n" in (
        text + "\n"
    )
    assert "phase 1: band = 'light': this level's band is invalid: fix it in [levels]" in text
    overlapping = problems_of(
        [hold(band="moderate")], levels={"light": [10, 30], "moderate": [25, 40]}
    )
    assert "phase 1: band = 'moderate': this level's band is invalid" in overlapping
    assert "unknown level" in problems_of([hold(band="deep")], levels={"light": [10, 30]})


def test_overlapping_levels_are_refused_and_touching_ones_are_fine() -> None:
    text = problems_of([hold(band="light")], levels={"light": [10, 30], "moderate": [25, 40]})
    assert "[levels]: moderate = [25, 40]: overlaps light (10-30 N)" in text
    make_exercise([hold(band="a")], levels={"a": [9, 12], "b": [12, 15]})


def test_names_are_one_short_line_without_control_characters() -> None:
    assert "must be at most 60 characters" in problems_of([hold()], name="x" * 3000)
    escape = problems_of([hold()], name="Red \x1b[31mtext\x07")
    assert "must not hold a control character" in escape
    assert "\x1b" not in escape and "\x07" not in escape
    assert "control character or line break" in problems_of([hold()], name="two\nlines")
    assert "control character" in problems_of([hold(name="a\x1b]0;x\x07")])
    make_exercise([hold()], instructions="Line one.\nLine two.")  # instructions may wrap


def test_a_long_id_is_refused_before_it_names_a_file() -> None:
    assert "id = 'aaaa" in problems_of([hold()], id="a" * 5000)
    assert "must be at most 60 characters" in problems_of([hold()], id="a" * 5000)


def test_a_huge_value_is_quoted_short() -> None:
    text = problems_of([hold(cue="x" * 10_000_000)])
    assert len(text) < 300
    assert "(10000000 characters)" in text


def test_a_huge_integer_is_named_not_printed(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(
        'id = "big"\nname = "Big"\ntechnique = "t"\ninstructions = "i"\n'
        f'[[phases]]\nkind = "hold"\nband = [10, 20]\nduration_s = {"9" * 401}\n'
    )
    with pytest.raises(ExerciseError, match=r"a whole number of 401 digits.*from 0.5 to 3600 s"):
        load_exercise_file(path)
    path.write_text(path.read_text().replace("9" * 401, "9" * 5000))
    with pytest.raises(ExerciseError, match=r"big.toml: a value = .*4300"):
        load_exercise_file(path)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 2000 + "]" * 2000,
        "x = " + "{a = " * 2000 + "1" + "}" * 2000,
        ".".join(["k"] * 5000) + " = 1",
    ],
    ids=["arrays", "inline-tables", "dotted-key"],
)
def test_deep_nesting_is_one_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as caught:
        load_exercise_file(path)
    assert all(line.startswith(str(path)) for line in str(caught.value).splitlines())


@pytest.mark.parametrize(
    "content",
    [
        'name = "Caf\xe9"'.encode("latin-1"),
        'id = "x"'.encode("utf-16"),
        bytes(range(256)),
    ],
    ids=["latin-1", "utf-16", "binary"],
)
def test_a_file_that_is_not_utf8_is_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "enc.toml"
    path.write_bytes(content)
    with pytest.raises(ExerciseError, match=r"enc.toml: .*UTF-8"):
        load_exercise_file(path)


def test_duplicate_ids_are_refused_naming_both_files(tmp_path: Path) -> None:
    body = 'name = "{0}"\ntechnique = "t"\ninstructions = "i"\n[[phases]]\nkind = "rest"\nduration_s = 3\n'
    (tmp_path / "one.toml").write_text('id = "same"\n' + body.format("One"))
    (tmp_path / "two.toml").write_text('id = "same"\n' + body.format("Two"))
    (tmp_path / "other.toml").write_text('id = "other"\n' + body.format("Other"))
    library = ExerciseLibrary.load(tmp_path / "none", tmp_path)
    assert library.exercises["same"].name == "One"
    assert "other" in library.exercises
    (error,) = library.errors
    assert str(error).startswith(str(tmp_path / "two.toml"))
    assert f"the same id as {tmp_path / 'one.toml'}" in str(error)


@pytest.mark.parametrize("typed", ["10-nan", "nan-10", "-5-10", "10-inf", "1e-320-2e-320"])
def test_the_editor_refuses_bands_that_files_refuse(typed: str) -> None:
    draft = Draft.new("edited", "Edited")
    draft.set_phase_field(1, None, "band", typed)
    problems = [str(p) for p in draft.problems()]
    assert any("phase 2: band" in p for p in problems), problems


def test_the_editor_keeps_the_minus_sign_where_it_was_typed() -> None:
    assert parse_band_text("-5-10") == [-5, 10]
    assert parse_band_text("20 - 30 N") == [20, 30]
    assert parse_band_text("barrier-1") == "barrier-1"


def test_square_brackets_are_refused_in_names_the_screens_would_read_as_styling() -> None:
    assert "must not hold [ or ]" in problems_of([hold()], name="Holds [/]")
    assert "without [ ]" in problems_of([hold(band="a[/]")], levels={"a[/]": [10, 20]})

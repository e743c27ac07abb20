"""Paragraphs that wrap themselves (the results' coaching, an exercise's instructions on
home): lines under their first word, a number never split from its unit, nothing cut,
wrapped again when the terminal resizes."""

from __future__ import annotations

import re
from itertools import pairwise

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.ui.helpers import MakeApp, until
from trainer.exercises import ExerciseLibrary
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.results import ResultsScreen
from trainer.ui.text import wrapped
from trainer.ui.widgets.prose import Prose
from trainer.units import Unit

#: a line that starts with a unit (after the indent): its number ended the line before
UNIT_FIRST = re.compile(r"^\s*(N|kgf|lbf|kPa|s|cm²)(?!\w)")
OVERSHOT = "You overshot the band 3 times during the holds (up to 21.8 N over): settle in."


def split_units(lines: list[str]) -> list[tuple[str, str]]:
    return [
        (above, below)
        for above, below in pairwise(lines)
        if above[-1:].isdigit() and UNIT_FIRST.match(below)
    ]


def words(lines: list[str] | tuple[str, ...]) -> list[str]:
    return " ".join(lines).replace("•", " ").split()


def shown_lines(prose: Prose) -> list[str]:
    lines = str(prose.render()).split("\n")
    assert max(len(line) for line in lines) <= prose.size.width  # Textual wraps no further
    return lines


def test_a_number_keeps_its_unit_at_every_width() -> None:
    text = "Ramp at 8 N/s for 6 s over 2 cm², then 0.33 kgf or 1.2 lbf; " + OVERSHOT
    for bullet in ("", "• "):
        for width in range(12, 90):
            lines = wrapped(text, width, bullet)
            assert not split_units(lines), (width, lines)
            assert words(lines) == words([text]), width  # nothing cut, nothing added
            assert all(len(line) <= width for line in lines), (width, lines)


def test_a_number_that_would_end_the_line_goes_down_with_its_unit() -> None:
    # At 60 columns the line would end "(up to 21.8" and the next begin "N over)".
    assert wrapped(OVERSHOT, 60, "• ") == [
        "• You overshot the band 3 times during the holds (up to",
        "  21.8 N over): settle in.",
    ]


def test_lines_after_the_first_hang_under_its_first_word() -> None:
    assert wrapped("one two three four five six", 14, "• ") == [
        "• one two",
        "  three four",
        "  five six",
    ]
    assert wrapped("one two three four", 9) == ["one two", "three", "four"]


def test_other_numbers_still_break_like_words() -> None:
    # "3 times" is not a number and a unit: the line may break between them.
    assert wrapped("aaaa 3 times", 8, "• ") == ["• aaaa 3", "  times"]


class OneProse(App[None]):
    def compose(self) -> ComposeResult:
        yield Prose(bullet="• ")


async def test_the_widget_wraps_to_its_width_and_again_after_a_resize() -> None:
    app = OneProse()
    async with app.run_test(size=(53, 10)) as pilot:
        prose = app.query_one(Prose)
        prose.show([OVERSHOT, ("second, dim", "dim")])
        await until(pilot, lambda: prose.size.height == 3)
        assert shown_lines(prose) == [*wrapped(OVERSHOT, 53, "• "), "• second, dim"]
        assert [span.style for span in prose.render().spans] == ["dim"]
        await pilot.resize_terminal(30, 10)
        # The new size reaches the widget with the next layout, not with the resize itself.
        await until(pilot, lambda: prose.size.width == 30)
        assert shown_lines(prose) == [*wrapped(OVERSHOT, 30, "• "), "• second, dim"]
        await until(pilot, lambda: prose.size.height == len(wrapped(OVERSHOT, 30, "• ")) + 1)
        prose.show([])
        await until(pilot, lambda: prose.size.height == 0)


async def test_results_coaching_never_splits_a_number_from_its_unit(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    outcome = simulate(
        ui_store, builtin_library.get("blind-levels"), profile="overshooter", seed=0, student="Ana"
    )
    # At 80 columns the N and the kgf sentence both fell apart.
    for unit, widths in ((Unit.N, range(76, 88, 2)), (Unit.KGF, (72, 80))):
        app, _box = make_app(units=unit)
        async with app.run_test(size=(80, 24)) as pilot:
            results = ResultsScreen(outcome.session_id)
            app.push_screen(results)
            await until(pilot, lambda: results._filled)  # noqa: B023 (awaited here)
            coaching = results.query_one("#coaching", Prose)
            assert len(coaching.paragraphs) >= 2
            assert any(re.search(rf"\d {unit.value}\b", s) for s in coaching.paragraphs)
            for width in widths:
                await pilot.resize_terminal(width, 24)
                await pilot.pause()
                lines = shown_lines(coaching)
                assert not split_units(lines), (unit, width, lines)
                assert all(line.startswith(("• ", "  ")) for line in lines)
                assert words(lines) == words(coaching.paragraphs)


async def test_home_instructions_never_split_a_number_from_its_unit(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test(size=(93, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#library", DataTable).move_cursor(row=3)  # the precision drill
        details = home.query_one("#details-text", Prose)
        await until(
            pilot, lambda: "Precision drill" in str(home.query_one("#details-title").render())
        )
        (instructions, summary) = details.paragraphs
        assert "between 5 and 15 N: settle" in instructions
        # At 93 columns "...between 5 and 15" ended a line and "N: settle ..." began the next.
        for width in (93, 105, 80, 120):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            lines = shown_lines(details)
            assert not split_units(lines), (width, lines)
            assert words(lines) == words(details.paragraphs)
        assert summary.startswith("6 steps, about 29 s; targets 9-12 N")

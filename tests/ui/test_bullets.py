"""Bulleted sentences (the results screen's coaching): wrapped under their first word,
a number never split from its unit, nothing cut, re-wrapped when the terminal resizes."""

from __future__ import annotations

import re
from itertools import pairwise

from textual.app import App, ComposeResult

from tests.ui.helpers import MakeApp, until
from trainer.exercises import ExerciseLibrary
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.screens.results import ResultsScreen
from trainer.ui.text import bulleted
from trainer.ui.widgets.bullets import Bullets
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


def words(lines: list[str]) -> list[str]:
    return " ".join(lines).replace("•", " ").split()


def test_a_number_keeps_its_unit_at_every_width() -> None:
    sentences = [OVERSHOT, "Ramp at 8 N/s for 6 s over 2 cm², then 0.33 kgf or 1.2 lbf."]
    for width in range(12, 90):
        lines = bulleted(sentences, width)
        assert not split_units(lines), (width, lines)
        assert words(lines) == words(sentences), width  # nothing cut, nothing added
        assert all(len(line) <= width for line in lines if " " in line.strip()), width


def test_a_number_that_would_end_the_line_goes_down_with_its_unit() -> None:
    # At 60 columns the line would end "(up to 21.8" and the next begin "N over)".
    assert bulleted([OVERSHOT], 60) == [
        "• You overshot the band 3 times during the holds (up to",
        "  21.8 N over): settle in.",
    ]


def test_continuation_lines_hang_under_the_first_word() -> None:
    lines = bulleted(["one two three four five six", "seven"], 14)
    assert lines == ["• one two", "  three four", "  five six", "• seven"]


def test_other_numbers_still_break_like_words() -> None:
    # "3 times" is not a number and a unit: the line may break between them.
    assert bulleted(["aaaa 3 times"], 8) == ["• aaaa 3", "  times"]


class OneList(App[None]):
    def compose(self) -> ComposeResult:
        yield Bullets(id="list")


async def test_the_widget_wraps_to_its_width_and_again_after_a_resize() -> None:
    app = OneList()
    async with app.run_test(size=(53, 10)) as pilot:
        widget = app.query_one(Bullets)
        widget.show([OVERSHOT])
        await pilot.pause()
        shown = str(widget.render()).split("\n")
        assert shown == bulleted([OVERSHOT], 53) and len(shown) == widget.size.height == 2
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        shown = str(widget.render()).split("\n")
        assert shown == bulleted([OVERSHOT], 30) and len(shown) == widget.size.height
        assert widget.size.height > 2
        widget.show([])
        await pilot.pause()
        assert widget.size.height == 0


async def test_results_coaching_never_splits_a_number_from_its_unit(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    outcome = simulate(
        ui_store, builtin_library.get("blind-levels"), profile="overshooter", seed=0, student="Ana"
    )
    for unit in (Unit.N, Unit.KGF):
        app, _box = make_app(units=unit)
        async with app.run_test(size=(80, 24)) as pilot:
            results = ResultsScreen(outcome.session_id)
            app.push_screen(results)
            await until(pilot, lambda: results._filled)  # noqa: B023 (awaited here)
            coaching = results.query_one("#coaching", Bullets)
            assert len(coaching.sentences) >= 2
            assert any(re.search(rf"\d {unit.value}\b", s) for s in coaching.sentences)
            for width in range(72, 92, 2):  # at 80 the N and the kgf sentence both fall apart
                await pilot.resize_terminal(width, 24)
                await pilot.pause()
                lines = str(coaching.render()).split("\n")
                assert not split_units(lines), (unit, width, lines)
                assert max(len(line) for line in lines) <= coaching.size.width
                assert words(lines) == words(list(coaching.sentences))

"""The force readout: digits, unit and zone line in one widget, in the theme's colours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip

from trainer.ui.widgets.bigdigits import big_lines
from trainer.ui.widgets.forcereadout import ZONE_ROW, ForceReadout

CSS = """
ForceReadout { width: 30; height: 6; padding: 0 1; }
ForceReadout > .force-readout--zone-in { background: $success; color: auto 90%; }
ForceReadout > .force-readout--zone-above { background: $error; color: auto 90%; }
"""


class ReadoutApp(App[None]):
    CSS = CSS

    def compose(self) -> ComposeResult:
        yield ForceReadout("0.0", "N")


@asynccontextmanager
async def readout_on_screen() -> AsyncIterator[tuple[ForceReadout, Pilot[None]]]:
    """A readout 30 cells wide (28 inside its padding) in a running 40x8 app."""
    app = ReadoutApp()
    async with app.run_test(size=(40, 8)) as pilot:
        yield app.query_one(ForceReadout), pilot


def zone_background(readout: ForceReadout) -> str | None:
    """The colour behind the zone line's words, as drawn."""
    strip = readout.render_line(ZONE_ROW)
    colours = {
        s.style.bgcolor.name for s in strip if s.text.strip() and s.style and s.style.bgcolor
    }
    assert len(colours) == 1, strip
    return colours.pop()


async def test_digits_unit_and_zone_line_one_under_the_other() -> None:
    async with readout_on_screen() as (readout, pilot):
        readout.show("32.5", "N", "● HOLD", "zone-in")
        await pilot.pause()
        drawn = [readout.render_line(y).text.rstrip() for y in range(ZONE_ROW + 1)]
        digits = big_lines("32.5")
        assert drawn[:4] == [line.rstrip() for line in digits[:4]]
        assert drawn[4] == f"{digits[4]} N"
        assert drawn[ZONE_ROW] == " ● HOLD"
        assert all(readout.render_line(y).cell_length == 28 for y in range(ZONE_ROW + 1))


async def test_words_too_long_for_the_line_break_between_words() -> None:
    async with readout_on_screen() as (readout, pilot):
        readout.show(
            "1.0", "kPa (a very long contact name)", "▲ PRESS HARDER  12345.6 kPa", "zone-in"
        )
        await pilot.pause()
        zone_line = readout.render_line(ZONE_ROW)
        assert zone_line.text.rstrip() == " ▲ PRESS HARDER  12345.6" and zone_line.cell_length == 28
        assert readout.render_line(4).cell_length == 28  # the unit cut at the edge
        assert readout.render_line(4).text.endswith(" kPa (a very lon")


async def test_the_zone_colour_follows_the_zone_and_the_theme() -> None:
    async with readout_on_screen() as (readout, pilot):
        readout.show("32.5", "N", "● HOLD", "zone-in")
        await pilot.pause()
        dark_in = zone_background(readout)
        readout.show("45.0", "N", "▼ LIGHTER  5.0 N", "zone-above")
        await pilot.pause()
        dark_above = zone_background(readout)
        assert dark_above != dark_in
        # Looked up once per theme: a new theme must not keep the old colours.
        readout.app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
        light_above = zone_background(readout)
        assert light_above != dark_above
        assert (
            light_above
            == readout.get_component_rich_style("force-readout--zone-above").bgcolor.name
        )  # type: ignore[union-attr]


async def test_rows_of_the_digits_that_look_as_drawn_are_not_drawn_again() -> None:
    async with readout_on_screen() as (readout, pilot):
        readout.show("12.3", "N", "● HOLD", "zone-in")
        await pilot.pause()
        drawn: list[int] = []
        original = readout.render_line

        def render_line(y: int) -> Strip:
            drawn.append(y)
            return original(y)

        readout.render_line = render_line  # type: ignore[method-assign]
        readout.show(
            "12.8", "N", "● HOLD", "zone-in"
        )  # "3" and "8" share their first and last rows
        await pilot.pause()
        assert sorted(set(drawn)) == [1, 2, 3]
        shown = [original(y).text.rstrip() for y in range(ZONE_ROW)]
        digits = big_lines("12.8")
        assert shown == [line.rstrip() for line in digits[:4]] + [f"{digits[4]} N"]


async def test_a_value_shown_again_is_not_built_again() -> None:
    """A hand holding in a band shows the same few values again and again."""
    async with readout_on_screen() as (readout, pilot):
        built: list[str] = []
        original = readout._build_digits

        def build_digits(width: int) -> list[Strip]:
            built.append(readout.value)
            return original(width)

        readout._build_digits = build_digits  # type: ignore[method-assign]
        for value in ("32.4", "32.5", "32.4", "32.5", "32.4"):
            readout.show(value, "N", "● HOLD", "zone-in")
            await pilot.pause()
        assert built == ["32.4", "32.5"]
        assert readout.render_line(0).text.rstrip() == big_lines("32.4")[0].rstrip()
        readout.app.theme = "textual-light"  # new colours: built again
        await pilot.pause()
        readout.show("32.5", "N", "● HOLD", "zone-in")
        await pilot.pause()
        assert built[2:] and set(built[2:]) <= {"32.4", "32.5"}

"""The class screen on fixed messages: tiles, alerts, keys, dialogs, projector, the day.

No broker here: the board is fed hand-made messages and the hub's controls are a
recorder (tests/classroom/test_class_live.py checks delivery through Mosquitto).
Snapshots at 80x24, 120x40 and 160x50; update with ``--snapshot-update`` after an
intended change, and look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.classroom.messages import live
from tests.classroom.screen_helpers import NAMES, T0, fixed_app
from trainer.classroom.board import Condition
from trainer.ui.classroom.app import ClassApp
from trainer.ui.classroom.day import DayScreen
from trainer.ui.classroom.screen import ClassScreen
from trainer.ui.classroom.station import StationScreen
from trainer.ui.classroom.tiles import StationTile, TileGrid, pack
from trainer.ui.widgets.bigdigits import BigDigits
from trainer.ui.widgets.gauge import Gauge

SIZES = [(80, 24), (120, 40), (160, 50)]
SnapCompare = Callable[..., bool]


def run(app: ClassApp, size: tuple[int, int], steps: Callable[[Pilot[None]], Awaitable[None]]):
    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.tick()
            await pilot.pause()
            await steps(pilot)

    asyncio.run(go())


def screen_text(app: ClassApp) -> str:
    """Every character on the screen, as the user sees it."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        lines.append("".join(segment.text for segment in strip))
    return "\n".join(lines)


def visible_tiles(app: ClassApp) -> list[StationTile]:
    return [t for t in app.screen.query(StationTile) if t.view is not None]


# -- packing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "width", "height", "columns", "compact"),
    [
        (20, 120, 33, 4, False),  # 120x40 less the bars: 20 readable tiles
        (40, 160, 43, 5, False),  # 160x50: 40 tiles
        (20, 80, 17, 1, True),  # 80x24: the compact list
        (4, 120, 33, 2, False),  # a small class gets wide tiles
    ],
)
def test_tiles_pack_to_the_screen(
    count: int, width: int, height: int, columns: int, compact: bool
) -> None:
    packing = pack(count, width, height)
    assert packing.compact is compact
    assert packing.columns == columns
    if not compact:
        rows = -(-count // packing.columns)
        assert packing.tile_height >= 4
        assert rows * packing.tile_height + (rows - 1) * packing.gap <= height
        assert packing.columns * 28 <= width


@pytest.mark.parametrize(("count", "size"), [(20, (120, 40)), (40, (160, 50))])
def test_every_tile_fits_on_the_screen(count: int, size: tuple[int, int]) -> None:
    app, _ = fixed_app(count)

    async def steps(pilot: Pilot[None]) -> None:
        tiles = visible_tiles(app)
        assert len(tiles) == count
        screen = app.screen.region
        for tile in tiles:
            assert screen.contains_region(tile.region), tile.view
            assert tile.region.height >= 5 and tile.region.width >= 28

    run(app, size, steps)


def test_a_resized_tile_redraws_at_its_new_width_without_a_new_view() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.resize_terminal(150, 40)  # no tick after: the views stay as they were
        await pilot.pause()
        for tile in visible_tiles(app):
            widths = {tile.render_line(y).cell_length for y in range(tile.size.height)}
            assert widths == {tile.size.width}, (tile.view, widths, tile.size)

    run(app, (120, 40), steps)


# -- what the tiles say ---------------------------------------------------------------


def test_alerts_on_top_in_a_bar_of_alert_lines() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        text = screen_text(app)
        bar = [line.strip() for line in text.splitlines() if line.strip().startswith("ALERT  ")]
        assert bar and bar[0].startswith("ALERT  4 · Dara Okafor: pressing too hard: 97.0 N")
        order = [t.view.station for t in visible_tiles(app) if t.view is not None]
        assert order[:3] == ["station-04", "station-12", "station-20"]  # too hard, first
        assert "offline since 20:16" in text
        assert "▲ too firm" in text and "▼ too light" in text and "● in band" in text

    run(app, (120, 40), steps)


def test_acknowledge_takes_an_alert_off_the_bar() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, ClassScreen)
        assert screen.cursor == "station-04"
        before = len(screen.last_view.alerts)
        await pilot.press("k")
        app.tick()
        await pilot.pause()
        assert len(screen.last_view.alerts) == before - 1
        assert "Dara Okafor: pressing" not in screen_text(app)
        await pilot.press("K")
        app.tick()
        await pilot.pause()
        assert screen.last_view.alerts == ()
        assert not screen.query_one("#alert-bar").display

    run(app, (120, 40), steps)


def test_projector_mode_hides_every_name_and_score() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        assert "Ana Lima" in screen_text(app)
        await pilot.press("j")
        app.tick()
        await pilot.pause()
        text = screen_text(app)
        for name in NAMES:
            assert name.split()[0] not in text, name
        assert "last " not in text  # no score on any tile
        assert "Station 4" in text and "PROJECTOR" in text
        await pilot.press("d")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cells = [str(c) for row in range(table.row_count) for c in table.get_row_at(row)]
        assert cells and not any(name.split()[0] in c for c in cells for name in NAMES)

    run(app, (120, 40), steps)


# -- moving and acting ------------------------------------------------------------------


def test_arrows_move_the_cursor_and_space_selects() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, ClassScreen)
        await pilot.press("right", "space", "down", "space")
        order = [s.station for s in screen.last_view.stations]
        columns = screen.query_one(TileGrid).packing.columns
        assert screen.selection == {order[1], order[1 + columns]}
        assert "2 selected" in screen_text(app)
        await pilot.press("escape")
        assert screen.selection == set()

    run(app, (120, 40), steps)


def test_assign_an_exercise_blind_to_the_selection() -> None:
    app, control = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("space", "right", "space", "e")
        await pilot.pause()
        await pilot.click("#blind")
        await pilot.press("tab", "tab", "shift+tab", "shift+tab")  # back to the exercises
        app.screen.query_one("#exercises").focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClassScreen)
        name, stations, exercise_id, blind = control.calls[-1]
        assert name == "assign" and blind is True
        assert stations == ["station-04", "station-12"]
        assert exercise_id == app.klass.library.sorted()[1].id

    run(app, (120, 40), steps)


def test_assign_to_every_station() -> None:
    app, control = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()
        await pilot.click("#whom RadioButton:last-of-type")
        app.screen.query_one("#exercises").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert control.calls == [("assign", "all", app.klass.library.sorted()[0].id, False)]

    run(app, (120, 40), steps)


def test_message_pause_and_schedule_reach_the_hub_controls() -> None:
    app, control = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"hands off", "enter")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.click("#pause")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert control.calls[0] == ("message", ["station-04"], "hands off")
        assert control.calls[1] == ("pause", ["station-04"], True)
        kind, stations, schedule = control.calls[2]
        assert (kind, stations, schedule.kind.value) == ("schedule", ["station-04"], "faded")

    run(app, (120, 40), steps)


def test_an_empty_message_is_not_sent() -> None:
    app, control = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert control.calls == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClassScreen)

    run(app, (120, 40), steps)


def test_alert_margin_set_by_the_instructor() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("end", "backspace", "backspace", *"70", "enter")  # limit 102 N
        app.tick()
        await pilot.pause()
        view = app.screen.last_view
        assert view.rules.margin_pct == 70
        assert Condition.OVERSHOOT not in {a.condition for a in view.alerts}
        assert "alert at +70 %" in screen_text(app)

    run(app, (120, 40), steps)


def test_enter_opens_the_station_with_the_live_screens_widgets() -> None:
    app, _ = fixed_app(20)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StationScreen) and screen.station == "station-04"
        assert screen.query_one(BigDigits).value == "97.0"
        gauge = screen.query_one(Gauge)
        assert gauge.band == (40.0, 60.0) and gauge.force_n == 97.0
        # a new report arrives: the full-size view follows it
        app.klass.inbox.put(live("station-04", seq=99, t=T0 + 0.1, force_n=52.0))
        app.tick()
        await pilot.pause()
        assert screen.query_one(BigDigits).value == "52.0"
        assert "in band" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ClassScreen)

    run(app, (120, 40), steps)


def test_day_table_exports_csv_and_printable_html(tmp_path: Path) -> None:
    app, _ = fixed_app(20, tmp_path)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(app.klass.board.sessions()) == 6
        await pilot.press("x")
        await pilot.pause()

    run(app, (120, 40), steps)
    folder = tmp_path / "class-monday-2026-05-28"
    with (folder / "sessions.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    assert {r["passed"] for r in rows} == {"yes", "no"}
    page = (folder / "index.html").read_text()
    assert "<table>" in page and "Ana Lima" not in page  # Ana has no session today
    assert "Chloé Martin" in page and "score ≥ 75" in page


# -- snapshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_class(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    count = 40 if size == (160, 50) else 20
    app, _ = fixed_app(count)

    async def ready(pilot: Pilot[None]) -> None:
        await pilot.pause()
        app.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_station(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, _ = fixed_app(20)

    async def ready(pilot: Pilot[None]) -> None:
        await pilot.pause()
        app.tick()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_snapshot_projector(snap_compare: SnapCompare) -> None:
    app, _ = fixed_app(20)

    async def ready(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("j")
        app.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=ready)


def test_every_key_of_the_class_screen_is_in_the_docs() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "classroom.md").read_text(encoding="utf-8")
    section = docs[docs.index("## The live class screen") :]
    for binding in ClassScreen.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.action.startswith("move") or binding.key in ("escape", "asterisk"):
            continue
        key = binding.key.split(",")[0]
        shown = {"enter": "Enter", "space": "Space", "K": "Shift+K"}.get(key, key.upper())
        assert f"| {shown}" in section or f"/ {shown}" in section, binding
    assert "class-screen.svg" in section

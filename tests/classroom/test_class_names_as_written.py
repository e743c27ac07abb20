"""The class screen shows names from the stations' records as written, never as styling.

Sessions reach the class from stations whose databases may predate today's name checks:
``"Ana [/]"`` would crash the day table and the station's history if read as styling.
"""

from __future__ import annotations

import asyncio
from datetime import UTC
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Label
from textual.widgets._data_table import default_cell_formatter

from tests.classroom.messages import live, record, status
from tests.classroom.screen_helpers import T0, RecordingControl
from trainer.classroom.board import AlertRules, ClassBoard, summarise
from trainer.exercises import ExerciseLibrary
from trainer.ui.classroom.app import build_class_app
from trainer.ui.classroom.context import ClassContext
from trainer.ui.classroom.day import DayScreen
from trainer.ui.classroom.station import StationScreen
from trainer.ui.classroom.tiles import StationTile

STUDENT = "Ana [/] [red]x\x1b[31m"
SHOWN = "Ana [/] [red]x\\x1b[31m"


def drawn_cells(table: DataTable[object]) -> list[str]:
    shown = []
    for row in range(table.row_count):
        for cell in table.get_row_at(row):
            text = default_cell_formatter(cell)  # how the table draws it
            assert isinstance(text, Text)
            shown.append(text.plain)
    return shown


def test_day_table_and_station_history_show_a_stored_name_as_written(tmp_path: Path) -> None:
    board = ClassBoard(["station-01"], AlertRules(), tz=UTC)
    board.on_status(status("station-01", student=STUDENT, since=T0 - 600), now=T0 - 600)
    board.on_session(summarise(record("station-01", STUDENT, score=82.0, ended="20:10"), {}))
    context = ClassContext(
        board=board,
        control=RecordingControl(),
        library=ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir")),
        class_name="monday [/]",
        clock=lambda: T0,
        timers=False,
        tz=UTC,
        export_dir=tmp_path,
    )
    app = build_class_app(context)

    async def go() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.tick()
            await pilot.pause()
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, DayScreen)
            assert SHOWN in drawn_cells(app.screen.query_one(DataTable))
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, StationScreen)
            title = str(screen.query_one("#station-history-title", Label).render())
            assert title == f"History of {SHOWN}"
            assert len(drawn_cells(screen.query_one("#station-sessions", DataTable))) == 4

    asyncio.run(go())


EXERCISE_NAME = "Hold \x1b]0;owned\x07 [b]"
PHASE_NAME = "Sink\x1b[2J in"


def tile_text(app: object) -> str:
    """What the station's tile draws, every line of it, as the terminal would get it."""
    tile = app.screen.query_one(StationTile)  # type: ignore[attr-defined]
    lines = [tile.render_line(y) for y in range(tile.size.height)]
    return "\n".join("".join(segment.text for segment in strip) for strip in lines)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["tiles", "compact-list"])
def test_tiles_escape_control_characters_in_names(size: tuple[int, int]) -> None:
    """A tile (and a row of the compact list) shows escapes as text, never sends them."""
    board = ClassBoard(["station-01"], AlertRules(), tz=UTC)
    board.on_status(status("station-01", student=STUDENT, since=T0 - 60), now=T0 - 60)
    board.on_live(
        live(
            "station-01",
            1,
            T0 - 1,
            50.0,
            student=STUDENT,
            exercise_name=EXERCISE_NAME,
            phase_name=PHASE_NAME,
        ),
        now=T0 - 1,
    )
    context = ClassContext(
        board=board,
        control=RecordingControl(),
        library=ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir")),
        class_name="monday",
        clock=lambda: T0,
        timers=False,
        tz=UTC,
    )
    app = build_class_app(context)

    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.tick()
            await pilot.pause()
            drawn = tile_text(app)
            assert not any(c in drawn for c in "\x1b\x07"), repr(drawn)
            assert "Ana [/] [re" in drawn  # clipped to the compact list's column
            assert "Hold \\x1b]0;owned" in drawn
            if size[0] >= 100:  # tiles: room for the whole of each name
                assert "Ana [/] [red]x\\x1b[31m" in drawn
                assert "Hold \\x1b]0;owned\\x07 [b]" in drawn

    asyncio.run(go())

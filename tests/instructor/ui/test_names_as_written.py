"""Names an old database holds with square brackets or control characters show as written.

Older versions stored any name; Textual reads a plain string as styling, so ``"Ana [/]"``
crashed a table and ``"[red]"`` recoloured it. The names go straight into the database
here (sqlite3, past today's name checks) and every screen that lists them is opened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static
from textual.widgets._data_table import default_cell_formatter

from tests.instructor.ui.conftest import MakeApp, until
from trainer.exercises import ExerciseLibrary
from trainer.instructor.assessment import Assessments, PassMark, PassMarks, simulate_assessment
from trainer.instructor.roster import Roster
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.instructor.assessment import AssessmentResultsScreen
from trainer.ui.instructor.review import ClassOverviewScreen, ReviewScreen
from trainer.ui.instructor.roster import RosterScreen
from trainer.ui.screens.history import HistoryScreen
from trainer.ui.screens.results import ResultsScreen

STUDENT = "Ana [/] [red]x\x1b[31m"
EXERCISE = "Drill [b]one[/b] [/]\x1b[2J"
CLASS = "Monday [/red]"
#: what the screens show: every character as written, control characters as escapes
SHOWN_STUDENT = "Ana [/] [red]x\\x1b[31m"
SHOWN_EXERCISE = "Drill [b]one[/b] [/]\\x1b[2J"


def old_database(store: Store) -> int:
    """A student, class, sessions and an assessment, then renamed as an old version allowed."""
    library = ExerciseLibrary.load()
    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    session_id = simulate(
        store, library.get("precision-drill"), profile="steady", seed=1, student="Ana"
    ).session_id
    Assessments(store).create("Final", ["precision-drill"], set(library.exercises))
    PassMarks(store).set(PassMark("precision-drill", trials_required=1))
    simulate_assessment(store, library.exercises, "Final", "Ana", profile="steady")
    db = sqlite3.connect(store.path)
    with db:
        db.execute("UPDATE students SET name = ? WHERE name = 'Ana'", (STUDENT,))
        db.execute("UPDATE classes SET name = ?", (CLASS,))
        db.execute("UPDATE sessions SET exercise_name = ?", (EXERCISE,))
    db.close()
    return session_id


def cells(table: DataTable[object]) -> list[str]:
    """Every cell as the table draws it (a string cell is read as styling, as Textual does)."""
    shown = []
    for row in range(table.row_count):
        for cell in table.get_row_at(row):
            drawn = default_cell_formatter(cell)
            assert isinstance(drawn, Text)
            shown.append(drawn.plain)
    return shown


def words(widget: Label | Static) -> str:
    return str(widget.render())


async def visit(pilot, app, screen: Screen[None], ready: str = "_filled") -> Screen[None]:  # type: ignore[no-untyped-def]
    """Open ``screen`` and wait until it has drawn what it lists (its ``ready`` attribute)."""
    app.push_screen(screen)
    await until(pilot, lambda: app.screen is screen and getattr(screen, ready))
    await pilot.pause()
    return screen


async def test_every_screen_shows_stored_names_as_written(
    make_app: MakeApp, store: Store, exports: Path
) -> None:
    session_id = old_database(store)
    app, _ = make_app(student=STUDENT)  # the home screen, for this student
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = await visit(pilot, app, HistoryScreen())
        assert SHOWN_EXERCISE in cells(screen.query_one(DataTable))
        app.pop_screen()
        await visit(pilot, app, ResultsScreen(session_id))
        app.pop_screen()
        screen = await visit(pilot, app, ClassOverviewScreen())
        assert SHOWN_STUDENT in cells(screen.query_one("#ov-table", DataTable))
        app.pop_screen()
        await visit(pilot, app, ReviewScreen(STUDENT))
        app.pop_screen()
        screen = await visit(pilot, app, AssessmentResultsScreen(), ready="runs")
        assert SHOWN_STUDENT in cells(screen.query_one("#as-runs", DataTable))
        assert SHOWN_STUDENT in words(screen.query_one("#as-detail", Static))
        app.pop_screen()
        screen = await visit(pilot, app, RosterScreen())
        shown = cells(screen.query_one("#ro-students", DataTable))
        assert SHOWN_STUDENT in shown and CLASS in shown
        assert f"Classes: {CLASS}" in words(screen.query_one("#ro-classes", Static))
        app.notify(f"Saved for {STUDENT}")  # notices quote names too
        await pilot.pause()

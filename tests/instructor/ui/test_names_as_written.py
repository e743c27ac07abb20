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
from textual.widgets import DataTable, Label, Select, Static
from textual.widgets._data_table import default_cell_formatter
from textual.widgets._select import SelectCurrent, SelectOverlay

from tests.instructor.ui.conftest import MakeApp, until
from trainer.exercises import ExerciseLibrary
from trainer.instructor.assessment import Assessments, PassMark, PassMarks, simulate_assessment
from trainer.instructor.roster import Roster
from trainer.safe_text import printable
from trainer.sensors.base import SensorError
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.instructor.assessment import AssessmentResultsScreen
from trainer.ui.instructor.demonstrate import DemonstrationScreen
from trainer.ui.instructor.editor import EditorScreen
from trainer.ui.instructor.review import ClassOverviewScreen, ReviewScreen
from trainer.ui.instructor.roster import RosterScreen
from trainer.ui.instructor.run import AssessmentStartScreen
from trainer.ui.instructor.settings import SettingsScreen
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


def chosen(select: Select[str]) -> str:
    """What a select shows for its value (the closed box's label)."""
    return str(select.query_one(SelectCurrent).query_one("#label", Static).render())


async def open_options(pilot, select: Select[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the select's list (drawing every option) and read its prompts."""
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    options = select.query_one(SelectOverlay)
    prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return prompts


async def test_settings_and_choosers_show_stored_names_as_written(
    make_app: MakeApp, store: Store, exports: Path
) -> None:
    """The settings screen's choosers, table and messages; the class and history choosers."""
    old_database(store)
    db = sqlite3.connect(store.path)
    with db:
        db.execute("UPDATE sessions SET technique = ?", (EXERCISE,))
        db.execute("UPDATE assessments SET name = ?", (CLASS,))
    db.close()
    long_rtl = "שלום עליכם " + "\u202eC:\\x\\ " + "y" * 42  # 60 characters, right to left
    assert len(long_rtl) == 60
    db = sqlite3.connect(store.path)
    with db:  # an override character as an older version stored it
        db.execute("INSERT INTO students (name, created_at) VALUES (?, 'x')", (long_rtl,))
    db.close()
    app, _ = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = await visit(pilot, app, SettingsScreen())
        who = screen.query_one("#st-who", Select)
        options = await open_options(pilot, who)
        assert f"student {SHOWN_STUDENT}" in options
        assert "student " + long_rtl.replace("\u202e", "\\u202e") in options
        who.value = f"student\x1f{STUDENT}"
        await pilot.pause()
        assert chosen(who) == f"student {SHOWN_STUDENT}"
        message = words(screen.query_one("#st-message", Static))
        assert message.startswith(f"{SHOWN_STUDENT} practises with")
        who.value = f"class\x1f{CLASS}"
        await pilot.pause()
        assert chosen(who) == f"class {CLASS}"
        assert words(screen.query_one("#st-message", Static)).startswith(f"Class {CLASS}:")
        app.pop_screen()
        screen = await visit(pilot, app, ClassOverviewScreen())
        classes = screen.query_one("#ov-class", Select)
        assert CLASS in await open_options(pilot, classes)
        classes.value = CLASS
        await pilot.pause()
        assert chosen(classes) == CLASS
        app.pop_screen()
        screen = await visit(pilot, app, HistoryScreen())
        techniques = screen.query_one("#technique", Select)
        assert SHOWN_EXERCISE in await open_options(pilot, techniques)
        techniques.value = EXERCISE
        await pilot.pause()
        assert chosen(techniques) == SHOWN_EXERCISE
        app.pop_screen()
        dialog = AssessmentStartScreen("Ana")
        app.push_screen(dialog)
        await until(pilot, lambda: app.screen is dialog)
        await pilot.pause()
        assert chosen(dialog.query_one("#ar-name", Select)) == CLASS


async def test_demonstration_readout_shows_sensor_words_and_names_as_written(
    make_app: MakeApp, store: Store, user_dir: Path
) -> None:
    """The sensor's words quote paths and errno texts; the demonstrator's name goes on."""
    problem = "[Errno 5] I/O error on '/dev/[spidev]0.0\\' \x1b[2J"
    app, box = make_app(student=STUDENT)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = DemonstrationScreen("by-ana")
        app.push_screen(screen)
        await until(pilot, lambda: app.screen is screen and box.sensors)
        screen.on_error(SensorError(problem))
        screen.refresh_view()
        readout = words(screen.query_one("#dm-readout", Static))
        assert readout.startswith(f"Sensor: {printable(problem)}   ")
        sensor = box.current
        sensor.pump(0.5)  # a sample clears the problem
        await pilot.press("space")
        for target, seconds in ((40.0, 4.0), (0.0, 3.0)):
            assert screen.setup is not None and screen.setup.intent is not None
            screen.setup.intent.set(target)
            sensor.pump(seconds)
        await pilot.press("space")
        screen.refresh_view()
        assert words(screen.query_one("#dm-readout", Static)).startswith("Force ")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen._ready)
        await pilot.pause()

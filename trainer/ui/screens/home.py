"""Home: the technique library, its instructions, the student's name, live or blind, start."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static, Switch

from trainer.exercises import Exercise, FeedbackMode
from trainer.safe_text import check_name
from trainer.store import StoreError, recover_command
from trainer.ui import text
from trainer.ui.context import UsesTrainer
from trainer.ui.tables import selected_key
from trainer.ui.widgets.prose import Prose
from trainer.ui.widgets.rowtable import RowTable
from trainer.ui.widgets.topbar import TopBar

#: the numbers' columns (minutes, last and best score): "1.5", "100"
NUMBER_WIDTH = 4
#: a DataTable cell's padding, both sides
CELL_PADDING = 2
#: the table's vertical scrollbar
SCROLLBAR_WIDTH = 2
#: below this many columns the minutes go (the details below the table give the time)
MINUTES_FROM_WIDTH = 70
#: a technique column narrower than this would wrap into a tower: fold it away instead
MIN_TECHNIQUE_WIDTH = 14


@dataclass(frozen=True, slots=True)
class LibraryColumns:
    """Widths of the library's text columns for one terminal width (0: column left out).

    Text never is cut: a column narrower than its longest entry wraps at spaces.
    """

    name: int
    technique: int
    targets: int
    minutes: bool


def library_columns(
    width: int, names: Sequence[str], techniques: Sequence[str], targets: Sequence[str]
) -> LibraryColumns:
    """Size the library's columns from the terminal's width and their content.

    Everything at its natural width when it fits; else the technique folds (wraps) into
    what the name and targets leave, or goes (the details pane names it); else the name
    and the targets share the width and wrap at spaces.
    """

    def natural(header: str, items: Sequence[str]) -> int:
        return max([len(header), *map(len, items)])

    def longest_word(header: str, items: Sequence[str]) -> int:
        return max([len(header), *(len(w) for item in items for w in item.split())])

    minutes = width >= MINUTES_FROM_WIDTH
    numbers = (3 if minutes else 2) * (NUMBER_WIDTH + CELL_PADDING)
    room = width - SCROLLBAR_WIDTH - numbers
    name_w = natural("Exercise", names)
    technique_w = natural("Technique", techniques)
    targets_w = natural("Targets", targets)
    three = room - 3 * CELL_PADDING
    if name_w + technique_w + targets_w <= three:
        return LibraryColumns(name_w, technique_w, three - name_w - technique_w, minutes)
    left = three - name_w - targets_w
    if left >= max(MIN_TECHNIQUE_WIDTH, longest_word("Technique", techniques)):
        return LibraryColumns(name_w, left, targets_w, minutes)
    two = room - 2 * CELL_PADDING
    if name_w + targets_w <= two:
        return LibraryColumns(name_w, 0, two - name_w, minutes)
    name_w = max(longest_word("Exercise", names), min(name_w, two * 45 // 100))
    targets_w = max(longest_word("Targets", targets), two - name_w)
    return LibraryColumns(name_w, 0, targets_w, minutes)


NAME_FIRST = "Type your name first, then Enter starts: your sessions are kept under it."
BLIND_MEANS = "Blind: no gauge while you press; your results show at the end."


def fold_targets(summary: str, width: int) -> str:
    """Break a target summary between its bands, never inside one (``'45-70 N'`` stays whole)."""
    return text.packed(re.split(r"(?<=[,;]) ", summary), width, " ")


def blind_version(exercise: Exercise) -> Exercise:
    """The same exercise with every phase blind (results only at the end)."""
    phases = tuple(replace(p, feedback=FeedbackMode.BLIND) for p in exercise.phases)
    return replace(exercise, phases=phases)


class HomeScreen(UsesTrainer, Screen[None]):
    """Pick an exercise, type your name, choose live or blind, start."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start"),
        Binding("h", "app.history", "History"),
        Binding("m", "toggle_mode", "Blind"),
        Binding("n", "focus_name", "Name"),
        Binding("i", "instructor", "Instructor"),
        Binding("q", "app.quit", "Quit"),
        # U works here too; off the footer (the top bar shows the unit) to fit 80 columns.
        Binding("u", "app.cycle_units", "Units", show=False),
    ]

    def compose(self) -> ComposeResult:
        trainer = self.trainer
        yield TopBar(
            "Technique library",
            simulated=trainer.config.simulated,
            status=self._status_text(),
        )
        with Vertical(id="home-body"):
            yield RowTable(id="library")
            with VerticalScroll(id="details"):
                yield Static(id="details-title")
                yield Prose(id="details-text")
            # Above the controls, not a toast over them: Blind and Start stay in view.
            yield Static(id="home-hint")
            with Horizontal(id="home-controls"):
                yield Label("Student", classes="control-label")
                yield Input(
                    value=trainer.student,
                    placeholder="your name",
                    id="student",
                    max_length=40,
                )
                yield Switch(value=False, id="blind")
                yield Label("Blind", id="blind-label", classes="control-label")
                yield Button("Start", id="start", variant="success")
        yield Footer()

    def on_mount(self) -> None:
        # Widgets nested in containers mount after the screen: fill once they are there.
        self.call_after_refresh(self._fill_first)

    def _fill_first(self) -> None:
        self._filled = True
        trainer = self.trainer
        if not trainer.student:
            # The last student on this station: their Last and Best show straight away.
            remembered = trainer.config.store.last_student()
            if remembered:
                trainer.student = remembered
                self.query_one("#student", Input).value = remembered
        table = self.query_one("#library", DataTable)
        self.fill_library()
        table.focus()
        exercise_id, self.trainer.config.exercise_id = self.trainer.config.exercise_id, None
        if exercise_id:
            self.start_exercise(exercise_id)
        errors = self.trainer.config.library.errors
        if errors:
            files = sorted({p.file for e in errors for p in e.problems})
            named = " ".join(files[:2]) + (
                f" (and {len(files) - 2} more)" if len(files) > 2 else ""
            )
            skipped = "this file was" if len(files) == 1 else f"these {len(files)} files were"
            self.notify(
                f"Every other exercise is here, but {skipped} skipped: {named}. "
                f"To see why: trainer exercises check {shlex.quote(files[0])}",
                severity="warning",
                timeout=10,
            )
        store = self.trainer.config.store
        kept = [] if store.readonly else store.recovery_files()
        if kept:
            self._offer_recovery(kept)

    def _offer_recovery(self, kept: list[Path]) -> None:
        """Offer to add what a full disk kept in recovery files to the records (Y), or
        leave it for ``trainer recover`` (N)."""
        from trainer.ui.screens.confirm import ConfirmScreen

        store = self.trainer.config.store
        where = ", ".join(str(path) for path in kept)
        later = f"run '{recover_command(store.path)}' to add them"

        def answered(add: bool | None) -> None:
            if not add:
                self.notify(f"Kept in {where} for later: {later}.", timeout=10)
                return
            added: list[str] = []
            for path in kept:
                try:
                    session_id, count = store.import_recovery(path)
                except StoreError as error:
                    self.notify(
                        f"{text.sentence(error)} Later, {later}.", severity="error", timeout=15
                    )
                    continue
                added.append(f"session {session_id} ({count} samples)")
            if added:
                self.notify(f"Added to the records: {', '.join(added)}.", timeout=8)
                self.fill_library()

        if self.app.screen is not self:  # an exercise opened straight away: do not cover it
            self.notify(f"Samples a full disk kept in {where}: {later}.", severity="warning")
            return
        self.app.push_screen(
            ConfirmScreen(
                "Add the samples a full disk kept to the records?",
                f"{len(kept)} session(s) could not be saved in full and were kept in {where}.",
            ),
            answered,
        )

    _filled = False
    #: start exercises with every phase blind
    blind = False

    def on_screen_resume(self) -> None:
        if not self._filled:
            return
        self.fill_library()
        self.query_one(TopBar).set_status(self._status_text())

    def units_changed(self) -> None:
        if self._filled:
            self.fill_library()

    def bell_changed(self) -> None:
        self.query_one(TopBar).set_status(self._status_text())

    def _status_text(self) -> str:
        trainer = self.trainer
        return f"bell {'on' if trainer.bell_on else 'off'} | {trainer.units.value}"

    def on_resize(self) -> None:
        if self._filled:
            self.fill_library()

    def _columns(self, table: DataTable[object], exercises: list[Exercise]) -> LibraryColumns:
        """Columns sized from the screen's width and what they will hold."""
        unit = self.trainer.units
        columns = library_columns(
            self.size.width,
            [e.name for e in exercises],
            [e.technique for e in exercises],
            [text.target_summary(e, unit) for e in exercises],
        )
        if getattr(self, "_widths", None) != columns:
            self._widths = columns
            table.clear(columns=True)
            table.add_column("Exercise", key="name", width=columns.name)
            if columns.technique:
                table.add_column("Technique", key="technique", width=columns.technique)
            table.add_column("Targets", key="targets", width=columns.targets)
            if columns.minutes:
                table.add_column("Min", key="minutes", width=NUMBER_WIDTH)
            table.add_column("Last", key="last", width=NUMBER_WIDTH)
            table.add_column("Best", key="best", width=NUMBER_WIDTH)
        return columns

    def fill_library(self) -> None:
        """(Re)list every exercise with the student's last and best score."""
        trainer = self.trainer
        table = self.query_one("#library", DataTable)
        cursor = table.cursor_row
        exercises = [self._as_practised(e) for e in trainer.config.library.sorted()]
        columns = self._columns(table, exercises)
        table.clear()
        last: dict[str, float] = {}
        best: dict[str, float] = {}
        if trainer.student:
            for row in trainer.config.store.history(student=trainer.student, limit=5000):
                score = row.full_run_score
                if score is None:
                    continue
                last.setdefault(row.exercise_id, score)
                best[row.exercise_id] = max(best.get(row.exercise_id, 0.0), score)
        for exercise in exercises:
            cells: list[object] = [Text(exercise.name)]
            if columns.technique:
                cells.append(Text(exercise.technique))
            targets = text.target_summary(exercise, trainer.units)
            cells.append(Text(fold_targets(targets, columns.targets)))
            if columns.minutes:
                cells.append(f"{exercise.nominal_s / 60:.1f}")
            cells.append(f"{last[exercise.id]:.0f}" if exercise.id in last else "-")
            cells.append(f"{best[exercise.id]:.0f}" if exercise.id in best else "-")
            # Rows grow to the lines their wrapped text needs: nothing is cut.
            table.add_row(*cells, key=exercise.id, height=None)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
            self.show_details(self.selected_id())

    def _as_practised(self, exercise: Exercise) -> Exercise:
        """The exercise with the bands the instructor set for this student (if any)."""
        trainer = self.trainer
        if not trainer.student:
            return exercise
        from trainer.ui.controller import plan_for  # the instructor modules load on demand

        return plan_for(trainer.config.store, exercise, trainer.student)[0].exercise

    def selected_id(self) -> str | None:
        return selected_key(self.query_one("#library", DataTable))

    def show_details(self, exercise_id: str | None) -> None:
        if exercise_id is None:
            return
        trainer = self.trainer
        exercise = self._as_practised(trainer.config.library.exercises[exercise_id])
        title = self.query_one("#details-title", Static)
        title.update(
            text.styled(
                "[b]$name[/b]  ($technique)", name=exercise.name, technique=exercise.technique
            )
        )
        steps = len(exercise.phases)
        summary = (
            f"{steps} steps, about {text.seconds(exercise.nominal_s)}; "
            f"targets {text.target_summary(exercise, trainer.units)}"
        )
        origin = [] if exercise.builtin else [(f"Your own exercise, from {exercise.source}", "dim")]
        self.query_one("#details-text", Prose).show(
            [" ".join(exercise.instructions.split()), (summary, "dim"), *origin]
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_details(str(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the name field starts the highlighted exercise (once there is a name)."""
        self.trainer.student = event.value.strip()
        self.fill_library()
        if self.trainer.student:
            self.query_one("#library", DataTable).focus()
            self.action_start()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.trainer.student = event.value.strip()
        if self.trainer.student:
            self._hint(BLIND_MEANS if self.blind else None)

    def action_focus_name(self) -> None:
        self.query_one("#student", Input).focus()

    def action_instructor(self) -> None:
        """The instructor tools (behind the PIN once one is set)."""
        from trainer.ui.instructor import open_instructor

        open_instructor(self.app)

    def action_toggle_mode(self) -> None:
        switch = self.query_one("#blind", Switch)
        switch.value = not switch.value

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self.blind = event.value
        self._hint(BLIND_MEANS if event.value else None)

    def _hint(self, sentence: str | None) -> None:
        """One line above the controls (None hides it): never a toast over Blind and Start."""
        hint = self.query_one("#home-hint", Static)
        hint.update(text.literal(sentence or ""))  # it may quote the name as typed
        hint.set_class(sentence is not None, "shown")

    def action_start(self) -> None:
        exercise_id = self.selected_id()
        if exercise_id is not None:
            self.start_exercise(exercise_id)

    def start_exercise(self, exercise_id: str) -> None:
        """Open the live screen for this exercise (asks for a name first if none)."""
        trainer = self.trainer
        library = trainer.config.library
        if exercise_id not in library.exercises:
            known = ", ".join(sorted(library.exercises))
            self.notify(
                f"There is no exercise {exercise_id!r}: pick one from the list ({known}).",
                severity="error",
                timeout=8,
            )
            return
        if not trainer.student:
            self._hint(NAME_FIRST)
            self.query_one("#student", Input).focus()
            return
        try:
            check_name(trainer.student, "your name")
        except ValueError as error:  # said here, before the live screen is opened
            self._hint(text.sentence(error))
            self.query_one("#student", Input).focus()
            return
        exercise = library.exercises[exercise_id]
        if self.blind:
            exercise = blind_version(exercise)
        from trainer.ui.screens.live import LiveScreen

        self.app.push_screen(LiveScreen(exercise))

"""Home: the technique library, its instructions, the student's name, live or blind, start."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static, Switch

from trainer.exercises import Exercise, FeedbackMode
from trainer.ui import text
from trainer.ui.context import UsesTrainer
from trainer.ui.widgets.topbar import TopBar


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
            "Pressure Trainer - technique library",
            simulated=trainer.config.simulated,
            status=self._status_text(),
        )
        with Vertical(id="home-body"):
            yield DataTable(id="library", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="details"):
                yield Static(id="details-title")
                yield Static(id="details-text")
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
        table = self.query_one("#library", DataTable)
        self.fill_library()
        table.focus()
        exercise_id, self.trainer.config.exercise_id = self.trainer.config.exercise_id, None
        if exercise_id:
            self.start_exercise(exercise_id)
        errors = self.trainer.config.library.errors
        if errors:
            self.notify(
                f"{len(errors)} exercise file(s) could not be read and were skipped: "
                "run 'trainer exercises check' on them to see why.",
                severity="warning",
                timeout=8,
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

    def _columns(self, table: DataTable[object]) -> None:
        """Name, technique and targets share the width the numbers leave."""
        spare = max(36, self.size.width - 3 * 4 - 6 * 2 - 2)
        name, technique = spare * 40 // 100, spare * 25 // 100
        widths = (name, technique, spare - name - technique)
        if getattr(self, "_widths", None) == widths:
            return
        self._widths = widths
        table.clear(columns=True)
        table.add_column("Exercise", key="name", width=widths[0])
        table.add_column("Technique", key="technique", width=widths[1])
        table.add_column("Targets", key="targets", width=widths[2])
        table.add_column("Min", key="minutes", width=4)
        table.add_column("Last", key="last", width=4)
        table.add_column("Best", key="best", width=4)

    def fill_library(self) -> None:
        """(Re)list every exercise with the student's last and best score."""
        trainer = self.trainer
        table = self.query_one("#library", DataTable)
        cursor = table.cursor_row
        self._columns(table)
        table.clear()
        last: dict[str, float] = {}
        best: dict[str, float] = {}
        if trainer.student:
            for row in trainer.config.store.history(student=trainer.student, limit=5000):
                if row.score is None or row.status not in ("complete", "incomplete"):
                    continue
                last.setdefault(row.exercise_id, row.score)
                best[row.exercise_id] = max(best.get(row.exercise_id, 0.0), row.score)
        for exercise in map(self._as_practised, trainer.config.library.sorted()):
            table.add_row(
                exercise.name,
                exercise.technique,
                text.target_summary(exercise, trainer.units),
                f"{exercise.nominal_s / 60:.1f}",
                f"{last[exercise.id]:.0f}" if exercise.id in last else "-",
                f"{best[exercise.id]:.0f}" if exercise.id in best else "-",
                key=exercise.id,
            )
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
        table = self.query_one("#library", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def show_details(self, exercise_id: str | None) -> None:
        if exercise_id is None:
            return
        trainer = self.trainer
        exercise = self._as_practised(trainer.config.library.exercises[exercise_id])
        title = self.query_one("#details-title", Static)
        body = self.query_one("#details-text", Static)
        title.update(f"[b]{exercise.name}[/b]  ({exercise.technique})")
        steps = len(exercise.phases)
        origin = "" if exercise.builtin else f"\nYour own exercise, from {exercise.source}"
        body.update(
            " ".join(exercise.instructions.split())
            + f"\n[dim]{steps} steps, about {text.seconds(exercise.nominal_s)}; "
            f"targets {text.target_summary(exercise, trainer.units)}{origin}[/dim]"
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
        self.trainer.student = event.value.strip()
        self.fill_library()
        self.query_one("#library", DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.trainer.student = event.value.strip()

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
        label = "Blind: no gauge, results at the end" if event.value else "Blind"
        self.query_one("#blind-label", Label).update(label)

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
            self.notify("Type your name first, so your sessions are kept under it.")
            self.query_one("#student", Input).focus()
            return
        exercise = library.exercises[exercise_id]
        if self.blind:
            exercise = blind_version(exercise)
        from trainer.ui.screens.live import LiveScreen

        self.app.push_screen(LiveScreen(exercise))

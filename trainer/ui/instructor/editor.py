"""The exercise editor: phases, bands, durations, ramp rates and feedback mode, checked
as you type (problems shown next to the field), the phase timeline drawn with its bands,
save to your folder, restore the built-in.

Rows on the left: the exercise itself, then each phase; a repeat group shows its steps
under it. The form on the right edits the selected row.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, Static

from trainer.exercises import Exercise, ExerciseError, user_exercise_dir
from trainer.instructor import InstructorError
from trainer.instructor.editing import (
    PHASE_ORDER,
    Draft,
    FieldProblem,
    is_builtin_id,
    restore_builtin,
    user_file_for,
)
from trainer.instructor.timeline import render_timeline
from trainer.instructor.versions import replacement_impact
from trainer.ui.context import UsesTrainer
from trainer.ui.text import literal, sentence, styled
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar

TOP_FIELDS = ("id", "name", "technique", "instructions", "feedback", "levels")
GROUP_FIELDS = ("repeat", "feedback")
#: a phase's fields in the order saved files write them (without the repeat-group keys)
PHASE_FIELDS = tuple(key for key in PHASE_ORDER if key not in ("repeat", "steps"))
LABELS = {
    "id": "Id",
    "name": "Name",
    "technique": "Technique",
    "instructions": "Instructions",
    "feedback": "Feedback",
    "levels": "Levels (N)",
    "repeat": "Repeat (times)",
    "kind": "Kind",
    "band": "Band (N)",
    "rate_n_per_s": "Ramp rate (N/s)",
    "rate_tolerance_n_per_s": "Rate ± (N/s)",
    "duration_s": "Duration (s)",
    "hold_s": "Hold in band (s)",
    "max_s": "At most (s)",
    "cue": "Cue",
}
HINTS = {
    "id": "lower-case letters, digits, - and _",
    "feedback": "live or blind",
    "levels": "named bands: light 10-20, moderate 25-40",
    "kind": "ramp, hold, release or rest",
    "band": "low-high, e.g. 20-30, or a level name",
    "rate_n_per_s": "ramps only, e.g. 6",
    "rate_tolerance_n_per_s": "blank: 30% of the rate",
    "duration_s": "fixed length; or hold/at most",
    "hold_s": "holds: seconds inside the band",
    "max_s": "the longest it may take",
    "repeat": "1 to 100",
    "cue": "blank: the usual cue for the kind",
    "name": "",
}

#: a row of the left table: (phase entry, step) or (None, None) for the exercise itself
RowKey = tuple[int | None, int | None]


def value_text(value: Any) -> str:
    """How a stored value is shown in an input: bands as ``20-30``."""
    if value is None:
        return ""
    if isinstance(value, list) and len(value) == 2:
        return (
            f"{value[0]:g}-{value[1]:g}"
            if all(isinstance(v, int | float) for v in value)
            else str(value)
        )
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).strip()


def expanded_index(raw: dict[str, Any], phase: int, step: int | None) -> int | None:
    """The index in the expanded phase list of a row (a group's first repetition)."""
    count = 0
    for index, entry in enumerate(raw.get("phases", [])):
        if not isinstance(entry, dict):
            continue
        steps = entry.get("steps")
        is_group = "repeat" in entry or "steps" in entry
        if index == phase:
            if is_group:
                return count + (step or 0)
            return count
        if is_group:
            times = entry.get("repeat")
            n_steps = len(steps) if isinstance(steps, list) else 0
            count += n_steps * (times if isinstance(times, int) and times > 0 else 0)
        else:
            count += 1
    return None


def row_summary(entry: dict[str, Any]) -> str:
    if "repeat" in entry or "steps" in entry:
        steps = entry.get("steps")
        return f"repeat ×{value_text(entry.get('repeat'))}: {len(steps) if isinstance(steps, list) else 0} steps"
    text = str(entry.get("kind", "?"))
    if "band" in entry:
        text += f" {value_text(entry['band'])}"
    for key, unit in (("duration_s", "s"), ("hold_s", "s in band"), ("max_s", "s max")):
        if key in entry:
            text += f" {value_text(entry[key])} {unit}"
            break
    return text


def say_replaced(
    screen: UsesTrainer, done: str, new: Exercise | None, old: Exercise | None, timeout: float = 6
) -> None:
    """Notify ``done``, and what putting ``new`` in force in place of ``old`` affects.

    Bands or a pass mark that no longer fit, and sessions judged against the earlier
    version, are said now (and shown longer), not found out in class.
    """
    assert isinstance(screen, Widget)
    store = screen.trainer.config.store
    notes = [] if new is None or old is None else replacement_impact(store, new, old)
    if notes:
        screen.notify(f"{done} Note: " + "; ".join(notes) + ".", severity="warning", timeout=15)
    else:
        screen.notify(done, timeout=timeout)


class EditorScreen(UsesTrainer, Screen[None]):
    """Edit one exercise; Ctrl+S saves it to your folder."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+n", "add_phase", "Add phase", priority=True),
        Binding("ctrl+r", "remove_phase", "Remove phase", priority=True),
        Binding("ctrl+up", "move(-1)", "Move up", priority=True),
        Binding("ctrl+down", "move(1)", "Move down", priority=True),
        Binding("ctrl+b", "restore", "Restore built-in", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.dirty = False
        self.selected: RowKey = (None, None)
        self.fields: list[str] = []
        self.last_valid: Exercise | None = None
        self._rows: list[RowKey] = []
        self._ready = False
        #: the levels text could not be read (the levels were left as they were)
        self.levels_problem: str | None = None
        #: form generation: widget ids carry it, as old inputs linger until removed
        self._gen = 0

    def compose(self) -> ComposeResult:
        yield TopBar(self._title(), simulated=self.trainer.config.simulated)
        yield Static(literal(self._origin_note()), id="ed-origin")
        with Horizontal(id="ed-body"):
            yield RecordTable(id="ed-rows", zebra_stripes=False, show_header=False)
            yield VerticalScroll(id="ed-form")
        yield Static(id="ed-timeline")
        yield Static(id="ed-status")
        yield Footer()

    def _title(self) -> str:
        star = " *" if self.dirty else ""
        return f"Exercise editor | {self.draft.raw.get('name', '?')}{star}"

    def _origin_note(self) -> str:
        exercise_id = self.draft.exercise_id
        if is_builtin_id(exercise_id):
            if user_file_for(exercise_id) is not None:
                return "Your copy of a built-in exercise. Ctrl+B restores the built-in."
            return "Built-in: saving makes your own copy; the built-in file never changes."
        saved = user_file_for(exercise_id)
        if saved is None:
            return f"New exercise, not saved yet: Ctrl+S saves it in {user_exercise_dir()}."
        return f"Saved in {saved}."

    @property
    def unsaved(self) -> bool:
        """Changes not saved, or an exercise that was never saved at all."""
        exercise_id = self.draft.exercise_id
        never_saved = not is_builtin_id(exercise_id) and user_file_for(exercise_id) is None
        return self.dirty or never_saved

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_fill)

    def _first_fill(self) -> None:
        table = self.query_one("#ed-rows", DataTable)
        table.add_column("#", key="n", width=5)
        table.add_column("What", key="what", width=26)
        self._show_draft()

    def _show_draft(self) -> None:
        """The rows and the form for the draft as it is now, then its check.

        Events from the table and the form are ignored until both are built.
        """
        self._ready = False
        self._fill_rows()
        self._build_form()
        self._ready = True
        self.check()

    # -- the row table -----------------------------------------------------------------
    def _fill_rows(self) -> None:
        table = self.query_one("#ed-rows", DataTable)
        table.clear()
        self._rows = [(None, None)]
        table.add_row("", "Exercise & levels", key="top")
        for index, entry in enumerate(self.draft.raw.get("phases", [])):
            if not isinstance(entry, dict):
                continue
            self._rows.append((index, None))
            table.add_row(str(index + 1), row_summary(entry), key=f"p{index}")
            steps = entry.get("steps")
            if isinstance(steps, list):
                for step_index, step in enumerate(steps):
                    if isinstance(step, dict):
                        self._rows.append((index, step_index))
                        table.add_row(
                            f" {index + 1}.{step_index + 1}",
                            "  " + row_summary(step),
                            key=f"p{index}s{step_index}",
                        )
        if self.selected in self._rows:
            table.move_cursor(row=self._rows.index(self.selected))

    def _row_key(self, row: RowKey) -> str:
        phase, step = row
        if phase is None:
            return "top"
        return f"p{phase}" if step is None else f"p{phase}s{step}"

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not self._ready or event.cursor_row >= len(self._rows):
            return
        row = self._rows[event.cursor_row]
        if row != self.selected:
            self.selected = row
            self._build_form()
            self.check()

    # -- the form -----------------------------------------------------------------------
    def _entry(self) -> dict[str, Any]:
        phase, step = self.selected
        if phase is None:
            return self.draft.raw
        return self.draft.entry(phase, step)

    def _field_names(self) -> list[str]:
        phase, step = self.selected
        if phase is None:
            return list(TOP_FIELDS)
        entry = self._entry()
        if step is None and ("repeat" in entry or "steps" in entry):
            return list(GROUP_FIELDS)
        return list(PHASE_FIELDS)

    def _current_text(self, field: str) -> str:
        if self.selected[0] is None and field == "levels":
            return self.draft.levels_text()
        return value_text(self._entry().get(field))

    def _build_form(self) -> None:
        form = self.query_one("#ed-form", VerticalScroll)
        form.remove_children()
        self._gen += 1
        self.fields = self._field_names()
        widgets: list[Widget] = []
        phase, step = self.selected
        heading = (
            "The exercise"
            if phase is None
            else f"Phase {phase + 1}" + (f", step {step + 1}" if step is not None else "")
        )
        widgets.append(Label(heading, classes="ed-heading"))
        for number, field in enumerate(self.fields):
            label, hint = LABELS[field], HINTS.get(field, "")
            widgets.append(
                Vertical(
                    Horizontal(
                        Label(label, classes="ed-label"),
                        Input(
                            self._current_text(field),
                            placeholder=hint,
                            id=f"f{self._gen}_{number}",
                            classes="ed-input",
                        ),
                        classes="ed-row",
                    ),
                    Label("", id=f"e{self._gen}_{number}", classes="ed-error"),
                    classes="ed-field",
                )
            )
        form.mount_all(widgets)

    def input_for(self, field: str) -> Input | None:
        """The input of ``field`` on the form now shown (None if not on it)."""
        if field not in self.fields:
            return None
        found = self.query(f"#f{self._gen}_{self.fields.index(field)}")
        return found.first(Input) if found else None

    def error_for(self, field: str) -> Label | None:
        """The label under ``field`` that shows its problem."""
        if field not in self.fields:
            return None
        found = self.query(f"#e{self._gen}_{self.fields.index(field)}")
        return found.first(Label) if found else None

    def on_input_changed(self, event: Input.Changed) -> None:
        prefix = f"f{self._gen}_"
        if not self._ready or event.input.id is None or not event.input.id.startswith(prefix):
            return
        event.stop()
        field = self.fields[int(event.input.id.removeprefix(prefix))]
        if event.value.strip() == self._current_text(field):
            return  # nothing changed (an input reporting its first value)
        phase, step = self.selected
        if phase is None and field == "levels":
            self.levels_problem = self.draft.set_levels_text(event.value)
        elif phase is None:
            self.draft.set_field(field, event.value)
        else:
            self.draft.set_phase_field(phase, step, field, event.value)
        self.dirty = True
        if phase is not None:
            table = self.query_one("#ed-rows", DataTable)
            summary = row_summary(self._entry())
            table.update_cell(
                self._row_key(self.selected), "what", ("  " if step is not None else "") + summary
            )
        self.check()

    # -- checking and drawing --------------------------------------------------------------
    def problems_here(self, problems: list[FieldProblem]) -> dict[str, str]:
        """Problems that belong to the fields now on the form, by field name."""
        phase, step = self.selected
        found: dict[str, str] = {}
        for problem in problems:
            if phase is None and problem.phase is None:
                # Problems in [levels] are named after the level: show them by Levels.
                field = problem.field if problem.field in TOP_FIELDS else "levels"
                found.setdefault(field, problem.message)
            elif problem.phase == phase and problem.step == step:
                found.setdefault(problem.field, problem.message)
        return found

    def check(self) -> list[FieldProblem]:
        """Validate the draft; show problems by their fields, redraw the timeline."""
        problems = self.draft.field_problems()
        if self.levels_problem:
            problems.insert(0, FieldProblem(None, None, "levels", self.levels_problem))
        here = self.problems_here(problems)
        for field in self.fields:
            label, box = self.error_for(field), self.input_for(field)
            if label is None or box is None:
                continue
            message = here.get(field)
            label.update(literal(f"⚠ {message}") if message else "")
            label.set_class(bool(message), "shown")
            box.set_class(bool(message), "invalid")
        try:
            exercise = self.draft.validate()
        except ExerciseError:
            exercise = None
        if exercise is not None:
            self.last_valid = exercise
        status = self.query_one("#ed-status", Static)
        if problems:
            first = problems[0]
            where = (
                "the exercise"
                if first.phase is None
                else f"phase {first.phase + 1}"
                + (f", step {first.step + 1}" if first.step is not None else "")
            )
            unplaced = [p for p in problems if p.message not in here.values()]
            more = f" ({len(unplaced)} on other rows)" if unplaced and len(problems) > 1 else ""
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            status.update(
                styled(
                    "[b]$count[/b]$more: $where: $message. Fix before saving.",
                    count=count,
                    more=more,
                    where=where,
                    message=first.message,
                )
            )
            status.set_class(True, "bad")
        else:
            assert exercise is not None
            status.update(
                f"All good: {len(exercise.phases)} phases, about {exercise.nominal_s / 60:.1f} min. "
                "Ctrl+S saves."
            )
            status.set_class(False, "bad")
        self._draw_timeline(exercise is None)
        self.query_one(TopBar).set_title(self._title())
        return problems

    def _draw_timeline(self, stale: bool) -> None:
        timeline = self.query_one("#ed-timeline", Static)
        if self.last_valid is None:
            timeline.update("The timeline appears once the exercise is valid.")
            return
        phase, step = self.selected
        highlight = None if phase is None else expanded_index(self.draft.raw, phase, step)
        width = max(30, (self.size.width or 80) - 10)
        height = 4 if (self.size.height or 24) < 30 else 6
        lines = render_timeline(self.last_valid, width=width, height=height, highlight=highlight)
        note = "  (last valid version)" if stale else ""
        legend = "▒ ramp  █ hold  ░ release  # selected phase" + note
        timeline.update(literal("\n".join([*lines, legend])))

    def on_resize(self) -> None:
        if self._ready:
            self._draw_timeline(stale=self.last_valid is not None and bool(self.draft.problems()))

    # -- actions ----------------------------------------------------------------------------
    def action_save(self) -> None:
        # What was in force under this id: saving replaces it for the records ahead.
        before = self.trainer.config.library.exercises.get(self.draft.exercise_id)
        try:
            path = self.draft.save()
        except ExerciseError as error:
            count = len(error.problems)
            self.notify(
                f"Not saved: fix the {count} problem{'s' if count != 1 else ''} marked in red first.",
                severity="error",
            )
            return
        except InstructorError as error:
            self.notify(f"Not saved: {error}", severity="error")
            return

        library = self.trainer.reload_library()
        self.dirty = False
        self.query_one("#ed-origin", Static).update(literal(self._origin_note()))
        self.query_one(TopBar).set_title(self._title())
        saved = library.exercises.get(self.draft.exercise_id)
        say_replaced(self, f"Saved to {path}.", saved, before, timeout=5)

    def _restructure(self, selected: RowKey) -> None:
        self.dirty = True
        self.selected = selected
        self._show_draft()

    def action_add_phase(self) -> None:
        """Add a phase after the selected one (a step, when a step of a group is selected)."""
        phase, step = self.selected
        if phase is not None and step is not None:
            self._restructure((phase, self.draft.add_step(phase, step)))
            return
        index = self.draft.add_phase(after=phase if phase is not None else None)
        self._restructure((index, None))

    def action_remove_phase(self) -> None:
        phase, step = self.selected
        if phase is None:
            self.notify("Pick a phase on the left first.", severity="warning")
            return
        if step is not None:
            try:
                self.draft.remove_step(phase, step)
            except InstructorError as error:
                self.notify(sentence(error), severity="warning")
                return
            self._restructure((phase, max(0, step - 1)))
            return
        if len(self.draft.raw.get("phases", [])) <= 1:
            self.notify("An exercise needs at least one phase.", severity="warning")
            return
        self.draft.remove_phase(phase)
        self._restructure((max(0, phase - 1), None))

    def action_move(self, offset: int) -> None:
        phase, _ = self.selected
        if phase is None:
            return
        self._restructure((self.draft.move_phase(phase, offset), None))

    def action_restore(self) -> None:
        from trainer.ui.screens.confirm import ConfirmScreen

        exercise_id = self.draft.exercise_id
        if not is_builtin_id(exercise_id) or user_file_for(exercise_id) is None:
            self.notify(
                "This is not your copy of a built-in exercise: nothing to restore.",
                severity="warning",
            )
            return

        before = self.trainer.config.library.exercises.get(exercise_id)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                moved = restore_builtin(exercise_id)
            except InstructorError as error:
                self.notify(sentence(error), severity="error")
                return

            library = self.trainer.reload_library()
            self.draft = Draft.from_exercise(library.get(exercise_id))
            self._restructure((None, None))
            self.dirty = False
            self.query_one("#ed-origin", Static).update(literal(self._origin_note()))
            self.query_one(TopBar).set_title(self._title())
            said = f"The built-in is back; your copy was kept in {moved}."
            say_replaced(self, said, library.get(exercise_id), before)

        self.app.push_screen(
            ConfirmScreen(
                f"Restore the built-in {exercise_id}?", "Your copy is moved aside, not lost."
            ),
            answered,
        )

    def action_back(self) -> None:
        from trainer.ui.screens.confirm import ConfirmScreen

        if not self.unsaved:
            self.app.pop_screen()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        lost = (
            "Your changes will be lost."
            if self.dirty and user_file_for(self.draft.exercise_id) is not None
            else "This exercise has not been saved and will be lost."
        )
        self.app.push_screen(ConfirmScreen("Leave without saving?", lost), answered)

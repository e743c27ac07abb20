"""The instructor hub: the exercise list with edit, new, copy, delete, and the way to
the class overview, reviews, assessment results and teach-by-demonstration."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from trainer.exercises import Exercise
from trainer.instructor import InstructorError
from trainer.instructor.editing import Draft, copy_exercise, delete_exercise, is_builtin_id
from trainer.ui.tables import RecordsScreen, refilling, selected_key
from trainer.ui.text import sentence
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar

HELP = (
    "[b]E[/b] edit  [b]N[/b] new  [b]C[/b] copy  [b]D[/b] delete / restore built-in  "
    "[b]T[/b] teach by demonstration\n"
    "[b]O[/b] class overview  [b]R[/b] review a student  [b]A[/b] assessment results  "
    "[b]S[/b] bands, feedback & pass marks  [b]L[/b] students & classes  "
    "[b]P[/b] exercise packs  [b]Esc[/b] back"
)


def origin_text(exercise: Exercise) -> str:
    if exercise.builtin:
        return "built-in"
    return "yours, replaces built-in" if is_builtin_id(exercise.id) else "yours"


class InstructorScreen(RecordsScreen):
    """Exercises and the instructor's tools (behind the PIN)."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit"),
        Binding("n", "new", "New"),
        Binding("c", "copy", "Copy"),
        Binding("d", "delete", "Delete"),
        Binding("t", "teach", "Teach"),
        Binding("o", "overview", "Overview"),
        Binding("r", "review", "Review"),
        Binding("a", "assessments", "Assessment"),
        Binding("s", "settings", "Settings"),
        Binding("l", "roster", "Students"),
        Binding("p", "packs", "Packs"),
    ]
    TABLE = "inst-exercises"

    def compose(self) -> ComposeResult:
        yield TopBar("Instructor | exercises", simulated=self.trainer.config.simulated)
        yield RecordTable(id=self.TABLE, columns={"Exercise": 30, "Id": 22, "From": 24})
        yield Static(HELP, id="inst-help")
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refill()

    def fill(self) -> None:
        with refilling(self.table) as table:
            for exercise in self.trainer.reload_library().sorted():
                table.add_row(exercise.name, exercise.id, origin_text(exercise), key=exercise.id)

    def selected(self) -> Exercise | None:
        key = selected_key(self.table)
        return None if key is None else self.trainer.config.library.exercises.get(key)

    def _unused_id(self, stem: str) -> str:
        known = set(self.trainer.config.library.exercises)
        candidate, number = stem, 1
        while candidate in known:
            number += 1
            candidate = f"{stem}-{number}"
        return candidate

    def open_editor(self, draft: Draft) -> None:
        from trainer.ui.instructor.editor import EditorScreen

        self.app.push_screen(EditorScreen(draft))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        exercise = self.selected()
        if exercise is not None:
            self.open_editor(Draft.from_exercise(exercise))

    def action_new(self) -> None:
        self.open_editor(Draft.new(self._unused_id("new-exercise"), "New exercise"))

    def action_copy(self) -> None:
        exercise = self.selected()
        if exercise is not None:
            new_id = self._unused_id(f"{exercise.id}-copy")
            self.open_editor(copy_exercise(exercise, new_id))

    def action_delete(self) -> None:
        from trainer.ui.instructor.editor import say_replaced
        from trainer.ui.screens.confirm import ConfirmScreen

        exercise = self.selected()
        if exercise is None:
            return
        if exercise.builtin:
            self.notify(
                f"{exercise.name} is built in and cannot be deleted; copy it to make your own.",
                severity="warning",
            )
            return
        restoring = is_builtin_id(exercise.id)
        question = (
            f"Remove your copy of {exercise.name} and use the built-in again?"
            if restoring
            else f"Delete {exercise.name}?"
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                moved = delete_exercise(exercise.id)
            except InstructorError as error:
                self.notify(sentence(error), severity="error")
                return
            self.fill()
            builtin = self.trainer.config.library.exercises.get(exercise.id)
            done = f"Done. The file was kept in {moved}."
            say_replaced(self, done, builtin if restoring else None, exercise)

        self.app.push_screen(
            ConfirmScreen(question, "The file is moved to the .removed folder, not destroyed."),
            answered,
        )

    def action_teach(self) -> None:
        from trainer.ui.instructor.demonstrate import DemonstrationScreen

        self.app.push_screen(DemonstrationScreen(self._unused_id("demonstrated")))

    def action_overview(self) -> None:
        from trainer.ui.instructor.review import ClassOverviewScreen

        self.app.push_screen(ClassOverviewScreen())

    def action_review(self) -> None:
        from trainer.ui.instructor.review import ClassOverviewScreen, ReviewScreen

        student = self.trainer.student
        if (
            student
            and self.trainer.config.store.db.execute(
                "SELECT 1 FROM students WHERE name = ?", (student,)
            ).fetchone()
        ):
            self.app.push_screen(ReviewScreen(student))
        else:
            self.notify("Pick a student in the class overview, then press Enter.", timeout=4)
            self.app.push_screen(ClassOverviewScreen())

    def action_assessments(self) -> None:
        from trainer.ui.instructor.assessment import AssessmentResultsScreen

        self.app.push_screen(AssessmentResultsScreen())

    def action_settings(self) -> None:
        from trainer.ui.instructor.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_roster(self) -> None:
        from trainer.ui.instructor.roster import RosterScreen

        self.app.push_screen(RosterScreen())

    def action_packs(self) -> None:
        """Export or import exercise packs (with their settings)."""
        from trainer.ui.instructor.packs import PacksScreen

        self.app.push_screen(PacksScreen(), lambda _: self.fill())

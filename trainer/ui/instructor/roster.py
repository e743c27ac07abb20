"""The roster: students and classes, add, rename, archive (sessions are never deleted)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, Static

from trainer.instructor import InstructorError
from trainer.instructor.contacts import StudentContacts
from trainer.instructor.roster import Roster
from trainer.instructor.roster_import import import_roster
from trainer.ui.dialog import FormDialog
from trainer.ui.tables import RecordsScreen, refilling, selected_key
from trainer.ui.text import literal, sentence
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar
from trainer.units import parse_contact

HELP = (
    "[b]A[/b] add student  [b]C[/b] add class  [b]N[/b] rename  [b]E[/b] put in a class  "
    "[b]X[/b] take out of a class  [b]K[/b] contact (for kPa)  [b]H[/b] archive / bring back  "
    "[b]V[/b] show archived  [b]I[/b] import a class list (CSV)"
)


class PromptScreen(FormDialog[str]):
    """One line of text; Enter gives it, Escape gives None."""

    CSS_PATH = "instructor.tcss"

    def __init__(self, question: str, value: str = "", *, max_length: int = 60) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Label(self.question, id="prompt-question")
            yield Input(self.value, id="prompt-input", max_length=self.max_length)
            yield Label("Enter to confirm, Escape to cancel.", id="prompt-help")

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.query_one("#prompt-input", Input).focus())

    def submit(self, button: str) -> None:
        self.dismiss(self.query_one("#prompt-input", Input).value.strip() or None)


class RosterScreen(RecordsScreen):
    """Students with their classes and session counts; keys change the roster."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_student", "Add student"),
        Binding("c", "add_class", "Add class"),
        Binding("n", "rename", "Rename"),
        Binding("e", "enrol", "Enrol"),
        Binding("x", "unenrol", "Take out", show=False),
        Binding("k", "contact", "Contact"),
        Binding("h", "archive", "Archive"),
        Binding("v", "toggle_archived", "Show archived"),
        Binding("i", "import_list", "Import CSV"),
    ]
    TABLE = "ro-students"

    def __init__(self) -> None:
        super().__init__()
        self.show_archived = False

    @property
    def roster(self) -> Roster:
        return Roster(self.trainer.config.store)

    def compose(self) -> ComposeResult:
        yield TopBar("Students and classes", simulated=self.trainer.config.simulated)
        yield RecordTable(
            id=self.TABLE, columns={"Student": 24, "Classes": 30, "Sessions": 8, "": 9}
        )
        yield Static(id="ro-classes")
        yield Static(HELP, id="ro-help")
        yield Footer()

    def fill(self) -> None:
        with refilling(self.table) as table:
            for student in self.roster.students(include_archived=self.show_archived):
                table.add_row(
                    student.name,
                    ", ".join(student.classes) or "-",
                    str(student.sessions),
                    "archived" if student.archived else "",
                    key=student.name,
                )
        classes = self.roster.classes(include_archived=self.show_archived)
        text = "; ".join(
            f"{c.name}{' (archived)' if c.archived else ''}: {len(c.students)}" for c in classes
        )
        self.query_one("#ro-classes", Static).update(
            literal(f"Classes: {text or 'none yet (C adds one)'}")
        )

    def selected(self) -> str | None:
        return selected_key(self.table)

    def _ask(self, question: str, then: Callable[[str], object], value: str = "") -> None:
        def answered(text: str | None) -> None:
            if not text:
                return
            try:
                then(text)
            except (InstructorError, ValueError) as error:  # ValueError: a contact's text
                self.notify(sentence(error), severity="error")
                return
            self.fill()

        self.app.push_screen(PromptScreen(question, value), answered)

    def action_add_student(self) -> None:
        self._ask(
            "Name of the new student",
            lambda name: self.roster.add_student(name, existing_ok=False),
        )

    def action_add_class(self) -> None:
        self._ask("Name of the new class", self.roster.add_class)

    def action_rename(self) -> None:
        student = self.selected()
        if student is not None:
            self._ask(
                f"New name for {student} (their sessions go with them)",
                lambda new: self.roster.rename_student(student, new),
                student,
            )

    def action_enrol(self) -> None:
        student = self.selected()
        if student is not None:
            names = ", ".join(c.name for c in self.roster.classes()) or "none yet"
            self._ask(
                f"Put {student} in which class? ({names})",
                lambda name: self.roster.enrol(name, student),
            )

    def action_unenrol(self) -> None:
        student = self.selected()
        if student is not None:
            self._ask(
                f"Take {student} out of which class?",
                lambda name: self.roster.unenrol(name, student),
            )

    def action_contact(self) -> None:
        """Ask what the student presses with, parsed as ``trainer instructor students contact``."""
        student = self.selected()
        if student is None:
            return
        contacts = StudentContacts(self.trainer.config.store)
        current = contacts.get(student)

        def set_contact(text: str) -> None:
            contact = None if text.strip().lower() == "none" else parse_contact(text)
            contacts.set(student, contact)
            said = contact.describe() if contact is not None else "no contact (kPa not shown)"
            self.notify(f"{student} presses with: {said}.", timeout=4)

        self._ask(
            f"What does {student} press with? thumb, knuckle, elbow or tool, or a name and "
            "an area in cm² (e.g. 'thumb 2.5'); 'none' clears it",
            set_contact,
            "" if current is None else f"{current.kind} {current.area_cm2:g}",
        )

    def action_import_list(self) -> None:
        """Import a class list from CSV, as ``trainer instructor students import`` does."""

        def with_file(path: str | None) -> None:
            if not path:
                return

            def with_class(class_name: str | None) -> None:
                # Enter (or Escape) on the class: each row's own class column, if any.
                try:
                    report = import_roster(
                        self.trainer.config.store, Path(path).expanduser(), class_name=class_name
                    )
                except InstructorError as error:
                    self.notify(sentence(error), severity="error", timeout=15)
                    return
                self.notify(" ".join(report.summary()), timeout=10)
                self.fill()

            self.app.push_screen(
                PromptScreen(
                    "Put everyone in one class? Its name, or Enter to use the file's class column"
                ),
                with_class,
            )

        self.app.push_screen(
            PromptScreen(
                "Class list to import: a CSV file with a name column (or first and last "
                "name), and a class column if you like",
                max_length=1000,
            ),
            with_file,
        )

    def action_archive(self) -> None:
        student = self.selected()
        if student is None:
            return
        info = next(s for s in self.roster.students(include_archived=True) if s.name == student)
        self.roster.archive_student(student, archived=not info.archived)
        state = "back in the lists" if info.archived else "archived (sessions kept; V shows them)"
        self.notify(f"{student} is {state}.", timeout=4)
        self.fill()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.fill()

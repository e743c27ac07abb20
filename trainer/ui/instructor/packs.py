"""Exercise packs from the instructor screens: export exercises (and settings) to a file,
import a pack another station exported. The same work as ``trainer exercises
export|import``, with the same checks and the same report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from trainer.exercises import ExerciseError, ExerciseLibrary, builtin_exercise_dir
from trainer.instructor import InstructorError
from trainer.instructor.pack_settings import export_settings
from trainer.instructor.packs import export_pack, import_pack
from trainer.safe_files import OutputExists, OutputFailed, write_file
from trainer.ui.context import UsesTrainer
from trainer.ui.text import literal, sentence


class PacksScreen(UsesTrainer, ModalScreen[None]):
    """Export or import an exercise pack (the instructor hub's P)."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        from trainer.ui.instructor.review import export_dir

        mine = [e.id for e in self.trainer.config.library.sorted() if not e.builtin]
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        with VerticalScroll(classes="inst-dialog"):
            yield Label("Exercise packs", classes="dialog-title")
            yield Label("Export these exercises (ids; blank: all of your own)")
            yield Input(" ".join(mine), id="pk-ids")
            yield Checkbox("with bands, schedules, pass marks and assessments", id="pk-settings")
            yield Input(str(export_dir() / f"exercises-{stamp}.pack.toml"), id="pk-out")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="pk-export", variant="primary")
            yield Label("Import a pack or exercise file")
            yield Input(placeholder="the file's path", id="pk-in")
            yield Checkbox("replace my differing versions (old files kept)", id="pk-replace")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", id="pk-import", variant="primary")
                yield Button("Close", id="pk-close")
            yield Static("", id="pk-report", classes="dialog-report")
            yield Label("", id="pk-message", classes="dialog-message")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pk-export":
            self.export()
        elif event.button.id == "pk-import":
            self.import_file()
        else:
            self.dismiss(None)

    def _say(self, report: str = "", problem: str = "") -> None:
        self.query_one("#pk-report", Static).update(literal(report))
        self.query_one("#pk-message", Label).update(literal(problem))

    def export(self) -> None:
        """Write the pack; never over an existing file."""
        library = self.trainer.config.library
        ids = self.query_one("#pk-ids", Input).value.replace(",", " ").split()
        if not ids:
            ids = [e.id for e in library.sorted() if not e.builtin]
        unknown = [i for i in ids if i not in library.exercises]
        if not ids or unknown:
            problem = (
                f"No exercise {', '.join(unknown)}: see the list on the instructor screen."
                if unknown
                else "You have no exercises of your own yet: type the ids to export."
            )
            self._say(problem=problem)
            return
        exercises = [library.exercises[i] for i in ids]
        settings = None
        if self.query_one("#pk-settings", Checkbox).value:
            builtins = ExerciseLibrary.load(
                builtin_exercise_dir(), Path("/nonexistent-user-folder")
            )
            settings = export_settings(
                self.trainer.config.store, exercises, set(builtins.exercises)
            )
        path = Path(self.query_one("#pk-out", Input).value.strip()).expanduser()
        try:
            write_file(path, export_pack(exercises, settings=settings))
        except OutputExists:  # a file or a link (never written through)
            self._say(problem=f"{path} exists already: choose another file name.")
            return
        except OutputFailed as error:
            self._say(problem=sentence(error))
            return
        with_settings = " with their settings" if settings else ""
        self._say(f"{len(exercises)} exercise(s){with_settings} written to {path}.")

    def import_file(self) -> None:
        """Import the pack and show what it did, what it affects, or what is wrong."""
        text = self.query_one("#pk-in", Input).value.strip()
        if not text:
            self._say(problem="Type the path of the pack to import.")
            return
        try:
            report = import_pack(
                Path(text).expanduser(),
                replace=self.query_one("#pk-replace", Checkbox).value,
                store=self.trainer.config.store,
            )
        except (InstructorError, ExerciseError) as error:
            self._say(problem=sentence(error))
            return
        self.trainer.reload_library()
        lines = [f"added     {i}" for i in report.added]
        lines += [f"added     {i} (replaces the built-in)" for i in report.over_builtin]
        lines += [f"replaced  {i} (old file in {old})" for i, old in report.replaced]
        lines += [f"unchanged {i}" for i in report.unchanged]
        lines += report.settings
        lines += [f"note: {note}" for note in report.notes]
        self._say("\n".join(lines) or "Nothing to import.")

    def action_close(self) -> None:
        self.dismiss(None)

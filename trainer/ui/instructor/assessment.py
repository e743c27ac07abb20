"""Assessment results for the instructor (the hub is behind the PIN): runs and verdicts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from trainer.instructor import InstructorError
from trainer.instructor.assessment import AssessmentRun, Assessments, PassVerdict
from trainer.store import shown_time
from trainer.ui.context import UsesTrainer
from trainer.ui.dialog import FormDialog
from trainer.ui.tables import RecordsScreen, selected_key, share_width
from trainer.ui.text import literal, sentence
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar


def run_detail(run: AssessmentRun) -> str:
    """Each exercise of a run with its verdict, one line each."""
    lines = [f"{run.assessment}: {run.student}, {shown_time(run.started_at)} ({run.status})"]
    for item in run.items:
        detail = item.detail or {}
        if item.session_id is None:
            text = "not done"
        elif not detail and item.score is not None:
            text = (
                f"session {item.session_id}: score {item.score:.0f}, "
                f"{item.time_in_band_pct or 0:.0f}% in band (no pass mark set)"
            )
        elif not detail:
            text = f"session {item.session_id}, no pass mark set"
        else:
            text = f"session {item.session_id}: {PassVerdict.from_json(detail).text()}"
        lines.append(f"  {item.position + 1}. {item.exercise_id}: {text}")
    return "\n".join(lines)


class AssessmentResultsScreen(RecordsScreen):
    """Every assessment run, newest first; the highlighted run's exercises below."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open session", show=False),
        Binding("n", "run", "Run an assessment"),
        Binding("c", "define", "Create an assessment"),
    ]
    TABLE = "as-runs"

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[AssessmentRun] = []

    def compose(self) -> ComposeResult:
        yield TopBar("Assessment results", simulated=self.trainer.config.simulated)
        yield RecordTable(id=self.TABLE)  # columns sized to the names in fill()
        yield Static(id="as-detail")
        yield Footer()

    def _columns(self, table: RecordTable) -> None:
        """Assessment and student names whole, in the room the other columns leave."""
        room = max(20, self.size.width - 4 - (4 + 16 + 10 + 10) - 2 * 6)
        names = share_width(
            room, [("Assessment", "Student"), *((r.assessment, r.student) for r in self.runs)]
        )
        widths = {"Run": 4, "Assessment": names[0], "Student": names[1]}
        table.set_columns({**widths, "Date": 16, "Status": 10, "Result": 10})

    def on_resize(self) -> None:
        self.refill()

    def fill(self) -> None:
        table = self.table
        self.runs = Assessments(self.trainer.config.store).runs()
        self._columns(table)
        table.clear()
        for run in self.runs:
            result: Text | str = "-"
            if run.passed is True:
                result = Text("PASSED", style="bold green")
            elif run.passed is False:
                result = Text("NOT PASSED", style="bold red")
            table.add_row(
                str(run.id),
                run.assessment,
                run.student,
                shown_time(run.started_at),
                run.status,
                result,
                key=str(run.id),
                height=None,
            )
        detail = self.query_one("#as-detail", Static)
        if not self.runs:
            detail.update(
                "No assessment runs yet. Define one with "
                "'trainer instructor assessment create NAME EXERCISE...'."
            )
        else:
            detail.update(literal(run_detail(self.runs[0])))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        run = next((r for r in self.runs if r.id == int(event.row_key.value)), None)
        if run is not None:
            self.query_one("#as-detail", Static).update(literal(run_detail(run)))

    def action_open(self) -> None:
        from trainer.ui.screens.results import ResultsScreen

        key = selected_key(self.table)
        run = next((r for r in self.runs if str(r.id) == key), None)
        done = [i for i in run.items if i.session_id is not None] if run else []
        if done and done[0].session_id is not None:
            self.app.push_screen(ResultsScreen(done[0].session_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_run(self) -> None:
        """Pick an assessment and a student, then hand over to the student."""
        from trainer.ui.instructor.run import AssessmentRunScreen, AssessmentStartScreen

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self.app.push_screen(AssessmentRunScreen(*choice))

        self.app.push_screen(AssessmentStartScreen(self.trainer.student), chosen)

    def action_define(self) -> None:
        """Name an assessment and its exercises (or redefine one of that name)."""

        def created(name: str | None) -> None:
            if name is not None:
                self.notify(f"Assessment {name!r} is ready: N runs it for a student.")

        self.app.push_screen(AssessmentDefineScreen(), created)


class AssessmentDefineScreen(UsesTrainer, FormDialog[str]):
    """An assessment's name and exercise ids; dismisses with the name once stored."""

    CSS_PATH = "instructor.tcss"

    def compose(self) -> ComposeResult:
        ids = ", ".join(sorted(self.trainer.config.library.exercises))
        with Vertical(classes="inst-dialog"):
            yield Label("Create an assessment (blind, in this order)", classes="dialog-title")
            yield Input(placeholder="its name, e.g. Module 2", id="ad-name", max_length=60)
            yield Input(placeholder="exercise ids, e.g. graded-levels steady-ramp", id="ad-ids")
            yield Static(literal(f"Exercises: {ids}"), classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", id="ad-create", variant="success")
                yield Button("Cancel", id="cancel")
            yield Label("", id="ad-message", classes="dialog-message")

    def submit(self, button: str) -> None:
        """Store the assessment, or say what is wrong beside the form."""
        name = self.query_one("#ad-name", Input).value.strip()
        text = self.query_one("#ad-ids", Input).value
        ids = [part for part in text.replace(",", " ").split() if part]
        try:
            Assessments(self.trainer.config.store).create(
                name, ids, set(self.trainer.config.library.exercises)
            )
        except InstructorError as error:
            self.query_one("#ad-message", Label).update(sentence(error))
            return
        self.dismiss(name)

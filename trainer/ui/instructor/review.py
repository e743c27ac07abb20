"""Review: one student's scores over time, trends and last sessions; the class overview."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Footer, Label, Select, Sparkline, Static

from trainer.instructor import InstructorError
from trainer.instructor.reports import (
    OverviewRow,
    ProgressPoint,
    class_overview,
    earlier_version_note,
    latest_version,
    session_html,
    student_progress,
    trend_words,
    write_class_csv,
)
from trainer.instructor.roster import Roster
from trainer.safe_files import OutputFailed, write_new_file
from trainer.store import shown_time
from trainer.ui.instructor.plot import ScorePlot
from trainer.ui.tables import RecordsScreen, selected_key, share_width
from trainer.ui.text import literal, sentence
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar

ALL = "__all__"


def export_dir() -> Path:
    """Where the screens write exports: ``$TRAINER_EXPORTS`` or ~/pressure-trainer-exports."""
    import os

    override = os.environ.get("TRAINER_EXPORTS")
    folder = Path(override) if override else Path.home() / "pressure-trainer-exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Base(RecordsScreen):
    CSS_PATH = "instructor.tcss"

    def export(self, name: str, text: str) -> Path | None:
        """Write an export into the export folder, beside (never over) what is there."""
        try:
            return write_new_file(export_dir() / name, text)
        except OutputFailed as error:
            self.notify(sentence(error), severity="error", timeout=10)
        except OSError as error:  # the export folder cannot be made
            self.notify(
                f"Cannot make the export folder ({error.strerror}): "
                "set TRAINER_EXPORTS to a writable folder.",
                severity="error",
                timeout=10,
            )
        return None


class ReviewScreen(_Base):
    """One student: score plot, time-in-band and steadiness trends, last sessions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open session", show=False),
        Binding("x", "report", "HTML report"),
        Binding("t", "teach", "Make exercise from it"),
        Binding("f", "focus_filter", "Exercise"),
    ]
    TABLE = "rv-sessions"

    def __init__(self, student: str) -> None:
        super().__init__()
        self.student = student
        self.points: list[ProgressPoint] = []

    def compose(self) -> ComposeResult:
        yield TopBar(f"Review | {self.student}", simulated=self.trainer.config.simulated)
        with Horizontal(id="rv-controls"):
            yield Label("Exercise", classes="control-label")
            yield Select[str](self._options(), value=ALL, allow_blank=False, id="rv-exercise")
        yield Label("Score by session date (oldest left)", id="rv-note")
        yield ScorePlot(id="rv-scores")
        yield Static(id="rv-trends")
        yield RecordTable(id=self.TABLE)  # columns sized to the names in fill()
        yield Label("", id="rv-trace-label")
        yield Sparkline([], id="rv-trace")
        yield Footer()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted session's force trace under the table."""
        if event.row_key.value is None:
            return
        session_id = int(event.row_key.value)
        store = self.trainer.config.store
        forces = [row[2] for row in store.sample_rows(session_id)]
        step = max(1, len(forces) // 300)
        self.query_one("#rv-trace", Sparkline).data = forces[::step] or [0.0]
        peak = max(forces, default=0.0)
        self.query_one("#rv-trace-label", Label).update(
            f"Session {session_id}: force over time, peak {self.trainer.units.show(peak)}. "
            "Enter: trace with bands"
        )

    def _options(self) -> list[tuple[Content, str]]:
        try:
            points = student_progress(self.trainer.config.store, self.student, assessments=True)
        except InstructorError:
            points = []
        ids = sorted({p.exercise_id for p in points})
        return [(literal("every exercise"), ALL), *((literal(i), i) for i in ids)]

    def fill(self) -> None:
        value = self.query_one("#rv-exercise", Select).value
        exercise_id = value if isinstance(value, str) and value != ALL else None
        try:
            self.points = student_progress(
                self.trainer.config.store, self.student, exercise_id, assessments=True
            )
        except InstructorError as error:
            self.notify(sentence(error), severity="error")
            self.points = []
        self.query_one("#rv-scores", ScorePlot).points = [
            (p.started_at, p.score) for p in self.points
        ]
        scores = [p.score for p in self.points]
        by_exercise: dict[str, list[ProgressPoint]] = {}
        for p in self.points:
            by_exercise.setdefault(p.exercise_id, []).append(p)
        if len(by_exercise) > 1:
            # A trend across different exercises means nothing: one per exercise.
            latest, best = scores[-1], max(scores)
            lines = [
                f"{len(scores)} sessions of {len(by_exercise)} exercises; "
                f"latest score {latest:.0f}, best {best:.0f}"
            ]
            for exercise_id, points in by_exercise.items():
                same, left_out = latest_version(points)
                if len(same) >= 3:
                    words = trend_words([p.score for p in same], "pts", True)
                    lines.append(f"{exercise_id}: score {words}{earlier_version_note(left_out)}")
            if len(lines) == 1:
                lines.append("No exercise has 3 sessions yet: a trend is called per exercise.")
            lines.append("F: pick one exercise for its time-in-band and steadiness trends.")
        elif self.points:
            latest, best = scores[-1], max(scores)
            # An edited or replaced exercise scores differently: trends over its latest version.
            same, left_out = latest_version(self.points)
            steadiness = [p.steadiness_cv_pct for p in same if p.steadiness_cv_pct is not None]
            lines = [
                f"{len(scores)} sessions; latest score {latest:.0f}, best {best:.0f}"
                + earlier_version_note(left_out).replace(" left out", " not in the trends"),
                f"score: {trend_words([p.score for p in same], 'pts', True)}",
                f"time in band: {trend_words([p.time_in_band_pct for p in same], '%', True)}",
                f"steadiness (CV during holds): {trend_words(steadiness, '%', False)}",
            ]
        else:
            lines = [f"{self.student} has no scored sessions yet."]
        self.query_one("#rv-trends", Static).update(literal("\n".join(lines)))
        table = self.table
        shown = list(reversed(self.points[-50:]))
        names = [
            f"{p.exercise_id} (assessment)" if p.kind == "assessment" else p.exercise_id
            for p in shown
        ]
        self._columns(table, names)
        table.clear()
        for p, name in zip(shown, names, strict=True):
            table.add_row(
                shown_time(p.started_at),
                name,
                f"{p.score:.0f}",
                f"{p.time_in_band_pct:.0f}%",
                f"{p.variable_error_n:.1f}",
                "-" if p.steadiness_cv_pct is None else f"{p.steadiness_cv_pct:.1f}",
                key=str(p.session_id),
                height=None,
            )

    _AFTER: ClassVar[dict[str, int]] = {"Score": 5, "In band": 7, "VE N": 6, "CV %": 5}

    def _columns(self, table: RecordTable, exercises: list[str]) -> None:
        """The exercise column takes the room the others leave; a long id wraps, never cut."""
        room = max(12, self.size.width - 4 - 18 - sum(w + 2 for w in self._AFTER.values()) - 2)
        (width,) = share_width(room, [("Exercise",), *((name,) for name in exercises)])
        table.set_columns({"Date": 16, "Exercise": width, **self._AFTER})

    def on_resize(self) -> None:
        self.refill()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refill()

    def _selected_session(self) -> int | None:
        key = selected_key(self.table)
        return None if key is None else int(key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        """The session's results with its trace (the results screen)."""
        from trainer.ui.screens.results import ResultsScreen

        session_id = self._selected_session()
        if session_id is not None:
            self.app.push_screen(ResultsScreen(session_id))

    def action_report(self) -> None:
        session_id = self._selected_session()
        if session_id is None:
            return
        page = session_html(
            self.trainer.config.store, session_id, self.trainer.units, assessments=True
        )
        path = self.export(f"session-{session_id}.html", page)
        if path is None:
            return
        self.notify(f"Report written to {path}: open it in any browser to print.", timeout=6)

    def action_teach(self) -> None:
        """Teach by demonstration from a recorded session: its curve becomes a new exercise."""
        from trainer.instructor.demonstration import draft_from_demonstration
        from trainer.ui.instructor.editor import EditorScreen

        session_id = self._selected_session()
        if session_id is None:
            return
        store = self.trainer.config.store
        samples = store.samples(session_id)
        known = set(self.trainer.config.library.exercises)
        new_id, number = f"from-session-{session_id}", 1
        while new_id in known:
            number += 1
            new_id = f"from-session-{session_id}-{number}"
        try:
            draft = draft_from_demonstration(
                [(s.t_s, s.force_n) for s in samples],
                new_id,
                f"{self.student}'s session {session_id}",
                technique=store.session(session_id)["technique"],
                demonstrated_by=self.student,
            )
        except InstructorError as error:
            self.notify(sentence(error), severity="error")
            return
        self.app.push_screen(EditorScreen(draft))

    def action_focus_filter(self) -> None:
        self.query_one("#rv-exercise", Select).focus()


class ClassOverviewScreen(_Base):
    """Who practised what, how often, latest and best score, who is below the pass mark."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "review", "Review student", show=False),
        Binding("x", "export", "Export CSV"),
        Binding("f", "focus_filter", "Class"),
    ]
    TABLE = "ov-table"

    def compose(self) -> ComposeResult:
        yield TopBar("Class overview", simulated=self.trainer.config.simulated)
        with Horizontal(id="ov-controls"):
            yield Label("Class", classes="control-label")
            yield Select[str](self._options(), value=ALL, allow_blank=False, id="ov-class")
        yield RecordTable(id=self.TABLE)  # columns sized to the names in fill()
        yield Static(
            "Enter: review the student.  X: export the class results as CSV.  "
            "BELOW: the latest session missed the exercise's pass mark.",
            id="ov-note",
        )
        yield Footer()

    def _options(self) -> list[tuple[Content, str]]:
        classes = Roster(self.trainer.config.store).classes()
        return [(literal("every student"), ALL), *((literal(c.name), c.name) for c in classes)]

    def _class(self) -> str | None:
        value = self.query_one("#ov-class", Select).value
        return value if isinstance(value, str) and value != ALL else None

    #: after Student and Exercise, which share the room these leave; the pass mark
    #: column comes early so it shows on an 80-column terminal
    _NUMBERS: ClassVar[dict[str, int]] = {
        "Pass": 6,
        "Latest": 6,
        "Best": 4,
        "Sessions": 8,
        "Last": 10,
    }

    def _columns(self, table: RecordTable, rows: list[OverviewRow]) -> None:
        """Student and exercise names whole: they wrap in the width the others leave."""
        room = max(20, self.size.width - 4 - sum(w + 2 for w in self._NUMBERS.values()) - 4)
        student, exercise = share_width(
            room, [("Student", "Exercise"), *((r.student, r.exercise_name) for r in rows)]
        )
        table.set_columns({"Student": student, "Exercise": exercise, **self._NUMBERS})

    def on_resize(self) -> None:
        self.refill()

    def fill(self) -> None:
        table = self.table
        in_force = {e.id: e.version for e in self.trainer.config.library.exercises.values()}
        rows = class_overview(
            self.trainer.config.store, self._class(), assessments=True, in_force=in_force
        )
        self._columns(table, rows)
        table.clear()
        for number, row in enumerate(rows):
            verdict: Text | str = "-"
            if row.below_pass_mark is True:
                verdict = Text("BELOW", style="bold red")
            elif row.below_pass_mark is False:
                verdict = Text("ok", style="green")
            table.add_row(
                row.student,
                row.exercise_name,
                verdict,
                "-" if row.latest_score is None else f"{row.latest_score:.0f}",
                "-" if row.best_score is None else f"{row.best_score:.0f}",
                str(row.sessions),
                (row.last_practised or "-")[:10],
                key=f"{number}:{row.student}",
                height=None,
            )

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_review()

    def action_review(self) -> None:
        key = selected_key(self.table)
        if key is not None:
            self.app.push_screen(ReviewScreen(key.split(":", 1)[1]))

    def action_export(self) -> None:
        name = self._class()
        # A class name is a name, never a path: 'Mon/Tue' is written as class-mon-tue.csv.
        stem = re.sub(r"\W+", "-", (name or "all-students").lower()).strip("-") or "class"
        out = io.StringIO()
        count = write_class_csv(self.trainer.config.store, name, out, assessments=True)
        path = self.export(f"class-{stem}.csv", out.getvalue())
        if path is None:
            return
        self.notify(f"{count} session(s) written to {path}.", timeout=6)

    def action_focus_filter(self) -> None:
        self.query_one("#ov-class", Select).focus()

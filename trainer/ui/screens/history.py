"""History: the student's sessions, filtered by technique, a score trend per technique."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Footer, Label, Select, Static

from trainer.store import SessionRow, shown_time
from trainer.ui import text
from trainer.ui.tables import RecordsScreen, selected_key, share_width
from trainer.ui.widgets.rowtable import RecordTable, RowTable
from trainer.ui.widgets.topbar import TopBar

_BARS = "▁▂▃▄▅▆▇█"
ALL = "__all__"


def sparkline(scores: list[float]) -> str:
    """Scores 0-100 as a row of block characters, oldest first."""
    return "".join(_BARS[min(7, max(0, int(score / 100 * 8)))] for score in scores)


def trends(rows: list[SessionRow], width: int = 24) -> list[tuple[str, str, float, float, int]]:
    """Per technique: (technique, sparkline of the last ``width`` scores, last, best, count)."""
    by_technique: dict[str, list[float]] = {}
    for row in reversed(rows):  # rows come newest first; trends read left to right in time
        score = row.full_run_score
        if score is not None:
            by_technique.setdefault(row.technique, []).append(score)
    return [
        (technique, sparkline(scores[-width:]), scores[-1], max(scores), len(scores))
        for technique, scores in sorted(by_technique.items())
    ]


class HistoryScreen(RecordsScreen):
    """Past sessions: Enter opens one's results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=False),
        Binding("f", "focus_filter", "Filter"),
        Binding("q", "app.quit", "Quit"),
    ]
    TABLE = "sessions"  # its columns follow the screen's width (see _columns)

    def compose(self) -> ComposeResult:
        trainer = self.trainer
        who = trainer.student or "all students"
        yield TopBar(f"History | {who}", simulated=trainer.config.simulated)
        with Horizontal(id="history-filter"):
            yield Label("Technique", classes="control-label")
            yield Select[str](
                self._technique_options(), value=ALL, allow_blank=False, id="technique"
            )
        yield Static(id="trends")
        yield RowTable(id=self.TABLE)
        yield Footer()

    def _rows(self, technique: str | None = None) -> list[SessionRow]:
        trainer = self.trainer
        rows = trainer.config.store.history(student=trainer.student or None, limit=5000)
        if technique:
            rows = [r for r in rows if r.technique == technique]
        return rows

    def _technique_options(self) -> list[tuple[Content, str]]:
        techniques = sorted({r.technique for r in self._rows()})
        return [(text.literal("all techniques"), ALL), *((text.literal(t), t) for t in techniques)]

    def on_resize(self) -> None:
        self.refill()

    def _columns(self, table: RecordTable, names: list[str]) -> None:
        """The exercise column takes what the others leave; long names wrap, never cut."""
        after = {"Status": 10, "Score": 5, "In band": 7}
        # what the date, the columns after and five columns' padding (2 each) leave
        room = self.size.width - 2 - 16 - sum(after.values()) - 2 * 5
        (exercise,) = share_width(room, [("Exercise",), *((name,) for name in names)])
        # Every student's sessions (no name typed yet): each row says whose it is.
        heading = "Student: exercise" if not self.trainer.student else "Exercise"
        table.set_columns({"Date": 16, heading: exercise, **after})

    def on_screen_resume(self) -> None:
        self.refill()

    def fill(self) -> None:
        value = self.query_one("#technique", Select).value
        technique = value if isinstance(value, str) and value != ALL else None
        rows = self._rows(technique)
        table = self.table
        every_student = not self.trainer.student
        names = [
            (f"{r.student}: " if every_student else "") + (r.exercise_name or r.exercise_id)
            for r in rows
        ]
        self._columns(table, names)
        table.clear()
        for row, name in zip(rows, names, strict=True):
            table.add_row(
                shown_time(row.started_at),
                Text(name),
                row.status,
                f"{row.score:.0f}" if row.score is not None else "-",
                f"{row.time_in_band_pct:.0f}%" if row.time_in_band_pct is not None else "-",
                key=str(row.id),
                height=None,
            )
        pad = max((len(r.technique) for r in rows), default=0)
        # The sparkline gives way first, so each trend stays on one line.
        spark = max(4, min(24, self.size.width - 4 - pad - len(" last 100 best 100 (999)")))
        lines = [
            f"{name:<{pad}} {line:<{spark}} last {last:>3.0f} best {best:>3.0f} ({count})"
            for name, line, last, best, count in trends(rows, spark)
        ]
        if not rows:
            lines = ["No sessions yet: pick an exercise on the home screen and press Start."]
        elif not lines:
            lines = ["No session run to its end yet: the trends count finished sessions."]
        self.query_one("#trends", Static).update(text.literal("\n".join(lines)))

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_session(int(event.row_key.value))

    def action_open(self) -> None:
        key = selected_key(self.table)
        if key is not None:
            self.open_session(int(key))

    def open_session(self, session_id: int) -> None:
        from trainer.ui.screens.results import ResultsScreen

        self.app.push_screen(ResultsScreen(session_id))

    def action_focus_filter(self) -> None:
        self.query_one("#technique", Select).focus()

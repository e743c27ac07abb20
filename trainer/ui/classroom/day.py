"""The end of class: every session of the day with its pass mark, and the export."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from trainer.classroom.board import TABLE_HEADINGS
from trainer.classroom.day_report import export_day
from trainer.ui.classroom.context import UsesClass
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar


class DayScreen(UsesClass, Screen[None]):
    """The day's sessions (projector mode hides names and scores here too)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,d", "back", "Back to the class"),
        Binding("x", "export", "Export CSV + HTML"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar("End of class: today's sessions", simulated=False)
        yield Label("", id="day-summary")
        yield RecordTable(id="day-table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#day-table", DataTable)
        table.add_columns(*TABLE_HEADINGS)
        self.redraw()
        table.focus()

    def redraw(self) -> None:
        if not self.query_one("#day-table", DataTable).columns:
            return  # the app's timer came before on_mount: nothing to fill yet
        board = self.klass.board
        sessions = board.sessions()
        key = (len(sessions), board.projector)
        if key == getattr(self, "_shown_key", None):
            return
        self._shown_key = key
        table = self.query_one("#day-table", DataTable)
        table.clear()
        table.add_rows(board.table())
        judged = [s for s in sessions if s.passed is not None]
        summary = f"{len(sessions)} sessions today"
        if judged and not board.projector:
            summary += f"; {sum(1 for s in judged if s.passed)} of {len(judged)} passed their mark"
        if board.projector:
            summary += " (projector mode: names and scores hidden)"
        self.query_one("#day-summary", Label).update(summary)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        klass = self.klass
        sessions = klass.board.sessions()
        if not sessions:
            self.notify("No session today yet: nothing to export.", severity="warning")
            return
        day = datetime.fromtimestamp(klass.clock(), klass.tz).date()
        try:
            done = export_day(
                klass.export_dir, klass.class_name, sessions, klass.store, day, klass.units
            )
        except OSError as error:
            self.notify(f"Could not export: {error}", severity="error", timeout=10)
            return
        self.notify(
            f"Exported {len(sessions)} sessions to {done.folder} "
            f"(sessions.csv, index.html, {done.reports} session reports).",
            timeout=10,
        )

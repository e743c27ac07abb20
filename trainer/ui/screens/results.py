"""Results: the score, coaching sentences, the whole trace with its bands, phase metrics."""

from __future__ import annotations

import sqlite3
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Digits, Footer, Static

from trainer.coaching import coaching_sentences
from trainer.scoring import PhaseMetrics, ReleaseVerdict, release_verdict
from trainer.store import StoreError, shown_time
from trainer.ui import text
from trainer.ui.config import full_scale_n
from trainer.ui.context import UsesTrainer
from trainer.ui.messages import PracticeAgain
from trainer.ui.report import SessionReport, load_report
from trainer.ui.widgets.prose import Prose
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar
from trainer.ui.widgets.trace import ForceTrace, bucket
from trainer.units import Contact, Unit

STATUS_WORDS = {
    "complete": "complete",
    "incomplete": "incomplete: stopped before the end",
    "aborted": "stopped early by you",
    "running": "still running",
}

#: a release's verdict in the table's "In" column (it is not scored by time in band)
RELEASE_WORDS = {
    ReleaseVerdict.SMOOTH: "✓ eased",
    ReleaseVerdict.UNEVEN: "uneven",
    ReleaseVerdict.LATE: "late",
}


def _n(
    unit: Unit, value: float | None, signed: bool = False, contact: Contact | None = None
) -> str:
    return "-" if value is None else unit.number(value, signed=signed, contact=contact)


def phase_row(metrics: PhaseMetrics, unit: Unit, contact: Contact | None = None) -> tuple[str, ...]:
    """One phase's metrics as table cells, forces in ``unit``."""
    band = "-"
    if metrics.band_low_n is not None and metrics.band_high_n is not None:
        edges = (metrics.band_low_n, metrics.band_high_n)
        band = text.band(unit, edges, contact).rsplit(" ", 1)[0]
    rate = "-"
    if metrics.ramp_rate_n_per_s is not None and metrics.target_rate_n_per_s:
        rate = (
            f"{unit.number(abs(metrics.ramp_rate_n_per_s), contact=contact)}/"
            f"{unit.number(metrics.target_rate_n_per_s, compact=True, contact=contact)}"
        )
    scored = metrics.score is not None
    in_band = f"{metrics.time_in_band_pct:.0f}%" if metrics.band_low_n is not None else "-"
    verdict = release_verdict(metrics)
    if verdict is not None:  # a release ends on reaching its band: judged by how it got there
        in_band = RELEASE_WORDS[verdict]
    return (
        str(metrics.index + 1),
        metrics.name + ("" if metrics.completed else " (cut short)"),
        band,
        f"{metrics.score:.0f}" if metrics.score is not None else "-",
        in_band,
        _n(unit, metrics.constant_error_n, signed=True, contact=contact) if scored else "-",
        _n(unit, metrics.variable_error_n, contact=contact) if scored else "-",
        f"{metrics.steadiness_cv_pct:.1f}" if metrics.steadiness_cv_pct is not None else "-",
        f"{metrics.time_to_band_s:.1f}" if metrics.time_to_band_s is not None else "-",
        str(metrics.overshoot_count) if scored else "-",
        rate,
    )


def table_headers(unit: Unit) -> tuple[str, ...]:
    """The phase table's column headers, in :func:`phase_row`'s order."""
    return (
        "#",
        "Phase",
        f"Band {unit.value}",
        "Score",
        "In",
        "Bias",
        "VE",
        "CV%",
        "Reach",
        "Over",
        f"Rate {unit.value}/s",
    )


#: columns left out below ``WIDE_TABLE_FROM`` columns (the step number, variable error,
#: steadiness and time to the band: the summary and the coaching speak of them)
NARROW_LEFT_OUT = frozenset({"#", "VE", "CV%", "Reach"})
WIDE_TABLE_FROM = 100


def table_columns(unit: Unit, width: int) -> list[int]:
    """Which of :func:`table_headers` show at this terminal width (their indexes)."""
    headers = table_headers(unit)
    if width >= WIDE_TABLE_FROM:
        return list(range(len(headers)))
    return [i for i, header in enumerate(headers) if header not in NARROW_LEFT_OUT]


class ResultsScreen(UsesTrainer, Screen[None]):
    """The debrief of one stored session (just finished, or opened from the history)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "back", "Back"),
        Binding("r", "again", "Again"),
        Binding("h", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.report: SessionReport | None = None
        self._filled = False

    def compose(self) -> ComposeResult:
        trainer = self.trainer
        try:
            self.report = load_report(trainer.config.store, self.session_id)
        except StoreError as error:
            self.report = None
            yield TopBar("Results", simulated=trainer.config.simulated)
            yield Static(text.literal(f"This session cannot be shown: {error}"), id="results-error")
            yield Footer()
            return
        report = self.report
        yield TopBar(
            f"Results | {report.exercise.name} | {report.student}",
            simulated=trainer.config.simulated,
        )
        with VerticalScroll(id="results-body"):
            with Horizontal(id="score-row"):
                yield Digits("--", id="score")
                yield Static(id="score-summary")
            yield Prose(bullet="• ", id="coaching")
            yield ForceTrace(
                full_scale_n(report.exercise), self.unit, contact=self.contact, id="session-trace"
            )
            # Part of the page, not a box of its own: the arrows and Page Up/Down scroll
            # the whole results, every row of a long exercise included.
            table: DataTable[object] = RecordTable(id="phase-table", cursor_type="none")
            table.can_focus = False
            yield table
        yield Footer()

    def on_mount(self) -> None:
        # Widgets nested in containers mount after the screen: fill once they are there.
        self.call_after_refresh(self.fill)
        if self.report is not None:
            self.query_one("#results-body").focus()

    def on_resize(self) -> None:
        if self._filled:
            self._fill_summary()
            self._fill_table()
            self._draw_trace()

    @property
    def contact(self) -> Contact | None:
        """The contact the session was practised with: kPa is over it."""
        return None if self.report is None else self.report.exercise.contact

    @property
    def unit(self) -> Unit:
        """The chosen unit; kPa only with a contact (else newtons)."""
        unit = self.trainer.units
        return Unit.N if unit.is_pressure and self.contact is None else unit

    def units_changed(self) -> None:
        if self._filled:
            self.query_one(ForceTrace).set_unit(self.unit, self.contact)
            self.fill()

    def fill(self) -> None:
        report = self.report
        if report is None:
            return
        self._filled = True
        unit, on = self.unit, self.contact
        result = report.result
        self._fill_summary()
        # The advice speaks in the unit the summary and the gauge show.
        advice = (
            []
            if result is None
            else coaching_sentences(result, unit, gauge_shown=self._gauge_shown(), contact=on)
        )
        self.query_one("#coaching", Prose).show(advice)
        self._fill_table()
        self._draw_trace()

    def _fill_summary(self) -> None:
        """The score and the summary beside it, broken only between its parts."""
        report = self.report
        if report is None:
            return
        unit, on, result = self.unit, self.contact, report.result
        status = STATUS_WORDS.get(report.status, report.status)
        when = shown_time(report.started_at)
        score = "--" if result is None else f"{result.score:.0f}"
        self.query_one("#score", Digits).update(score)
        # What the digits leave of the width (3 cells a digit and the paddings, scrollbar).
        width = max(20, self.size.width - (3 * len(score) + 2) - 2 - 2)
        summary = self.query_one("#score-summary", Static)
        if result is None:
            kept = f"{len(report.points)} samples kept"
            summary.update(
                text.literal(text.packed([f"No score: {status}", kept, when], width, ", "))
            )
            return
        head = text.packed(["score out of 100", status, when], width, ", ")
        body = text.packed(
            [
                f"in band {result.time_in_band_pct:.0f}%",
                f"bias {_n(unit, result.constant_error_n, signed=True, contact=on)} {unit.value}",
                f"consistency {_n(unit, result.variable_error_n, contact=on)} {unit.value}",
                f"overshoots {result.overshoot_count}",
                text.seconds(result.duration_s),
            ],
            width,
        )
        rest = head.removeprefix("score out of 100")
        summary.update(text.styled("[b]score out of 100[/b]$rest\n$body", rest=rest, body=body))

    def _gauge_shown(self) -> bool:
        """False when the feedback schedule hid the force on every trial of the session."""
        try:
            row = self.trainer.config.store.feedback_row(self.session_id)
        except (StoreError, sqlite3.Error):
            return True
        report = (row or {}).get("report")
        if not isinstance(report, dict):
            return True
        trials, shown = report.get("trials"), report.get("trials_with_live_feedback")
        return not (isinstance(trials, int) and trials > 0 and shown == 0)

    def _fill_table(self) -> None:
        """The phase table with the columns this width holds; long phase names wrap."""
        report = self.report
        if report is None:
            return
        unit = self.unit
        shown = table_columns(unit, self.size.width)
        headers = table_headers(unit)
        on = self.contact
        rows = [phase_row(m, unit, on) for m in report.result.phases] if report.result else []
        widths = {i: max([len(headers[i]), *(len(row[i]) for row in rows)]) for i in shown}
        phase = headers.index("Phase")
        # The phase name takes what the numbers leave (cell padding 2, scrollbar 2).
        others = sum(w + 2 for i, w in widths.items() if i != phase)
        widths[phase] = max(12, min(widths[phase], self.size.width - 2 - others - 2))
        table = self.query_one("#phase-table", DataTable)
        table.clear(columns=True)
        for i in shown:
            table.add_column(headers[i], width=widths[i])
        for row in rows:
            table.add_row(*(Text(row[i]) for i in shown), height=None)

    def _draw_trace(self) -> None:
        report = self.report
        if report is None or not self.is_mounted:
            return
        trace = self.query_one(ForceTrace)
        trace.columns = bucket(report.points, 0.0, max(report.duration_s, 1.0), trace.plot_width)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_again(self) -> None:
        """The same exercise again, straight to the live screen."""
        report = self.report
        if report is None:
            return
        self.post_message(PracticeAgain(report.exercise, report.student))

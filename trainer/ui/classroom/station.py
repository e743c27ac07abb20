"""One station full size: the student's big digits, gauge and trace, their history beside.

The widgets are the live screen's own (:class:`BigDigits`, :class:`Gauge`,
:class:`ForceTrace`), fed from the station's live reports instead of a sensor. The
instructor always sees the force; a line says when the student does not.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from trainer.classroom.board import StationView
from trainer.engine import Zone
from trainer.ui import text
from trainer.ui.classroom.context import UsesClass
from trainer.ui.classroom.tiles import ZONE_WORDS
from trainer.ui.widgets.bigdigits import BigDigits
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar
from trainer.ui.widgets.trace import ForceTrace, bucket

ZONES = {"in": Zone.IN, "above": Zone.ABOVE, "below": Zone.BELOW}
#: seconds of force in the trace
TRACE_WINDOW_S = 30.0


def gauge_top_n(band_high_n: float | None) -> float:
    """The gauge's full scale: 1.5 x the band's top rounded up to 10 N (at least 20 N)."""
    high = band_high_n or 20.0
    return max(20.0, -(-high * 1.5 // 10) * 10)


class StationScreen(UsesClass, Screen[None]):
    """The station ``station`` full size (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "back", "Back to the class"),
        Binding("k", "acknowledge", "Ack alert"),
    ]

    def __init__(self, station: str) -> None:
        super().__init__()
        self.station = station
        self._shown: dict[str, object] = {}
        self._history_for: object = ()

    def compose(self) -> ComposeResult:
        units = self.klass.units
        yield TopBar("", simulated=False)
        yield Label("", id="station-alert")
        with Horizontal(id="station-body"):
            with Vertical(id="station-live"):
                with Horizontal(id="station-force-row"):
                    yield BigDigits("", id="station-force")
                    yield Label(units.value, id="station-unit")
                    with Vertical(id="station-phase"):
                        yield Label("", id="station-exercise")
                        yield Label("", id="station-phase-name")
                        yield Label("", id="station-in-band")
                        yield Label("", id="station-feedback")
                yield Label("", id="station-zone")
                yield Gauge(gauge_top_n(None), units, id="station-gauge")
                yield ForceTrace(gauge_top_n(None), units, id="station-trace")
            with Vertical(id="station-history"):
                yield Label("History", id="station-history-title")
                yield RecordTable(id="station-sessions")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#station-sessions", DataTable)
        table.add_columns("When", "Exercise", "Score", "In band")
        self.redraw()
        self.call_after_refresh(self.redraw)  # again once the trace knows its size

    def units_changed(self) -> None:
        self.query_one(Gauge).set_unit(self.klass.units)
        self.query_one(ForceTrace).set_unit(self.klass.units)
        self.query_one("#station-unit", Label).update(self.klass.units.value)
        self._shown.clear()
        self.redraw()

    def _view(self) -> StationView | None:
        view = self.klass.board.view(self.klass.clock())
        return next((s for s in view.stations if s.station == self.station), None)

    def redraw(self) -> None:
        view = self._view()
        if view is None:
            return
        units = self.klass.units
        self._set(
            "title", f"{view.label} · {view.station}", lambda t: self.query_one(TopBar).set_title(t)
        )
        alert = " · ".join(f"ALERT {a.detail}" for a in view.alerts)
        self._label("#station-alert", alert)
        self.query_one("#station-alert").display = bool(alert)
        force = "" if view.force_n is None else units.number(view.force_n)
        if self._shown.get("force") != force:
            self._shown["force"] = force
            self.query_one("#station-force", BigDigits).update(force)
        self._label("#station-exercise", view.exercise or "not practising")
        self._label("#station-phase-name", view.phase or view.note)
        in_band = "" if view.in_band_s is None else f"{text.seconds(view.in_band_s)} in band"
        self._label("#station-in-band", in_band)
        self._label(
            "#station-feedback",
            "the student sees the gauge"
            if view.feedback_shown
            else "BLIND: the student does not see the force now",
        )
        words, css = ZONE_WORDS.get(view.zone, ("", "none"))
        if view.band_n is None and view.force_n is not None:
            words, css = "rest / no band", "none"
        zone = self.query_one("#station-zone", Label)
        zone.set_classes(f"zone-{css}")
        self._label("#station-zone", words)
        top = gauge_top_n(view.band_n[1] if view.band_n else None)
        gauge = self.query_one(Gauge)
        trace = self.query_one(ForceTrace)
        if gauge.full_scale_n != top:
            gauge.full_scale_n = top
            trace.top_n = top
        gauge.show(
            view.force_n or 0.0,
            view.band_n,
            ZONES.get(view.zone or "", Zone.NONE),
            None if view.force_n is not None else "not practising",
        )
        points = self.klass.board.trace(self.station)
        if points:
            end = points[-1][0]
            start = max(points[0][0], end - TRACE_WINDOW_S)
            trace.columns = bucket(points, start, start + TRACE_WINDOW_S, trace.plot_width)
        self._history(view)

    def _history(self, view: StationView) -> None:
        if not self.query_one("#station-sessions", DataTable).columns:
            return  # the app's timer came before on_mount: the table has no columns yet
        klass = self.klass
        key = (view.student, klass.board.projector, len(klass.board.sessions()))
        if key == self._history_for:
            return
        self._history_for = key
        table = self.query_one("#station-sessions", DataTable)
        table.clear()
        title = self.query_one("#station-history-title", Label)
        if view.student is None:
            title.update("History hidden" if klass.board.projector else "History: no student yet")
            return
        title.update(text.literal(f"History of {view.student}"))
        rows: list[tuple[str, str, str, str]] = []
        if klass.store is not None:
            for row in klass.store.history(view.student, limit=50):
                rows.append(
                    (
                        row.started_at[5:16].replace("T", " "),
                        row.exercise_name or row.exercise_id,
                        "" if row.score is None else f"{row.score:.0f}",
                        "" if row.time_in_band_pct is None else f"{row.time_in_band_pct:.0f}%",
                    )
                )
        else:
            for s in reversed(klass.board.sessions()):
                if s.student == view.student:
                    rows.append(
                        (
                            s.started_at[5:16].replace("T", " "),
                            s.exercise_name,
                            "" if s.score is None else f"{s.score:.0f}",
                            "" if s.time_in_band_pct is None else f"{s.time_in_band_pct:.0f}%",
                        )
                    )
        table.add_rows(rows)
        if not rows:
            title.update(text.literal(f"History of {view.student}: no sessions yet"))

    def _label(self, selector: str, value: str) -> None:
        self._set(
            selector, value, lambda t: self.query_one(selector, Label).update(text.literal(t))
        )

    def _set(self, key: str, value: str, apply: object) -> None:
        if self._shown.get(key) != value:
            self._shown[key] = value
            assert callable(apply)
            apply(value)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_acknowledge(self) -> None:
        self.klass.board.acknowledge(self.station, self.klass.clock())
        self.redraw()

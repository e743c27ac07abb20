"""The class screen: every station as a tile, alerts on top, actions on one, some or all.

The app's timer feeds the board about 10 times a second and calls :meth:`redraw`, which
draws :meth:`ClassBoard.view`; tiles repaint only when their text changes, so the cost
follows what changes on screen, not how many reports arrive.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.classroom.board import BoardView, Presence, StationView, alert_line
from trainer.ui.classroom.context import Stations, UsesClass
from trainer.ui.classroom.tiles import StationTile, TileClicked, TileGrid
from trainer.ui.text import literal
from trainer.ui.widgets.topbar import TopBar

#: alert lines shown at most; more are counted on the last line
MAX_ALERT_LINES = 4
#: ... on a screen under 30 rows
MAX_ALERT_LINES_SMALL = 2


class ClassScreen(UsesClass, Screen[None]):
    """The instructor's live view of the class (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_station", "Open"),
        Binding("space", "toggle_select", "Select", key_display="Space"),
        Binding("asterisk", "select_all", "Select all", show=False, key_display="*"),
        Binding("e", "assign", "Exercise"),
        Binding("f", "schedule", "Feedback"),
        Binding("m", "message", "Message"),
        Binding("p", "pause", "Pause"),
        Binding("k", "acknowledge", "Ack alert"),
        Binding("K", "acknowledge_all", "Ack all", show=False),
        Binding("j", "projector", "Projector"),
        Binding("d", "day", "Day table"),
        Binding("g", "margin", "Alert margin", show=False),
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
        Binding("escape", "clear_selection", "Clear selection", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cursor: str | None = None
        self.selection: set[str] = set()
        self.last_view: BoardView | None = None
        self._painted_seq: dict[str, float] = {}

    def compose(self) -> ComposeResult:
        klass = self.klass
        yield TopBar(self._title(), simulated=False, status="")
        yield Static(id="alert-bar")
        yield TileGrid(len(klass.board.station_ids), klass.units)
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.redraw)

    def units_changed(self) -> None:
        for tile in self.query_one(TileGrid).tiles:
            tile.unit = self.klass.units
        self.redraw()

    # -- drawing ---------------------------------------------------------------------------
    def redraw(self) -> None:
        klass = self.klass
        view = klass.board.view(klass.clock())
        self.last_view = view
        grid = self.query_one(TileGrid)
        if len(view.stations) > len(grid.tiles):
            self.run_worker(grid.ensure_slots(len(view.stations)), exclusive=True)
        if self.cursor is None and view.stations:
            self.cursor = view.stations[0].station
        compact = grid.packing.compact
        shown: list[StationView | None] = [*view.stations]
        shown += [None] * (len(grid.tiles) - len(shown))
        for tile, station in zip(grid.tiles, shown, strict=False):
            changed = tile.show(
                station,
                selected=station is not None and station.station in self.selection,
                cursor=station is not None and station.station == self.cursor,
                compact=compact,
            )
            if changed and station is not None and klass.paint_probe is not None:
                self._probe(tile)
        self._alert_bar(view)
        self.query_one(TopBar).set_status(self._status(view))

    def _probe(self, tile: StationTile) -> None:
        """Report each newly shown live report once, after the repaint that shows it."""
        view = tile.view
        if view is None:
            return
        report = self.klass.board.live_report(view.station)
        if report is None or self._painted_seq.get(view.station) == report.t:
            return
        self._painted_seq[view.station] = report.t
        probe = self.klass.paint_probe
        assert probe is not None
        station, sent_t = view.station, report.t
        self.call_after_refresh(lambda: probe(station, sent_t, time.time()))

    def _alert_bar(self, view: BoardView) -> None:
        bar = self.query_one("#alert-bar", Static)
        lines = [alert_line(a) for a in view.alerts]
        most = MAX_ALERT_LINES if self.size.height >= 30 else MAX_ALERT_LINES_SMALL
        if len(lines) > most:
            hidden = len(lines) - (most - 1)
            lines = [*lines[: most - 1], f"ALERT  … and {hidden} more (K acknowledges all)"]
        text = "\n".join(lines)
        if getattr(bar, "_shown_text", None) != text:
            bar._shown_text = text  # type: ignore[attr-defined]
            bar.update(literal(text))
            bar.display = bool(lines)

    def _title(self) -> str:
        name = self.klass.class_name
        return f"Class {name}" if name else "Class"

    def _status(self, view: BoardView) -> str:
        counts = view.counts()
        total = len(view.stations)
        online = total - counts.get(Presence.OFFLINE, 0) - counts.get(Presence.UNKNOWN, 0)
        practising = counts.get(Presence.PRACTISING, 0) + counts.get(Presence.PAUSED, 0)
        parts = [
            f"{online}/{total} online",
            f"{practising} practising",
            f"alert at +{view.rules.margin_pct:.0f} %",
        ]
        if self.selection:
            parts.append(f"{len(self.selection)} selected")
        if view.projector:
            parts.append("PROJECTOR")
        link = self.klass.link_status()
        if link:
            parts.append(link)
        return " · ".join(parts)

    # -- moving about ----------------------------------------------------------------------
    def _order(self) -> list[str]:
        view = self.last_view
        return [s.station for s in view.stations] if view is not None else []

    def action_move(self, dx: int, dy: int) -> None:
        order = self._order()
        if not order:
            return
        grid = self.query_one(TileGrid)
        columns = 1 if grid.packing.compact else grid.packing.columns
        index = order.index(self.cursor) if self.cursor in order else 0
        index = min(len(order) - 1, max(0, index + dx + dy * columns))
        self.cursor = order[index]
        self.redraw()
        tile = grid.tiles[index] if index < len(grid.tiles) else None
        if tile is not None:
            grid.scroll_to_widget(tile, animate=False)

    def on_tile_clicked(self, message: TileClicked) -> None:
        self.cursor = message.station
        self.redraw()
        if message.open_it:
            self.action_open_station()

    def action_toggle_select(self) -> None:
        if self.cursor is None:
            return
        self.selection ^= {self.cursor}
        self.redraw()

    def action_select_all(self) -> None:
        order = self._order()
        self.selection = set() if self.selection == set(order) else set(order)
        self.redraw()

    def action_clear_selection(self) -> None:
        self.selection.clear()
        self.redraw()

    # -- intents ------------------------------------------------------------------------------
    def targets(self) -> list[str]:
        """The stations an action is for: the selection, else the station under the cursor."""
        if self.selection:
            return sorted(self.selection)
        return [self.cursor] if self.cursor is not None else []

    def target_choices(self) -> list[tuple[str, Stations]]:
        """The choices an action dialog offers: these stations, or every station."""
        board = self.klass.board
        choices: list[tuple[str, Stations]] = []
        targets = self.targets()
        if len(targets) == 1:
            view = next((s for s in self._views() if s.station == targets[0]), None)
            label = view.label if view is not None else targets[0]
            choices.append((f"Only {label}", targets))
        elif targets:
            choices.append((f"The {len(targets)} selected stations", targets))
        choices.append((f"Every station ({len(board.station_ids)})", "all"))
        return choices

    def _views(self) -> list[StationView]:
        view = self.last_view
        return list(view.stations) if view is not None else []

    def action_open_station(self) -> None:
        from trainer.ui.classroom.station import StationScreen

        if self.cursor is not None:
            self.app.push_screen(StationScreen(self.cursor))

    def action_assign(self) -> None:
        from trainer.ui.classroom.dialogs import AssignDialog

        self.app.push_screen(AssignDialog(self.target_choices()), self._done)

    def action_schedule(self) -> None:
        from trainer.ui.classroom.dialogs import ScheduleDialog

        self.app.push_screen(ScheduleDialog(self.target_choices()), self._done)

    def action_message(self) -> None:
        from trainer.ui.classroom.dialogs import MessageDialog

        self.app.push_screen(MessageDialog(self.target_choices()), self._done)

    def action_pause(self) -> None:
        from trainer.ui.classroom.dialogs import PauseDialog

        self.app.push_screen(PauseDialog(self.target_choices()), self._done)

    def action_margin(self) -> None:
        from trainer.ui.classroom.dialogs import MarginDialog

        self.app.push_screen(MarginDialog(self.klass.board.rules.margin_pct), self._margin)

    def _margin(self, margin_pct: float | None) -> None:
        if margin_pct is not None:
            self.klass.board.set_margin(margin_pct)
            self.notify(f"Alert when pressing {margin_pct:.0f} % over the band's top for 2 s.")
            self.redraw()

    def _done(self, said: str | None) -> None:
        if said:
            self.notify(said, timeout=4)
        self.redraw()

    def action_acknowledge(self) -> None:
        klass = self.klass
        targets = self.targets()
        count = sum(klass.board.acknowledge(s, klass.clock()) for s in targets)
        if not count:
            self.notify("No alert on the chosen station to acknowledge.", timeout=3)
        self.redraw()

    def action_acknowledge_all(self) -> None:
        klass = self.klass
        count = klass.board.acknowledge_all(klass.clock())
        self.notify(f"{count} alert{'s' if count != 1 else ''} acknowledged.", timeout=3)
        self.redraw()

    def action_projector(self) -> None:
        board = self.klass.board
        board.projector = not board.projector
        self.notify(
            "Projector mode: names are station numbers, scores hidden."
            if board.projector
            else "Projector mode off: names and scores shown.",
            timeout=3,
        )
        self.redraw()

    def action_day(self) -> None:
        from trainer.ui.classroom.day import DayScreen

        self.app.push_screen(DayScreen())

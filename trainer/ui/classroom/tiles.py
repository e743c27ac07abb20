"""Station tiles packed to the screen, and the one-line rows of the compact list.

A :class:`StationTile` is a slot: the grid hands it whichever station belongs at its
place (alerting stations first), so tiles never move; only their text changes, and a
tile repaints only when a character of it would change. Colour follows the zone, and
the zone is always said in words too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.containers import Container
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from trainer.classroom.board import Condition, Presence, StationView
from trainer.safe_text import printable
from trainer.units import Unit

#: what the zone means, in the instructor's words: (symbol and words, style class)
ZONE_WORDS: dict[str | None, tuple[str, str]] = {
    "in": ("● in band", "in"),
    "above": ("▲ too firm", "above"),
    "below": ("▼ too light", "below"),
}

#: an alert in a tile's few words (the alert bar has the whole sentence)
ALERT_WORDS = {
    Condition.OVERSHOOT: "pressing too hard",
    Condition.SENSOR: "sensor problem",
    Condition.OFFLINE: "offline",
    Condition.OUTSIDE_BAND: "mostly outside the band",
}

#: the tile's component styles, by the short names the drawing code uses
STYLE_NAMES = ("title", "muted", "track", "band", "in", "above", "below", "plain", "alert", "note")

#: the smallest tile that stays readable (columns, rows)
TILE_MIN_WIDTH = 28
TILE_MIN_HEIGHT = 4
#: wider tiles only spread the same few words
TILE_MAX_WIDTH = 60
#: below this many rows per tile (or columns on screen), the compact list is used
COMPACT_BELOW_WIDTH = 100


@dataclass(frozen=True, slots=True)
class Packing:
    """How the tiles share the screen: columns, rows of a tile, or the compact list."""

    columns: int
    tile_height: int
    compact: bool
    gap: int = 0  # blank rows between tile rows


def pack(count: int, width: int, height: int) -> Packing:
    """The most readable packing of ``count`` tiles into ``width`` x ``height`` cells.

    As many columns as fit at :data:`TILE_MIN_WIDTH` (fewer if the tiles would be
    needlessly flat), each tile as tall as the rows allow, up to 7; the compact list
    when the screen is narrow or the tiles would be shorter than 4 rows.
    """
    count = max(1, count)
    if width < COMPACT_BELOW_WIDTH:
        return Packing(1, 1, True)
    most = max(1, (width + 1) // (TILE_MIN_WIDTH + 1))
    columns = min(most, count)
    fewest = min(count, math.ceil(width / TILE_MAX_WIDTH))
    # Fewer, wider columns while every tile still gets its full height.
    while columns > fewest and height // math.ceil(count / (columns - 1)) >= 7:
        columns -= 1
    rows = math.ceil(count / columns)
    spaced = (height - (rows - 1)) // rows
    if spaced >= 5:  # a blank row between tiles, while each keeps five rows
        return Packing(columns, min(7, spaced), False, 1)
    tile_height = min(7, height // rows)
    if tile_height < TILE_MIN_HEIGHT:
        return Packing(1, 1, True)
    return Packing(columns, tile_height, False)


class TileClicked(Message):
    """A tile was clicked (once: put the cursor there; twice: open it)."""

    def __init__(self, station: str, open_it: bool) -> None:
        super().__init__()
        self.station = station
        self.open_it = open_it


def mini_gauge(
    view: StationView, width: int, styles: dict[str, Style], scale_n: float | None = None
) -> Text:
    """The force as a bar against the band, ``width`` cells; the band as a lit track."""
    force = view.force_n
    if force is None or width < 4:
        return Text(" " * max(0, width))
    band = view.band_n
    top = scale_n or _scale(view)
    per_cell = top / width
    filled = max(0.0, min(force, top)) / per_cell
    zone = view.zone if view.zone in ZONE_WORDS else None
    fill = styles[ZONE_WORDS[zone][1]] if zone else styles["plain"]
    lit = Style(bgcolor=styles["band"].bgcolor)
    dark = Style(bgcolor=styles["track"].bgcolor)
    looks = {(True, True): fill + lit, (True, False): fill + dark, (False, True): lit}
    partials = " ▏▎▍▌▋▊▉"
    text = Text()
    run, run_style = "", None
    for column in range(width):
        centre = (column + 0.5) * per_cell
        in_band = band is not None and band[0] <= centre <= band[1]
        if column + 1 <= filled:
            char = "█"
        elif column < filled:
            char = partials[int((filled - column) * 8)]
        else:
            char = " "
        style = looks.get((char != " ", in_band), dark)
        if style is not run_style and run:
            text.append(run, run_style)
            run = ""
        run_style = style
        run += char
    if run:
        text.append(run, run_style)
    return text


def _scale(view: StationView) -> float:
    """The gauge's top: 1.5 x the band's top (rounded up to 5 N), or the force if higher."""
    high = view.band_n[1] if view.band_n is not None else 20.0
    top = max(high * 1.5, (view.force_n or 0.0) * 1.05)
    return max(5.0, math.ceil(top / 5.0) * 5.0)


def _force_text(view: StationView, unit: Unit) -> str:
    if view.force_n is None:
        return ""
    return unit.show(view.force_n)


def _clip(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class StationTile(Widget):
    """One slot of the class grid (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tile--title",
        "tile--muted",
        "tile--track",
        "tile--band",
        "tile--in",
        "tile--above",
        "tile--below",
        "tile--plain",
        "tile--alert",
        "tile--note",
    }

    DEFAULT_CSS = """
    StationTile { height: 6; }
    """

    def __init__(self, slot: int, unit: Unit = Unit.N) -> None:
        super().__init__(id=f"slot-{slot}")
        self.slot = slot
        self.unit = unit
        self.view: StationView | None = None
        self.selected = False
        self.cursor = False
        self.compact = False
        self._key: object = None
        self._classes_shown: tuple[str, ...] = ()
        self._strips: list[Strip] | None = None
        self._blank = Strip.blank(0)
        self._tile_styles: dict[str, Style] | None = None

    def show(
        self, view: StationView | None, *, selected: bool, cursor: bool, compact: bool
    ) -> bool:
        """Show this station; repaint only if something visible changed. True if it did."""
        self.view, self.selected, self.compact, self.cursor = view, selected, compact, cursor
        classes = self._state_classes(view, cursor)
        if classes != self._classes_shown:
            # Rare (a station goes grey, alerts, gets the cursor): a restyle is costly.
            for name in self._classes_shown:
                self.remove_class(name)
            self.add_class(*classes)
            self._classes_shown = classes
        key = (self._visible(view, self.unit), selected, cursor, compact, self.size)
        if key == self._key:
            return False
        self._key = key
        self._strips = None
        self.refresh()
        return True

    @staticmethod
    def _visible(view: StationView | None, unit: Unit) -> object:
        """The view as text: what a repaint would change."""
        if view is None:
            return None
        force = _force_text(view, unit)
        in_band = None if view.in_band_s is None else int(view.in_band_s)
        return (
            view.station,
            view.label,
            view.presence,
            view.exercise,
            view.phase,
            force,
            view.band_n,
            view.zone,
            in_band,
            view.feedback_shown,
            view.last_score,
            view.note,
            tuple((a.condition, a.detail) for a in view.alerts),
        )

    @staticmethod
    def _state_classes(view: StationView | None, cursor: bool) -> tuple[str, ...]:
        """The tile's CSS classes; the zone is drawn, not a class (it changes too often)."""
        if view is None:
            return ("empty",)
        names = []
        if view.greyed:
            names.append("greyed")
        if view.alerting:
            names.append("alerting")
        if cursor:
            names.append("cursor")
        return tuple(names)

    def on_resize(self) -> None:
        # The strips are cut to the width they were built at: a new size needs new ones
        # now, not at the next change of the station's view.
        self._strips = None
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if self.view is not None:
            self.post_message(TileClicked(self.view.station, open_it=event.chain >= 2))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._tile_styles = None  # the theme or the tile's state changed: look colours up again
        self._strips = None

    def _styles(self) -> dict[str, Style]:
        """The component styles and the tile's own (``base``), looked up once per restyle."""
        if self._tile_styles is None:
            get = self.get_component_rich_style
            self._tile_styles = {name: get(f"tile--{name}") for name in STYLE_NAMES}
            self._tile_styles["base"] = self.rich_style
        return self._tile_styles

    def render_line(self, y: int) -> Strip:
        # Drawn from cached strips: a tile repaints up to 10 times a second, 40 at once.
        if self._strips is None:
            self._strips = self._build()
            self._blank = Strip.blank(self.size.width, self._styles()["base"])
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return self._blank

    def _build(self) -> list[Strip]:
        view = self.view
        width = max(1, self.size.width)
        if view is None:
            return []
        styles = self._styles()
        zone_style = (
            styles["muted"] if view.greyed else styles[ZONE_WORDS.get(view.zone, ("", "plain"))[1]]
        )
        base_marker = Segment("▌ ", styles["base"] + zone_style)
        if self.compact:
            lines = [self._row(view, width - 2, styles)]
        else:
            lines = self._tile(view, width - 2, max(1, self.size.height), styles)
        console = self.app.console
        base = styles["base"]
        strips = []
        for line in lines:
            line.truncate(max(0, width - 2), pad=True)  # the line fills the tile exactly
            # Rich leaves a text's own style off when it has no spans: put it under here.
            own = line.style if isinstance(line.style, Style) else console.get_style(line.style)
            body = Segment.apply_style(line.render(console, end=""), base + own)
            strips.append(Strip([base_marker, *body], width))
        return strips

    # -- a tile ------------------------------------------------------------------------
    def _title(self, view: StationView, width: int, styles: dict[str, Style]) -> Text:
        mark = ("▶ " if self.cursor else "") + ("✓ " if self.selected else "")
        score = "" if view.last_score is None else f"last {view.last_score:.0f}"
        left = _clip(mark + printable(view.label), width - len(score) - 1)
        line = Text(left, styles["title"])
        line.append(" " * max(1, width - len(left) - len(score)))
        line.append(score, styles["muted"])
        return line

    def _tile(
        self, view: StationView, width: int, height: int, styles: dict[str, Style]
    ) -> list[Text]:
        lines = [self._title(view, width, styles)]
        if view.presence in (Presence.PRACTISING, Presence.PAUSED) or (
            view.presence is Presence.SILENT and view.force_n is not None
        ):
            exercise = printable(view.exercise)
            phase = printable(view.phase) + ("" if view.feedback_shown else " · blind")
            if height >= 6:  # room for the phase on a line of its own
                lines.append(Text(_clip(exercise, width)))
                lines.append(Text(_clip(phase, width), styles["muted"]))
            else:
                lines.append(Text(_clip(f"{exercise} · {phase}", width)))
            force = _force_text(view, self.unit)
            bar = mini_gauge(view, width - len(force) - 1, styles)
            bar.append(" " + force, styles["title"])
            lines.append(bar)
            lines.append(self._zone_line(view, width, styles))
        else:
            exercise = f"last: {printable(view.exercise)}" if view.exercise else ""
            lines.append(Text(_clip(exercise, width), styles["muted"]))
        note = self._note(view)
        if note is not None:
            while len(lines) < height - 1:
                lines.append(Text(""))
            text, style = note
            lines = lines[: max(1, height - 1)]
            lines.append(Text(_clip(text, width), styles[style]))
        return lines[:height]

    @staticmethod
    def _zone_line(view: StationView, width: int, styles: dict[str, Style]) -> Text:
        """``'▲ too firm    4 s in band'``: the zone in words, time in band on the right."""
        line = Text()
        if view.band_n is None:
            line.append("rest / no band", styles["muted"])
            return line
        words, style = ZONE_WORDS.get(view.zone, ("", "plain"))
        in_band = "" if view.in_band_s is None else f"{view.in_band_s:.0f} s in band"
        # The gap belongs to the words' run: a run starting with spaces shifts in SVG.
        line.append(words.ljust(max(len(words) + 1, width - len(in_band))), styles[style])
        line.append(in_band, styles["muted"])
        return line

    @staticmethod
    def _note(view: StationView) -> tuple[str, str] | None:
        """The alert or note in a tile's words; names in it are shown as written."""
        if view.alerts:
            first = view.alerts[0]
            words = first.detail if first.condition is Condition.OFFLINE else None
            return "ALERT " + printable(words or ALERT_WORDS[first.condition]), "alert"
        if view.note:
            return printable(view.note), "note"
        return None

    # -- a row of the compact list -----------------------------------------------------
    def _row(self, view: StationView, width: int, styles: dict[str, Style]) -> Text:
        """``'▶ 4 · Dara Okafor  97.0 N ███▌[  ]  ▲ too firm  4s  ALERT pressing too hard  82'``."""
        mark = ("▶" if self.cursor else " ") + ("✓" if self.selected else "")
        line = Text(_clip(mark + printable(view.label), 17).ljust(18), styles["title"])
        if view.presence in (Presence.PRACTISING, Presence.PAUSED):
            line.append(_force_text(view, self.unit).rjust(8) + " ", styles["title"])
            line.append_text(mini_gauge(view, 8, styles))
            if view.band_n is None:
                line.append(" rest".ljust(13), styles["muted"])
            else:
                words, style = ZONE_WORDS.get(view.zone, ("", "plain"))
                line.append(" " + words.ljust(12), styles[style])
            in_band = "" if view.in_band_s is None else f"{view.in_band_s:.0f}s"
            line.append(in_band.rjust(4) + " ", styles["muted"])
        note = self._note(view)
        if note is not None:
            text, style = note
            line.append(text, styles[style])
        elif view.presence in (Presence.PRACTISING, Presence.PAUSED):
            blind = "" if view.feedback_shown else "blind · "
            exercise, phase = printable(view.exercise), printable(view.phase)
            line.append(f"{blind}{exercise} · {phase}", styles["muted"])
        else:
            line.append(printable(view.exercise), styles["muted"])
        score = "" if view.last_score is None else f"{view.last_score:.0f}"
        line.truncate(max(0, width - 4), overflow="ellipsis", pad=True)
        line.append(" " * (4 - len(score)))  # spaces in a run of their own keep SVGs aligned
        line.append(score, styles["muted"])
        return line


class TileGrid(Container):
    """The stations, packed to the space the screen leaves them (see :func:`pack`)."""

    def __init__(self, slots: int, unit: Unit = Unit.N) -> None:
        super().__init__(id="tiles")
        self._slots = slots
        self._unit = unit
        self.packing = Packing(1, 6, False)

    def compose(self):  # type: ignore[no-untyped-def]
        for slot in range(self._slots):
            yield StationTile(slot, self._unit)

    @property
    def tiles(self) -> list[StationTile]:
        return list(self.query(StationTile))

    async def ensure_slots(self, count: int) -> None:
        """Add slots for stations that joined after the screen was built."""
        missing = count - len(self.tiles)
        if missing > 0:
            start = len(self.tiles)
            await self.mount_all([StationTile(start + i, self._unit) for i in range(missing)])
            self._slots = count
            self.repack()

    def on_resize(self) -> None:
        self.repack()

    def repack(self) -> None:
        packing = pack(len(self.tiles), self.size.width, self.size.height)
        if packing == self.packing:
            return
        self.packing = packing
        self.set_class(packing.compact, "compact")
        if not packing.compact:
            self.styles.grid_size_columns = packing.columns
            self.styles.grid_rows = str(packing.tile_height)
            self.styles.grid_gutter_vertical = packing.gap

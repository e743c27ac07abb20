"""The force readout: big digits, the unit beside their last row, the zone line below.

One widget, so a frame composes one widget here (not a row, two labels and their
boxes), and it repaints only the rows that changed: the digits at the frame rate, the
zone line when its words or colour change. The zone's colour is a component style
picked in :meth:`render_line`, never a CSS class toggled per frame (a class change
makes Textual look the screen's styles up again).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip

from trainer.safe_text import printable
from trainer.ui.widgets.bigdigits import HEIGHT, digit_strips, digits_width
from trainer.ui.widgets.themed import ThemedWidget

#: the zone line's colours, by the name :func:`trainer.ui.screens.live.zone_words` gives
ZONE_STYLES = ("zone-in", "zone-above", "zone-below", "zone-blind", "zone-none")
#: the row of the zone line (below the digits)
ZONE_ROW = HEIGHT
#: digit rows kept for values shown before (a hand holding in a band shows the same few
#: values again and again); forgotten all at once when this many are kept
BUILT_VALUES_KEPT = 512


class ForceReadout(ThemedWidget):
    """The force in digits five rows tall, its unit, and what to do in words."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "force-readout--digits",
        "force-readout--unit",
        *(f"force-readout--{zone}" for zone in ZONE_STYLES),
    }

    def __init__(self, value: str = "", unit: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._value = value
        self._unit = unit
        self._words = ""
        self._zone = "zone-none"
        self._digit_rows: list[Strip] | None = None
        #: digit rows built before, by value, unit and width
        self._built: dict[tuple[str, str, int], list[Strip]] = {}
        self._zone_row: Strip | None = None
        self._width = -1

    @property
    def value(self) -> str:
        """The number the digits show ("" while the force is hidden)."""
        return self._value

    @property
    def unit(self) -> str:
        """The unit's label beside the digits."""
        return self._unit

    @property
    def words(self) -> str:
        """The zone line: what the student should do."""
        return self._words

    @property
    def zone(self) -> str:
        """The zone line's colour: one of :data:`ZONE_STYLES`."""
        return self._zone

    def show(self, value: str, unit: str, words: str, zone: str) -> None:
        """Set what to show; repaint only the rows that change, never the layout."""
        if zone not in ZONE_STYLES:
            raise ValueError(f"unknown zone style {zone!r}: one of {', '.join(ZONE_STYLES)}")
        width = self._width  # as last drawn (a new size repaints everything anyway)
        if width < 0:
            self._value, self._unit, self._words, self._zone = value, unit, words, zone
            self.refresh()
            return
        rows: list[Region] = []
        if value != self._value or unit != self._unit:
            self._value, self._unit = value, unit
            drawn = self._digit_rows
            if drawn is None:
                rows.append(Region(0, 0, width, HEIGHT))
            else:
                # Glyphs share rows ("3" and "8" differ in their middle three only): a row
                # that looks as drawn keeps its line, and the terminal its cells.
                self._digit_rows = self._digits(width)
                rows += [
                    Region(0, y, width, 1)
                    for y, (old, new) in enumerate(zip(drawn, self._digit_rows, strict=True))
                    if old != new
                ]
        if words != self._words or zone != self._zone:
            self._words, self._zone = words, zone
            self._zone_row = None
            rows.append(Region(0, ZONE_ROW, width, 1))
        if rows:
            self.refresh(*rows)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # The theme changed: colours are looked up again.
        self._digit_rows = self._zone_row = None
        self._built = {}

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if width != self._width:
            self._width = width
            self._digit_rows = self._zone_row = None
        if y < HEIGHT:
            if self._digit_rows is None:
                self._digit_rows = self._digits(width)
            return self._digit_rows[y]
        if y == ZONE_ROW:
            if self._zone_row is None:
                self._zone_row = self._build_zone(width)
            return self._zone_row
        return Strip.blank(width, self._background(self.rich_style))

    @staticmethod
    def _background(style: Style) -> Style:
        """Only the background of ``style``: blank cells, as a widget's padding has them."""
        return Style(bgcolor=style.bgcolor)

    def _digits(self, width: int) -> list[Strip]:
        """The digit rows of the value shown, built once per value (and unit and width)."""
        key = (self._value, self._unit, width)
        rows = self._built.get(key)
        if rows is None:
            if len(self._built) >= BUILT_VALUES_KEPT:
                self._built = {}
            rows = self._built[key] = self._build_digits(width)
        return rows

    def _build_digits(self, width: int) -> list[Strip]:
        on = self.component_style("force-readout--digits")
        blank = self._background(on)
        rows = [list(strip) for strip in digit_strips(self._value, on)]
        # The unit beside the last row, a cell apart (as a padded label would stand).
        unit = printable(self._unit)
        rows[-1].append(Segment(" ", blank))
        if unit:
            rows[-1].append(Segment(unit, self.component_style("force-readout--unit")))
        digits = digits_width(self._value)
        lengths = [digits] * (HEIGHT - 1) + [digits + 1 + cell_len(unit)]
        strips = []
        for segments, length in zip(rows, lengths, strict=True):
            if length < width:
                segments.append(Segment(" " * (width - length), blank))
                strips.append(Strip(segments, width))
            else:
                strips.append(Strip(segments, length).crop(0, width))
        return strips

    def _build_zone(self, width: int) -> Strip:
        style = self.component_style(f"force-readout--{self._zone}")
        blank = self._background(style)
        # One cell of the zone's colour each side; words that would not fit on the line
        # break between words (what shows is the first line), as a label's would.
        room = max(0, width - 2)
        words = printable(self._words)
        if cell_len(words) > room:
            lines = Content(words).wrap(room) if room else []
            words = lines[0].plain.rstrip() if lines else ""
        used = 1 + cell_len(words)
        segments = [Segment(" ", blank), Segment(words, style)] if words else [Segment(" ", blank)]
        if used < width:
            segments.append(Segment(" " * (width - used), blank))
        return Strip(segments, max(width, used))

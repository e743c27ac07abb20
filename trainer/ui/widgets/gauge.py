"""The force gauge: a horizontal bar filled to the force, the target band framing it.

The band is drawn as a strip above and below the bar, so it stays visible when the
force fills over it. Colour shows the zone, and the screen says it in words too.
Mouse: the wheel presses harder or lighter, a click aims at that force (simulation).
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.strip import Strip

from trainer.engine import Zone
from trainer.ui.messages import AimNudged, AimSet
from trainer.ui.widgets.themed import ThemedWidget
from trainer.units import Contact, Unit

_PARTIAL = " ▏▎▍▌▋▊▉█"
MARGIN = 1
#: the row of the bar itself (above it and below it the band, then the scale)
BAR_ROW = 1


class Gauge(ThemedWidget):
    """Force against a 0..full-scale bar, with the band marked; hidden in blind phases."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gauge--band",
        "gauge--track",
        "gauge--in",
        "gauge--above",
        "gauge--below",
        "gauge--plain",
        "gauge--label",
    }

    DEFAULT_CSS = """
    Gauge { height: 4; }
    Gauge > .gauge--band { color: $success; }
    Gauge > .gauge--track { background: $surface-lighten-1; }
    Gauge > .gauge--in { color: $success; }
    Gauge > .gauge--above { color: $error; }
    Gauge > .gauge--below { color: $warning; }
    Gauge > .gauge--plain { color: $primary; }
    Gauge > .gauge--label { color: $text-muted; }
    """

    def __init__(
        self,
        full_scale_n: float,
        unit: Unit = Unit.N,
        *,
        contact: Contact | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.full_scale_n = full_scale_n
        self.unit = unit
        #: the contact kPa is over (None: no pressure shown)
        self.contact = contact
        self.force_n = 0.0
        self.band: tuple[float, float] | None = None
        self.zone = Zone.NONE
        self.hidden_text: str | None = None
        self._drawn: tuple[object, ...] = ()
        self._strips: list[Strip] | None = None
        self._strips_key: object = None
        self._bar_key: object = None
        self._base = Style()
        self._blank = Strip.blank(0)

    def show(
        self,
        force_n: float,
        band: tuple[float, float] | None,
        zone: Zone,
        hidden_text: str | None = None,
    ) -> None:
        """Set what to draw; repaint only if a cell would change."""
        self.force_n, self.band, self.zone, self.hidden_text = force_n, band, zone, hidden_text
        key = (self._cells(force_n), zone, band, hidden_text, self.unit, self.size)
        if key != self._drawn:
            frame = (band, hidden_text, self.unit, self.size)
            if self._drawn[2:] == frame and hidden_text is None:
                # Only the force (and its zone's colour) moved: repaint the bar's row,
                # the band's strips and the scale keep their cached lines.
                self.refresh(Region(0, BAR_ROW, self.size.width, 1))
            else:
                self.refresh()
            self._drawn = key

    def set_unit(self, unit: Unit, contact: Contact | None = None) -> None:
        self.unit = unit
        self.contact = contact
        self._drawn = ()
        self.refresh()

    @property
    def bar_width(self) -> int:
        return max(1, self.size.width - 2 * MARGIN)

    def _cells(self, force_n: float) -> int:
        """The bar's length in eighths of a cell."""
        fraction = min(1.0, max(0.0, force_n / self.full_scale_n))
        return round(fraction * self.bar_width * 8)

    def _column(self, force_n: float) -> int:
        fraction = min(1.0, max(0.0, force_n / self.full_scale_n))
        return min(self.bar_width - 1, int(fraction * self.bar_width))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # the theme changed: colours are looked up again

    def render_line(self, y: int) -> Strip:
        frame_key = (self.band, self.hidden_text, self.unit, self.size)
        bar_key = (self._cells(self.force_n), self.zone)
        if self._strips is None or self._strips_key != frame_key:
            # The widget's own background under every cell, applied once per build.
            self._base = self.rich_style
            width = self.size.width
            self._strips = [
                strip.extend_cell_length(width).apply_style(self._base) for strip in self._build()
            ]
            self._strips_key = frame_key
            self._bar_key = bar_key
            self._blank = Strip.blank(width, self._base)
        elif self._bar_key != bar_key and self.hidden_text is None:
            # Only the force moved: the band's strips and the scale stay as built.
            self._strips[BAR_ROW] = (
                self._bar_strip().extend_cell_length(self.size.width).apply_style(self._base)
            )
            self._bar_key = bar_key
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return self._blank

    def _bar_strip(self) -> Strip:
        """The bar filled to the force, coloured by its zone, on the track."""
        width = self.bar_width
        style = self.component_style
        zone_style = style(
            {
                Zone.IN: "gauge--in",
                Zone.ABOVE: "gauge--above",
                Zone.BELOW: "gauge--below",
            }.get(self.zone, "gauge--plain")
        )
        track = Style(bgcolor=style("gauge--track").bgcolor)
        full, part = divmod(self._cells(self.force_n), 8)
        bar = "█" * min(full, width)
        if full < width:
            bar += _PARTIAL[part]
        pad = Segment(" " * MARGIN)
        return Strip(
            [pad, Segment(bar, zone_style + track), Segment(" " * (width - len(bar)), track)]
        )

    def _build(self) -> list[Strip]:
        width = self.bar_width
        style = self.component_style
        label_style = style("gauge--label")
        if self.hidden_text is not None:
            return [
                Strip([]),
                Strip([Segment(self.hidden_text.center(self.size.width), label_style)]),
            ]
        pad = Segment(" " * MARGIN)
        band_style = style("gauge--band")

        def strip_row(char: str) -> Strip:
            if self.band is None:
                return Strip([pad])
            low, high = self._column(self.band[0]), self._column(self.band[1])
            return Strip([pad, Segment(" " * low), Segment(char * (high - low + 1), band_style)])

        # scale labels: 0, the band's edges, full scale
        labels = [" "] * (width + 2 * MARGIN)

        def put(col: int, label: str) -> None:
            start = max(0, min(len(labels) - len(label), col + MARGIN - len(label) // 2))
            if all(c == " " for c in labels[max(0, start - 1) : start + len(label) + 1]):
                labels[start : start + len(label)] = list(label)

        unit, on = self.unit, self.contact
        put(0, "0")
        put(width - 1, unit.show(self.full_scale_n, compact=True, contact=on))
        if self.band is not None:
            put(self._column(self.band[0]), unit.number(self.band[0], compact=True, contact=on))
            put(self._column(self.band[1]), unit.number(self.band[1], compact=True, contact=on))
        return [
            strip_row("▄"),
            self._bar_strip(),
            strip_row("▀"),
            Strip([Segment("".join(labels), label_style)]),
        ]

    # -- mouse -------------------------------------------------------------------
    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.post_message(AimNudged(+1))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.post_message(AimNudged(-1))

    def on_click(self, event: events.Click) -> None:
        if self.hidden_text is not None:
            return  # a click must not reveal where a blind force is
        column = event.x - MARGIN
        if 0 <= column <= self.bar_width:
            self.post_message(AimSet(column / self.bar_width * self.full_scale_n))

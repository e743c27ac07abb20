"""A force-time trace drawn as a filled area, with the target band shaded behind it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from trainer.ui.widgets.themed import ThemedWidget
from trainer.units import Contact, Unit

_EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS_WIDTH = 5


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the trace: the mean force over its time slice and the band then."""

    force_n: float | None
    low_n: float | None = None
    high_n: float | None = None


Cell = tuple[int, str, tuple[float, float] | None]


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the cells show: scale top, and per column its fill (eighths), zone, band rows."""

    top: float
    height: int
    width: int
    unit: Unit
    contact: Contact | None
    cells: tuple[Cell, ...]


def bucket(
    points: Iterable[tuple[float, float, float | None, float | None]],
    start_s: float,
    end_s: float,
    width: int,
) -> list[Column]:
    """Average ``(t, force, low, high)`` points into ``width`` equal time slices."""
    if width <= 0:
        return []
    span = max(end_s - start_s, 1e-9)
    sums = [0.0] * width
    counts = [0] * width
    # The last point of each slice, whose band the slice shows (kept whole: a live trace
    # buckets a thousand points about five times a second).
    lasts: list[tuple[float, float, float | None, float | None] | None] = [None] * width
    for point in points:
        index = int((point[0] - start_s) / span * width)
        if index < 0:
            continue
        if index >= width:
            index = width - 1
        sums[index] += point[1]
        counts[index] += 1
        lasts[index] = point
    columns = []
    for total, count, last in zip(sums, counts, lasts, strict=True):
        if last is None:
            columns.append(Column(None))
        else:
            columns.append(Column(total / count, last[2], last[3]))
    return columns


def nice_top(value_n: float) -> float:
    """A round scale top at or above ``value_n``."""
    for step in (5.0, 10.0, 20.0, 50.0, 100.0):
        if value_n <= step * 10:
            return max(step, -(-value_n // step) * step)
    return -(-value_n // 100.0) * 100.0


class ForceTrace(ThemedWidget):
    """The last seconds (live) or the whole session (results) as a filled area chart.

    Colour says whether each slice was in, above or below its band; the band is the
    shaded rows behind. Set :attr:`columns` (reassign, do not mutate) to redraw.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "trace--band",
        "trace--in",
        "trace--above",
        "trace--below",
        "trace--plain",
        "trace--axis",
    }

    DEFAULT_CSS = """
    ForceTrace { height: 1fr; min-height: 4; }
    ForceTrace > .trace--band { background: $success 25%; }
    ForceTrace > .trace--in { color: $success; }
    ForceTrace > .trace--above { color: $error; }
    ForceTrace > .trace--below { color: $warning; }
    ForceTrace > .trace--plain { color: $primary; }
    ForceTrace > .trace--axis { color: $text-muted; }
    """

    def __init__(
        self,
        top_n: float,
        unit: Unit = Unit.N,
        *,
        contact: Contact | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.top_n = top_n
        self.unit = unit
        #: the contact kPa is over (None: no pressure shown)
        self.contact = contact
        self._columns: Sequence[Column] = ()
        self._key: _Layout | None = None
        self._strips: list[Strip] | None = None
        self._blank = Strip.blank(0)
        #: columns as drawn (see ``_column``) at the height they were drawn at, by cell
        self._known_columns: dict[Cell, tuple[str, tuple[int, ...]]] = {}
        self._known_height = 0

    @property
    def plot_width(self) -> int:
        """Columns available for data (the widget's width less the axis)."""
        return max(1, self.size.width - AXIS_WIDTH)

    @property
    def columns(self) -> Sequence[Column]:
        return self._columns

    @columns.setter
    def columns(self, value: Sequence[Column]) -> None:
        self._columns = value
        key = self._layout()
        if key != self._key:
            # Repaint only when a cell would change, not whenever a mean moves a little.
            self._key = key
            self._strips = None
            self.refresh()

    def set_unit(self, unit: Unit, contact: Contact | None = None) -> None:
        self.unit = unit
        self.contact = contact
        self._key = None
        self._strips = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # the theme changed: colours are looked up again

    def on_resize(self) -> None:
        self._key = None
        self._strips = None

    def _layout(self) -> _Layout:
        height = max(1, self.size.height)
        width = self.plot_width
        columns = list(self._columns)[-width:]
        columns = [Column(None)] * (width - len(columns)) + columns
        top = self.top_n
        peak = max((c.force_n for c in columns if c.force_n is not None), default=0.0)
        if peak > top:
            top = nice_top(peak * 1.1)
        eighths_per_n = height * 8 / top
        cells: list[Cell] = []
        for column in columns:
            force = column.force_n
            band = None
            if column.low_n is not None and column.high_n is not None:
                band = (column.low_n / top * height, column.high_n / top * height)
            if force is None:
                cells.append((-1, "plain", band))
                continue
            kind = "plain"
            if column.low_n is not None and column.high_n is not None:
                kind = (
                    "below" if force < column.low_n else "above" if force > column.high_n else "in"
                )
            cells.append((round(max(0.0, force) * eighths_per_n), kind, band))
        return _Layout(top, height, width, self.unit, self.contact, tuple(cells))

    def _build(self, base: Style) -> list[Strip]:
        """The rows, top first, each as wide as the plot and its axis (``base`` under all)."""
        layout = self._key if self._key is not None else self._layout()
        top, height, unit, cells = layout.top, layout.height, layout.unit, layout.cells
        styles = {
            name: self.component_style(f"trace--{name}")
            for name in ("band", "in", "above", "below", "plain", "axis")
        }
        band_bg = Style(bgcolor=styles["band"].bgcolor)
        # A style per (kind, shaded) as ``_column`` numbers them, the widget's own under it.
        by_number = [base + styles[kind] for kind in _KINDS]
        by_number += [base + (styles[kind] + band_bg) for kind in _KINDS]
        axis = base + styles["axis"]
        # Columns drawn before (the trace scrolls, most reappear) are taken as they were.
        known, self._known_columns = self._known_columns, {}
        if self._known_height != height:
            known, self._known_height = {}, height
        columns = []
        for cell in cells:
            column = known.get(cell) or self._known_columns.get(cell)
            if column is None:
                column = _column(cell, height)
            self._known_columns[cell] = column
            columns.append(column)
        texts = ["".join(row) for row in zip(*(chars for chars, _ in columns), strict=True)]
        numbers = list(zip(*(kinds for _, kinds in columns), strict=True))
        strips: list[Strip] = []
        for row in range(height):
            if row == 0:
                label = f"{_axis_number(unit, top, layout.contact):>4} "
            elif row == height - 1:
                label = f"{0:>4} "
            else:
                label = " " * AXIS_WIDTH
            segments = [Segment(label, axis)]
            text, start = texts[row], 0
            for number, run in groupby(numbers[row]):
                end = start + sum(1 for _ in run)
                segments.append(Segment(text[start:end], by_number[number]))
                start = end
            # Every character takes one cell: the length is known without measuring.
            strips.append(Strip(segments, len(label) + len(text)))
        return strips

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            # The widget's own background under every cell.
            base = self.rich_style
            width = self.size.width
            self._strips = [strip.extend_cell_length(width, base) for strip in self._build(base)]
            self._blank = Strip.blank(width, base)
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return self._blank


#: the kinds of column, in the order ``_column`` numbers them (shaded: the number + 4)
_KINDS = ("in", "above", "below", "plain")


def _column(cell: Cell, height: int) -> tuple[str, tuple[int, ...]]:
    """One column's characters, top first, and each one's style number (see ``_KINDS``)."""
    level, kind, band = cell
    number = _KINDS.index(kind)
    chars: list[str] = []
    numbers: list[int] = []
    for row in range(height):
        row_floor = height - 1 - row  # rows counted from the bottom
        char = " "
        if level >= 0:
            char = _EIGHTHS[min(8, max(0, level - row_floor * 8))]
        if band is not None and band[0] < row_floor + 1 and band[1] > row_floor:
            # A shaded block lets the band show through the filled area.
            chars.append("▓" if char == "█" else char)
            numbers.append(number + 4)
        else:
            chars.append(char)
            numbers.append(number)
    return "".join(chars), tuple(numbers)


def _axis_number(unit: Unit, value_n: float, contact: Contact | None = None) -> str:
    """The scale top in the unit's rounding; whole units when that does not fit the axis."""
    text = unit.number(value_n, compact=True, contact=contact)
    return text if len(text) < AXIS_WIDTH else f"{unit.from_newtons(value_n, contact):.0f}"

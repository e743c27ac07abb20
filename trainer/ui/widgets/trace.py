"""A force-time trace drawn as a filled area, with the target band shaded behind it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from trainer.units import Unit

_EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS_WIDTH = 5


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the trace: the mean force over its time slice and the band then."""

    force_n: float | None
    low_n: float | None = None
    high_n: float | None = None


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
    bands: list[tuple[float | None, float | None]] = [(None, None)] * width
    for t, force, low, high in points:
        index = int((t - start_s) / span * width)
        if index < 0:
            continue
        if index >= width:
            index = width - 1
        sums[index] += force
        counts[index] += 1
        bands[index] = (low, high)
    return [Column(sums[i] / counts[i] if counts[i] else None, *bands[i]) for i in range(width)]


def nice_top(value_n: float) -> float:
    """A round scale top at or above ``value_n``."""
    for step in (5.0, 10.0, 20.0, 50.0, 100.0):
        if value_n <= step * 10:
            return max(step, -(-value_n // step) * step)
    return -(-value_n // 100.0) * 100.0


class ForceTrace(Widget):
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
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.top_n = top_n
        self.unit = unit
        self._columns: Sequence[Column] = ()

    @property
    def plot_width(self) -> int:
        """Columns available for data (the widget's width less the axis)."""
        return max(1, self.size.width - AXIS_WIDTH)

    @property
    def columns(self) -> Sequence[Column]:
        return self._columns

    @columns.setter
    def columns(self, value: Sequence[Column]) -> None:
        if list(value) != list(self._columns):
            self._columns = value
            self.refresh()

    def set_unit(self, unit: Unit) -> None:
        self.unit = unit
        self.refresh()

    def render(self) -> Text:
        height = max(1, self.size.height)
        width = self.plot_width
        columns = list(self._columns)[-width:]
        columns = [Column(None)] * (width - len(columns)) + columns
        top = self.top_n
        peak = max((c.force_n for c in columns if c.force_n is not None), default=0.0)
        if peak > top:
            top = nice_top(peak * 1.1)
        styles = {
            name: self.get_component_rich_style(f"trace--{name}")
            for name in ("band", "in", "above", "below", "plain", "axis")
        }
        band_bg = Style(bgcolor=styles["band"].bgcolor)
        eighths_total = height * 8
        text = Text(no_wrap=True, overflow="crop")
        for row in range(height):
            row_low = (height - 1 - row) / height * top
            row_high = (height - row) / height * top
            if row == 0:
                label = f"{self.unit.from_newtons(top):>4.0f} "
            elif row == height - 1:
                label = f"{0:>4} "
            else:
                label = " " * AXIS_WIDTH
            text.append(label, styles["axis"])
            for column in columns:
                char = " "
                style = styles["plain"]
                force = column.force_n
                if force is not None:
                    level = max(0.0, force) / top * eighths_total
                    fill = int(min(8, max(0, round(level - (height - 1 - row) * 8))))
                    char = _EIGHTHS[fill]
                    if column.low_n is not None and column.high_n is not None:
                        if force < column.low_n:
                            style = styles["below"]
                        elif force > column.high_n:
                            style = styles["above"]
                        else:
                            style = styles["in"]
                if (
                    column.low_n is not None
                    and column.high_n is not None
                    and column.low_n < row_high
                    and column.high_n > row_low
                ):
                    style = style + band_bg
                    if char == "█":
                        # A shaded block lets the band show through the filled area.
                        char = "▓"
                text.append(char, style)
            if row < height - 1:
                text.append("\n")
        return text

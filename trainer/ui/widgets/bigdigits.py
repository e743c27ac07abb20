"""Digits five rows tall, in solid blocks: the force, readable at arm's length."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

# Each glyph is five rows; '#' is a solid block. Kept simple and bold for a 7-inch screen.
_FONT: dict[str, tuple[str, ...]] = {
    "0": ("####", "#  #", "#  #", "#  #", "####"),
    "1": ("  # ", " ## ", "  # ", "  # ", " ###"),
    "2": ("####", "   #", "####", "#   ", "####"),
    "3": ("####", "   #", " ###", "   #", "####"),
    "4": ("#  #", "#  #", "####", "   #", "   #"),
    "5": ("####", "#   ", "####", "   #", "####"),
    "6": ("####", "#   ", "####", "#  #", "####"),
    "7": ("####", "   #", "  # ", " #  ", " #  "),
    "8": ("####", "#  #", "####", "#  #", "####"),
    "9": ("####", "#  #", "####", "   #", "####"),
    ".": ("  ", "  ", "  ", "  ", "██"),
    "-": ("    ", "    ", "####", "    ", "    "),
    " ": ("  ", "  ", "  ", "  ", "  "),
}
HEIGHT = 5


def big_lines(value: str) -> list[str]:
    """``value`` drawn as five lines of block characters (unknown characters as blanks)."""
    rows = [""] * HEIGHT
    for index, char in enumerate(value):
        glyph = _FONT.get(char, _FONT[" "])
        for row in range(HEIGHT):
            gap = " " if index else ""
            rows[row] += gap + glyph[row].replace("#", "█")
    return rows


class BigDigits(Widget):
    """A number five rows tall; :meth:`update` repaints only when the text changes."""

    DEFAULT_CSS = """
    BigDigits { height: 5; width: auto; }
    """

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._value = value
        self._strips: list[Strip] | None = None
        self._strips_key: object = None

    @property
    def value(self) -> str:
        return self._value

    def update(self, value: str) -> None:
        if value != self._value:
            # Digits, the point and the minus sign have their own widths: "10.0" -> "9.9"
            # narrows the widget, "12.3" -> "12.4" does not need a layout pass.
            width_changed = digits_width(value) != digits_width(self._value)
            self._value = value
            self.refresh(layout=width_changed)

    def get_content_width(self, container: object, viewport: object) -> int:
        return digits_width(self._value)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return HEIGHT

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # the theme changed: colours are looked up again

    def render_line(self, y: int) -> Strip:
        key = (self._value, self.size.width)
        if self._strips is None or self._strips_key != key:
            # Built once per value, not per line: the style lookup costs more than drawing.
            self._strips = self._build()
            self._strips_key = key
        if 0 <= y < HEIGHT:
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _build(self) -> list[Strip]:
        on = self.rich_style
        return [
            strip.extend_cell_length(self.size.width, on) for strip in digit_strips(self._value, on)
        ]


def digit_strips(value: str, on: Style) -> list[Strip]:
    """``value``'s five rows, blocks in ``on`` and the gaps dimmed, as wide as the digits."""
    # Drawn line by line: as one text, the glyphs' leading spaces would be trimmed.
    off = on + Style(dim=True)  # a separate run per gap keeps SVG screenshots aligned
    return [
        Strip([Segment(run, on if run[0] == "█" else off) for run in _runs(line) if run])
        for line in big_lines(value)
    ]


def digits_width(value: str) -> int:
    """Cells ``value`` takes when drawn: each glyph and one space between glyphs."""
    blank = _FONT[" "]
    return sum(len(_FONT.get(char, blank)[0]) for char in value) + max(0, len(value) - 1)


def _runs(line: str) -> list[str]:
    """``'██  █'`` -> ``['██', '  ', '█']``."""
    runs: list[str] = []
    for char in line:
        if runs and (runs[-1][0] == "█") == (char == "█"):
            runs[-1] += char
        else:
            runs.append(char)
    return runs

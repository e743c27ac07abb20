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

    @property
    def value(self) -> str:
        return self._value

    def update(self, value: str) -> None:
        if value != self._value:
            width_changed = len(big_lines(value)[0]) != len(big_lines(self._value)[0])
            self._value = value
            self.refresh(layout=width_changed)

    def get_content_width(self, container: object, viewport: object) -> int:
        return len(big_lines(self._value)[0])

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return HEIGHT

    def render_line(self, y: int) -> Strip:
        # Drawn line by line: as one text, the glyphs' leading spaces would be trimmed.
        lines = big_lines(self._value)
        if not 0 <= y < len(lines):
            return Strip.blank(self.size.width, self.rich_style)
        on = self.rich_style
        off = on + Style(dim=True)  # a separate run per gap keeps SVG screenshots aligned
        segments = [Segment(run, on if run[0] == "█" else off) for run in _runs(lines[y]) if run]
        return Strip(segments).extend_cell_length(self.size.width, on)


def _runs(line: str) -> list[str]:
    """``'██  █'`` -> ``['██', '  ', '█']``."""
    runs: list[str] = []
    for char in line:
        if runs and (runs[-1][0] == "█") == (char == "█"):
            runs[-1] += char
        else:
            runs.append(char)
    return runs

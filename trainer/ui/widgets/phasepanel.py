"""The phase panel: the step's name, its cue, its band and time, and what comes next."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from trainer.ui.text import literal

#: the panel's lines, top to bottom
LINES = ("name", "cue", "time", "next")


class PhasePanel(Widget):
    """Four lines in one widget: a frame composes one widget here, not five.

    Each line shows as written (names come from exercise files) and wraps on its own.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"phase-panel--{name}" for name in LINES}
    DEFAULT_CSS = """
    PhasePanel > .phase-panel--name { text-style: bold; color: $primary; }
    PhasePanel > .phase-panel--cue { text-style: bold; }
    PhasePanel > .phase-panel--time { color: $text; }
    PhasePanel > .phase-panel--next { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines = dict.fromkeys(LINES, "")

    def line(self, name: str) -> str:
        """The text of one line (``name``: name, cue, time or next), as shown."""
        return literal(self._lines[name]).plain

    def show(self, **lines: str) -> None:
        """Set some lines; repaint only if one changed."""
        changed = False
        for name, value in lines.items():
            if self._lines[name] != value:
                self._lines[name] = value
                changed = True
        if changed:
            self.refresh()

    def render(self) -> Content:
        lines = [
            literal(self._lines[name]).stylize_before(self.get_visual_style(f"phase-panel--{name}"))
            for name in LINES
        ]
        # Blank lines to the bottom: below the text they look as the lines above do.
        lines += [Content("")] * max(0, self.content_region.height - len(lines))
        return Content("\n").join(lines)

    def render_line(self, y: int) -> Strip:
        # An empty line renders as an empty segment in a style of its own; without it the
        # line is drawn as the panel's blank cells, as an empty label's line is.
        strip = super().render_line(y)
        if all(segment.text for segment in strip):
            return strip
        return Strip([segment for segment in strip if segment.text], strip.cell_length)

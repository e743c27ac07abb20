"""Paragraphs that wrap themselves: exercise instructions, the coaching on the results."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from trainer.ui.text import literal, wrapped

#: a paragraph, or a paragraph and its style (``("6 steps, about 29 s", "dim")``)
Paragraph = str | tuple[str, str]


class Prose(Static):
    """Paragraphs wrapped to the widget's width, each behind ``bullet`` (none by default)
    with its other lines under its first word.

    Wrapped here rather than by Textual so that a number never leaves its unit: ``15``
    at the end of a line and ``N`` on the next reads as a different number.
    """

    def __init__(self, *, bullet: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.bullet = bullet
        self._paragraphs: tuple[tuple[str, str], ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The paragraphs shown, as given."""
        return tuple(paragraph for paragraph, _style in self._paragraphs)

    def show(self, paragraphs: Iterable[Paragraph]) -> None:
        """Show these paragraphs (none: empty)."""
        self._paragraphs = tuple((p, "") if isinstance(p, str) else p for p in paragraphs)
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Content]:
        lines: list[Content] = []
        for paragraph, style in self._paragraphs:
            for line in wrapped(paragraph, width, self.bullet):
                lines.append(literal(line).stylize(style) if style else literal(line))
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.size.width))

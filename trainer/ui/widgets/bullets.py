"""A bulleted list of sentences, such as the coaching on the results screen."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from trainer.ui.text import bulleted, literal


class Bullets(Static):
    """Sentences as bullets, wrapped to the widget's width under their first word.

    Wrapped here rather than by Textual so that a number never leaves its unit: ``15.0``
    at the end of a line and ``N`` on the next reads as a different number.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._sentences: tuple[str, ...] = ()

    @property
    def sentences(self) -> tuple[str, ...]:
        """The sentences shown, one bullet each."""
        return self._sentences

    def show(self, sentences: Iterable[str]) -> None:
        """Show these sentences (none: the list is empty)."""
        self._sentences = tuple(sentences)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(bulleted(self._sentences, width))

    def render(self) -> Content:
        return literal("\n".join(bulleted(self._sentences, self.size.width)))

"""A widget that looks its component styles up once per theme, not once per repaint."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class ThemedWidget(Widget):
    """:meth:`component_style` keeps each component's style until the styles change.

    Textual forgets a widget's component styles at every refresh, and looking one up
    walks the widget's ancestors: for a widget repainted every frame that is most of
    the cost of drawing it. Styles change only when Textual applies the CSS again (a
    theme, a class), and then it calls :meth:`notify_style_update`.
    """

    _component_style_book: dict[str, Style] | None = None

    def component_style(self, name: str) -> Style:
        """The Rich style of the component class ``name`` (one of COMPONENT_CLASSES)."""
        book = self._component_style_book
        if book is None:
            book = self._component_style_book = {}
        style = book.get(name)
        if style is None:
            style = book[name] = self.get_component_rich_style(name)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._component_style_book = None

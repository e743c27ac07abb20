"""The class app: the class screen around a hub, in a terminal or a browser.

The hub's network thread puts messages into the context's :class:`Inbox`; a timer here
drains them into the board about 10 times a second and asks the screen on top to
redraw. Build it with :func:`build_class_app` so tests inject fixed messages and clock.

Example::

    app = build_class_app(ClassContext(board, control=hub, library=library))
    app.run()
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer

from trainer.ui.classroom.context import ClassContext
from trainer.ui.classroom.screen import ClassScreen
from trainer.ui.text import NoticesAsWritten


class ClassApp(NoticesAsWritten):
    """Pressure Trainer's class screen (see the module docstring)."""

    CSS_PATH = "classroom.tcss"
    TITLE = "Pressure Trainer: class"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q,ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("q", "quit", "Quit"),
        Binding("u", "cycle_units", "Units", show=False),
    ]

    def __init__(self, context: ClassContext) -> None:
        super().__init__()
        self.klass = context
        self._timer: Timer | None = None
        self.theme = "textual-dark"

    def get_default_screen(self) -> Screen[None]:
        return ClassScreen()

    def on_mount(self) -> None:
        if self.klass.timers:
            self._timer = self.set_interval(1 / self.klass.fps, self.tick)

    def tick(self) -> None:
        """Feed the board what arrived since the last tick; redraw the screen on top."""
        klass = self.klass
        for arrived_at, message in klass.inbox.drain():
            translated = klass.translate(message)
            if translated is not None:
                klass.board.apply(translated, arrived_at)  # type: ignore[arg-type]
        redraw = getattr(self.screen, "redraw", None)
        if callable(redraw):
            try:
                redraw()
            except NoMatches:  # the screen is being taken down: nothing left to draw
                return

    def action_cycle_units(self) -> None:
        self.klass.units = self.klass.units.next()
        self.klass.board.unit = self.klass.units
        self.notify(f"Forces now shown in {self.klass.units.value}.", timeout=2)
        for screen in self.screen_stack:
            hook = getattr(screen, "units_changed", None)
            if callable(hook):
                hook()


def build_class_app(context: ClassContext) -> ClassApp:
    """The class app, built from an injected context (see :class:`ClassContext`)."""
    return ClassApp(context)

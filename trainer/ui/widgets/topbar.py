"""The one-line bar at the top of every screen: where you are, who, the class, SIMULATION."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label


class TopBar(Horizontal):
    """Title on the left; the student, the bell and the SIMULATION badge on the right."""

    DEFAULT_CSS = """
    TopBar { height: 1; dock: top; background: $panel; }
    TopBar > #title { width: 1fr; text-style: bold; padding: 0 1; }
    TopBar > #status { width: auto; padding: 0 1; color: $text-muted; }
    TopBar > #class { width: auto; padding: 0 1; display: none; }
    TopBar > #class.offline { color: $warning; }
    TopBar > #sim-badge {
        width: auto; padding: 0 1; background: $warning; color: auto 90%;
        text-style: bold;
    }
    """

    def __init__(self, title: str, *, simulated: bool, status: str = "") -> None:
        super().__init__()
        self._title = title
        self._simulated = simulated
        self._status = status

    def compose(self) -> ComposeResult:
        # Titles hold names from files and the records: shown as written, never as styling.
        yield Label(self._title, id="title", markup=False)
        yield Label(self._status, id="status")
        yield Label("", id="class")
        if self._simulated:
            yield Label("SIMULATION", id="sim-badge")

    def on_mount(self) -> None:
        # A class station shows its class and whether it is connected, kept current.
        link = getattr(getattr(self.app, "context", None), "classroom", None)
        if link is not None:
            self.query_one("#class", Label).display = True
            self._show_class()
            self.set_interval(1.0, self._show_class)

    def _show_class(self) -> None:
        from trainer.ui.station_class import class_badge

        link = getattr(getattr(self.app, "context", None), "classroom", None)
        label = self.query_one("#class", Label)
        label.update(class_badge(link))
        label.set_class(link is not None and (link.taken_over or not link.connected), "offline")

    def set_title(self, title: str) -> None:
        self.query_one("#title", Label).update(title)

    def set_status(self, status: str) -> None:
        self.query_one("#status", Label).update(status)

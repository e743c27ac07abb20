"""The one-line bar at the top of every screen: where you are, who, and SIMULATION."""

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
        yield Label(self._title, id="title")
        yield Label(self._status, id="status")
        if self._simulated:
            yield Label("SIMULATION", id="sim-badge")

    def set_title(self, title: str) -> None:
        self.query_one("#title", Label).update(title)

    def set_status(self, status: str) -> None:
        self.query_one("#status", Label).update(status)

"""The instructor PIN prompt: a small modal that checks the PIN against the records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from trainer.instructor.pin import PinGuard, PinLocked
from trainer.store import Store
from trainer.ui.context import context_of
from trainer.ui.text import sentence


def _store(app: App[Any]) -> Store:
    return context_of(app).config.store


class PinScreen(ModalScreen[bool]):
    """Asks for the PIN; dismisses True when it is right, False on Escape."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, guard: PinGuard, purpose: str) -> None:
        super().__init__()
        self.guard = guard
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Label(f"Instructor PIN to {self.purpose}", id="pin-title")
            yield Input(password=True, placeholder="PIN", id="pin-input", max_length=12)
            yield Label("Enter to check, Escape to go back.", id="pin-message")

    def on_mount(self) -> None:
        # Widgets nested in containers mount after the screen.
        self.call_after_refresh(self._ready)

    def _ready(self) -> None:
        self.query_one("#pin-input", Input).focus()
        self._show_lock()

    def _show_lock(self) -> bool:
        left = self.guard.locked_for_s()
        if left:
            self.query_one("#pin-message", Label).update(sentence(PinLocked(left)))
            return True
        return False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        message = self.query_one("#pin-message", Label)
        try:
            ok = self.guard.verify(event.value)
        except PinLocked as locked:
            message.update(sentence(locked))
            event.input.value = ""
            return
        if ok:
            self.dismiss(True)
            return
        event.input.value = ""
        if not self._show_lock():
            message.update("That PIN is not right: check it and try again.")

    def action_cancel(self) -> None:
        self.dismiss(False)


def with_pin(app: App[Any], purpose: str, then: Callable[[], object]) -> None:
    """Run ``then`` at once if no PIN is set, else after the right PIN is typed."""
    guard = PinGuard(_store(app))
    if not guard.is_set:
        then()
        return

    def answered(ok: bool | None) -> None:
        if ok:
            then()

    app.push_screen(PinScreen(guard, purpose), answered)

"""The modal forms' common keys: Enter or a button sends the form, Escape or Cancel closes it."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button, Input

ResultT = TypeVar("ResultT")


class FormDialog(ModalScreen[ResultT | None], Generic[ResultT]):
    """A modal form that dismisses with its result, or None when cancelled.

    Enter in one of its fields, or a button other than the one with id ``cancel``,
    calls :meth:`submit`; Escape and the ``cancel`` button close it with None.

    Example::

        class MarginDialog(FormDialog[float]):
            def compose(self) -> ComposeResult:
                yield Input(id="margin")
                yield Button("Set", id="send")
                yield Button("Cancel (Esc)", id="cancel")

            def submit(self, button: str) -> None:
                self.dismiss(float(self.query_one("#margin", Input).value))
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def submit(self, button: str) -> None:
        """Act on the form: ``button`` is the pressed button's id, "" for Enter in a field."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.submit(event.button.id or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit("")

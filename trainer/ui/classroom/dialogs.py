"""The instructor's actions on one station, a selection or the whole class.

Each dialog asks what (an exercise, a feedback schedule, a message, pause or resume)
and for whom, sends it through the hub's controls, and dismisses with a sentence saying
what was sent (or None when cancelled). A refusal from the hub is shown as it is.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from trainer.classroom.protocol import MAX_MESSAGE_CHARS
from trainer.instructor.schedules import DESCRIPTIONS, FeedbackSchedule, ScheduleKind
from trainer.ui.classroom.context import Stations, UsesClass
from trainer.ui.dialog import FormDialog


def _whom(stations: Stations, label: str) -> str:
    """``'Only 3 · Ana'`` -> ``'3 · Ana'``; ``'The 4 selected stations'`` -> ``'the 4 ...'``."""
    if stations == "all":
        return "every station"
    label = label.removeprefix("Only ")
    return label[0].lower() + label[1:] if label.startswith("The ") else label


class ActionDialog(UsesClass, FormDialog[str]):
    """A dialog with a 'for whom' choice; subclasses add what, and :meth:`send`."""

    TITLE_TEXT = ""

    def __init__(self, choices: list[tuple[str, Stations]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="action-box"):
            yield Label(self.TITLE_TEXT, classes="action-title")
            yield from self.compose_what()
            yield Label("For", classes="action-label")
            with RadioSet(id="whom"):
                for index, (label, _stations) in enumerate(self.choices):
                    yield RadioButton(label, value=index == 0)
            with Horizontal(classes="action-buttons"):
                yield from self.compose_buttons()
                yield Button("Cancel (Esc)", id="cancel")

    def compose_what(self) -> ComposeResult:
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button("Send", id="send", variant="primary")

    def chosen(self) -> tuple[Stations, str]:
        index = self.query_one("#whom", RadioSet).pressed_index
        label, stations = self.choices[max(0, index)]
        return stations, _whom(stations, label)

    def submit(self, button: str) -> None:
        self.attempt(button or "send")

    def attempt(self, button: str) -> None:
        """Send, then close with what was done; stay open with the reason on a refusal."""
        try:
            said = self.send(button)
        except (ValueError, RuntimeError, OSError) as error:
            self.notify(f"Not sent: {error}", severity="error", timeout=8)
            return
        if said is not None:
            self.dismiss(said)

    def send(self, button: str) -> str | None:
        raise NotImplementedError


class ChoiceDialog(ActionDialog):
    """An action on one choice from a list: Enter on a choice sends it."""

    LIST_ID = ""

    def on_mount(self) -> None:
        options = self.query_one(f"#{self.LIST_ID}", OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.attempt("send")

    def choice(self) -> str | None:
        """The id of the highlighted choice (None when the list has none)."""
        options = self.query_one(f"#{self.LIST_ID}", OptionList)
        if options.highlighted is None:
            self.notify("Pick one first.", severity="warning")
            return None
        return options.get_option_at_index(options.highlighted).id


class AssignDialog(ChoiceDialog):
    """Assign an exercise, blind or with the live gauge (Enter on an exercise sends)."""

    LIST_ID = "exercises"

    TITLE_TEXT = "Assign an exercise"

    def compose_what(self) -> ComposeResult:
        exercises = self.klass.library.sorted()
        yield OptionList(*(Option(e.name, id=e.id) for e in exercises), id="exercises")
        yield Checkbox("Blind: no live gauge, results at the end", id="blind")

    def compose_buttons(self) -> ComposeResult:
        yield Button("Assign", id="send", variant="primary")

    def send(self, button: str) -> str | None:
        exercise_id = self.choice()
        if exercise_id is None:
            return None
        blind = self.query_one("#blind", Checkbox).value
        stations, whom = self.chosen()
        self.klass.control.assign(stations, exercise_id, blind)
        name = self.klass.library.get(exercise_id).name
        return f"Assigned {name}{', blind' if blind else ''} to {whom}."


class ScheduleDialog(ChoiceDialog):
    """Change the feedback schedule (Enter on a schedule sends)."""

    TITLE_TEXT = "Feedback schedule"
    LIST_ID = "schedules"

    def compose_what(self) -> ComposeResult:
        yield OptionList(
            *(
                Option(f"{kind.value}: {DESCRIPTIONS[kind]}", id=kind.value)
                for kind in ScheduleKind
            ),
            id="schedules",
        )

    def send(self, button: str) -> str | None:
        kind = self.choice()
        if kind is None:
            return None
        schedule = FeedbackSchedule.parse(kind)
        stations, whom = self.chosen()
        self.klass.control.set_schedule(stations, schedule)
        return f"Feedback for {whom}: {schedule.describe()}."


class MessageDialog(ActionDialog):
    """A short message that appears on the stations' screens (Enter sends)."""

    TITLE_TEXT = "Message to the stations"

    def compose_what(self) -> ComposeResult:
        yield Input(
            placeholder="For example: lighter on the hold, everyone",
            max_length=MAX_MESSAGE_CHARS,
            id="message",
        )

    def on_mount(self) -> None:
        self.query_one("#message", Input).focus()

    def send(self, button: str) -> str | None:
        text = " ".join(self.query_one("#message", Input).value.split())
        if not text:
            self.notify("Type a message first.", severity="warning")
            return None
        stations, whom = self.chosen()
        self.klass.control.send_message(stations, text)
        return f"Message sent to {whom}."


class PauseDialog(ActionDialog):
    """Pause or resume practice."""

    TITLE_TEXT = "Pause or resume practice"

    def compose_buttons(self) -> ComposeResult:
        yield Button("Pause", id="pause", variant="warning")
        yield Button("Resume", id="resume", variant="success")

    def on_mount(self) -> None:
        self.query_one("#pause", Button).focus()

    def send(self, button: str) -> str | None:
        paused = button == "pause"
        stations, whom = self.chosen()
        self.klass.control.pause(stations, paused)
        return f"{'Paused' if paused else 'Resumed'} {whom}."


class MarginDialog(FormDialog[float]):
    """The margin over the band's top that raises 'pressing too hard'."""

    def __init__(self, margin_pct: float) -> None:
        super().__init__()
        self.margin_pct = margin_pct

    def compose(self) -> ComposeResult:
        with Vertical(classes="action-box"):
            yield Label("Alert margin", classes="action-title")
            yield Label(
                "Alert when a student presses this many percent over the band's top "
                "for more than 2 seconds.",
                classes="action-label",
            )
            yield Input(f"{self.margin_pct:g}", type="number", id="margin")
            with Horizontal(classes="action-buttons"):
                yield Button("Set", id="send", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#margin", Input).focus()

    def submit(self, button: str) -> None:
        try:
            value = float(self.query_one("#margin", Input).value)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 500:
            self.notify("The margin is a number of percent from 0 to 500.", severity="error")
            return
        self.dismiss(value)

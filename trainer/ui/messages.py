"""Messages the widgets send up to the screens (attributes flow down, messages up)."""

from __future__ import annotations

from textual.message import Message


class AimNudged(Message):
    """The mouse wheel over the gauge: press harder (steps > 0) or lighter."""

    def __init__(self, steps: int) -> None:
        super().__init__()
        self.steps = steps


class AimSet(Message):
    """A click on the gauge: aim for this force."""

    def __init__(self, force_n: float) -> None:
        super().__init__()
        self.force_n = force_n

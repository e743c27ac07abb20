"""Messages sent up: widgets to their screens, screens to the app (attributes flow down)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from trainer.exercises import Exercise


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


class PracticeAgain(Message):
    """The results screen's "again": open this exercise's live screen for this student."""

    def __init__(self, exercise: Exercise, student: str) -> None:
        super().__init__()
        self.exercise = exercise
        self.student = student

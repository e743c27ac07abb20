"""What the screens work with, handed down by the app: :class:`TrainerContext`.

The app builds one context from its :class:`~trainer.ui.config.UIConfig` and keeps it
for its whole run. Screens reach it as ``self.trainer`` (mix in :class:`UsesTrainer`),
so no screen imports the app and the UI's modules import each other one way only.

Example::

    class HistoryScreen(UsesTrainer, Screen[None]):
        def on_mount(self) -> None:
            rows = self.trainer.config.store.sessions(self.trainer.student)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from textual.app import App
from textual.dom import DOMNode

from trainer.units import Unit

if TYPE_CHECKING:
    from trainer.classroom.station import StationLink
    from trainer.exercises import ExerciseLibrary
    from trainer.ui.config import CueListener, UIConfig
    from trainer.ui.controller import LiveController


@dataclass(eq=False)
class TrainerContext:
    """The app's services and the state every screen shares.

    ``config`` holds the services (store, library, sensor factory) and settings;
    ``student``, ``units`` and ``bell_on`` are the current choices; ``live`` the
    session in progress, if any. ``save_and_close`` and ``quit_saving`` are the app's:
    saving the session in progress and leaving are the app's concern.
    """

    config: UIConfig
    #: save the session in progress (status None: complete if it ran to its end)
    save_and_close: Callable[[str | None], int | None]
    #: save the session in progress as incomplete and leave the app
    quit_saving: Callable[[], None]
    student: str = ""
    units: Unit = Unit.N
    bell_on: bool = False
    live: LiveController | None = None
    #: called with every engine event on the UI thread (the bell, the Pi's LEDs)
    listeners: list[CueListener] = field(default_factory=list)
    #: the station's link to its class (``trainer run --class``), None outside a class
    classroom: StationLink | None = None

    def reload_library(self) -> ExerciseLibrary:
        """Read the exercise folders again after a change, so every screen sees it."""
        from trainer.exercises import ExerciseLibrary

        library = ExerciseLibrary.load()
        self.config.library = library
        return library


C = TypeVar("C")


def handed_down(node: DOMNode, attribute: str, kind: type[C]) -> C:
    """The ``kind`` the app ``node`` runs in (or ``node``, an app) keeps as ``attribute``.

    Raises :class:`TypeError` naming the app when it hands down no such thing.
    """
    app = node if isinstance(node, App) else node.app
    handed = getattr(app, attribute, None)
    if not isinstance(handed, kind):
        raise TypeError(f"{type(app).__name__} hands no {kind.__name__} to its screens")
    return handed


def context_of(node: DOMNode) -> TrainerContext:
    """The context of the app ``node`` runs in (or of ``node``, an app)."""
    return handed_down(node, "context", TrainerContext)


class UsesTrainer:
    """Mixin for screens and widgets: ``self.trainer`` is the app's context."""

    _trainer_context: TrainerContext | None = None

    @property
    def trainer(self) -> TrainerContext:
        # Looked up once: the live screen asks every frame, and a node stays in one app.
        context = self._trainer_context
        if context is None:
            assert isinstance(self, DOMNode)
            context = self._trainer_context = context_of(self)
        return context

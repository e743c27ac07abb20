"""What the class screens work with: :class:`ClassContext`, handed down by the class app.

The class app (``trainer class``) builds one context around the hub: the board the
messages feed, the hub's controls (assign, message, schedule, pause), its records and
the exercise library. Screens reach it as ``self.klass`` (mix in :class:`UsesClass`),
so no screen imports the app, and tests build the context with fixed messages and a
fixed clock.

Example::

    context = ClassContext(board, control=hub_control, library=library, store=hub_store)
    ClassApp(context).run()
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from textual.dom import DOMNode

from trainer.ui.context import handed_down
from trainer.units import Unit

if TYPE_CHECKING:
    from trainer.classroom.board import ClassBoard
    from trainer.exercises import ExerciseLibrary
    from trainer.instructor.schedules import FeedbackSchedule
    from trainer.store import Store

#: the stations an action is for: their ids, or every station of the class
Stations = Sequence[str] | Literal["all"]


class ClassControl(Protocol):
    """The instructor's intents, published by the hub as the class configuration."""

    def assign(self, stations: Stations, exercise_id: str, blind: bool) -> None: ...

    def send_message(self, stations: Stations, text: str) -> None: ...

    def pause(self, stations: Stations, paused: bool) -> None: ...

    def set_schedule(self, stations: Stations, schedule: FeedbackSchedule | None) -> None: ...


class Inbox:
    """Messages from the hub's network thread, drained by the screen's redraw timer.

    ``put`` is safe from any thread and never blocks the network; the board (UI thread
    only) gets them in arrival order with the time they arrived.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._items: deque[tuple[float, object]] = deque()
        self._lock = threading.Lock()

    def put(self, message: object) -> None:
        item = (self._clock(), message)
        with self._lock:
            self._items.append(item)

    def drain(self) -> list[tuple[float, object]]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
        return items


@dataclass(eq=False)
class ClassContext:
    """The class screen's services and shared state (see the module docstring)."""

    board: ClassBoard
    control: ClassControl
    library: ExerciseLibrary
    #: the hub's records (the class's sessions, same schema as a station's); None: none yet
    store: Store | None = None
    class_name: str = ""
    units: Unit = Unit.N
    #: the wall clock in unix seconds; tests pass a fixed one
    clock: Callable[[], float] = time.time
    #: where the end-of-class table is exported (CSV and HTML)
    export_dir: Path = field(default_factory=Path.cwd)
    inbox: Inbox = field(default_factory=Inbox)
    #: redraws per second of the class screen
    fps: float = 10.0
    #: False for tests that drain the inbox themselves
    timers: bool = True
    #: on the UI thread, what arrived -> what the board takes (None: nothing for it)
    translate: Callable[[object], object | None] = lambda message: message
    #: what the top bar says about the class's connection ("hub connected", ...)
    link_status: Callable[[], str] = lambda: ""
    #: benchmark hook: ``probe(station, report_t, painted_at)`` after a tile shows a report
    paint_probe: Callable[[str, float, float], None] | None = None
    tz: tzinfo | None = None


class UsesClass:
    """Mixin for screens and widgets: ``self.klass`` is the class app's context."""

    @property
    def klass(self) -> ClassContext:
        assert isinstance(self, DOMNode)
        return handed_down(self, "klass", ClassContext)

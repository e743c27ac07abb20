"""Who is told of a hub's or a station's events: :class:`Listeners`.

Events are emitted from the network and worker threads; a listener that fails is
logged and the others are still told, so a broken screen never stops the class's
traffic.

Example::

    listeners: Listeners[HubEvent] = Listeners("hub")
    listeners.add(board_inbox.put)
    listeners.emit(HubConnectionChanged(True, None))
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")


class Listeners(Generic[E]):
    """The callbacks told of every event of one kind, from any thread."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._callbacks: list[Callable[[E], None]] = []

    def add(self, listener: Callable[[E], None]) -> None:
        self._callbacks.append(listener)

    def remove(self, listener: Callable[[E], None]) -> None:
        """Stop telling ``listener``; one never added is ignored."""
        with contextlib.suppress(ValueError):
            self._callbacks.remove(listener)

    def emit(self, event: E) -> None:
        # A copy: a listener may add or remove listeners while being told.
        for listener in list(self._callbacks):
            try:
                listener(event)
            except Exception:
                log.exception("%s listener %r failed", self.owner, listener)

"""What the hub and a station share: a class file's MQTT client and the listeners told of it.

:class:`ClassLink` logs in with the class file's account (``broker.class_client``) and turns
paho's four connection callbacks into the hooks a link writes for itself: ``_connected``
(the broker accepted us: subscribe), ``_refused`` (it did not: say why),
``_went_offline`` (it is away: say so, paho retries) and ``_on_message``.

Example::

    class ClassHub(ClassLink[HubEvent]):
        LOST = "lost the class broker ({reason}); retrying"
        ...
        self.client = self._make_client(f"{self.class_name}-hub", manual_ack=True)
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from trainer.classroom.broker import ClassFile, class_client
from trainer.classroom.listeners import Listeners

E = TypeVar("E")

#: a connection the broker drops sooner than this after accepting it counts as a quick drop
QUICK_DROP_S = 3.0
#: this many quick drops in a row: another program is logged in with the same class file
QUICK_DROPS_TAKEN_OVER = 3


class ClassLink(ABC, Generic[E]):
    """One connection to the class broker: its client, its state and its listeners."""

    #: the problem while the broker cannot be reached ({host}, {port})
    UNREACHABLE: ClassVar[str]
    #: the problem once an open connection is lost ({reason})
    LOST: ClassVar[str]
    #: the problem when the broker keeps dropping the link just after accepting it ({file}):
    #: another program logged in with the same class file takes the session over each time
    TAKEN_OVER: ClassVar[str]

    def __init__(self, class_file: ClassFile, listeners: Listeners[E]) -> None:
        self.class_file = class_file
        self.class_name = class_file.class_name
        #: True while the broker has accepted the link
        self.connected = False
        #: why the link is not connected (None while connected or still trying first)
        self.problem: str | None = None
        self._listeners = listeners
        self._stopping = threading.Event()
        self._connected_at: float | None = None
        self._quick_drops = 0  # connections in a row the broker dropped within QUICK_DROP_S

    @property
    def taken_over(self) -> bool:
        """True while another program logged in with this class file keeps taking the
        broker session (until a connection of ours holds for ``QUICK_DROP_S``)."""
        if self._quick_drops < QUICK_DROPS_TAKEN_OVER:
            return False
        since = self._connected_at
        return since is None or time.monotonic() - since < QUICK_DROP_S

    def _make_client(self, client_id: str, *, manual_ack: bool = False) -> mqtt.Client:
        client = class_client(self.class_file, client_id, manual_ack=manual_ack)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        return client

    def add_listener(self, listener: Callable[[E], None]) -> None:
        """Call ``listener(event)`` for every event (from the network and worker threads)."""
        self._listeners.add(listener)

    def remove_listener(self, listener: Callable[[E], None]) -> None:
        self._listeners.remove(listener)

    # -- paho's callbacks (the network thread) -----------------------------------------------
    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: Any,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            self._refused(str(reason))
            return
        self.connected = True
        self.problem = None
        self._connected_at = time.monotonic()
        self._connected(client)

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        self._went_offline(
            self.UNREACHABLE.format(host=self.class_file.host, port=self.class_file.port)
        )

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: Any,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if self._stopping.is_set():
            self.connected = False
            return
        # Mosquitto 2.0.11 gives no reason when another client takes the session over, so
        # the sign is the broker dropping each new connection within a second or two.
        since, self._connected_at = self._connected_at, None
        quick = since is not None and time.monotonic() - since < QUICK_DROP_S
        self._quick_drops = self._quick_drops + 1 if quick else 0
        if self._quick_drops >= QUICK_DROPS_TAKEN_OVER:
            self._went_offline(self.TAKEN_OVER.format(file=self.class_file.path.name))
        else:
            self._went_offline(self.LOST.format(reason=reason))

    # -- what each link does -------------------------------------------------------------------
    @abstractmethod
    def _connected(self, client: mqtt.Client) -> None:
        """The broker accepted the link: subscribe and say so."""

    @abstractmethod
    def _refused(self, reason: str) -> None:
        """The broker refused the link (``reason`` is its answer): say why and what to do."""

    @abstractmethod
    def _went_offline(self, problem: str) -> None:
        """The broker is away (paho keeps retrying): record ``problem`` and say so."""

    @abstractmethod
    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        """A message arrived on a subscribed topic."""

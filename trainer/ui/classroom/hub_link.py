"""The class screen's side of a :class:`~trainer.classroom.hub.ClassHub`.

The hub's events arrive on its network and ingest threads; :class:`HubLink` only puts
them into the screen's :class:`Inbox` (never blocking the network) and, on the UI
thread, turns a stored session into its table row from the hub's records. The
instructor's intents go the other way, through the hub, which publishes them as the
class configuration: the stations show exactly what was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from trainer.classroom.day_report import stored_summaries
from trainer.classroom.hub import (
    HubConnectionChanged,
    HubError,
    HubEvent,
    LiveStateReceived,
    SessionStored,
    StationStatusChanged,
)
from trainer.ui.classroom.context import Stations

if TYPE_CHECKING:
    from trainer.classroom.board import ClassBoard, SessionSummary
    from trainer.classroom.hub import ClassHub
    from trainer.classroom.protocol import LiveReport, StationStatus
    from trainer.instructor.schedules import FeedbackSchedule
    from trainer.store import Store
    from trainer.ui.classroom.context import Inbox


def start_of_day(now: float) -> str:
    """Local midnight before ``now`` as the records' ISO time (UTC), for 'today's sessions'."""
    local = datetime.fromtimestamp(now).astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).isoformat(timespec="seconds")


class HubLink:
    """Hub events into the screen's inbox; the screen's intents to the hub."""

    def __init__(self, hub: ClassHub, inbox: Inbox, board: ClassBoard, store: Store) -> None:
        self.hub = hub
        self.inbox = inbox
        self.board = board
        self.store = store  # the hub's records, opened on the UI thread
        self.connected = False
        self.problem: str | None = None
        hub.add_listener(self.on_event)

    # -- from the hub (its threads) ---------------------------------------------------------
    def on_event(self, event: HubEvent) -> None:
        """Hand an event to the UI thread; called from the hub's threads, never blocks."""
        if isinstance(event, LiveStateReceived):
            self.inbox.put(event.report)
        elif isinstance(event, StationStatusChanged):
            self.inbox.put(event.status)
        elif isinstance(event, SessionStored):
            if not event.duplicate:
                self.inbox.put(event)
        elif isinstance(event, HubConnectionChanged):
            self.connected, self.problem = event.connected, event.problem

    def seed(self, now: float) -> None:
        """What the hub already knows (retained statuses, today's sessions) onto the board."""
        for view in self.hub.snapshot().values():
            if view.status is not None:
                self.board.on_status(view.status, now)
            if view.live is not None and view.live_received_at is not None:
                self.board.on_live(view.live, view.live_received_at)
        for summary in stored_summaries(self.store, start_of_day(now)):
            self.board.on_session(summary)

    def translate(self, message: object) -> StationStatus | LiveReport | SessionSummary | None:
        """On the UI thread: a stored session becomes its table row (from the records)."""
        if isinstance(message, SessionStored):
            found = stored_summaries(self.store, "", [message.uuid])
            return found[0] if found else None
        return message  # type: ignore[return-value]

    def status(self) -> str:
        """The hub's connection and dropped payloads, for the top bar."""
        parts = ["hub connected" if self.hub.connected else "hub NOT connected"]
        if self.hub.taken_over:
            name = self.hub.class_file.path.name
            parts = [f"hub keeps being dropped: {name} is in use on another computer too"]
        elif not self.hub.connected and self.hub.problem:
            parts[0] += f": {self.hub.problem}"
        rejected = self.hub.counters.rejected_total
        if rejected:
            parts.append(f"{rejected} bad messages dropped")
        return " · ".join(parts)

    # -- to the hub (the UI thread) -----------------------------------------------------------
    def assign(self, stations: Stations, exercise_id: str, blind: bool) -> None:
        self._do(lambda: self.hub.assign(stations, exercise_id, blind))

    def send_message(self, stations: Stations, text: str) -> None:
        try:
            config = self.hub.send_message(stations, text)
        except HubError as error:
            raise ValueError(str(error)) from None
        if config.messages:
            self.board.message_sent(stations, config.messages[-1].id)

    def pause(self, stations: Stations, paused: bool) -> None:
        self._do(lambda: self.hub.pause(stations, paused))

    def set_schedule(self, stations: Stations, schedule: FeedbackSchedule | None) -> None:
        """Schedules belong to students: the class's, or those at the chosen stations."""
        if stations == "all":
            self._do(lambda: self.hub.set_schedule("class", schedule))
            return
        students = self._students(stations)
        self._do(lambda: self.hub.set_schedule(students, schedule))

    def _students(self, stations: Sequence[str]) -> list[str]:
        found, missing = [], []
        for station in stations:
            student = self.board.student_at(station)
            if student:
                found.append(student)
            else:
                missing.append(station)
        if missing:
            raise ValueError(
                f"no student known at {', '.join(missing)} yet: a schedule belongs to a "
                "student; choose every station, or wait until they start"
            )
        return found

    @staticmethod
    def _do(action: object) -> None:
        assert callable(action)
        try:
            action()
        except HubError as error:
            raise ValueError(str(error)) from None

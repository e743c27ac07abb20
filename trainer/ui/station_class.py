"""The live trainer as a class station (``trainer run --class FILE``): the UI's side of it.

:func:`attach_class` puts the station's :class:`~trainer.classroom.station.StationLink`
in the app's context (the top bar shows the class and whether it is connected), adds a
cue listener that sends the live state to the instructor about ten times a second, and
shows on the station what the instructor sends: a message, an assignment, a pause.
Nothing here blocks practice: without the broker, the student practises as always.

Example::

    link = StationLink(load_class_file("class.toml"), store.path, library=library)
    app = build_app(config)
    attach_class(app, link)
    link.start()
    app.run()
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from trainer.classroom.protocol import ClassConfig
from trainer.classroom.station import (
    LIVE_HZ,
    ConfigApplied,
    StationEvent,
    StationLink,
    live_report,
)
from trainer.engine import Event, LiveState, SessionFinished
from trainer.ui.controller import Stage

#: a station joining late shows the instructor's last message only if it is this recent
MESSAGE_FRESH_S = 600.0

if TYPE_CHECKING:
    from textual.app import App

    from trainer.ui.context import TrainerContext


def class_badge(link: StationLink | None) -> str:
    """The top bar's words for the class: ``Class monday: connected`` / ``offline``, or
    that this station's file is in use on another computer too."""
    if link is None:
        return ""
    if link.taken_over:
        return f"Class {link.class_name}: {link.station} is in use on another computer too"
    state = "connected" if link.connected else "offline"
    return f"Class {link.class_name}: {state}"


class ClassLiveReporter:
    """A cue listener: the session's live state to the instructor, ~10 times a second.

    The instructor gets the force even when the student's schedule hides it; the station's
    own screen is unchanged (it never shows a hidden force).
    """

    def __init__(self, link: StationLink, context: TrainerContext, hz: float = LIVE_HZ) -> None:
        self.link = link
        self.context = context
        self.every_s = 1.0 / hz
        self._next = 0.0

    def __call__(self, event: Event) -> None:
        if isinstance(event, SessionFinished):
            self.link.session_ended()

    def update(self, state: LiveState) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = max(self._next + self.every_s, now - self.every_s)
        live = self.context.live
        if live is None:
            return
        real = live.display_state()  # the force as judged, whatever the student may see
        message = self.link.latest_message
        sensor = "simulated" if self.context.config.simulated else "ok"
        if live.sensor_problem is not None:
            sensor = "disconnected"
        self.link.set_activity(student=live.student, exercise_id=live.exercise.id, sensor=sensor)
        self.link.publish_live(
            live_report(
                station=self.link.station,
                seq=self.link.next_live_seq(),
                t=time.time(),
                student=live.student or None,
                exercise=live.exercise,
                state=real,
                running=live.stage is Stage.RUNNING,
                feedback_shown=live.feedback(real).visible,
                peeks=live.peeks,
                sensor=sensor,
                message_id_seen=message.id if message is not None else None,
            )
        )


class ClassNotices:
    """What the instructor sends, shown on the station (on the UI thread)."""

    def __init__(self, app: App[Any], context: TrainerContext, link: StationLink) -> None:
        self.app = app
        self.context = context
        self.link = link
        self.shown: ClassConfig | None = link.config

    def __call__(self, event: StationEvent) -> None:
        """From the link's threads: hand over to the UI thread."""
        with contextlib.suppress(RuntimeError):  # the app is not running (yet, or any more)
            self.app.call_from_thread(self.show, event)

    def show(self, event: StationEvent) -> None:
        if not isinstance(event, ConfigApplied):
            return  # the top bar follows the connection by itself
        station = self.link.station
        before, config = self.shown, event.config
        self.shown = config
        message = config.latest_message_for(station)
        old_message = before.latest_message_for(station) if before is not None else None
        fresh = message is not None and time.time() - message.sent_at < MESSAGE_FRESH_S
        if message is not None and fresh and (old_message is None or message.id != old_message.id):
            self.app.notify(message.text, title="From your instructor", timeout=20)
        assignment = config.assignment_for(station)
        if assignment is not None and (
            before is None or before.assignment_for(station) != assignment
        ):
            library = self.context.config.library
            exercise = event.exercises.get(assignment.exercise_id) or library.exercises.get(
                assignment.exercise_id
            )
            name = exercise.name if exercise is not None else assignment.exercise_id
            how = ", blind (no live feedback)" if assignment.blind else ""
            self.app.notify(f"Please practise: {name}{how}", title="Your instructor asks")
        paused = config.is_paused(station)
        was_paused = before is not None and before.is_paused(station)
        if paused != was_paused:
            self._pause(paused)

    def _pause(self, paused: bool) -> None:
        live = self.context.live
        if live is not None and live.stage is Stage.RUNNING and live.user_paused != paused:
            live.toggle_pause()
        if paused:
            self.app.notify(
                "Your instructor paused the class: hands off the pad for now.",
                title="Paused",
                timeout=20,
            )
        else:
            self.app.notify("Your instructor resumed the class.", title="Resumed")


def attach_class(app: App[Any], link: StationLink) -> None:
    """Make ``app`` (the trainer, with its context) a class station's (see the module docstring)."""
    from trainer.ui.context import context_of

    context = context_of(app)
    context.classroom = link
    context.listeners.append(ClassLiveReporter(link, context))
    link.add_listener(ClassNotices(app, context, link))

"""The live screen's shell around one practice session: no widgets, no session logic.

:class:`LiveController` owns the sensor thread hand-over (:class:`SampleFeed`), starts
the :class:`~trainer.session.PracticeSession` when the student presses start, passes
every drained sample to it, pauses the engine while the sensor is gone, fans events out
to the cue listeners and finishes the record however the session ends. The live screen
calls :meth:`LiveController.pump` once a frame and draws from :meth:`display_state`.

With a :class:`~trainer.instructor.practice.PracticePlan` (see :func:`plan_for`) the
controller also applies the feedback schedule the instructor chose for the student:
which results to show after a trial, whether the force is visible right now
(:meth:`LiveController.feedback`), peeks, and the feedback report stored at the end.

Example::

    plan, problem = plan_for(store, exercise, "Ana")    # the student's bands and schedule
    controller = LiveController(store, plan.exercise, "Ana", setup, full_scale_n=90.0,
                                plan=plan)
    controller.open()                       # the sensor starts reading
    controller.start()                      # the session record begins
    frame = controller.pump()               # once a frame, on the UI thread
    draw(controller.display_state())
"""

from __future__ import annotations

import logging
import sqlite3
from collections import deque
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import NamedTuple

from trainer.engine import Event, LiveState, SessionEngine, SessionFinished, Zone
from trainer.exercises import Exercise, FeedbackMode
from trainer.instructor import InstructorError
from trainer.instructor.practice import PracticePlan, plan_practice
from trainer.instructor.schedules import (
    FeedbackController,
    FeedbackSchedule,
    GaugeMode,
    ScheduleKind,
)
from trainer.scoring import PhaseMetrics
from trainer.sensors.base import (
    EndOfStream,
    Sample,
    SensorDisconnected,
    SensorError,
    SensorTimeout,
)
from trainer.session import PracticeSession
from trainer.store import Store, StoreError
from trainer.ui.config import CueListener, SensorSetup
from trainer.ui.feed import SampleFeed, start_sensor

log = logging.getLogger(__name__)

#: seconds (on the sensor's clock) a trial's results stay on the screen
RESULT_SHOWN_S = 6.0


#: what reading a student's plan can raise; stored settings are JSON, and a damaged
#: row fails as one of the last four
PLAN_ERRORS = (
    InstructorError,
    StoreError,
    sqlite3.Error,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
)


def plan_for(store: Store, exercise: Exercise, student: str) -> tuple[PracticePlan, str | None]:
    """The student's practice plan, and a sentence if the instructor's settings were unreadable.

    A broken setting must not stop a student practising: they get the exercise's own
    bands and the live gauge, and the sentence says so.
    """
    try:
        return plan_practice(store, exercise, student), None
    except PLAN_ERRORS as error:
        log.warning("the practice plan for %r could not be read: %s", student, error)
        schedule = FeedbackSchedule()
        plan = PracticePlan(exercise, [], schedule, "default", FeedbackController(schedule))
        problem = (
            f"Your instructor's bands and feedback settings could not be read ({error}); "
            "practising with the exercise's own bands and the live gauge."
        )
        return plan, problem


class Stage(StrEnum):
    """Where the live screen is in a session's life."""

    READY = "ready"  # the force shows, nothing is recorded yet
    RUNNING = "running"
    FINISHED = "finished"


@dataclass
class Frame:
    """What one :meth:`LiveController.pump` did."""

    samples: list[tuple[float, Sample]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    #: trial results the feedback schedule shows now
    results: list[PhaseMetrics] = field(default_factory=list)
    finished: bool = False


class Hidden(StrEnum):
    """Why the live force is not shown right now."""

    BLIND = "blind"  # the exercise's phase is blind
    FADED = "faded"  # faded schedule: a trial without feedback
    IN_BAND = "in-band"  # bandwidth schedule: shown only out of the band
    ON_REQUEST = "on-request"  # self-controlled schedule: shown only on a peek
    SUMMARY = "summary"  # summary schedule: results every few trials
    RETENTION = "retention"  # retention test: no feedback at all


@dataclass(frozen=True, slots=True)
class FeedbackView:
    """Whether the force, gauge and trace show now, and why not."""

    visible: bool
    hidden: Hidden | None = None


_SHOWN = FeedbackView(True)
_HIDDEN_BY_SCHEDULE = {
    ScheduleKind.FADED: Hidden.FADED,
    ScheduleKind.SUMMARY: Hidden.SUMMARY,
    ScheduleKind.RETENTION: Hidden.RETENTION,
    ScheduleKind.BANDWIDTH: Hidden.IN_BAND,
    ScheduleKind.SELF: Hidden.ON_REQUEST,
}


class TracePoint(NamedTuple):
    """One judged sample as the trace draws it (band ``None`` outside scored phases).

    A tuple: :func:`~trainer.ui.widgets.trace.bucket` takes the trace as it is.
    """

    t_s: float
    force_n: float
    band_low_n: float | None
    band_high_n: float | None


class LiveController:
    """One student doing one exercise on the live screen (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        exercise: Exercise,
        student: str,
        setup: SensorSetup,
        *,
        full_scale_n: float,
        listeners: list[CueListener] | None = None,
        trace_window_s: float = 15.0,
        plan: PracticePlan | None = None,
        kind: str = "practice",
    ) -> None:
        self.store = store
        #: the kind of session recorded (an assessment's results are the instructor's)
        self.kind = kind
        self.exercise = exercise
        #: the instructor's bands and feedback schedule (None: the live gauge throughout)
        self.plan = plan
        #: the last trial results the schedule released, until ``results_until_s``
        self.results: list[PhaseMetrics] = []
        self.results_until_s = 0.0
        #: the feedback report could not be stored (the session itself is saved)
        self.plan_problem: str | None = None
        self._plan_finished = False
        self.student = student
        self.setup = setup
        self.sensor = setup.sensor
        self.full_scale_n = full_scale_n
        self.listeners = listeners if listeners is not None else []
        self.trace_window_s = trace_window_s
        self.feed = SampleFeed()
        self.stage = Stage.READY
        self.session: PracticeSession | None = None
        self.user_paused = False
        #: the sensor problem being shown (cleared when samples flow again)
        self.sensor_problem: str | None = None
        self.force_n = 0.0
        self.last_t_s = 0.0
        #: samples taken from the queue (shown, and judged once started)
        self.samples_seen = 0
        self.trace: deque[TracePoint] = deque()
        self._preview = SessionEngine(exercise).state
        self._opened = False
        self._broken_listeners: set[int] = set()

    # -- lifecycle ---------------------------------------------------------------
    def open(self) -> None:
        """Open the sensor and start its acquisition thread."""
        self.sensor.open()
        self._opened = True
        start_sensor(self.sensor, self.feed.on_sample, self.feed.on_error)

    def close(self) -> None:
        """Stop the sensor thread and release the sensor (safe to call twice)."""
        if self._opened:
            self._opened = False
            try:
                self.sensor.close()
            except SensorError as error:  # a dying sensor must not stop the save
                log.warning("closing the sensor failed: %s", error)

    def start(self) -> None:
        """Begin the recorded session: from now on every sample is judged and stored."""
        if self.stage is not Stage.READY:
            return
        info = self.sensor.describe()
        self.session = PracticeSession.begin(
            self.store,
            self.exercise,
            self.student,
            info,
            rate_hz=self.sensor.rate_hz,
            calibration=self.setup.calibration,
            kind=self.kind,
        )
        self.stage = Stage.RUNNING
        self.trace.clear()
        if self.sensor_problem is not None:
            self.session.engine.pause()

    def toggle_pause(self) -> bool:
        """Pause or resume the phase clock; return True when now paused."""
        if self.session is None or self.stage is not Stage.RUNNING:
            return False
        self.user_paused = not self.user_paused
        if self.user_paused:
            self.session.engine.pause()
        elif self.sensor_problem is None:
            self.session.engine.resume()
        return self.user_paused

    def tare(self) -> None:
        """Zero the pad (call from a worker thread: a real chip averages for a moment)."""
        self.sensor.tare()

    def after_tare(self) -> None:
        """Forget the filter's history once the sensor re-zeroed (UI thread)."""
        if self.session is not None:
            self.session.tare()

    def finish(self, status: str | None = None) -> int | None:
        """Save everything and mark the session ended; return its id (None if never started).

        ``status`` is ``complete``/``incomplete`` by default, ``aborted`` when the student
        stopped, ``incomplete`` for a quit, Ctrl+C or a closed terminal.
        """
        session = self.session
        if session is None:
            self.stage = Stage.FINISHED
            return None
        if self.stage is Stage.FINISHED and session.status is not None:
            return session.session_id
        # Stop the sensor thread first, so the last sample it handed over is drained too.
        self.sensor.stop()
        self._process(self.feed.drain(), Frame())
        self.stage = Stage.FINISHED
        # The feedback report first: a failing report must not stop the samples' save.
        self._finish_plan(session.session_id)
        session.finish(status)
        return session.session_id

    def _finish_plan(self, session_id: int) -> None:
        plan = self.plan
        if plan is None or self._plan_finished:
            return
        self._plan_finished = True
        try:
            plan.finish(self.store, session_id)
        except (StoreError, sqlite3.Error) as error:
            log.warning("the feedback report of session %s was not stored: %s", session_id, error)
            self.plan_problem = f"the feedback report could not be stored ({error})"

    @property
    def session_id(self) -> int | None:
        return self.session.session_id if self.session is not None else None

    # -- the frame ---------------------------------------------------------------
    def pump(self) -> Frame:
        """Drain the queue: every sample to the session, every event to the listeners."""
        frame = Frame()
        items = self.feed.drain()
        if items:
            self._process(items, frame)
            if self.stage is Stage.RUNNING:
                self._update_listeners()
        return frame

    def _process(self, items: list[tuple[float, Sample | SensorError]], frame: Frame) -> None:
        session = self.session if self.stage is Stage.RUNNING else None
        band = self._current_band()
        for arrived, item in items:
            if isinstance(item, SensorError):
                self._sensor_failed(item)
                continue
            if self.sensor_problem is not None:
                self._sensor_back()
            frame.samples.append((arrived, item))
            self.samples_seen += 1
            if session is not None and session.status is None:
                events = session.process(item)
                if events:
                    frame.events.extend(events)
                    self._observe(events, item.t_s, frame)
                    self._notify(events)
                    band = self._current_band()
                    if any(isinstance(e, SessionFinished) for e in events):
                        frame.finished = True
                force = session.engine.force_n  # the filtered force, as judged
            else:
                force = item.force_n
            self.force_n = force
            self.last_t_s = item.t_s
            low, high = band if band is not None else (None, None)
            self.trace.append(TracePoint(item.t_s, force, low, high))
        trace = self.trace
        if trace:
            oldest = trace[-1].t_s - self.trace_window_s
            while trace[0].t_s < oldest:
                trace.popleft()

    def _current_band(self) -> tuple[float, float] | None:
        state = self.display_state()
        if state.band is None or state.phase is None or not state.phase.scored:
            return None
        return state.band.low_n, state.band.high_n

    def _observe(self, events: list[Event], t_s: float, frame: Frame) -> None:
        """The feedback schedule sees every event in order; keep what it releases."""
        if self.plan is None:
            return
        # Blind phases give their results at the end only, whatever the schedule.
        blind = FeedbackMode.BLIND.value
        shown = [m for m in self.plan.controller.observe(events) if m.feedback != blind]
        if shown:
            frame.results.extend(shown)
            self.results = list(shown)
            self.results_until_s = t_s + RESULT_SHOWN_S

    def _notify(self, events: list[Event]) -> None:
        for listener in self.listeners:
            key = id(listener)
            if key in self._broken_listeners:
                continue
            for event in events:
                try:
                    listener(event)
                except Exception:  # a broken buzzer must not stop the session
                    log.exception("cue listener %r failed; it is switched off", listener)
                    self._broken_listeners.add(key)
                    break

    def _update_listeners(self) -> None:
        """Listeners with ``update(state)`` (the Pi's LEDs) follow the zone between events."""
        state: LiveState | None = None
        for listener in self.listeners:
            key = id(listener)
            update = getattr(listener, "update", None)
            if key in self._broken_listeners or not callable(update):
                continue
            if state is None:
                state = self.cue_state()
            try:
                update(state)
            except Exception:
                log.exception("cue listener %r failed; it is switched off", listener)
                self._broken_listeners.add(key)

    def _sensor_failed(self, error: SensorError) -> None:
        if isinstance(error, SensorDisconnected):
            text = f"Sensor disconnected: {error}"
        elif isinstance(error, SensorTimeout):
            text = f"No readings from the sensor: {error}"
        elif isinstance(error, EndOfStream):
            text = "The sensor stopped sending readings"
        else:
            text = f"Sensor problem: {error}"
        self.sensor_problem = text
        if self.session is not None and self.stage is Stage.RUNNING:
            self.session.engine.pause()

    def _sensor_back(self) -> None:
        self.sensor_problem = None
        if self.session is not None and self.stage is Stage.RUNNING:
            self.session.tare()  # the filter must not judge the first reading as a spike
            if not self.user_paused:
                self.session.engine.resume()

    # -- what the screen shows ------------------------------------------------------
    @property
    def store_problem(self) -> StoreError | None:
        return self.session.store_error if self.session is not None else None

    @property
    def recorded(self) -> int:
        """Samples recorded in this session so far (written or queued)."""
        if self.session is None:
            return 0
        return self.session.recorder.written + self.session.recorder.pending

    def feedback(self, state: LiveState | None = None) -> FeedbackView:
        """Whether the force shows now: hidden in blind phases and when the schedule says so."""
        state = state if state is not None else self.display_state()
        if state.blind:
            return FeedbackView(False, Hidden.BLIND)
        plan = self.plan
        if plan is None or self.stage is not Stage.RUNNING or state.finished:
            return _SHOWN
        control = plan.controller
        current = control.current
        if current is None:  # no sample judged yet: nothing to hide
            return _SHOWN
        if control.gauge_visible(state):
            return _SHOWN
        if current.gauge is GaugeMode.OUT_OF_BAND:
            return FeedbackView(False, Hidden.IN_BAND)
        if current.gauge is GaugeMode.ON_REQUEST:
            return FeedbackView(False, Hidden.ON_REQUEST)
        return FeedbackView(False, _HIDDEN_BY_SCHEDULE.get(plan.schedule.kind, Hidden.FADED))

    def peek(self) -> str | None:
        """The student asks to see the force; None when it shows, else why it cannot."""
        plan = self.plan
        if plan is None or plan.schedule.kind is not ScheduleKind.SELF:
            described = plan.schedule.describe() if plan is not None else "the live gauge"
            return f"Peeking is for the self-controlled feedback schedule; yours is: {described}."
        if self.stage is not Stage.RUNNING or self.session is None:
            return "Start first (Space); then P shows the force for a moment."
        state = self.session.engine.state
        if state.blind:
            return "This step is blind: no peeking, feel the force."
        if plan.controller.peek(state):
            return None
        return "The force already shows in this step: peeks are for the trials."

    @property
    def peeks(self) -> int:
        """Peeks so far in this session."""
        return self.plan.controller.report.peeks if self.plan is not None else 0

    def results_now(self) -> list[PhaseMetrics]:
        """The trial results to show at this moment (they fade after a few seconds)."""
        if self.results and self.last_t_s > self.results_until_s:
            self.results = []
        return self.results

    def cue_state(self) -> LiveState:
        """The state as the student may perceive it: a phase the schedule hides counts as blind.

        Given to listeners' ``update`` so the Pi's LEDs (and beeps) follow the schedule.
        """
        state = self.display_state()
        if state.phase is None or self.feedback(state).visible or state.blind:
            return state
        return replace(state, phase=replace(state.phase, feedback=FeedbackMode.BLIND))

    def display_state(self) -> LiveState:
        """The engine's live state, or before the start a preview of the first phase."""
        if self.session is not None:
            return self.session.engine.state
        force = self.force_n
        band = self._preview.band
        zone = Zone.NONE
        distance = 0.0
        if band is not None:
            distance = band.distance_n(force)
            zone = Zone.BELOW if distance < 0 else Zone.ABOVE if distance > 0 else Zone.IN
        return replace(self._preview, force_n=force, zone=zone, distance_n=distance)

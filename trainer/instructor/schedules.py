"""Feedback schedules: when a student sees the live gauge and their results. Pure logic.

Motor-learning research (``DOMAIN.md``) finds that feedback on every trial helps during
practice but hurts retention; these schedules give less, or give it on request:

- ``always``: the gauge on every trial (the default);
- ``faded``: live feedback on fewer trials as the recent score rises, 100 % -> 50 % -> 20 %;
- ``bandwidth``: the gauge appears only while the force is out of band (by more than a margin);
- ``summary``: no live gauge; results of the last N trials after every N trials;
- ``self``: no live gauge, but the student may peek (each peek is counted);
- ``retention``: no feedback at all; afterwards a report with the variable error.

A *trial* is one scored phase (a ramp or a hold). The live screen asks a
:class:`FeedbackController` at each phase start whether to show the gauge, on each
redraw whether the gauge is visible now, and at each phase end which results to show.
Phases the exercise marks ``blind`` stay blind whatever the schedule.

Example::

    control = FeedbackController(FeedbackSchedule.faded())
    for each PhaseStarted: control.start_trial(event.index, event.phase)
    on each redraw:        visible = control.gauge_visible(engine.state)
    on the peek key:       control.peek(engine.state)
    for each PhaseEnded:   shown = control.end_trial(event.metrics)  # results to show now
    (or simply ``shown = control.observe(events)`` for every batch of engine events)
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from trainer.engine import Event, LiveState, PhaseEnded, PhaseStarted, SessionFinished, Zone
from trainer.exercises import FeedbackMode, Phase, PhaseKind
from trainer.instructor import InstructorError
from trainer.scoring import PhaseMetrics


class ScheduleKind(StrEnum):
    """The feedback schedules an instructor can pick."""

    ALWAYS = "always"
    FADED = "faded"
    BANDWIDTH = "bandwidth"
    SUMMARY = "summary"
    SELF = "self"
    RETENTION = "retention"


DESCRIPTIONS: dict[ScheduleKind, str] = {
    ScheduleKind.ALWAYS: "live gauge on every trial",
    ScheduleKind.FADED: "live gauge on fewer trials as the score rises (100% -> 50% -> 20%)",
    ScheduleKind.BANDWIDTH: "gauge only while the force is out of the band",
    ScheduleKind.SUMMARY: "no live gauge; results after every few trials",
    ScheduleKind.SELF: "no live gauge; the student may peek (peeks are counted)",
    ScheduleKind.RETENTION: "retention test: no feedback, variable error reported afterwards",
}


class GaugeMode(StrEnum):
    """How the gauge behaves during one trial."""

    SHOWN = "shown"
    HIDDEN = "hidden"
    OUT_OF_BAND = "out-of-band"  # bandwidth: appears only while outside the band
    ON_REQUEST = "on-request"  # self-controlled: hidden until the student peeks


@dataclass(frozen=True, slots=True)
class FeedbackSchedule:
    """A schedule and its settings (stored as JSON per class or student)."""

    kind: ScheduleKind = ScheduleKind.ALWAYS
    #: faded: mean score of the recent trials at which feedback drops to 50 % and to 20 %
    fade_at: tuple[float, float] = (60.0, 80.0)
    #: faded: how many recent trials the running score covers
    fade_window: int = 3
    #: bandwidth: the gauge appears only beyond this many percent of the band centre outside it
    bandwidth_pct: float = 0.0
    #: summary: results after every N trials
    summary_every: int = 5
    #: self-controlled: how long one peek shows the gauge
    peek_s: float = 2.0
    #: a retention test (no feedback) falls due this many days after the last practice
    retention_after_days: float | None = None

    @classmethod
    def faded(cls) -> FeedbackSchedule:
        return cls(ScheduleKind.FADED)

    def describe(self) -> str:
        text = DESCRIPTIONS[self.kind]
        if self.kind is ScheduleKind.SUMMARY:
            text = f"no live gauge; results after every {self.summary_every} trials"
        elif self.kind is ScheduleKind.BANDWIDTH and self.bandwidth_pct:
            text += f" by more than {self.bandwidth_pct:g}%"
        if self.retention_after_days is not None and self.kind is not ScheduleKind.RETENTION:
            text += f"; retention test {self.retention_after_days:g} days after practice"
        return text

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["fade_at"] = list(self.fade_at)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedbackSchedule:
        try:
            kind = ScheduleKind(data.get("kind", "always"))
        except ValueError:
            kind = ScheduleKind.ALWAYS
        fade = data.get("fade_at", (60.0, 80.0))
        return cls(
            kind=kind,
            fade_at=(float(fade[0]), float(fade[1])),
            fade_window=int(data.get("fade_window", 3)),
            bandwidth_pct=float(data.get("bandwidth_pct", 0.0)),
            summary_every=int(data.get("summary_every", 5)),
            peek_s=float(data.get("peek_s", 2.0)),
            retention_after_days=(
                float(data["retention_after_days"])
                if data.get("retention_after_days") is not None
                else None
            ),
        )

    @classmethod
    def parse(cls, kind: str, **settings: float) -> FeedbackSchedule:
        """Build from user input, checking every setting; errors say what is allowed."""
        try:
            parsed = ScheduleKind(kind.strip().lower())
        except ValueError:
            raise InstructorError(
                f"no feedback schedule called {kind!r}: choose one of "
                + ", ".join(k.value for k in ScheduleKind)
            ) from None
        schedule = cls(parsed)
        if "summary_every" in settings:
            every = settings["summary_every"]
            if every != int(every) or not 1 <= every <= 50:
                raise InstructorError("summary every N trials needs N from 1 to 50")
            schedule = _replace(schedule, summary_every=int(every))
        if "bandwidth_pct" in settings:
            pct = settings["bandwidth_pct"]
            if not 0 <= pct <= 100 or math.isnan(pct):
                raise InstructorError("the bandwidth is a percentage from 0 to 100")
            schedule = _replace(schedule, bandwidth_pct=float(pct))
        if "retention_after_days" in settings:
            days = settings["retention_after_days"]
            if not 0 < days <= 365 or math.isnan(days):
                raise InstructorError("a retention test is due after 1 to 365 days")
            schedule = _replace(schedule, retention_after_days=float(days))
        return schedule

    def for_session(
        self,
        last_practice_days_ago: float | None,
        retention_since_practice: bool,
    ) -> FeedbackSchedule:
        """The schedule for the next session: a retention test once one is due.

        Due when the student practised this exercise at least ``retention_after_days``
        ago and has not been retention-tested since.
        """
        if (
            self.retention_after_days is not None
            and last_practice_days_ago is not None
            and last_practice_days_ago >= self.retention_after_days
            and not retention_since_practice
        ):
            return _replace(self, kind=ScheduleKind.RETENTION)
        return self


def _replace(schedule: FeedbackSchedule, **changes: Any) -> FeedbackSchedule:
    from dataclasses import replace

    return replace(schedule, **changes)


@dataclass(frozen=True, slots=True)
class TrialFeedback:
    """What the screen does for one trial."""

    index: int  # the phase index
    trial: int  # 1-based count of scored phases so far
    gauge: GaugeMode


@dataclass(slots=True)
class FeedbackReport:
    """What the schedule did in a session: stored with it and shown to the instructor."""

    schedule: str
    trials: int = 0
    trials_with_live_feedback: int = 0
    peeks: int = 0
    peeked_trials: list[int] = field(default_factory=list)
    #: retention tests: the variable error (consistency) over the scored trials, N
    variable_error_n: float | None = None
    constant_error_n: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _is_trial(phase: Phase) -> bool:
    return phase.kind in (PhaseKind.RAMP, PhaseKind.HOLD) and phase.band is not None


class FeedbackController:
    """Applies one schedule during one session. No clock: times come from the live state."""

    def __init__(self, schedule: FeedbackSchedule) -> None:
        self.schedule = schedule
        self.report = FeedbackReport(schedule.kind.value)
        self._recent: deque[float] = deque(maxlen=max(1, schedule.fade_window))
        self._fade_counter = 0
        self._current: TrialFeedback | None = None
        self._peek_until_s: float | None = None
        self._unreported: list[PhaseMetrics] = []
        self._trial_forces: list[PhaseMetrics] = []

    @property
    def current(self) -> TrialFeedback | None:
        return self._current

    def live_fraction(self) -> float:
        """Faded: the share of trials that get live feedback at the present score."""
        if not self._recent:
            return 1.0
        mean = sum(self._recent) / len(self._recent)
        first, second = self.schedule.fade_at
        if mean >= second:
            return 0.2
        if mean >= first:
            return 0.5
        return 1.0

    def start_trial(self, index: int, phase: Phase) -> TrialFeedback:
        """Decide the gauge for the phase starting now (call on ``PhaseStarted``)."""
        self._peek_until_s = None
        kind = self.schedule.kind
        if not _is_trial(phase):
            gauge = GaugeMode.HIDDEN if kind is ScheduleKind.RETENTION else GaugeMode.SHOWN
            if phase.feedback is FeedbackMode.BLIND:
                gauge = GaugeMode.HIDDEN
            self._current = TrialFeedback(index, self.report.trials, gauge)
            return self._current
        self.report.trials += 1
        if phase.feedback is FeedbackMode.BLIND:
            gauge = GaugeMode.HIDDEN
        elif kind is ScheduleKind.ALWAYS:
            gauge = GaugeMode.SHOWN
        elif kind is ScheduleKind.FADED:
            # Every k-th trial is live, k = 1, 2 or 5: deterministic, so a class can compare.
            every = round(1 / self.live_fraction())
            gauge = GaugeMode.SHOWN if self._fade_counter % every == 0 else GaugeMode.HIDDEN
            self._fade_counter += 1
        elif kind is ScheduleKind.BANDWIDTH:
            gauge = GaugeMode.OUT_OF_BAND
        elif kind is ScheduleKind.SELF:
            gauge = GaugeMode.ON_REQUEST
        else:
            gauge = GaugeMode.HIDDEN
        if gauge in (GaugeMode.SHOWN, GaugeMode.OUT_OF_BAND):
            self.report.trials_with_live_feedback += 1
        self._current = TrialFeedback(index, self.report.trials, gauge)
        return self._current

    def gauge_visible(self, state: LiveState) -> bool:
        """Whether the live force is shown right now (call on every redraw)."""
        current = self._current
        if current is None or state.finished:
            return False
        gauge = current.gauge
        if gauge is GaugeMode.SHOWN:
            return True
        if gauge is GaugeMode.OUT_OF_BAND:
            if state.band is None or state.zone in (Zone.IN, Zone.NONE):
                return False
            margin = state.band.centre_n * self.schedule.bandwidth_pct / 100
            return abs(state.distance_n) > margin
        if gauge is GaugeMode.ON_REQUEST:
            if self._peek_until_s is None:
                return False
            if state.session_elapsed_s <= self._peek_until_s:
                return True
            self._peek_until_s = None
        return False

    def peek(self, state: LiveState) -> bool:
        """The student asks to see the gauge; counted. False if peeking is not allowed now."""
        current = self._current
        if current is None or current.gauge is not GaugeMode.ON_REQUEST:
            return False
        self.report.peeks += 1
        if current.trial not in self.report.peeked_trials:
            self.report.peeked_trials.append(current.trial)
        self._peek_until_s = state.session_elapsed_s + self.schedule.peek_s
        return True

    def end_trial(self, metrics: PhaseMetrics) -> list[PhaseMetrics]:
        """Record a finished phase; return the trial results to show now (maybe none)."""
        if metrics.score is None:
            return []
        self._recent.append(metrics.score)
        self._trial_forces.append(metrics)
        kind = self.schedule.kind
        if kind is ScheduleKind.RETENTION:
            return []
        if kind is ScheduleKind.SUMMARY:
            self._unreported.append(metrics)
            if len(self._unreported) >= self.schedule.summary_every:
                shown, self._unreported = self._unreported, []
                return shown
            return []
        if kind is ScheduleKind.FADED and self._current and self._current.gauge is GaugeMode.HIDDEN:
            return []  # a no-feedback trial gives no knowledge of results either
        return [metrics]

    def finish(self) -> FeedbackReport:
        """The session's feedback report; retention tests get their error measures here."""
        trials = self._trial_forces
        if self.schedule.kind is ScheduleKind.RETENTION and trials:
            total = sum(m.samples for m in trials) or 1
            self.report.constant_error_n = (
                sum(m.constant_error_n * m.samples for m in trials) / total
            )
            self.report.variable_error_n = retention_variable_error(trials)
        return self.report

    def observe(self, events: Iterable[Event]) -> list[PhaseMetrics]:
        """Feed the engine's events; return the trial results to show now.

        One call per batch of events, so the live screen needs only this,
        :meth:`gauge_visible` and :meth:`peek`.
        """
        shown: list[PhaseMetrics] = []
        for event in events:
            if isinstance(event, PhaseEnded):
                shown.extend(self.end_trial(event.metrics))
            elif isinstance(event, PhaseStarted):
                self.start_trial(event.index, event.phase)
            elif isinstance(event, SessionFinished):
                shown.extend(self.leftover_summary())
                self._current = None
        return shown

    def leftover_summary(self) -> list[PhaseMetrics]:
        """Summary schedule: trials not yet shown when the session ends (show them then)."""
        shown, self._unreported = self._unreported, []
        return shown


def retention_variable_error(trials: list[PhaseMetrics]) -> float:
    """Variable error across trials: the SD of each trial's mean error from its band centre.

    This is Schmidt & Lee's between-trial consistency: the same force on every trial
    scores 0 even if it is biased.
    """
    errors = []
    for m in trials:
        if m.band_low_n is None or m.band_high_n is None:
            continue
        errors.append(m.mean_force_n - (m.band_low_n + m.band_high_n) / 2)
    if len(errors) < 2:
        return 0.0
    mean = sum(errors) / len(errors)
    return math.sqrt(sum((e - mean) ** 2 for e in errors) / (len(errors) - 1))

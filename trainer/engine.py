"""The session engine: judges every force sample against the exercise, purely.

No clock, no threads, no I/O: time arrives with each sample. Feed samples with
:meth:`SessionEngine.feed`; it returns the events the sample caused. Read the live
state with :attr:`SessionEngine.state` whenever the screen wants to draw.

Example::

    engine = SessionEngine(exercise)
    for t, force in trace:
        for event in engine.feed(t, force):
            print(event)
    print(engine.result().score)
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from trainer.exercises import Exercise, FeedbackMode, Phase, PhaseKind, TargetBand
from trainer.scoring import PhaseMetrics, PhaseScorer, SessionResult, miss_tolerance_n, summarise

#: gaps longer than this (a paused or disconnected sensor) do not advance the clock
MAX_GAP_S = 0.25
#: window over which the live ramp rate is measured
RATE_WINDOW_S = 0.5
#: a ramp's moving target is at least this far either side of its line
MIN_RAMP_HALF_WIDTH_N = 2.0


class Zone(StrEnum):
    """Where the force is relative to the target band."""

    BELOW = "below"
    IN = "in"
    ABOVE = "above"
    NONE = "none"  # rest phases and finished sessions have no band


@dataclass(frozen=True, slots=True)
class PhaseEvent:
    """Something that happened in phase ``index`` at ``t_s`` (the sensor's clock)."""

    t_s: float
    index: int


@dataclass(frozen=True, slots=True)
class PhaseStarted(PhaseEvent):
    phase: Phase


@dataclass(frozen=True, slots=True)
class PhaseEnded(PhaseEvent):
    metrics: PhaseMetrics


@dataclass(frozen=True, slots=True)
class BandEntered(PhaseEvent):
    """The force came into the target band."""


@dataclass(frozen=True, slots=True)
class BandLeft(PhaseEvent):
    zone: Zone  # BELOW or ABOVE: which side it left by


@dataclass(frozen=True, slots=True)
class Overshoot(PhaseEvent):
    """The force went above the band (counted once per excursion)."""

    force_n: float


@dataclass(frozen=True, slots=True)
class SessionFinished:
    t_s: float
    result: SessionResult


Event = PhaseStarted | PhaseEnded | BandEntered | BandLeft | Overshoot | SessionFinished


@dataclass(frozen=True, slots=True)
class LiveState:
    """What the screen shows: a snapshot taken when asked for."""

    phase_index: int
    phase_count: int
    phase: Phase | None
    next_phases: tuple[Phase, ...]
    force_n: float
    band: TargetBand | None  # the target now (a ramp's moves along its line)
    zone: Zone
    distance_n: float
    elapsed_s: float  # in this phase
    time_left_s: float | None  # until the phase must end
    hold_left_s: float | None  # for holds that end after time in band
    rate_n_per_s: float
    session_elapsed_s: float
    paused: bool
    finished: bool
    aborted: bool
    in_band_s: float = 0.0  # time in the band so far in this phase

    @property
    def blind(self) -> bool:
        return self.phase is not None and self.phase.feedback is FeedbackMode.BLIND


_NO_EVENTS: list[Event] = []


@dataclass(frozen=True, slots=True)
class _PhasePlan:
    """What a phase is judged against, fixed when it begins (``band`` None: nothing)."""

    band: TargetBand | None = None
    limit_s: float = 0.0
    tolerance_n: float = 0.0  # how far out a sample still earns credit
    hysteresis_n: float = 0.0  # how far past an edge the zone changes
    # A ramp that starts outside its band: the target moves from ramp_from_n along the
    # target rate towards the band, ramp_half_n either side (0: no moving target).
    ramp_sign: float = 1.0  # +1 up to the band, -1 down
    ramp_from_n: float = 0.0
    ramp_rate_n_per_s: float = 0.0
    ramp_half_n: float = 0.0

    @classmethod
    def begin(cls, phase: Phase, force_n: float) -> _PhasePlan:
        band = phase.band
        if band is None:
            return cls(limit_s=phase.limit_s)
        sign = 1.0 if band.centre_n >= force_n else -1.0
        moving = (
            phase.kind is PhaseKind.RAMP
            and phase.rate_n_per_s
            and not (band.low_n <= force_n <= band.high_n)
        )
        return cls(
            band=band,
            limit_s=phase.limit_s,
            tolerance_n=miss_tolerance_n(band),
            hysteresis_n=min(0.5, band.width_n * 0.1),
            ramp_sign=sign,
            ramp_from_n=force_n,
            ramp_rate_n_per_s=phase.rate_n_per_s or 0.0,
            ramp_half_n=max(band.width_n / 2, MIN_RAMP_HALF_WIDTH_N) if moving else 0.0,
        )

    def moving_centre(self, elapsed_s: float) -> float | None:
        """Where a ramp's moving target is now; ``None`` once it reached the band (or no ramp)."""
        band = self.band
        if not self.ramp_half_n or band is None:
            return None
        centre = self.ramp_from_n + self.ramp_sign * self.ramp_rate_n_per_s * elapsed_s
        if (centre - band.centre_n) * self.ramp_sign >= 0:
            return None
        return centre


class SessionEngine:
    """Runs one exercise: phase clock, zones, events and metrics."""

    def __init__(self, exercise: Exercise) -> None:
        if not exercise.phases:
            raise ValueError(f"exercise {exercise.id!r} has no phases")
        self.exercise = exercise
        self.phases = exercise.phases
        self._index = -1
        self._last_t: float | None = None
        self._force = 0.0
        self._phase_elapsed = 0.0
        self._session_elapsed = 0.0
        self._in_band_s = 0.0
        self._zone = Zone.NONE
        self._above = False  # inside an overshoot excursion
        self._paused = False
        self._finished = False
        self._aborted = False
        self._recent: deque[tuple[float, float]] = deque()
        self._scorer: PhaseScorer | None = None
        self._done: list[PhaseMetrics] = []
        self._scorers: list[PhaseScorer] = []
        self._result: SessionResult | None = None
        self._pending: list[Event] = []
        self._plan = _PhasePlan()

    # -- intents -----------------------------------------------------------------
    def pause(self) -> None:
        """Stop the phase clock; samples fed while paused are not judged."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def phase_index(self) -> int:
        """The phase being judged (0 before the first sample)."""
        return max(self._index, 0)

    @property
    def force_n(self) -> float:
        """The force last judged: :attr:`state`'s, without building the whole state."""
        return self._force

    def abort(self) -> SessionResult:
        """End the session now; the phase in progress is kept as incomplete."""
        if not self._finished:
            self._aborted = True
            self._close_phase(completed=False)
            self._finish()
        assert self._result is not None
        return self._result

    # -- the hot path --------------------------------------------------------------
    def feed(self, t_s: float, force_n: float) -> list[Event]:
        """Judge one sample; return the events it caused (often none)."""
        if self._finished:
            return _NO_EVENTS
        last = self._last_t
        self._last_t = t_s
        self._force = force_n
        recent = self._recent
        recent.append((t_s, force_n))
        while recent[0][0] < t_s - RATE_WINDOW_S:
            recent.popleft()
        if self._paused:
            return _NO_EVENTS
        if self._index < 0:
            self._begin(0, t_s, force_n)
            dt = 0.0
        else:
            dt = 0.0 if last is None else t_s - last
            if dt < 0.0 or dt > MAX_GAP_S:
                dt = 0.0
        self._phase_elapsed += dt
        self._session_elapsed += dt
        elapsed = self._phase_elapsed
        scorer = self._scorer
        assert scorer is not None
        scorer.duration_s = elapsed
        plan = self._plan
        band = plan.band
        if band is None:
            self._check_end(t_s, force_n)
            return self._flush()

        low, high = band.low_n, band.high_n
        centre = plan.moving_centre(elapsed)
        if centre is None:
            centre = (low + high) * 0.5
        else:
            low, high = centre - plan.ramp_half_n, centre + plan.ramp_half_n
        if force_n < low:
            distance = force_n - low
        elif force_n > high:
            distance = force_n - high
        else:
            distance = 0.0
            self._in_band_s += dt
        scorer.add(elapsed, force_n, distance, centre, plan.tolerance_n)

        # Zones change with hysteresis so tremor at an edge does not chatter.
        h = plan.hysteresis_n
        zone = self._zone
        if zone is Zone.IN:
            if force_n < low - h:
                zone = Zone.BELOW
            elif force_n > high + h:
                zone = Zone.ABOVE
        elif low + h <= force_n <= high - h or (zone is Zone.NONE and distance == 0.0):
            zone = Zone.IN
        elif zone is Zone.BELOW and force_n > high + h:
            zone = Zone.ABOVE
        elif zone is Zone.ABOVE and force_n < low - h:
            zone = Zone.BELOW
        elif zone is Zone.NONE:
            zone = Zone.BELOW if force_n < low else Zone.ABOVE
        if zone is not self._zone:
            if zone is Zone.IN:
                self._pending.append(BandEntered(t_s, self._index))
            elif self._zone is Zone.IN:
                self._pending.append(BandLeft(t_s, self._index, zone))
            self._zone = zone

        kind = self.phases[self._index].kind
        if kind is PhaseKind.HOLD or kind is PhaseKind.RAMP:
            if force_n > high + h:
                excess = force_n - high
                if not self._above:
                    self._above = True
                    scorer.overshoot(excess)
                    self._pending.append(Overshoot(t_s, self._index, force_n))
                else:
                    scorer.note_overshoot_peak(excess)
            elif force_n <= high:
                self._above = False
        self._check_end(t_s, force_n)
        return self._flush()

    def _flush(self) -> list[Event]:
        if not self._pending:
            return _NO_EVENTS
        events, self._pending = self._pending, []
        return events

    # -- phases --------------------------------------------------------------------
    def _begin(self, index: int, t_s: float, force_n: float) -> None:
        phase = self.phases[index]
        self._index = index
        self._phase_elapsed = 0.0
        self._in_band_s = 0.0
        self._above = False
        self._zone = Zone.NONE
        self._plan = _PhasePlan.begin(phase, force_n)
        self._scorer = PhaseScorer(index, phase, force_n)
        self._pending.append(PhaseStarted(t_s, index, phase))

    def _check_end(self, t_s: float, force_n: float) -> None:
        phase = self.phases[self._index]
        elapsed = self._phase_elapsed
        # The clock is a sum of sample intervals: allow for floating-point rounding.
        done = elapsed >= self._plan.limit_s - 1e-9
        if not done and phase.duration_s is None:
            band = phase.band
            if phase.hold_s is not None:
                done = self._in_band_s >= phase.hold_s - 1e-9
            elif band is not None and phase.kind is PhaseKind.RAMP:
                if self._plan.ramp_sign > 0:
                    done = force_n >= band.low_n
                else:
                    done = force_n <= band.high_n
            elif band is not None and phase.kind is PhaseKind.RELEASE:
                done = force_n <= band.high_n
        if not done:
            return
        self._close_phase(completed=True, t_s=t_s)
        if self._index + 1 < len(self.phases):
            self._begin(self._index + 1, t_s, force_n)
        else:
            self._finish(t_s)

    def _close_phase(self, completed: bool, t_s: float | None = None) -> None:
        scorer = self._scorer
        if scorer is None or (self._scorers and self._scorers[-1] is scorer):
            return
        metrics = scorer.metrics(completed)
        self._done.append(metrics)
        self._scorers.append(scorer)
        self._pending.append(
            PhaseEnded(t_s if t_s is not None else self._last_t or 0.0, scorer.index, metrics)
        )

    def _finish(self, t_s: float | None = None) -> None:
        self._finished = True
        self._zone = Zone.NONE
        self._result = summarise(self._done, self._scorers, completed=not self._aborted)
        self._pending.append(
            SessionFinished(t_s if t_s is not None else self._last_t or 0.0, self._result)
        )

    # -- reading -------------------------------------------------------------------
    def result(self) -> SessionResult:
        """The result so far (final once :attr:`finished`)."""
        if self._result is not None:
            return self._result
        metrics = list(self._done)
        scorers = list(self._scorers)
        if self._scorer is not None and self._scorer not in scorers:
            metrics.append(self._scorer.metrics(completed=False))
            scorers.append(self._scorer)
        return summarise(metrics, scorers, completed=False)

    def take_events(self) -> list[Event]:
        """Events raised outside :meth:`feed` (by :meth:`abort`)."""
        return self._flush()

    @property
    def state(self) -> LiveState:
        index = max(self._index, 0)
        phase = None if self._finished else self.phases[index]
        plan = self._plan
        if self._finished:
            band = None
        else:
            band = plan.band if self._index >= 0 else self.phases[0].band
        distance = 0.0
        centre = plan.moving_centre(self._phase_elapsed)
        if band is not None and centre is not None:
            band = TargetBand(centre - plan.ramp_half_n, centre + plan.ramp_half_n, band.level)
        if band is not None:
            distance = band.distance_n(self._force)
        time_left = hold_left = None
        if phase is not None and self._index >= 0:
            time_left = max(0.0, plan.limit_s - self._phase_elapsed)
            if phase.hold_s is not None:
                hold_left = max(0.0, phase.hold_s - self._in_band_s)
        elif phase is not None:
            time_left = phase.limit_s
            hold_left = phase.hold_s
        rate = 0.0
        if len(self._recent) > 1:
            (t0, f0), (t1, f1) = self._recent[0], self._recent[-1]
            if t1 > t0:
                rate = (f1 - f0) / (t1 - t0)
        return LiveState(
            phase_index=index,
            phase_count=len(self.phases),
            phase=phase,
            next_phases=self.phases[index + 1 :] if not self._finished else (),
            force_n=self._force,
            band=band,
            zone=self._zone,
            distance_n=distance,
            elapsed_s=self._phase_elapsed,
            time_left_s=time_left,
            hold_left_s=hold_left,
            rate_n_per_s=rate,
            session_elapsed_s=self._session_elapsed,
            paused=self._paused,
            finished=self._finished,
            aborted=self._aborted,
            in_band_s=self._in_band_s,
        )

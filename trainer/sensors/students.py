"""Virtual students: simulated hands that follow an exercise with characteristic errors.

A :class:`VirtualStudent` watches the session's live state (as a student watches the
screen) and decides the force it intends; a :class:`SimulatedSensor` turns that into
samples with the profile's own hand dynamics and tremor.

Example::

    student = VirtualStudent(PROFILES["shaky"], seed=3)
    sensor = student.sensor(rate_hz=80, speed=0)
    student.observe(engine.state)        # after every sample the engine judged
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field

from trainer.engine import LiveState
from trainer.exercises import FeedbackMode, PhaseKind
from trainer.sensors.simulated import STEP_HZ, HandModel, SimulatedSensor


@dataclass(frozen=True, slots=True)
class StudentProfile:
    """How a kind of student aims, ramps and corrects. Fractions are of the band width."""

    name: str
    description: str
    hand: HandModel = field(default_factory=HandModel)
    aim_bias: float = 0.0  # + heavy, - light
    aim_spread: float = 0.05  # SD of the aim from phase to phase
    aim_spread_n: float = 0.2  # plus this many newtons
    blind_spread: float = 0.08  # extra aim SD (fraction of the force) without feedback
    rate_factor: float = 1.0  # ramp speed relative to the target rate
    rate_spread: float = 0.05
    overshoot: float = 0.0  # how far past the band the approach swings
    correction_gain: float = 2.0  # per second: how firmly the student corrects what is seen
    reaction_s: float = 0.25  # delay before what is seen is acted on
    fatigue_per_s: float = 0.0  # fraction of force lost per second under load
    release_rate_n_per_s: float = 25.0


PROFILES: dict[str, StudentProfile] = {
    profile.name: profile
    for profile in (
        StudentProfile(
            "steady",
            "practised hands: on target, calm, quick small corrections",
        ),
        StudentProfile(
            "shaky",
            "aims well but trembles: heavy tremor and wandering force",
            hand=HandModel(tremor_n=0.5, tremor_fraction=0.035, drift_n_per_sqrt_s=0.35),
            aim_spread=0.12,
            aim_spread_n=0.5,
            rate_spread=0.15,
            correction_gain=1.5,
        ),
        StudentProfile(
            "overshooter",
            "comes in too fast and too hard, then corrects",
            aim_bias=0.2,
            rate_factor=1.7,
            overshoot=0.9,
            correction_gain=1.2,
        ),
        StudentProfile(
            "slow",
            "careful but late: slow ramps, sluggish corrections, on the light side",
            hand=HandModel(response_tau_s=0.5),
            aim_bias=-0.15,
            rate_factor=0.55,
            correction_gain=0.7,
            reaction_s=0.6,
        ),
        StudentProfile(
            "heavy-handed",
            "presses far too hard (three band widths over) and stays there: a class alert",
            aim_bias=3.0,
            overshoot=0.5,
            correction_gain=1.0,
        ),
        StudentProfile(
            "fatiguing",
            "good at first, then the force fades during long holds",
            hand=HandModel(tremor_fraction=0.012),
            fatigue_per_s=0.008,
            correction_gain=0.35,
            reaction_s=0.5,
        ),
        StudentProfile(
            "novice",
            "first week: guesses the force, ramps unevenly, over-corrects",
            hand=HandModel(tremor_n=0.4, tremor_fraction=0.03, drift_n_per_sqrt_s=0.4),
            aim_bias=0.0,
            aim_spread=0.55,
            aim_spread_n=2.5,
            blind_spread=0.25,
            rate_factor=1.3,
            rate_spread=0.45,
            overshoot=0.5,
            correction_gain=3.5,
            reaction_s=0.7,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class _PhaseAim:
    """What the student means to do in one phase, decided as the phase begins."""

    index: int = -1
    start_s: float = 0.0
    force_n: float = 0.0
    rate_n_per_s: float = 0.0  # how fast a ramp heads for force_n


class VirtualStudent:
    """Intends a force from what it last saw of the session (an ``IntentSource``)."""

    def __init__(self, profile: StudentProfile, seed: int = 0) -> None:
        self.profile = profile
        self.seed = seed
        self._rng = random.Random(seed * 7919 + 17)
        self._state: LiveState | None = None
        self._aim = _PhaseAim()
        self._intent = 0.0
        self._correction = 0.0
        self._load_s = 0.0
        self._last_t = 0.0
        delay_steps = max(1, round(profile.reaction_s * STEP_HZ))
        self._seen: deque[float] = deque([0.0] * delay_steps, maxlen=delay_steps)

    def sensor(
        self, *, rate_hz: float = 80.0, speed: float = 1.0, capacity_n: float = 490.0
    ) -> SimulatedSensor:
        """A simulated sensor driven by this student, with the profile's hand."""
        return SimulatedSensor(
            self,
            rate_hz=rate_hz,
            seed=self.seed,
            speed=speed,
            hand=self.profile.hand,
            capacity_n=capacity_n,
        )

    def observe(self, state: LiveState) -> None:
        """Look at the screen: the phase, its band and whether feedback is shown."""
        self._state = state

    def intended_force_n(self, t_s: float, felt_force_n: float) -> float:
        state = self._state
        profile = self.profile
        dt = max(0.0, t_s - self._last_t) if t_s > self._last_t else 1.0 / STEP_HZ
        self._last_t = t_s
        self._seen.append(felt_force_n)
        seen = self._seen[0]
        if state is None or state.finished or state.phase is None:
            self._intent = max(0.0, self._intent - profile.release_rate_n_per_s * dt)
            return self._intent
        phase = state.phase
        if state.phase_index != self._aim.index:
            self._new_phase(state, t_s, felt_force_n)
        aim = self._aim
        in_phase_s = t_s - aim.start_s
        live = phase.feedback is FeedbackMode.LIVE
        band = phase.band

        if phase.kind is PhaseKind.REST or band is None:
            self._intent = max(0.0, self._intent - profile.release_rate_n_per_s * dt)
        elif phase.kind is PhaseKind.RELEASE:
            self._intent = max(band.low_n, self._intent - profile.release_rate_n_per_s * dt)
        elif phase.kind is PhaseKind.RAMP:
            step = aim.rate_n_per_s * dt
            goal = aim.force_n + profile.overshoot * band.width_n
            if self._intent < goal:
                self._intent = min(goal, self._intent + step)
            else:
                self._intent = max(goal, self._intent - step)
            if live and state.band is not None:
                # Watching the moving target: lean towards it a little.
                self._intent += 0.3 * profile.correction_gain * (state.band.centre_n - seen) * dt
        else:  # hold
            swing = profile.overshoot * band.width_n * math.exp(-in_phase_s / 0.8)
            error = aim.force_n - seen
            # Fine corrections start once the hand has roughly arrived; correcting the
            # hand's own lag on the way would wind up and overshoot.
            if live and abs(error) < 0.5 * band.width_n + 1.0:
                self._correction += profile.correction_gain * error * dt
                bound = 0.5 * max(band.centre_n, 5.0)
                self._correction = max(-bound, min(bound, self._correction))
            self._intent = aim.force_n + swing + self._correction

        if self._intent > 5.0:
            self._load_s += dt
        else:
            self._load_s = max(0.0, self._load_s - 3 * dt)
        fade = max(0.5, 1.0 - profile.fatigue_per_s * self._load_s)
        return max(0.0, self._intent * fade)

    def _new_phase(self, state: LiveState, t_s: float, felt_force_n: float) -> None:
        profile = self.profile
        rng = self._rng
        phase = state.phase
        assert phase is not None
        self._correction = 0.0
        band = phase.band
        if band is None:
            self._aim = _PhaseAim(state.phase_index, t_s)
            return
        if phase.kind is PhaseKind.RAMP:
            self._intent = felt_force_n
        spread = profile.aim_spread * band.width_n + profile.aim_spread_n
        aim = band.centre_n + profile.aim_bias * band.width_n + rng.gauss(0.0, spread)
        if phase.feedback is FeedbackMode.BLIND:
            aim += rng.gauss(0.0, profile.blind_spread * band.centre_n)
        target_rate = phase.rate_n_per_s or 15.0
        factor = profile.rate_factor * (1.0 + rng.gauss(0.0, profile.rate_spread))
        rate = target_rate * max(0.2, factor)
        self._aim = _PhaseAim(state.phase_index, t_s, max(0.0, aim), rate)

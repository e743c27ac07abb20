"""Metrics and the 0-100 score, computed sample by sample in constant memory.

The measures follow motor-learning and manual-therapy studies (see ``README.md``,
"How a session is scored"): time in band, constant / absolute / variable error against
the band, steadiness (coefficient of variation) during holds, time to reach the band,
overshoot count and peak, and for ramps the rate of force application.

Score of a sample: 1 inside the band; outside, ``1 - miss / tolerance`` (never below 0),
where ``tolerance`` is the band's width (at least 2 N), so a near miss earns more than a
far one. A hold's score is 80 % that band credit (the mean over its samples) and 20 %
steadiness, ``1 / (1 + (CV / 5 %)^2)``; a ramp's is 60 % tracking of the moving target and
40 % rate credit. The session score is the sample-weighted mean over ramp and hold phases.

A release asks the student to ease off into a low band before its time runs out, without
pressing again on the way down; it ends as soon as the force is there, so its time in
band says nothing. It is judged by :func:`release_verdict` instead, and not scored.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from trainer.exercises import Phase, PhaseKind, TargetBand

#: phases that count towards the session score (rest and release are reported only)
SCORED_KINDS = frozenset({PhaseKind.RAMP, PhaseKind.HOLD})
MIN_TOLERANCE_N = 2.0
RAMP_TRACKING_WEIGHT = 0.6
HOLD_BAND_WEIGHT = 0.8
#: the coefficient of variation (%) at which a hold's steadiness earns half credit
STEADINESS_HALF_CV_PCT = 5.0
#: a rise of force (N) during a release beyond this means the hand pressed in again
RELEASE_REBOUND_N = 2.0


def miss_tolerance_n(band: TargetBand) -> float:
    """How far outside a band a sample still earns some credit."""
    return max(band.width_n, MIN_TOLERANCE_N)


def steadiness_credit(cv_pct: float) -> float:
    """1 for a perfectly steady hold, 0.5 at 5 % CV, falling towards 0 beyond."""
    return 1.0 / (1.0 + (cv_pct / STEADINESS_HALF_CV_PCT) ** 2)


def rate_credit(rate: float, target: float, tolerance: float) -> float:
    """1 within the tolerance, falling linearly to 0 at three tolerances off."""
    error = abs(rate - target)
    if error <= tolerance:
        return 1.0
    return max(0.0, 1.0 - (error - tolerance) / (2 * tolerance))


@dataclass(frozen=True, slots=True)
class PhaseMetrics:
    """What one phase measured. Forces in N, times in s, ``None`` where not applicable."""

    index: int
    name: str
    kind: str
    feedback: str
    band_low_n: float | None
    band_high_n: float | None
    completed: bool
    duration_s: float
    samples: int
    time_in_band_pct: float
    constant_error_n: float
    absolute_error_n: float
    variable_error_n: float
    steadiness_cv_pct: float | None
    time_to_band_s: float | None
    overshoot_count: int
    overshoot_peak_n: float | None
    mean_force_n: float
    peak_force_n: float
    ramp_rate_n_per_s: float | None
    target_rate_n_per_s: float | None
    ramp_rate_error_pct: float | None
    score: float | None
    #: releases: the largest rise of force on the way down (pressing in again), N
    release_rebound_n: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ReleaseVerdict(StrEnum):
    """What became of a release: what it asks is to reach its band in time, smoothly."""

    SMOOTH = "smooth"  # reached the band in time, easing off without pressing again
    UNEVEN = "uneven"  # reached the band, but the force rose again on the way down
    LATE = "late"  # still above the band when its time ran out


def release_verdict(metrics: PhaseMetrics) -> ReleaseVerdict | None:
    """How a release went (``None`` for other phases, or a release with no samples).

    Example::

        release_verdict(metrics)  # ReleaseVerdict.SMOOTH: in the band after 1.8 s
    """
    if metrics.kind != "release" or not metrics.samples:
        return None
    if metrics.time_to_band_s is None:
        return ReleaseVerdict.LATE
    if (metrics.release_rebound_n or 0.0) > RELEASE_REBOUND_N:
        return ReleaseVerdict.UNEVEN
    return ReleaseVerdict.SMOOTH


@dataclass(frozen=True, slots=True)
class SessionResult:
    """The whole session: overall measures plus every phase's metrics."""

    score: float
    time_in_band_pct: float
    constant_error_n: float
    absolute_error_n: float
    variable_error_n: float
    overshoot_count: int
    duration_s: float
    completed: bool
    phases: tuple[PhaseMetrics, ...]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["phases"] = [p.to_dict() for p in self.phases]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionResult:
        phases = tuple(PhaseMetrics(**p) for p in data["phases"])
        return cls(**{**data, "phases": phases})


class _Spread:
    """Welford's running mean and variance."""

    __slots__ = ("m2", "mean", "n")

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    @property
    def sd(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0


class PhaseScorer:
    """Accumulates one phase's metrics from the samples the engine judged."""

    __slots__ = (
        "_error_spread",
        "_hold_spread",
        "_ramp_sums",
        "_ramp_window",
        "credit_sum",
        "distance_abs_sum",
        "distance_sum",
        "duration_s",
        "force_sum",
        "in_band",
        "index",
        "n",
        "overshoot_count",
        "overshoot_peak_n",
        "peak_force_n",
        "phase",
        "rebound_n",
        "running_min_n",
        "start_force_n",
        "time_to_band_s",
    )

    def __init__(self, index: int, phase: Phase, start_force_n: float) -> None:
        self.index = index
        self.phase = phase
        self.start_force_n = start_force_n
        self.n = 0
        self.in_band = 0
        self.credit_sum = 0.0
        self.distance_sum = 0.0
        self.distance_abs_sum = 0.0
        self.force_sum = 0.0
        self.peak_force_n = 0.0
        self.duration_s = 0.0
        self.time_to_band_s: float | None = None
        self.overshoot_count = 0
        self.overshoot_peak_n: float | None = None
        self.running_min_n = start_force_n
        self.rebound_n = 0.0
        self._error_spread = _Spread()
        self._hold_spread = _Spread()
        # least-squares slope sums (n, t, f, tt, tf) over the middle of the ramp
        self._ramp_sums = [0, 0.0, 0.0, 0.0, 0.0]
        self._ramp_window: tuple[float, float] | None = None
        band = phase.band
        if phase.kind is PhaseKind.RAMP and band is not None:
            # Rate is measured between 10 % and 90 % of the way to the band, as an
            # algometer does, so the start-up and the arrival do not bend the slope.
            goal = band.low_n if band.low_n >= start_force_n else band.high_n
            lo, hi = sorted((start_force_n, goal))
            span = hi - lo
            self._ramp_window = (lo + 0.1 * span, lo + 0.9 * span)

    def add(
        self,
        elapsed_s: float,
        force_n: float,
        distance_n: float,
        centre_n: float,
        tolerance_n: float,
    ) -> None:
        """Take one sample: its force, signed distance to the (moving) band and its centre."""
        self.n += 1
        self.force_sum += force_n
        if force_n > self.peak_force_n:
            self.peak_force_n = force_n
        self.distance_sum += distance_n
        if self.phase.kind is PhaseKind.RELEASE:
            self._release(elapsed_s, force_n, distance_n)
        if distance_n == 0.0:
            self.in_band += 1
            self.credit_sum += 1.0
            if self.time_to_band_s is None:
                self.time_to_band_s = elapsed_s
        else:
            miss = -distance_n if distance_n < 0 else distance_n
            self.distance_abs_sum += miss
            if miss < tolerance_n:
                self.credit_sum += 1.0 - miss / tolerance_n
        self._error_spread.add(force_n - centre_n)
        if self.time_to_band_s is not None and self.phase.kind is PhaseKind.HOLD:
            self._hold_spread.add(force_n)
        window = self._ramp_window
        if window is not None and window[0] <= force_n <= window[1]:
            sums = self._ramp_sums
            sums[0] += 1
            sums[1] += elapsed_s
            sums[2] += force_n
            sums[3] += elapsed_s * elapsed_s
            sums[4] += elapsed_s * force_n

    def _release(self, elapsed_s: float, force_n: float, distance_n: float) -> None:
        """A release is done once the force is at or below its band's top (lifting
        clean off counts too), and uneven if it climbs back up on the way down."""
        if distance_n <= 0.0 and self.time_to_band_s is None:
            self.time_to_band_s = elapsed_s
        if force_n < self.running_min_n:
            self.running_min_n = force_n
        elif force_n - self.running_min_n > self.rebound_n:
            self.rebound_n = force_n - self.running_min_n

    def overshoot(self, excess_n: float) -> None:
        """Count a new excursion above the band."""
        self.overshoot_count += 1
        self.note_overshoot_peak(excess_n)

    def note_overshoot_peak(self, excess_n: float) -> None:
        if self.overshoot_peak_n is None or excess_n > self.overshoot_peak_n:
            self.overshoot_peak_n = excess_n

    def ramp_rate_n_per_s(self) -> float | None:
        n, st, sf, stt, stf = self._ramp_sums
        if self._ramp_window is None:
            return None
        if n >= 3:
            denominator = n * stt - st * st
            if denominator > 1e-12:
                return float((n * stf - st * sf) / denominator)
        if self.duration_s > 0 and self.n:
            mean_end = self.force_sum / self.n
            return (mean_end - self.start_force_n) / self.duration_s
        return None

    def metrics(self, completed: bool) -> PhaseMetrics:
        phase = self.phase
        band = phase.band
        n = self.n or 1
        time_in_band = 100.0 * self.in_band / n if self.n else 0.0
        tracking = self.credit_sum / n if self.n else 0.0
        rate = self.ramp_rate_n_per_s()
        target_rate = phase.rate_n_per_s
        rate_error_pct: float | None = None
        if rate is not None and target_rate:
            signed_target = target_rate if self._rising() else -target_rate
            rate_error_pct = 100.0 * (rate - signed_target) / target_rate
        score: float | None = None
        if phase.kind in SCORED_KINDS and band is not None and self.n:
            score = 100.0 * tracking
            if phase.kind is PhaseKind.RAMP and target_rate and rate is not None:
                tolerance = phase.rate_tolerance_n_per_s or 0.3 * target_rate
                credit = rate_credit(abs(rate), target_rate, tolerance)
                score = 100.0 * (
                    RAMP_TRACKING_WEIGHT * tracking + (1 - RAMP_TRACKING_WEIGHT) * credit
                )
        steadiness: float | None = None
        hold = self._hold_spread
        if phase.kind is PhaseKind.HOLD and hold.n > 1 and hold.mean > 0:
            steadiness = 100.0 * hold.sd / hold.mean
        if score is not None and phase.kind is PhaseKind.HOLD:
            steady = steadiness_credit(steadiness) if steadiness is not None else 0.0
            score = 100.0 * (HOLD_BAND_WEIGHT * tracking + (1 - HOLD_BAND_WEIGHT) * steady)
        return PhaseMetrics(
            index=self.index,
            name=phase.name,
            kind=phase.kind.value,
            feedback=phase.feedback.value,
            band_low_n=band.low_n if band else None,
            band_high_n=band.high_n if band else None,
            completed=completed,
            duration_s=self.duration_s,
            samples=self.n,
            time_in_band_pct=time_in_band,
            constant_error_n=self.distance_sum / n if self.n else 0.0,
            absolute_error_n=self.distance_abs_sum / n if self.n else 0.0,
            variable_error_n=self._error_spread.sd,
            steadiness_cv_pct=steadiness,
            time_to_band_s=self.time_to_band_s,
            overshoot_count=self.overshoot_count,
            overshoot_peak_n=self.overshoot_peak_n,
            mean_force_n=self.force_sum / n if self.n else 0.0,
            peak_force_n=self.peak_force_n,
            ramp_rate_n_per_s=rate,
            target_rate_n_per_s=target_rate,
            ramp_rate_error_pct=rate_error_pct,
            score=score,
            release_rebound_n=self.rebound_n if phase.kind is PhaseKind.RELEASE else None,
        )

    def _rising(self) -> bool:
        band = self.phase.band
        return band is None or band.low_n >= self.start_force_n


def summarise(
    phases: list[PhaseMetrics], scorers: list[PhaseScorer], completed: bool
) -> SessionResult:
    """Overall measures: sample-weighted over the scored (ramp and hold) phases."""
    weights = [(m, s) for m, s in zip(phases, scorers, strict=True) if m.score is not None]
    total = sum(s.n for _, s in weights)
    if total:
        score = sum(m.score * s.n for m, s in weights if m.score is not None) / total
        in_band = 100.0 * sum(s.in_band for _, s in weights) / total
        constant = sum(s.distance_sum for _, s in weights) / total
        absolute = sum(s.distance_abs_sum for _, s in weights) / total
        # Pooled variable error: root of the sample-weighted mean of phase variances.
        pooled = sum(s._error_spread.m2 for _, s in weights)
        variable = math.sqrt(pooled / max(1, total - len(weights)))
    else:
        score = in_band = constant = absolute = variable = 0.0
    return SessionResult(
        score=round(score, 1),
        time_in_band_pct=round(in_band, 1),
        constant_error_n=constant,
        absolute_error_n=absolute,
        variable_error_n=variable,
        overshoot_count=sum(m.overshoot_count for m in phases),
        duration_s=sum(m.duration_s for m in phases),
        completed=completed,
        phases=tuple(phases),
    )

"""Two or three concrete coaching sentences derived from a session's metrics. Pure.

Each rule looks at one measure (overshoots, ramp rate, bias, steadiness, time to the
band, blind-phase error), and says what happened with numbers and what to do next.
The most serious findings come first; when little went wrong, the praise is specific.

Example::

    for sentence in coaching_sentences(result, Unit.N):
        print(sentence)
    # You overshot the band 3 times on the ramps (up to 6.2 N over): slow down in the last 5 N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from trainer.scoring import PhaseMetrics, ReleaseVerdict, SessionResult, release_verdict
from trainer.units import Contact, Unit

#: a hold's coefficient of variation (%) above which the force counts as unsteady
UNSTEADY_CV_PCT = 6.0
#: ramp rate error (%) above which the rate is worth a remark
RATE_ERROR_PCT = 25.0
#: seconds to reach a hold's band above which the approach is slow
SLOW_REACH_S = 2.0
#: a bias this fraction of the band's width (or 1 N) is worth a remark
BIAS_FRACTION = 0.25


@dataclass(frozen=True, slots=True)
class Advice:
    """One finding: how serious it is (higher first) and the sentence."""

    severity: float
    sentence: str


def _f(unit: Unit, force_n: float, on: Contact | None) -> str:
    return unit.show(abs(force_n), contact=on)


def _nice_margin(unit: Unit, force_n: float, on: Contact | None) -> str:
    """A round distance to slow down within, e.g. ``'5 N'``, at least the peak overshoot."""
    value = unit.from_newtons(max(force_n, 2.0), on)
    step = 1.0 if value <= 5 else 5.0
    rounded = math.ceil(value / step) * step
    return f"{rounded:g} {unit.value}"


def _weighted(phases: list[PhaseMetrics], value: list[float]) -> float:
    total = sum(p.samples for p in phases)
    if not total:
        return 0.0
    return sum(v * p.samples for v, p in zip(value, phases, strict=True)) / total


#: what to do about overshoots, by phase kind and whether the force showed
_OVERSHOOT_FIXES = {
    ("ramp", False): "slow down in the last {margin} before the band",
    ("hold", False): "make smaller corrections, and ease off as soon as it says LIGHTER",
    # A blind phase showed no zone: the student had only their hands to go by.
    ("ramp", True): "slow down in the last {margin} before the level you feel for",
    ("hold", True): "settle into the level and make only small corrections by feel",
}


def _overshoots(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    advice: list[Advice] = []
    for (kind, blind), fix in _OVERSHOOT_FIXES.items():
        phases = [
            p
            for p in result.phases
            if p.kind == kind and p.overshoot_count and (p.feedback == "blind") == blind
        ]
        count = sum(p.overshoot_count for p in phases)
        if not count:
            continue
        peak = max(p.overshoot_peak_n or 0.0 for p in phases)
        where = "on the ramps" if kind == "ramp" else "during the holds"
        if len(phases) == 1:
            where = (
                f"on the {kind} '{phases[0].name}'" if kind == "ramp" else f"in '{phases[0].name}'"
            )
        if blind:
            where += " without the gauge"
        times = "once" if count == 1 else f"{count} times"
        sentence = (
            f"You overshot the band {times} {where} (up to {_f(unit, peak, on)} over): "
            + fix.format(margin=_nice_margin(unit, peak, on))
            + "."
        )
        advice.append(Advice(10.0 * count + 3.0 * peak, sentence))
    return advice


def _missed_levels(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    """Holds spent almost wholly on the wrong level: a reading problem, not a steadiness one."""
    missed = [
        p
        for p in result.phases
        if p.kind == "hold"
        and p.samples
        and p.time_in_band_pct < 20.0
        and p.band_low_n is not None
        and p.band_high_n is not None
        and abs(p.constant_error_n) >= (p.band_high_n - p.band_low_n) / 2
    ]
    if not missed:
        return []
    worst = max(missed, key=lambda p: abs(p.constant_error_n))
    side = "above" if worst.constant_error_n > 0 else "below"
    others = len(missed) - 1
    more = f" (and {others} other step{'s' if others > 1 else ''})" if others else ""
    sentence = (
        f"In '{worst.name}'{more} you stayed about {_f(unit, worst.constant_error_n, on)} {side} "
        "the band: read the level before you press, and go to it in one movement."
    )
    return [Advice(60.0 + 10.0 * len(missed), sentence)]


def _rate_error_pct(ramp: PhaseMetrics) -> float:
    """How far a ramp's rate was from its own target, in % (positive: too fast)."""
    target = ramp.target_rate_n_per_s or 0.0
    return 100.0 * (abs(ramp.ramp_rate_n_per_s or 0.0) - target) / target


def _ramp_rate(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    """The ramps whose rate went wrong, each judged against its own target rate.

    One sentence for the ramps that were too fast and one for those too slow, naming the
    worst of them with its measured and target rates; ramps at the right rate are not
    averaged in.
    """
    ramps = [
        p
        for p in result.phases
        if p.kind == "ramp" and p.ramp_rate_n_per_s is not None and p.target_rate_n_per_s
    ]
    advice: list[Advice] = []
    for fast in (True, False):
        wrong = [
            p
            for p in ramps
            if abs(_rate_error_pct(p)) >= RATE_ERROR_PCT and (_rate_error_pct(p) > 0) == fast
        ]
        if not wrong:
            continue
        worst = max(wrong, key=lambda p: abs(_rate_error_pct(p)))
        target = worst.target_rate_n_per_s or 0.0
        direction = "fell" if (worst.ramp_rate_n_per_s or 0.0) < 0 else "climbed"
        rates = (
            f"{unit.show_rate(abs(worst.ramp_rate_n_per_s or 0.0), compact=False, contact=on)} "
            f"against {unit.show_rate(target, contact=on)}"
        )
        others = len(wrong) - 1
        more = ""
        if others:
            ramp_word = "ramp" if others == 1 else "ramps"
            more = f" (and {others} other {ramp_word} too {'fast' if fast else 'slow'})"
        step = unit.show(target, compact=True, contact=on)
        if fast:
            sentence = (
                f"Your ramp '{worst.name}' {direction} at {rates}{more}: count the seconds "
                f"aloud and change only about {step} each second."
            )
        else:
            sentence = (
                f"Your ramp '{worst.name}' {direction} at only {rates}{more}: commit to "
                f"the movement, about {step} each second."
            )
        advice.append(Advice(abs(_rate_error_pct(worst)) / 2 + 5.0 * others, sentence))
    return advice


def _releases(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    """Releases judged by what they ask: into the low band in time, without pressing again."""
    advice: list[Advice] = []
    late = [p for p in result.phases if release_verdict(p) is ReleaseVerdict.LATE]
    if late:
        first = late[0]
        more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
        top = unit.show(first.band_high_n or 0.0, compact=True, contact=on)
        advice.append(
            Advice(
                15.0 + 5.0 * len(late),
                f"In '{first.name}'{more} you were still pressing when its "
                f"{first.duration_s:.0f} s ran out: ease off steadily until you are "
                f"under {top}.",
            )
        )
    uneven = [p for p in result.phases if release_verdict(p) is ReleaseVerdict.UNEVEN]
    if uneven:
        worst = max(uneven, key=lambda p: p.release_rebound_n or 0.0)
        more = f" (and {len(uneven) - 1} more)" if len(uneven) > 1 else ""
        advice.append(
            Advice(
                8.0 + 2.0 * (worst.release_rebound_n or 0.0),
                f"In '{worst.name}'{more} you pressed in again on the way down (by "
                f"{_f(unit, worst.release_rebound_n or 0.0, on)}): ease off in one steady "
                "movement.",
            )
        )
    return advice


def _bias(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    holds = [p for p in result.phases if p.kind == "hold" and p.feedback == "live" and p.samples]
    if not holds:
        return []
    bias = _weighted(holds, [p.constant_error_n for p in holds])
    widths = [(p.band_high_n or 0.0) - (p.band_low_n or 0.0) for p in holds]
    width = _weighted(holds, widths)
    if abs(bias) < max(1.0, BIAS_FRACTION * width):
        return []
    if bias < 0:
        sentence = (
            f"In the holds you were {_f(unit, bias, on)} too light on average: settle a little "
            "deeper, towards the middle of the band."
        )
    else:
        sentence = (
            f"In the holds you were {_f(unit, bias, on)} too heavy on average: lighten up "
            "until you sit in the middle of the band."
        )
    return [Advice(100.0 * abs(bias) / max(width, 1.0), sentence)]


def _steadiness(result: SessionResult) -> list[Advice]:
    holds = [p for p in result.phases if p.kind == "hold" and p.steadiness_cv_pct is not None]
    if not holds:
        return []
    worst = max(holds, key=lambda p: p.steadiness_cv_pct or 0.0)
    cv = worst.steadiness_cv_pct or 0.0
    if cv < UNSTEADY_CV_PCT:
        return []
    sentence = (
        f"Your force wavered in '{worst.name}' (it varied by {cv:.0f}% of its mean): rest "
        "your forearm, breathe out slowly and make only small corrections."
    )
    return [Advice(3.0 * cv, sentence)]


def _reach(result: SessionResult) -> list[Advice]:
    holds = [
        p for p in result.phases if p.kind == "hold" and p.time_to_band_s is not None and p.samples
    ]
    if not holds:
        return []
    mean = sum(p.time_to_band_s or 0.0 for p in holds) / len(holds)
    if mean < SLOW_REACH_S:
        return []
    sentence = (
        f"You took {mean:.1f} s on average to reach each band: go straight to the level "
        "in one movement, then fine-tune."
    )
    return [Advice(8.0 * mean, sentence)]


def _blind(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    blind = [
        p
        for p in result.phases
        if p.feedback == "blind" and p.kind in ("hold", "ramp") and p.samples
    ]
    if not blind:
        return []
    bias = _weighted(blind, [p.constant_error_n for p in blind])
    in_band = _weighted(blind, [p.time_in_band_pct for p in blind])
    if abs(bias) < 1.0:
        sentence = (
            f"Without the gauge you were {in_band:.0f}% of the time in the band and only "
            f"{_f(unit, bias, on)} off on average: your feel for these levels is good."
        )
        return [Advice(5.0, sentence)]
    side = "light" if bias < 0 else "heavy"
    sentence = (
        f"Without the gauge you pressed {_f(unit, bias, on)} too {side} on average: "
        f"practise with the gauge, then check by feel again."
    )
    return [Advice(20.0 + 10.0 * abs(bias), sentence)]


def _praise(result: SessionResult, unit: Unit, on: Contact | None) -> list[Advice]:
    scored = [p for p in result.phases if p.score is not None]
    advice = [
        Advice(
            1.0,
            f"You were in the band {result.time_in_band_pct:.0f}% of the time, with a "
            f"consistency (variable error) of {_f(unit, result.variable_error_n, on)}.",
        )
    ]
    if scored:
        best = max(scored, key=lambda p: p.score or 0.0)
        worst = min(scored, key=lambda p: p.score or 0.0)
        if worst is not best and (best.score or 0) - (worst.score or 0) >= 10:
            advice.append(
                Advice(
                    0.5,
                    f"Your best step was '{best.name}' ({best.score:.0f}) and your weakest "
                    f"'{worst.name}' ({worst.score:.0f}): give that one extra attention.",
                )
            )
        else:
            advice.append(
                Advice(
                    0.5,
                    "Every step went about equally well: try the blind version to check "
                    "that your hands know the levels without the gauge.",
                )
            )
    return advice


def coaching_sentences(
    result: SessionResult,
    unit: Unit = Unit.N,
    limit: int = 3,
    *,
    gauge_shown: bool = True,
    contact: Contact | None = None,
) -> list[str]:
    """Up to ``limit`` sentences (at least two when there is anything scored), worst first.

    Every force and rate is in ``unit`` as the student sees it, rounded to its resolution;
    kPa is over ``contact`` (the practice's), so the advice matches the gauge.

    ``gauge_shown`` False: the feedback schedule hid the force on every trial (a retention
    test), so every step is coached as a blind one, never by a cue the student did not see.
    """
    if not gauge_shown:
        felt = tuple(replace(p, feedback="blind") for p in result.phases)
        result = replace(result, phases=felt)
    findings = [
        *_missed_levels(result, unit, contact),
        *_overshoots(result, unit, contact),
        *_ramp_rate(result, unit, contact),
        *_releases(result, unit, contact),
        *_bias(result, unit, contact),
        *_steadiness(result),
        *_reach(result),
        *_blind(result, unit, contact),
    ]
    findings.sort(key=lambda a: a.severity, reverse=True)
    sentences = [a.sentence for a in findings[:limit]]
    if len(sentences) < 2:
        for advice in _praise(result, unit, contact):
            if len(sentences) >= min(2, limit):
                break
            sentences.append(advice.sentence)
    if not result.completed:
        sentences.append("The session stopped early, so these cover only the steps you did.")
    return sentences

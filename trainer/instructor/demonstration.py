"""Teach by demonstration: a recorded force-time curve becomes an exercise's target profile.

The instructor presses the pad (or a recorded session is replayed); the curve is
smoothed, cut into straight pieces, and each piece becomes a phase: flat pieces are
holds (a band of the chosen width around the force held), rising and falling pieces are
ramps at the demonstrated rate into the next band, and the final fall is a release.
With an expert's recorded forces as targets, students' error fell from about 14 N to
4 N in a mobilisation study (``DOMAIN.md``).

Example::

    samples = store.samples(session_id)
    draft = draft_from_demonstration(
        [(s.t_s, s.force_n) for s in samples], "my-release", "My release", band_width_n=6
    )
    draft.save()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from trainer.exercises import Exercise, Phase, PhaseKind
from trainer.instructor import InstructorError
from trainer.instructor.editing import Draft, check_new_id
from trainer.sensors.base import Sample
from trainer.store import Store

#: the curve is averaged into steps of this length before it is cut into pieces
STEP_S = 0.1
#: below this the hand is off the pad
CONTACT_N = 3.0
#: slower than this a piece counts as flat
FLAT_N_PER_S = 1.5
#: pieces shorter than this are folded into their neighbours
MIN_PIECE_S = 0.6
#: a departure from a level that comes back within this time (an overshoot, a wobble,
#: a dip) is part of the hold, not a phase; overshoots at the end of a ramp are folded
#: into the ramp the same way
EXCURSION_S = 1.5


@dataclass(frozen=True, slots=True)
class Piece:
    """A straight piece of the demonstrated curve; ``kind`` is flat, up or down."""

    start_s: float
    end_s: float
    start_n: float
    end_n: float
    mean_n: float
    kind: str = ""
    #: the rate demonstrated, when the piece stands for several (folded overshoots)
    rate_n_per_s: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def slope_n_per_s(self) -> float:
        return (self.end_n - self.start_n) / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def flat(self) -> bool:
        return self.kind == "flat"

    def classified(self) -> Piece:
        slope = self.slope_n_per_s
        kind = "flat" if abs(slope) < FLAT_N_PER_S else ("up" if slope > 0 else "down")
        return replace(self, kind=kind)


def resample(
    trace: Sequence[tuple[float, float]], step_s: float = STEP_S
) -> list[tuple[float, float]]:
    """Average the trace into equal steps (time of the step's middle, mean force)."""
    if len(trace) < 2:
        return list(trace)
    out: list[tuple[float, float]] = []
    start = trace[0][0]
    bucket: list[float] = []
    index = 0
    for t, force in trace:
        step = int((t - start) / step_s)
        if step != index and bucket:
            out.append((start + (index + 0.5) * step_s, sum(bucket) / len(bucket)))
            bucket = []
        index = step
        bucket.append(force)
    if bucket:
        out.append((start + (index + 0.5) * step_s, sum(bucket) / len(bucket)))
    return out


def _split(
    points: list[tuple[float, float]], lo: int, hi: int, tolerance: float, cuts: set[int]
) -> None:
    # Douglas-Peucker on the vertical distance to the chord: forces and times differ in units.
    (t0, f0), (t1, f1) = points[lo], points[hi]
    worst, worst_at = 0.0, -1
    for i in range(lo + 1, hi):
        t, f = points[i]
        line = f0 + (f1 - f0) * (t - t0) / (t1 - t0) if t1 > t0 else f0
        if abs(f - line) > worst:
            worst, worst_at = abs(f - line), i
    if worst > tolerance and worst_at > 0:
        cuts.add(worst_at)
        _split(points, lo, worst_at, tolerance, cuts)
        _split(points, worst_at, hi, tolerance, cuts)


def pieces(trace: Sequence[tuple[float, float]], tolerance_n: float) -> list[Piece]:
    """Cut the (smoothed) curve into straight pieces within ``tolerance_n``, merged by kind."""
    points = resample(trace)
    if len(points) < 3:
        raise InstructorError("the demonstration is too short: press for at least a few seconds")
    cuts = {0, len(points) - 1}
    _split(points, 0, len(points) - 1, tolerance_n, cuts)
    ordered = sorted(cuts)
    raw: list[Piece] = []
    for a, b in pairwise(ordered):
        chunk = [f for _, f in points[a : b + 1]]
        raw.append(
            Piece(points[a][0], points[b][0], points[a][1], points[b][1], sum(chunk) / len(chunk))
        )
    return fold_excursions(_merge(raw, tolerance_n), tolerance_n)


def _joined(first: Piece, second: Piece, kind: str) -> Piece:
    total = first.duration_s + second.duration_s
    mean = (
        (first.mean_n * first.duration_s + second.mean_n * second.duration_s) / total
        if total > 0
        else first.mean_n
    )
    return Piece(first.start_s, second.end_s, first.start_n, second.end_n, mean, kind)


def _merge(raw: list[Piece], tolerance_n: float) -> list[Piece]:
    merged: list[Piece] = []
    for piece in (p.classified() for p in raw):
        if merged:
            last = merged[-1]
            # A brief wiggle is noise; a brief but large change (a quick lift-off) is not.
            wiggle = (
                piece.duration_s < MIN_PIECE_S
                and abs(piece.end_n - piece.start_n) < 2 * tolerance_n
            )
            same_flat = last.flat and piece.flat and abs(last.mean_n - piece.mean_n) <= tolerance_n
            same_ramp = not last.flat and last.kind == piece.kind
            if wiggle or same_flat or same_ramp:
                longer = last if last.duration_s >= piece.duration_s or wiggle else piece
                merged[-1] = _joined(last, piece, longer.kind)
                continue
        merged.append(piece)
    return merged


def _is_level(piece: Piece) -> bool:
    return piece.flat and piece.duration_s >= MIN_PIECE_S


def _level_of(first: Piece, second: Piece) -> Piece:
    # One hold across a brief excursion: its force is the two sides', not the excursion's.
    total = first.duration_s + second.duration_s
    mean = (first.mean_n * first.duration_s + second.mean_n * second.duration_s) / total
    return Piece(first.start_s, second.end_s, first.start_n, second.end_n, mean, "flat")


def _transition(run: list[Piece], start_n: float, end_n: float) -> Piece:
    """One ramp for everything between two levels, at the rate the hand mostly moved."""
    kind = "up" if end_n > start_n else "down"
    moving = [p for p in run if p.kind == kind] or run
    main = max(moving, key=lambda p: p.duration_s)
    rate = abs(main.slope_n_per_s) or abs(end_n - start_n) / max(
        run[-1].end_s - run[0].start_s, STEP_S
    )
    mean = sum(p.mean_n * p.duration_s for p in run) / max(sum(p.duration_s for p in run), 1e-9)
    return Piece(run[0].start_s, run[-1].end_s, start_n, end_n, mean, kind, rate)


def fold_excursions(cut: list[Piece], tolerance_n: float) -> list[Piece]:
    """The phases the demonstrator meant: overshoots, wobbles and dips are not phases.

    Levels are flat pieces of at least :data:`MIN_PIECE_S`. Everything between two
    levels is one transition: a single ramp when the levels differ, or, when they are
    the same and the departure lasted less than :data:`EXCURSION_S`, nothing at all
    (the two levels are one hold). Before the first level and after the last one the
    pieces become one ramp each (the approach, the lift-off).
    """
    levels = [i for i, piece in enumerate(cut) if _is_level(piece)]
    if not levels:
        return cut
    out: list[Piece] = []
    lead = cut[: levels[0]]
    if lead:
        out.append(_transition(lead, lead[0].start_n, cut[levels[0]].mean_n))
    out.append(cut[levels[0]])
    for previous, following in pairwise(levels):
        run = cut[previous + 1 : following]
        level, after = out[-1], cut[following]
        same = abs(after.mean_n - level.mean_n) <= tolerance_n
        brief = not run or run[-1].end_s - run[0].start_s < EXCURSION_S
        if same and brief:
            out[-1] = _level_of(level, after)
            continue
        if run and not same:
            out.append(_transition(run, level.mean_n, after.mean_n))
        else:
            out.extend(run)  # a slow departure and return: the demonstrator meant it
        out.append(after)
    tail = cut[levels[-1] + 1 :]
    if tail:
        out.append(_transition(tail, out[-1].mean_n, tail[-1].end_n))
    return out


def _half(value: float) -> float:
    return round(value * 2) / 2


def _band(centre_n: float, width_n: float) -> list[float]:
    low = max(0.0, _half(centre_n - width_n / 2))
    return [low, _half(low + width_n) if low == 0 else _half(centre_n + width_n / 2)]


def _clean(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def profile_phases(
    trace: Sequence[tuple[float, float]], band_width_n: float
) -> list[dict[str, Any]]:
    """The phases (as exercise-file tables) that follow the demonstrated curve."""
    if not 1 <= band_width_n <= 100:
        raise InstructorError("the band width is from 1 to 100 N: choose e.g. 6")
    contact = [(t, f) for t, f in trace if f >= CONTACT_N]
    if not contact or max(f for _, f in trace) < CONTACT_N + band_width_n:
        raise InstructorError(
            "the demonstration never pressed the pad firmly: press, hold and release, then try again"
        )
    start = next(i for i, (_, f) in enumerate(trace) if f >= CONTACT_N)
    end = max(i for i, (_, f) in enumerate(trace) if f >= CONTACT_N)
    # Keep a little of the approach and the lift-off so the first ramp and the release show.
    trimmed = trace[max(0, start - 8) : min(len(trace), end + 8)]
    cut = pieces(trimmed, tolerance_n=max(1.0, band_width_n / 3))
    phases: list[dict[str, Any]] = []
    for index, piece in enumerate(cut):
        following = cut[index + 1] if index + 1 < len(cut) else None
        if piece.flat:
            if piece.mean_n < CONTACT_N:
                if (
                    phases
                ):  # hands off between presses: a rest (leading contact-free time is dropped)
                    phases.append(
                        {"kind": "rest", "duration_s": _clean(max(1.0, _half(piece.duration_s)))}
                    )
                continue
            phases.append(
                {
                    "kind": "hold",
                    "band": [_clean(v) for v in _band(piece.mean_n, band_width_n)],
                    "duration_s": _clean(max(1.0, _half(piece.duration_s))),
                }
            )
            continue
        shown_rate = piece.rate_n_per_s or abs(piece.slope_n_per_s)
        rate = _clean(max(0.5, _half(shown_rate)))
        limit = _clean(max(3.0, _half(piece.duration_s * 2 + 2)))
        if piece.slope_n_per_s < 0 and piece.end_n < CONTACT_N + band_width_n / 2:
            phases.append(
                {
                    "kind": "release",
                    "band": [0, _clean(max(3.0, _half(band_width_n / 2)))],
                    "max_s": limit,
                }
            )
            continue
        target = following.mean_n if following is not None and following.flat else piece.end_n
        phases.append(
            {
                "kind": "ramp",
                "band": [_clean(v) for v in _band(target, band_width_n)],
                "rate_n_per_s": rate,
                "max_s": limit,
            }
        )
    if phases and phases[-1]["kind"] == "rest":
        phases.pop()
    if not phases or phases[-1]["kind"] != "release":
        phases.append({"kind": "release", "band": [0, 5], "max_s": 6})
    if not any(p["kind"] in ("hold", "ramp") for p in phases):
        raise InstructorError(
            "the demonstration has no hold or ramp to copy: press and hold longer"
        )
    return phases


def draft_from_demonstration(
    trace: Sequence[tuple[float, float]],
    exercise_id: str,
    name: str,
    *,
    band_width_n: float = 6.0,
    technique: str = "demonstrated",
    demonstrated_by: str = "the instructor",
) -> Draft:
    """A new exercise draft whose phases follow the demonstrated force curve."""
    check_new_id(exercise_id)
    phases = profile_phases(trace, band_width_n)
    holds = [p for p in phases if p["kind"] == "hold"]
    instructions = (
        f"Follow the force curve demonstrated by {demonstrated_by}: "
        f"{len(holds)} hold(s), each inside a {band_width_n:g} N band. "
        "Press in at the shown rate, keep the force in the band, then ease off."
    )
    return Draft(
        {
            "id": exercise_id,
            "name": name,
            "technique": technique,
            "instructions": instructions,
            "phases": phases,
        }
    )


#: the exercise a demonstration session is recorded under (it has no targets to judge)
DEMONSTRATION_ID = "demonstration"


def demonstration_exercise(duration_s: float, by: str) -> Exercise:
    """What a stored demonstration was: one unscored phase as long as the recording."""
    phase = Phase(
        PhaseKind.REST,
        "Demonstration",
        None,
        f"Force curve demonstrated by {by}",
        duration_s=max(0.5, round(duration_s, 1)),
    )
    return Exercise(
        DEMONSTRATION_ID,
        "Demonstration",
        "demonstration",
        f"A force curve demonstrated by {by}, kept to show the class again.",
        (phase,),
    )


def save_demonstration(
    store: Store,
    samples: Sequence[Sample],
    *,
    by: str,
    sensor_info: dict[str, Any],
    calibration: dict[str, Any] | None = None,
) -> int:
    """Store a recorded demonstration as a session of its own kind; return its id.

    It shows in the history and exports like any session (no score: nothing was
    judged), and ``trainer exercises new ID --from-session N`` makes an exercise of it.
    """
    if len(samples) < 2:
        raise InstructorError("the demonstration is too short: record a few seconds first")
    exercise = demonstration_exercise(samples[-1].t_s - samples[0].t_s, by)
    session_id = store.start_session(
        by, exercise, sensor_info=sensor_info, calibration=calibration, kind="demonstration"
    )
    recorder = store.recorder(session_id, flush_interval_s=float("inf"))
    for sample in samples:
        recorder.add(sample, sample.force_n, sample.flags, 0)
    recorder.close()
    store.finish_session(session_id, None, "complete")
    return session_id

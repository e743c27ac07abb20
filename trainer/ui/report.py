"""A stored session read back for the results screen: exercise, result, whole trace."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.exercises import Exercise, PhaseKind
from trainer.scoring import SessionResult
from trainer.store import Store


@dataclass(frozen=True)
class SessionReport:
    """Everything the results screen shows about one session."""

    session_id: int
    student: str
    exercise: Exercise
    started_at: str
    status: str
    result: SessionResult | None
    #: (t_s from the first sample, judged force, band low, band high) per sample
    points: list[tuple[float, float, float | None, float | None]]

    @property
    def duration_s(self) -> float:
        return self.points[-1][0] if self.points else 0.0


def load_report(store: Store, session_id: int) -> SessionReport:
    """Read one session back; :class:`~trainer.store.StoreError` if there is none."""
    record = store.session(session_id)
    exercise = Exercise.from_snapshot(record["exercise"])
    phases = exercise.phases
    # A ramp's target moves along its line during the phase; its final band drawn behind
    # the climb would paint every sample as "too light", so ramps are drawn unjudged.
    bands: list[tuple[float | None, float | None]] = [
        (p.band.low_n, p.band.high_n)
        if p.band is not None and p.scored and p.kind is not PhaseKind.RAMP
        else (None, None)
        for p in phases
    ]
    points: list[tuple[float, float, float | None, float | None]] = []
    first: float | None = None
    for _seq, t_s, force_n, _raw, _counts, _flags, phase in store.sample_rows(session_id):
        if first is None:
            first = t_s
        low, high = bands[phase] if 0 <= phase < len(bands) else (None, None)
        points.append((t_s - first, force_n, low, high))
    return SessionReport(
        session_id=session_id,
        student=record["student"],
        exercise=exercise,
        started_at=record["started_at"],
        status=record["status"],
        result=store.result(session_id),
        points=points,
    )

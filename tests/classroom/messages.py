"""Hand-made protocol messages for the class board's and class screen's tests."""

from __future__ import annotations

import uuid as uuids
from pathlib import Path
from typing import Any

from trainer.classroom.protocol import LiveReport, SessionRecord, StationStatus, exercise_hash
from trainer.exercises import ExerciseLibrary

#: a real exercise's snapshot, as a station sends it with a session
EXERCISE: dict[str, Any] = (
    ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir"))
    .get("ischemic-compression")
    .snapshot()
)


def status(station: str, state: str = "online", since: float = 0.0, **fields: Any) -> StationStatus:
    values: dict[str, Any] = {"student": None, "exercise_id": None, "sensor": "simulated"}
    values.update(fields)
    return StationStatus(station=station, state=state, since=since, **values)


def live(station: str, seq: int, t: float, force_n: float, **fields: Any) -> LiveReport:
    """A live report in the hold of 'Ischemic compression' (band 40-60 N)."""
    values: dict[str, Any] = {
        "student": "Ana",
        "exercise_id": "ischemic-compression",
        "exercise_name": "Ischemic compression",
        "phase_index": 1,
        "phase_count": 3,
        "phase_name": "hold",
        "phase_kind": "hold",
        "band_low_n": 40.0,
        "band_high_n": 60.0,
        "zone": "in" if 40.0 <= force_n <= 60.0 else "below" if force_n < 40.0 else "above",
        "in_band_s": 0.0,
        "phase_elapsed_s": 0.0,
        "phase_remaining_s": 30.0,
        "running": True,
        "paused": False,
        "feedback_shown": True,
        "peeks": 0,
        "sensor": "simulated",
        "overload": False,
        "message_id_seen": None,
    }
    values.update(fields)
    return LiveReport(station=station, seq=seq, t=t, force_n=force_n, **values)


def record(
    station: str, student: str, score: float | None = 80.0, ended: str = "10:05"
) -> SessionRecord:
    """A finished session's record with a one-phase result."""
    result = None
    if score is not None:
        phase = {
            "index": 1,
            "name": "hold",
            "kind": "hold",
            "feedback": "live",
            "band_low_n": 40.0,
            "band_high_n": 60.0,
            "completed": True,
            "duration_s": 30.0,
            "samples": 300,
            "time_in_band_pct": 80.0,
            "constant_error_n": 1.0,
            "absolute_error_n": 3.0,
            "variable_error_n": 2.0,
            "steadiness_cv_pct": 4.0,
            "time_to_band_s": 1.0,
            "overshoot_count": 0,
            "overshoot_peak_n": None,
            "mean_force_n": 51.0,
            "peak_force_n": 58.0,
            "ramp_rate_n_per_s": None,
            "target_rate_n_per_s": None,
            "ramp_rate_error_pct": None,
            "score": score,
        }
        result = {
            "score": score,
            "time_in_band_pct": 80.0,
            "constant_error_n": 1.0,
            "absolute_error_n": 3.0,
            "variable_error_n": 2.0,
            "overshoot_count": 0,
            "duration_s": 45.0,
            "completed": True,
            "phases": [phase],
        }
    hour, minute = ended.split(":")
    start_minute = int(minute) - 1
    return SessionRecord(
        uuid=str(uuids.uuid4()),
        station=station,
        student=student,
        exercise=EXERCISE,
        exercise_hash=exercise_hash(EXERCISE),
        sensor={"backend": "simulated"},
        calibration=None,
        started_at=f"2026-05-28T{hour}:{start_minute:02d}:00+00:00",
        ended_at=f"2026-05-28T{hour}:{minute}:00+00:00",
        status="complete" if score is not None else "aborted",
        result=result,
        samples=[],
    )

"""A practice session: sensor samples through the filter into the engine and the records.

This is the thin imperative shell around the pure engine, shared by the headless
``trainer simulate`` and the live screen. It never waits and never draws.

Example::

    session = PracticeSession.begin(store, exercise, "Ana", sensor.describe(), rate_hz=80)
    for sample in samples:
        events = session.process(sample)
    result = session.finish()
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.engine import Event, SessionEngine
from trainer.exercises import Exercise
from trainer.scoring import SessionResult
from trainer.sensors.base import EndOfStream, Sample, SensorError
from trainer.sensors.filters import ForceFilter
from trainer.sensors.students import PROFILES, VirtualStudent
from trainer.store import SampleRecorder, Store, StoreError, StoreFull, recover_command


class PracticeSession:
    """One student doing one exercise, recorded sample by sample."""

    def __init__(
        self,
        exercise: Exercise,
        recorder: SampleRecorder,
        *,
        rate_hz: float,
        smoothing_s: float = 0.0,
    ) -> None:
        self.exercise = exercise
        self.engine = SessionEngine(exercise)
        self.filter = ForceFilter(rate_hz, smoothing_s=smoothing_s)
        self.recorder = recorder
        self.store = recorder.store
        self.session_id = recorder.session_id
        #: the last failed write (a full disk); samples stay queued until one succeeds
        self.store_error: StoreError | None = None
        #: set once everything is saved; until then :meth:`finish` can be retried
        self.result: SessionResult | None = None
        self.status: str | None = None
        self._ending: tuple[SessionResult, str] | None = None

    @classmethod
    def begin(
        cls,
        store: Store,
        exercise: Exercise,
        student: str,
        sensor_info: dict[str, Any],
        *,
        rate_hz: float,
        smoothing_s: float = 0.0,
        calibration: dict[str, Any] | None = None,
        kind: str = "practice",
    ) -> PracticeSession:
        """Record a new session (of ``kind``, see :meth:`Store.start_session`) ready for samples."""
        session_id = store.start_session(
            student, exercise, sensor_info=sensor_info, calibration=calibration, kind=kind
        )
        return cls(exercise, store.recorder(session_id), rate_hz=rate_hz, smoothing_s=smoothing_s)

    def process(self, sample: Sample) -> list[Event]:
        """Filter, judge and record one sample; return the engine's events."""
        force_n, flags = self.filter.apply(sample)
        phase = self.engine.phase_index
        events = self.engine.feed(sample.t_s, force_n)
        try:
            self.recorder.add(sample, force_n, flags, phase)
        except StoreError as error:
            self.store_error = error
        else:
            if self.store_error is not None and self.recorder.pending == 0:
                self.store_error = None
        return events

    def tare(self) -> None:
        """Forget filter history after the sensor re-zeroed."""
        self.filter.reset()

    def finish(self, status: str | None = None) -> SessionResult:
        """Write everything and mark the session ended.

        ``status`` defaults to ``complete`` when the exercise ran to its end, else
        ``incomplete``; pass ``aborted`` when the student chose to stop.
        """
        if self.result is not None and self.status is not None:
            return self.result
        if self._ending is None:
            result = self.engine.result() if self.engine.finished else self.engine.abort()
            if status is None:
                status = "complete" if result.completed else "incomplete"
            self._ending = (result, status)
        result, status = self._ending
        try:
            self.recorder.flush()  # raises StoreError while the disk is still full
            self.store.finish_session(self.session_id, result, status)
        except StoreError as error:
            self.store_error = error
            raise
        # Saved: only now is the session finished, so a failed save is retried in full.
        self.store_error = None
        self.result, self.status = result, status
        return result

    def keep_for_recovery(self) -> Path:
        """Write what is not saved yet to a recovery file (the program must stop); return it.

        The next ``trainer`` command offers to import it (``trainer recover``).
        """
        if self._ending is None:
            result = self.engine.result() if self.engine.finished else self.engine.abort()
            self._ending = (result, "complete" if result.completed else "incomplete")
        result, status = self._ending
        return self.store.write_recovery(
            self.session_id, self.recorder.pending_rows(), result, status
        )


@dataclass(frozen=True)
class SimulationOutcome:
    session_id: int
    result: SessionResult
    status: str
    samples: int


def simulate(
    store: Store,
    exercise: Exercise,
    *,
    profile: str,
    seed: int,
    speed: float = 0.0,
    rate_hz: float = 80.0,
    student: str | None = None,
    kind: str = "practice",
) -> SimulationOutcome:
    """Run a whole session with a virtual student; stored like any other session.

    Interrupted (Ctrl+C or a termination signal turned into ``KeyboardInterrupt``), it
    keeps every sample and marks the session incomplete before re-raising. A speed or
    rate that is not a finite number (or below zero) is a ``ValueError``.
    """
    if not (math.isfinite(speed) and speed >= 0):
        raise ValueError(
            f"the speed {speed!r} is not usable: give 0 (as fast as possible), "
            "1 (real time) or another positive number"
        )
    if not (math.isfinite(rate_hz) and 1 <= rate_hz <= 10_000):
        raise ValueError(f"the rate {rate_hz!r} is not usable: give 1 to 10000 samples per second")
    virtual = VirtualStudent(PROFILES[profile], seed=seed)
    sensor = virtual.sensor(rate_hz=rate_hz, speed=speed)
    info = sensor.describe() | {"student_profile": profile}
    session = PracticeSession.begin(
        store, exercise, student or f"sim-{profile}", info, rate_hz=rate_hz, kind=kind
    )
    engine = session.engine
    count = 0
    # Nobody holds a phase forever: stop at twice the exercise's longest possible time.
    limit = 2 * sum(p.limit_s for p in exercise.phases) * rate_hz + 10
    try:
        with sensor:
            virtual.observe(engine.state)
            while not engine.finished and count < limit:
                try:
                    sample = sensor.read(timeout_s=5.0)
                except EndOfStream:
                    break
                except SensorError:
                    time.sleep(0.01)
                    continue
                session.process(sample)
                virtual.observe(engine.state)
                count += 1
    except BaseException:
        finish_or_keep(session, "incomplete")
        raise
    result = finish_or_keep(session, None)
    assert session.status is not None
    return SimulationOutcome(session.session_id, result, session.status, count)


#: how often, and how far apart, a headless run retries saving before it gives up
SAVE_ATTEMPTS = 3
SAVE_RETRY_S = 1.0


def finish_or_keep(session: PracticeSession, status: str | None) -> SessionResult:
    """Save the session, retrying a full disk a few times; else keep it in a recovery file.

    Headless runs (``simulate``, simulated class stations) end their sessions through
    this. The :class:`StoreError` it raises when it gives up names the recovery file.
    """
    for attempt in range(SAVE_ATTEMPTS):
        try:
            return session.finish(status)
        except StoreFull:
            if attempt + 1 < SAVE_ATTEMPTS:
                time.sleep(SAVE_RETRY_S)
        except StoreError:
            break
    error = session.store_error
    kept = session.keep_for_recovery()
    raise StoreError(
        f"{error}. The {session.recorder.pending} samples not saved and the result are kept "
        f"in {kept}: once there is room, run '{recover_command(session.store.path)}' "
        "to add them to the records"
    )

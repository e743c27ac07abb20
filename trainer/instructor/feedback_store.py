"""Which feedback schedule each class and student practises with, stored in the records.

A student's own schedule beats their class's; with neither, feedback is always on.
Each session's feedback report (trials with feedback, peeks, retention error) is kept
with the session.

Example::

    plans = SchedulePlans(store)
    plans.set("class", "Monday", FeedbackSchedule.faded())
    schedule, source = plans.resolve("Ana", "graded-levels")
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from trainer.instructor.roster import Roster
from trainer.instructor.schedules import FeedbackReport, FeedbackSchedule, ScheduleKind
from trainer.store import Store, dump_json, timestamp_now


class SchedulePlans:
    """Reads and writes feedback schedules per class and student."""

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self.roster = Roster(store)

    def set(self, scope: str, owner: str, schedule: FeedbackSchedule) -> None:
        owner_id = self.roster.owner_id(scope, owner)
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO feedback_schedules VALUES (?, ?, ?, ?, ?)",
                (
                    scope,
                    owner_id,
                    schedule.kind.value,
                    dump_json(schedule.to_json()),
                    timestamp_now(),
                ),
            )

    def clear(self, scope: str, owner: str) -> None:
        owner_id = self.roster.owner_id(scope, owner)
        with self.db:
            self.db.execute(
                "DELETE FROM feedback_schedules WHERE scope = ? AND scope_id = ?",
                (scope, owner_id),
            )

    def get(self, scope: str, owner_id: int) -> FeedbackSchedule | None:
        row = self.db.execute(
            "SELECT params_json FROM feedback_schedules WHERE scope = ? AND scope_id = ?",
            (scope, owner_id),
        ).fetchone()
        return FeedbackSchedule.from_json(json.loads(row[0])) if row else None

    def resolve(
        self, student: str, exercise_id: str | None = None, *, now: datetime | None = None
    ) -> tuple[FeedbackSchedule, str]:
        """The schedule for this student's next session and where it comes from.

        The source reads ``student``, ``class NAME`` or ``default``; a due retention
        test turns the schedule into ``retention`` with the source marked so.
        """
        row = self.db.execute("SELECT id FROM students WHERE name = ?", (student,)).fetchone()
        if row is None:
            return FeedbackSchedule(), "default"
        student_id = int(row[0])
        schedule = self.get("student", student_id)
        source = "student"
        if schedule is None:
            for class_id in self.roster.classes_of(student):
                schedule = self.get("class", class_id)
                if schedule is not None:
                    name = self.db.execute(
                        "SELECT name FROM classes WHERE id = ?", (class_id,)
                    ).fetchone()[0]
                    source = f"class {name}"
                    break
        if schedule is None:
            return FeedbackSchedule(), "default"
        if exercise_id is not None and schedule.retention_after_days is not None:
            days, tested = self._practice_state(student_id, exercise_id, now)
            due = schedule.for_session(days, tested)
            if due.kind is ScheduleKind.RETENTION and schedule.kind is not ScheduleKind.RETENTION:
                return due, f"{source}, retention test due"
        return schedule, source

    def _practice_state(
        self, student_id: int, exercise_id: str, now: datetime | None
    ) -> tuple[float | None, bool]:
        """Days since the last practice session, and whether a retention test followed it."""
        rows = self.db.execute(
            "SELECT s.started_at, f.schedule_json FROM sessions s "
            "LEFT JOIN session_feedback f ON f.session_id = s.id "
            "WHERE s.student_id = ? AND s.exercise_id = ? AND s.status = 'complete' "
            "ORDER BY s.id DESC",
            (student_id, exercise_id),
        ).fetchall()
        for started_at, schedule_json in rows:
            kind = json.loads(schedule_json).get("kind") if schedule_json else "always"
            if kind == ScheduleKind.RETENTION.value:
                return None, True
            started = datetime.fromisoformat(started_at)
            if started.tzinfo is None:
                started = started.replace(tzinfo=UTC)
            elapsed = (now or datetime.now(UTC)) - started
            return elapsed.total_seconds() / 86400, False
        return None, False

    def record(self, session_id: int, schedule: FeedbackSchedule, report: FeedbackReport) -> None:
        """Keep what the schedule did in a session (call when the session ends)."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO session_feedback VALUES (?, ?, ?, ?)",
                (
                    session_id,
                    dump_json(schedule.to_json()),
                    report.peeks,
                    dump_json(report.to_json()),
                ),
            )

    def report(self, session_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT report_json FROM session_feedback WHERE session_id = ?", (session_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None

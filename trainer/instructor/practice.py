"""Everything the instructor set for one student's practice, in one call.

Before a practice session starts, the live screen (or a headless run) asks for the
student's plan: the exercise with the bands in force for them (built-in -> class ->
student), and the feedback schedule chosen for them with a controller that answers
"show the gauge now?". When the session ends, :meth:`PracticePlan.finish` stores what
the schedule did (trials with feedback, peeks, retention error) with the session.

Example::

    plan = plan_practice(store, library.get("graded-levels"), "Ana")
    session = PracticeSession.begin(store, plan.exercise, "Ana", sensor.describe(), rate_hz=80)
    for sample in samples:
        shown = plan.controller.observe(session.process(sample))   # results to show now
        gauge_on = plan.controller.gauge_visible(session.engine.state)
    plan.finish(store, session.session_id)
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.exercises import Exercise
from trainer.instructor.contacts import StudentContacts
from trainer.instructor.feedback_store import SchedulePlans
from trainer.instructor.schedules import FeedbackController, FeedbackReport, FeedbackSchedule
from trainer.instructor.targets import BandTargets, PhaseTarget
from trainer.store import Store


@dataclass
class PracticePlan:
    """The exercise as this student practises it, and their feedback schedule."""

    exercise: Exercise
    bands: list[PhaseTarget]
    schedule: FeedbackSchedule
    schedule_source: str
    controller: FeedbackController

    def band_note(self) -> str:
        """One line for the screen when the bands are not the exercise's own."""
        changed = [row for row in self.bands if row.source != "built-in"]
        if not changed:
            return ""
        sources = sorted({row.source for row in changed})
        return f"{len(changed)} band(s) set for you ({', '.join(sources)})"

    def finish(self, store: Store, session_id: int) -> FeedbackReport:
        """Store the feedback report with the session; return it."""
        report = self.controller.finish()
        SchedulePlans(store).record(session_id, self.schedule, report)
        return report


def plan_practice(store: Store, exercise: Exercise, student: str) -> PracticePlan:
    """The student's bands and feedback schedule for ``exercise`` (defaults if unknown)."""
    student = student.strip()
    known = bool(
        student and store.db.execute("SELECT 1 FROM students WHERE name = ?", (student,)).fetchone()
    )
    targets = BandTargets(store)
    if known:
        bands = targets.explain(exercise, student=student)
        applied = StudentContacts(store).apply(targets.apply(exercise, student=student), student)
        schedule, source = SchedulePlans(store).resolve(student, exercise.id)
    else:
        bands = targets.explain(exercise)
        applied = exercise
        schedule, source = FeedbackSchedule(), "default"
    return PracticePlan(applied, bands, schedule, source, FeedbackController(schedule))

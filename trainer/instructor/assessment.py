"""Assessment: pass marks per exercise, and fixed sequences of exercises run blind.

A *trial* is one repetition of a repeat group (a stroke: press, glide, lift), or one
scored phase outside repeat groups. A trial is *in band* when the force was inside the
band for at least ``trial_in_band_pct`` of its scored time. A pass mark asks for a
minimum score, a number of trials in band ("4 of 5 trials in band"), or both.

Example::

    marks = PassMarks(store)
    marks.set(PassMark("graded-levels", trials_required=5))
    verdict = marks.judge(exercise, result)      # PassVerdict(passed=True, ...)

    book = Assessments(store)
    book.create("Module 2", ["graded-levels", "steady-ramp"])
    run_id = book.start_run("Module 2", "Ana")
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from trainer.exercises import MAX_PHASES, Exercise, FeedbackMode, PhaseKind
from trainer.instructor import InstructorError
from trainer.instructor.roster import Roster
from trainer.scoring import PhaseMetrics, SessionResult
from trainer.store import Store, dump_json, matching, timestamp_now

SCORED = (PhaseKind.RAMP, PhaseKind.HOLD)


@dataclass(frozen=True, slots=True)
class PassMark:
    """What an exercise needs to pass; ``None`` parts are not required."""

    exercise_id: str
    min_score: float | None = None
    trials_required: int | None = None
    trial_in_band_pct: float = 70.0

    def __post_init__(self) -> None:
        if self.min_score is None and self.trials_required is None:
            raise InstructorError(
                "a pass mark needs a minimum score, a number of trials in band, or both"
            )
        if self.min_score is not None and not 0 <= self.min_score <= 100:
            raise InstructorError("a minimum score is from 0 to 100")
        if self.trials_required is not None and not 1 <= self.trials_required <= MAX_PHASES:
            # An exercise has at most MAX_PHASES phases, so no more trials than that.
            raise InstructorError(
                f"the trials in band needed is a whole number from 1 to {MAX_PHASES}"
            )
        if not 1 <= self.trial_in_band_pct <= 100:
            raise InstructorError("a trial counts as in band from 1 to 100 % of its time")

    def describe(self, trials: int | None = None) -> str:
        parts = []
        if self.trials_required is not None:
            of = f" of {trials}" if trials else ""
            parts.append(
                f"{self.trials_required}{of} trials in band "
                f"(≥{self.trial_in_band_pct:g}% of each trial's time)"
            )
        if self.min_score is not None:
            parts.append(f"score ≥ {self.min_score:g}")
        return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class PassVerdict:
    """How a session fared against its pass mark."""

    passed: bool
    trials: int
    trials_in_band: int
    score: float
    mark: str
    #: False for a session stopped before its end: it never passes, whatever its score
    completed: bool = True

    def text(self) -> str:
        """``'pass, 4 of 5 trials in band, score 82 (needs 4 of 5 trials in band)'``."""
        outcome = "pass" if self.passed else "not yet"
        stopped = "" if self.completed else ", stopped before the end"
        return (
            f"{outcome}, {self.trials_in_band} of {self.trials} trials in band, "
            f"score {self.score:.0f}{stopped} (needs {self.mark})"
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PassVerdict:
        """A verdict as :meth:`to_json` stored it (one stored before ``completed`` was
        recorded is of a session judged as completed)."""
        return cls(
            passed=bool(data["passed"]),
            trials=int(data["trials"]),
            trials_in_band=int(data["trials_in_band"]),
            score=float(data["score"]),
            mark=str(data["mark"]),
            completed=bool(data.get("completed", True)),
        )


def trial_phases(exercise: Exercise) -> list[list[int]]:
    """The indices of the exercise's scored phases, grouped into trials (see the notes)."""
    trials: list[list[int]] = []
    last_key: int | None = None
    for index, phase in enumerate(exercise.phases):
        if phase.kind not in SCORED or phase.band is None:
            continue
        key = phase.repetition
        if key is None or key != last_key or not trials:
            trials.append([])
        last_key = key
        trials[-1].append(index)
    return trials


def trials_of(exercise: Exercise, result: SessionResult) -> list[list[PhaseMetrics]]:
    """The session's scored phases grouped into trials (see the module notes)."""
    by_index = {m.index: m for m in result.phases}
    return [[by_index[i] for i in trial if i in by_index] for trial in trial_phases(exercise)]


def trial_in_band_pct(trial: list[PhaseMetrics]) -> float:
    samples = sum(m.samples for m in trial)
    if not samples:
        return 0.0
    return sum(m.time_in_band_pct * m.samples for m in trial) / samples


def judge(mark: PassMark, exercise: Exercise, result: SessionResult) -> PassVerdict:
    """Compare a session's result with a pass mark. Unfinished trials count as not in band,
    and a session stopped before its end never passes: its score is of the part done."""
    trials = trials_of(exercise, result)
    in_band = sum(1 for t in trials if t and trial_in_band_pct(t) >= mark.trial_in_band_pct)
    passed = result.completed
    if mark.trials_required is not None and in_band < mark.trials_required:
        passed = False
    if mark.min_score is not None and result.score < mark.min_score:
        passed = False
    return PassVerdict(
        passed, len(trials), in_band, result.score, mark.describe(len(trials)), result.completed
    )


def blind(exercise: Exercise) -> Exercise:
    """The exercise with every phase blind: no live force shown, results afterwards."""
    return replace(
        exercise, phases=tuple(replace(p, feedback=FeedbackMode.BLIND) for p in exercise.phases)
    )


class PassMarks:
    """Pass marks per exercise, set by the instructor."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    def set(self, mark: PassMark) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO pass_marks VALUES (?, ?, ?, ?, ?)",
                (
                    mark.exercise_id,
                    mark.min_score,
                    mark.trials_required,
                    mark.trial_in_band_pct,
                    timestamp_now(),
                ),
            )

    def clear(self, exercise_id: str) -> bool:
        with self.db:
            return (
                self.db.execute(
                    "DELETE FROM pass_marks WHERE exercise_id = ?", (exercise_id,)
                ).rowcount
                > 0
            )

    def get(self, exercise_id: str) -> PassMark | None:
        row = self.db.execute(
            "SELECT exercise_id, min_score, trials_required, trial_in_band_pct FROM pass_marks "
            "WHERE exercise_id = ?",
            (exercise_id,),
        ).fetchone()
        return PassMark(row[0], row[1], row[2], row[3]) if row else None

    def all(self) -> list[PassMark]:
        return [
            PassMark(*row)
            for row in self.db.execute(
                "SELECT exercise_id, min_score, trials_required, trial_in_band_pct FROM pass_marks "
                "ORDER BY exercise_id"
            )
        ]

    def judge(self, exercise: Exercise, result: SessionResult) -> PassVerdict | None:
        """The verdict for a session, or None when the exercise has no pass mark."""
        mark = self.get(exercise.id)
        return judge(mark, exercise, result) if mark else None


@dataclass(frozen=True, slots=True)
class Assessment:
    """A named, fixed sequence of exercises run blind."""

    id: int
    name: str
    exercise_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunItem:
    position: int
    exercise_id: str
    session_id: int | None
    passed: bool | None
    detail: dict[str, Any] | None
    #: the session's score (None until it is scored): shown with or without a pass mark
    score: float | None = None
    time_in_band_pct: float | None = None


@dataclass(frozen=True, slots=True)
class AssessmentRun:
    """One student's sitting of an assessment (instructor only: behind the PIN)."""

    id: int
    assessment: str
    student: str
    started_at: str
    ended_at: str | None
    status: str
    passed: bool | None
    items: tuple[RunItem, ...]


class Assessments:
    """Assessment definitions and runs stored in the records."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.roster = Roster(store)

    def create(self, name: str, exercise_ids: list[str], known_ids: set[str] | None = None) -> int:
        """Create (or redefine) an assessment; ``known_ids`` checks the exercise ids."""
        name = name.strip()
        if not name:
            raise InstructorError("an assessment needs a name: give one in quotes")
        if not exercise_ids:
            raise InstructorError("an assessment needs at least one exercise id")
        if known_ids is not None:
            unknown = [e for e in exercise_ids if e not in known_ids]
            if unknown:
                raise InstructorError(
                    f"no exercise with id {', '.join(unknown)}: see 'trainer exercises list'"
                )
        with self.db:
            self.db.execute(
                "INSERT INTO assessments (name, exercise_ids_json, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET exercise_ids_json = excluded.exercise_ids_json",
                (name, dump_json(exercise_ids), timestamp_now()),
            )
        return self.get(name).id

    def get(self, name: str) -> Assessment:
        row = self.db.execute(
            "SELECT id, name, exercise_ids_json FROM assessments WHERE name = ?", (name.strip(),)
        ).fetchone()
        if row is None:
            known = ", ".join(a.name for a in self.all()) or "none yet"
            raise InstructorError(
                f"there is no assessment called {name!r}: create it with "
                f"'trainer instructor assessment create NAME EXERCISE...' (assessments: {known})"
            )
        return Assessment(row[0], row[1], tuple(json.loads(row[2])))

    def all(self) -> list[Assessment]:
        return [
            Assessment(r[0], r[1], tuple(json.loads(r[2])))
            for r in self.db.execute(
                "SELECT id, name, exercise_ids_json FROM assessments ORDER BY name COLLATE NOCASE"
            )
        ]

    def start_run(self, name: str, student: str) -> int:
        assessment = self.get(name)
        student_id = self.roster.add_student(student)
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO assessment_runs (assessment_id, student_id, started_at, status) "
                "VALUES (?, ?, ?, 'running')",
                (assessment.id, student_id, timestamp_now()),
            )
            assert cursor.lastrowid is not None
            self.db.executemany(
                "INSERT INTO assessment_items (run_id, position, exercise_id) VALUES (?, ?, ?)",
                [(cursor.lastrowid, i, e) for i, e in enumerate(assessment.exercise_ids)],
            )
        return cursor.lastrowid

    def record(
        self, run_id: int, position: int, session_id: int, verdict: PassVerdict | None
    ) -> None:
        """Attach a finished session to its place in the run, with its verdict.

        The session is marked an assessment (it should have started as one), so its
        result stays behind the PIN.
        """
        self.store.mark_kind(session_id, "assessment")
        with self.db:
            self.db.execute(
                "UPDATE assessment_items SET session_id = ?, passed = ?, detail_json = ? "
                "WHERE run_id = ? AND position = ?",
                (
                    session_id,
                    None if verdict is None else int(verdict.passed),
                    dump_json(verdict.to_json()) if verdict else None,
                    run_id,
                    position,
                ),
            )

    def finish_run(self, run_id: int) -> AssessmentRun:
        """Close a run: complete when every exercise was done; passed when all passed."""
        run = self.run(run_id)
        done = all(item.session_id is not None for item in run.items)
        marked = [item.passed for item in run.items if item.passed is not None]
        passed: bool | None
        if not done:
            passed = False  # an unfinished assessment is not a pass
        elif not marked:
            passed = None  # no pass marks set: the instructor judges from the results
        else:
            passed = all(marked)
        with self.db:
            self.db.execute(
                "UPDATE assessment_runs SET ended_at = ?, status = ?, passed = ? WHERE id = ?",
                (timestamp_now(), "complete" if done else "incomplete", passed, run_id),
            )
        return self.run(run_id)

    def run(self, run_id: int) -> AssessmentRun:
        row = self.db.execute(
            "SELECT r.id, a.name, st.name, r.started_at, r.ended_at, r.status, r.passed "
            "FROM assessment_runs r JOIN assessments a ON a.id = r.assessment_id "
            "JOIN students st ON st.id = r.student_id WHERE r.id = ?",
            (run_id,),
        ).fetchone()
        if row is None:
            raise InstructorError(
                f"there is no assessment run {run_id}: see 'trainer instructor assessment results'"
            )
        items = tuple(
            RunItem(
                r[0],
                r[1],
                r[2],
                None if r[3] is None else bool(r[3]),
                json.loads(r[4]) if r[4] else None,
                _finite(r[5]),
                _finite(r[6]),
            )
            for r in self.db.execute(
                "SELECT i.position, i.exercise_id, i.session_id, i.passed, i.detail_json, "
                "r.score, r.time_in_band_pct FROM assessment_items i "
                "LEFT JOIN results r ON r.session_id = i.session_id "
                "WHERE i.run_id = ? ORDER BY i.position",
                (run_id,),
            )
        )
        return AssessmentRun(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            None if row[6] is None else bool(row[6]),
            items,
        )

    def runs(
        self, *, student: str | None = None, assessment: str | None = None
    ) -> list[AssessmentRun]:
        query = (
            "SELECT r.id FROM assessment_runs r JOIN assessments a ON a.id = r.assessment_id "
            "JOIN students st ON st.id = r.student_id WHERE 1 = 1"
        )
        where, params = matching({"st.name": student, "a.name": assessment})
        query += where + " ORDER BY r.id DESC"
        return [self.run(r[0]) for r in self.db.execute(query, params).fetchall()]


def _finite(value: object) -> float | None:
    """A stored number, or None for a missing or damaged one."""
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def assessment_exercise(store: Store, exercise: Exercise, student: str) -> Exercise:
    """The exercise as assessed for this student: their bands in force, every phase blind."""
    from trainer.instructor.targets import BandTargets

    return blind(BandTargets(store).apply(exercise, student=student))


class AssessmentSitting:
    """One student sitting an assessment, exercise by exercise (for the live screen).

    Example::

        sitting = AssessmentSitting(store, library.exercises, "Module 2", "Ana")
        while (exercise := sitting.next_exercise()) is not None:
            session_id, result = run_live_session(exercise)   # blind; no result shown
            sitting.record(session_id, result)
        run = sitting.finish()                                # for the instructor only
    """

    def __init__(
        self, store: Store, exercises: dict[str, Exercise], name: str, student: str
    ) -> None:
        self.store = store
        self.book = Assessments(store)
        self.marks = PassMarks(store)
        self.assessment = self.book.get(name)
        missing = [e for e in self.assessment.exercise_ids if e not in exercises]
        if missing:
            raise InstructorError(
                f"assessment {name!r} uses exercises that are not installed here "
                f"({', '.join(missing)}): import them or redefine the assessment"
            )
        self.student = student
        Roster(store).add_student(student)
        self.exercises = [
            assessment_exercise(store, exercises[e], student) for e in self.assessment.exercise_ids
        ]
        self.run_id = self.book.start_run(name, student)
        self.position = 0

    @property
    def total(self) -> int:
        return len(self.exercises)

    def next_exercise(self) -> Exercise | None:
        """The next exercise to run (blind, with the student's bands), or None when done."""
        return self.exercises[self.position] if self.position < self.total else None

    def record(self, session_id: int, result: SessionResult | None) -> PassVerdict | None:
        """Attach the finished session to the run; move on to the next exercise."""
        exercise = self.exercises[self.position]
        verdict = self.marks.judge(exercise, result) if result is not None else None
        self.book.record(self.run_id, self.position, session_id, verdict)
        self.position += 1
        return verdict

    def finish(self) -> AssessmentRun:
        """Close the run (incomplete if exercises are left); return it."""
        return self.book.finish_run(self.run_id)


def simulate_assessment(
    store: Store,
    exercises: dict[str, Exercise],
    name: str,
    student: str,
    *,
    profile: str,
    seed: int = 0,
) -> AssessmentRun:
    """Run a whole assessment with a virtual student (demonstrations, tests, practice)."""
    from trainer.session import simulate

    sitting = AssessmentSitting(store, exercises, name, student)
    try:
        while (exercise := sitting.next_exercise()) is not None:
            outcome = simulate(
                store,
                exercise,
                profile=profile,
                seed=seed + sitting.position,
                student=student,
                kind="assessment",
            )
            sitting.record(outcome.session_id, outcome.result)
    finally:
        run = sitting.finish()
    return run

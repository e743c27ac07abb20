"""An exercise pack's instructor settings: bands, feedback schedules, pass marks, assessments.

``trainer exercises export --settings`` adds them to a pack, so a second station (or
next term's) gets the class set up as well as the exercises: the band overrides and
pass marks of the exported exercises, every class's and student's feedback schedule,
and the assessments made only of exercises the pack holds or every station has (the
built-ins). In the pack they are arrays of tables::

    [[bands]]
    scope = "class"        # or "student"
    owner = "Monday"
    exercise = "graded-levels"
    target = "deep"        # a level, or "phase 3"
    band = [40, 60]

    [[schedules]]
    scope = "class"
    owner = "Monday"
    kind = "faded"         # and the schedule's settings

    [[pass_marks]]
    exercise = "graded-levels"
    trials = 5             # and/or min_score; trial_in_band_pct

    [[assessments]]
    name = "Module 2"
    exercises = ["graded-levels", "steady-ramp"]

Importing checks every setting before writing any (a band must name a level or phase
of its exercise, and fit it), then adds missing classes and students and stores them,
replacing what the station had for the same owner, exercise and target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from trainer.exercises import Exercise
from trainer.instructor import InstructorError
from trainer.instructor.assessment import Assessments, PassMark, PassMarks
from trainer.instructor.feedback_store import SchedulePlans
from trainer.instructor.roster import SCOPES, Roster
from trainer.instructor.schedules import FeedbackSchedule, ScheduleKind
from trainer.instructor.targets import BandTargets, check_band, normalise_target
from trainer.store import Store

SECTIONS = ("bands", "schedules", "pass_marks", "assessments")


@dataclass
class PackSettings:
    """Checked settings, ready to store."""

    bands: list[tuple[str, str, str, str, float, float]] = field(default_factory=list)
    schedules: list[tuple[str, str, FeedbackSchedule]] = field(default_factory=list)
    pass_marks: list[PassMark] = field(default_factory=list)
    assessments: list[tuple[str, list[str]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.bands or self.schedules or self.pass_marks or self.assessments)


def export_settings(
    store: Store, exercises: list[Exercise], builtin_ids: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """The settings tables a pack of ``exercises`` carries (see the module notes)."""
    ids = {e.id for e in exercises}
    bands = [
        {
            "scope": o.scope,
            "owner": o.owner,
            "exercise": o.exercise_id,
            "target": o.target,
            "band": [_number(o.band.low_n), _number(o.band.high_n)],
        }
        for o in BandTargets(store).overrides()
        if o.exercise_id in ids
    ]
    schedules = []
    for scope, owner, params in store.db.execute(
        "SELECT f.scope, COALESCE(c.name, st.name), f.params_json FROM feedback_schedules f "
        "LEFT JOIN classes c ON f.scope = 'class' AND c.id = f.scope_id "
        "LEFT JOIN students st ON f.scope = 'student' AND st.id = f.scope_id "
        "ORDER BY f.scope, 2"
    ).fetchall():
        schedule = FeedbackSchedule.from_json(json.loads(params))
        owned: dict[str, Any] = {"scope": scope, "owner": owner}
        owned |= {k: v for k, v in schedule.to_json().items() if v is not None}
        schedules.append(owned)
    marks = []
    for mark in PassMarks(store).all():
        if mark.exercise_id not in ids:
            continue
        table: dict[str, Any] = {
            "exercise": mark.exercise_id,
            "trial_in_band_pct": mark.trial_in_band_pct,
        }
        if mark.trials_required is not None:
            table["trials"] = mark.trials_required
        if mark.min_score is not None:
            table["min_score"] = mark.min_score
        marks.append(table)
    reachable = ids | builtin_ids
    assessments = [
        {"name": a.name, "exercises": list(a.exercise_ids)}
        for a in Assessments(store).all()
        if set(a.exercise_ids) <= reachable
    ]
    found = {"bands": bands, "schedules": schedules, "pass_marks": marks}
    found["assessments"] = assessments
    return {name: tables for name, tables in found.items() if tables}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def check_settings(raw: dict[str, Any], exercises: dict[str, Exercise], where: str) -> PackSettings:
    """The pack's settings checked against ``exercises`` (the pack's and the station's)."""
    settings = PackSettings()
    problems: list[str] = []

    def tables(section: str) -> list[dict[str, Any]]:
        value = raw.get(section, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            problems.append(f"[[{section}]] must be an array of tables")
            return []
        return value

    def owner_of(table: dict[str, Any], what: str) -> tuple[str, str] | None:
        scope, owner = table.get("scope"), table.get("owner")
        if scope not in SCOPES or not isinstance(owner, str) or not owner.strip():
            problems.append(f'{what}: needs scope = "class" or "student" and an owner name')
            return None
        return scope, owner.strip()

    for number, table in enumerate(tables("bands"), start=1):
        what = f"band {number}"
        owner = owner_of(table, what)
        exercise = exercises.get(str(table.get("exercise")))
        band = table.get("band")
        if exercise is None:
            problems.append(f"{what}: no exercise {table.get('exercise')!r} here or in the pack")
            continue
        if (
            owner is None
            or not isinstance(band, list)
            or len(band) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in band)
        ):
            if owner is not None:
                problems.append(f"{what}: band must be [low, high] in newtons")
            continue
        try:
            target = normalise_target(exercise, str(table.get("target", "")))
            checked = check_band(float(band[0]), float(band[1]))
        except InstructorError as error:
            problems.append(f"{what}: {error}")
            continue
        settings.bands.append((*owner, exercise.id, target, checked.low_n, checked.high_n))
    for number, table in enumerate(tables("schedules"), start=1):
        what = f"schedule {number}"
        owner = owner_of(table, what)
        kinds = [k.value for k in ScheduleKind]
        if table.get("kind") not in kinds:
            problems.append(f"{what}: kind must be one of {', '.join(kinds)}")
            continue
        try:
            schedule = FeedbackSchedule.from_json(table)
        except (TypeError, ValueError, IndexError):
            problems.append(f"{what}: its settings are not numbers where numbers belong")
            continue
        if owner is not None:
            settings.schedules.append((*owner, schedule))
    for number, table in enumerate(tables("pass_marks"), start=1):
        what = f"pass mark {number}"
        exercise_id = str(table.get("exercise"))
        if exercise_id not in exercises:
            problems.append(f"{what}: no exercise {exercise_id!r} here or in the pack")
            continue
        try:
            settings.pass_marks.append(
                PassMark(
                    exercise_id,
                    _optional_number(table.get("min_score")),
                    _optional_whole(table.get("trials")),
                    float(table.get("trial_in_band_pct", 70.0)),
                )
            )
        except (InstructorError, TypeError, ValueError) as error:
            problems.append(f"{what}: {error}")
    for number, table in enumerate(tables("assessments"), start=1):
        what = f"assessment {number}"
        name, ids = table.get("name"), table.get("exercises")
        if not isinstance(name, str) or not name.strip() or not isinstance(ids, list) or not ids:
            problems.append(f"{what}: needs a name and a list of exercise ids")
            continue
        unknown = [str(i) for i in ids if i not in exercises]
        if unknown:
            problems.append(
                f"{what} ({name}): no exercise {', '.join(unknown)} here or in the pack"
            )
            continue
        settings.assessments.append((name.strip(), [str(i) for i in ids]))
    if problems:
        shown = problems[:6] + ([f"and {len(problems) - 6} more"] if len(problems) > 6 else [])
        raise InstructorError(f"{where}: its settings were not imported: " + "; ".join(shown))
    return settings


def _optional_number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InstructorError("min_score must be a number")
    return float(value)


def _optional_whole(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstructorError("trials must be a whole number")
    return value


def apply_settings(
    store: Store, settings: PackSettings, exercises: dict[str, Exercise]
) -> list[str]:
    """Store checked settings (adding classes and students they name); lines for the screen."""
    roster = Roster(store)
    classes = {name.casefold() for name in roster.db_names("classes")}
    added: list[str] = []

    def ensure(scope: str, owner: str) -> None:
        if scope == "class" and owner.casefold() not in classes:
            roster.add_class(owner)
            classes.add(owner.casefold())
            added.append(f"class {owner}")
        elif scope == "student":
            roster.add_student(owner)

    targets = BandTargets(store)
    for scope, owner, exercise_id, target, low, high in settings.bands:
        ensure(scope, owner)
        targets.set(scope, owner, exercises[exercise_id], target, low, high)
    plans = SchedulePlans(store)
    for scope, owner, schedule in settings.schedules:
        ensure(scope, owner)
        plans.set(scope, owner, schedule)
    marks = PassMarks(store)
    for mark in settings.pass_marks:
        marks.set(mark)
    book = Assessments(store)
    for name, ids in settings.assessments:
        book.create(name, ids, set(exercises))
    lines = []
    counts = (
        (len(settings.bands), "band override(s)"),
        (len(settings.schedules), "feedback schedule(s)"),
        (len(settings.pass_marks), "pass mark(s)"),
        (len(settings.assessments), "assessment(s)"),
    )
    for count, what in counts:
        if count:
            lines.append(f"settings  {count} {what}")
    if added:
        lines.append("settings  added " + ", ".join(added))
    return lines

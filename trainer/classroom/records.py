"""The class's records: sessions to and from the wire, the class configuration in a store.

- :func:`session_record` builds the payload a station sends from its own database;
  :func:`ingest` stores a received one at the hub (idempotent by UUID).
- :func:`config_from_store` gathers the instructor's settings (bands, schedules, pass
  marks) from the hub's database; :func:`apply_config` writes a received configuration
  into a station's database in ONE transaction (whole or not at all), so the station's
  practice plans (``plan_practice``) use the class's bands and schedules offline too.
- :func:`check_config` validates what a store-level check cannot: every exercise's TOML.

Example::

    record = session_record(station_store, session_id, "station-01")
    hub_id, stored = ingest(hub_store, record)
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from typing import Any

from trainer.classroom.protocol import (
    ClassConfig,
    SessionRecord,
    exercise_hash,
)
from trainer.exercises import Exercise, ExerciseError, ExerciseLibrary, parse_exercise
from trainer.instructor.schedules import FeedbackSchedule
from trainer.store import ImportedSession, Store, timestamp_now


class ConfigRejected(ValueError):
    """A class configuration that cannot be applied; the message says why."""


def session_record(store: Store, session_id: int, station: str) -> SessionRecord:
    """Everything the station stored about one ended session, ready to send."""
    session = store.session(session_id)
    snapshot = session["exercise"]
    return SessionRecord(
        uuid=session["uuid"],
        station=session["station"] or station,
        student=session["student"],
        exercise=snapshot,
        exercise_hash=exercise_hash(snapshot),
        sensor=session["sensor"],
        calibration=session["calibration"],
        started_at=session["started_at"],
        ended_at=session["ended_at"],
        status=session["status"] if session["status"] != "running" else "incomplete",
        result=session["result"],
        samples=[list(row) for row in store.sample_rows(session_id)],
        feedback=store.feedback_row(session_id),
        kind=session.get("kind") or "practice",
    )


def ingest(store: Store, record: SessionRecord) -> tuple[int, bool]:
    """Store a received session once; ``(session_id, stored)`` (False: already had it)."""
    return store.import_session(
        ImportedSession(
            uuid=record.uuid,
            station=record.station,
            student=record.student,
            exercise=dict(record.exercise),
            sensor=dict(record.sensor),
            calibration=None if record.calibration is None else dict(record.calibration),
            started_at=record.started_at,
            ended_at=record.ended_at,
            status=record.status,
            result=None if record.result is None else dict(record.result),
            samples=[tuple(row) for row in record.samples],
            feedback=None if record.feedback is None else dict(record.feedback),
            kind=record.kind,
        )
    )


# -- configuration -------------------------------------------------------------------------


def check_config(config: ClassConfig, library: ExerciseLibrary) -> dict[str, Exercise]:
    """The config's own exercises, parsed; ConfigRejected if anything cannot be used.

    Every exercise TOML must be valid, every schedule readable, and every assignment must
    name an exercise this station has (its library or the config's own).
    """
    exercises: dict[str, Exercise] = {}
    for exercise_id, text in config.exercises.items():
        try:
            exercise = parse_exercise(tomllib.loads(text), f"class exercise {exercise_id}")
        except tomllib.TOMLDecodeError as error:
            raise ConfigRejected(f"exercise {exercise_id!r} is not valid TOML: {error}") from None
        except ExerciseError as error:
            raise ConfigRejected(f"exercise {exercise_id!r} is not valid: {error}") from None
        if exercise.id != exercise_id:
            raise ConfigRejected(f"exercise {exercise_id!r} has the id {exercise.id!r} inside")
        exercises[exercise_id] = exercise
    for owner, schedule in [
        ("the class", config.class_schedule),
        *config.student_schedules.items(),
    ]:
        if schedule is None:
            continue
        try:
            FeedbackSchedule.from_json(dict(schedule))
        except (TypeError, ValueError, KeyError, IndexError) as error:
            raise ConfigRejected(
                f"the feedback schedule of {owner} is not readable: {error}"
            ) from None
    known = set(library.exercises) | set(exercises)
    assigned = [config.assignment_all, *config.assignments.values()]
    for assignment in assigned:
        if assignment is not None and assignment.exercise_id not in known:
            raise ConfigRejected(
                f"the assignment names exercise {assignment.exercise_id!r}, which this station "
                "does not have (update the trainer, or send the exercise with the class)"
            )
    return exercises


def apply_config(store: Store, config: ClassConfig) -> None:
    """Write the class's bands, schedules and pass marks into a station's records.

    One transaction: a failure leaves the previous configuration in place. The class
    is a class of the station's roster; students named in the config are its members,
    and so is every student who practises at this station (see :func:`enrol`).
    """
    db = store.db
    now = timestamp_now()

    def student_id(name: str) -> int:
        row = db.execute("SELECT id FROM students WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        cursor = db.execute("INSERT INTO students (name, created_at) VALUES (?, ?)", (name, now))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def write() -> None:
        class_id = _class_id(store, config.class_name, now)
        db.execute("DELETE FROM band_overrides WHERE scope = 'class' AND scope_id = ?", (class_id,))
        for exercise_id, targets in config.class_bands.items():
            for target, (low, high) in targets.items():
                db.execute(
                    "INSERT INTO band_overrides VALUES ('class', ?, ?, ?, ?, ?, ?)",
                    (class_id, exercise_id, target, low, high, now),
                )
        members = set(config.student_bands) | set(config.student_schedules)
        for name in members:
            sid = student_id(name)
            db.execute("INSERT OR IGNORE INTO class_members VALUES (?, ?)", (class_id, sid))
        # Students of this class: their own settings now come from the instructor.
        for (sid,) in db.execute(
            "SELECT student_id FROM class_members WHERE class_id = ?", (class_id,)
        ).fetchall():
            db.execute(
                "DELETE FROM band_overrides WHERE scope = 'student' AND scope_id = ?", (sid,)
            )
            db.execute(
                "DELETE FROM feedback_schedules WHERE scope = 'student' AND scope_id = ?", (sid,)
            )
        for name, bands in config.student_bands.items():
            sid = student_id(name)
            for exercise_id, targets in bands.items():
                for target, (low, high) in targets.items():
                    db.execute(
                        "INSERT INTO band_overrides VALUES ('student', ?, ?, ?, ?, ?, ?)",
                        (sid, exercise_id, target, low, high, now),
                    )
        db.execute(
            "DELETE FROM feedback_schedules WHERE scope = 'class' AND scope_id = ?", (class_id,)
        )
        if config.class_schedule is not None:
            _insert_schedule(store, "class", class_id, config.class_schedule, now)
        for name, schedule in config.student_schedules.items():
            _insert_schedule(store, "student", student_id(name), schedule, now)
        db.execute("DELETE FROM pass_marks")
        for exercise_id, mark in config.pass_marks.items():
            db.execute(
                "INSERT INTO pass_marks VALUES (?, ?, ?, ?, ?)",
                (
                    exercise_id,
                    mark.get("min_score"),
                    mark.get("trials_required"),
                    float(mark.get("trial_in_band_pct", 70.0)),
                    now,
                ),
            )

    store._write(write)


def _class_id(store: Store, class_name: str, now: str) -> int:
    row = store.db.execute("SELECT id FROM classes WHERE name = ?", (class_name,)).fetchone()
    if row is not None:
        return int(row[0])
    cursor = store.db.execute(
        "INSERT INTO classes (name, created_at) VALUES (?, ?)", (class_name, now)
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _insert_schedule(
    store: Store, scope: str, owner_id: int, schedule: Mapping[str, Any], now: str
) -> None:
    parsed = FeedbackSchedule.from_json(dict(schedule))
    store.db.execute(
        "INSERT OR REPLACE INTO feedback_schedules VALUES (?, ?, ?, ?, ?)",
        (scope, owner_id, parsed.kind.value, json.dumps(parsed.to_json()), now),
    )


def enrol(store: Store, class_name: str, student: str) -> None:
    """Make a student who practises at a class station a member of the class."""
    now = timestamp_now()

    def write() -> None:
        class_id = _class_id(store, class_name, now)
        row = store.db.execute("SELECT id FROM students WHERE name = ?", (student,)).fetchone()
        if row is None:
            cursor = store.db.execute(
                "INSERT INTO students (name, created_at) VALUES (?, ?)", (student, now)
            )
            sid = cursor.lastrowid
        else:
            sid = row[0]
        store.db.execute("INSERT OR IGNORE INTO class_members VALUES (?, ?)", (class_id, sid))

    store._write(write)


def config_settings(store: Store, class_name: str) -> dict[str, Any]:
    """The instructor's settings in the hub's records, as config fields.

    Bands and schedules of the class called ``class_name`` (if the roster has it) and of
    every student; every pass mark. Exercises are the instructor's own (not built-in)
    exercises named by a band, a schedule or an assignment are added by the hub.
    """
    db = store.db
    row = db.execute("SELECT id FROM classes WHERE name = ?", (class_name,)).fetchone()
    class_id = None if row is None else int(row[0])
    class_bands: dict[str, dict[str, tuple[float, float]]] = {}
    student_bands: dict[str, dict[str, dict[str, tuple[float, float]]]] = {}
    for scope, scope_id, exercise_id, target, low, high in db.execute(
        "SELECT scope, scope_id, exercise_id, target, low_n, high_n FROM band_overrides "
        "ORDER BY scope, scope_id, exercise_id, target"
    ):
        if scope == "class" and scope_id == class_id:
            class_bands.setdefault(exercise_id, {})[target] = (low, high)
        elif scope == "student":
            name = _student_name(store, scope_id)
            if name is not None:
                student_bands.setdefault(name, {}).setdefault(exercise_id, {})[target] = (
                    low,
                    high,
                )
    class_schedule: dict[str, Any] | None = None
    student_schedules: dict[str, dict[str, Any]] = {}
    for scope, scope_id, params in db.execute(
        "SELECT scope, scope_id, params_json FROM feedback_schedules ORDER BY scope, scope_id"
    ):
        try:
            value = json.loads(params)
        except ValueError:
            continue
        if not isinstance(value, dict):
            continue
        if scope == "class" and scope_id == class_id:
            class_schedule = value
        elif scope == "student":
            name = _student_name(store, scope_id)
            if name is not None:
                student_schedules[name] = value
    pass_marks = {
        exercise_id: {
            "min_score": min_score,
            "trials_required": trials,
            "trial_in_band_pct": pct,
        }
        for exercise_id, min_score, trials, pct in db.execute(
            "SELECT exercise_id, min_score, trials_required, trial_in_band_pct FROM pass_marks"
        )
    }
    return {
        "class_bands": class_bands,
        "student_bands": student_bands,
        "class_schedule": class_schedule,
        "student_schedules": student_schedules,
        "pass_marks": pass_marks,
    }


def _student_name(store: Store, student_id: int) -> str | None:
    row = store.db.execute("SELECT name FROM students WHERE id = ?", (student_id,)).fetchone()
    return None if row is None else str(row[0])


def settings_fingerprint(store: Store) -> str:
    """Changes whenever the instructor changes a band, schedule or pass mark (small tables)."""
    digest = hashlib.sha256()
    for table in ("band_overrides", "feedback_schedules", "pass_marks", "students", "classes"):
        for row in store.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode())
    return digest.hexdigest()

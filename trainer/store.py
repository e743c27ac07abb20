"""Session records in one SQLite file: students, sessions, samples, results.

The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` bring any older
file up to date when it is opened. WAL mode and batched sample writes (at least every
``flush_interval_s``) mean a killed process loses at most the last fraction of a second
and leaves a readable file.

Example::

    store = Store.open(default_db_path())
    session_id = store.start_session("Ana", exercise, sensor_info={"backend": "simulated"})
    recorder = store.recorder(session_id)
    recorder.add(sample, force_n=sample.force_n, flags=sample.flags, phase=0)
    recorder.close()
    store.finish_session(session_id, result)
"""

from __future__ import annotations

import json
import math
import os
import shlex
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trainer.exercises import Exercise, content_version
from trainer.safe_text import check_name
from trainer.scoring import SessionResult
from trainer.sensors.base import Sample, SampleFlag

DB_ENV = "TRAINER_DB"
#: the columns of :meth:`Store.sample_rows`, as exports name them
SAMPLE_COLUMNS = ("seq", "t_s", "force_n", "raw_force_n", "counts", "flags", "phase")
#: a session whose samples stopped arriving this long ago was interrupted
STALE_AFTER_S = 15.0

_SQL_MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE students (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        student_id INTEGER NOT NULL REFERENCES students(id),
        exercise_id TEXT NOT NULL,
        technique TEXT NOT NULL,
        exercise_json TEXT NOT NULL,
        sensor_json TEXT NOT NULL,
        calibration_json TEXT,
        started_at TEXT NOT NULL,
        updated_at REAL NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL
            CHECK (status IN ('running', 'complete', 'incomplete', 'aborted'))
    );
    CREATE INDEX sessions_by_student ON sessions(student_id, started_at);
    CREATE TABLE samples (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t_s REAL NOT NULL,
        force_n REAL NOT NULL,
        raw_force_n REAL NOT NULL,
        counts INTEGER,
        flags INTEGER NOT NULL,
        phase INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE results (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        score REAL NOT NULL,
        time_in_band_pct REAL NOT NULL,
        result_json TEXT NOT NULL
    );
    """,
    # 2: instructors (trainer/instructor): classes, archive flag, band overrides, pass
    # marks, the PIN and its lock-out, assessments, feedback schedules
    """
    ALTER TABLE students ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE classes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE class_members (
        class_id INTEGER NOT NULL REFERENCES classes(id),
        student_id INTEGER NOT NULL REFERENCES students(id),
        PRIMARY KEY (class_id, student_id)
    );
    CREATE TABLE band_overrides (
        scope TEXT NOT NULL CHECK (scope IN ('class', 'student')),
        scope_id INTEGER NOT NULL,
        exercise_id TEXT NOT NULL,
        target TEXT NOT NULL,
        low_n REAL NOT NULL,
        high_n REAL NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (scope, scope_id, exercise_id, target)
    );
    CREATE TABLE pass_marks (
        exercise_id TEXT PRIMARY KEY,
        min_score REAL,
        trials_required INTEGER,
        trial_in_band_pct REAL NOT NULL DEFAULT 70,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE instructor_pin (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        salt BLOB,
        pin_hash BLOB,
        params TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until REAL NOT NULL DEFAULT 0
    );
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        exercise_ids_json TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE assessment_runs (
        id INTEGER PRIMARY KEY,
        assessment_id INTEGER NOT NULL REFERENCES assessments(id),
        student_id INTEGER NOT NULL REFERENCES students(id),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
        passed INTEGER
    );
    CREATE TABLE assessment_items (
        run_id INTEGER NOT NULL REFERENCES assessment_runs(id),
        position INTEGER NOT NULL,
        exercise_id TEXT NOT NULL,
        session_id INTEGER REFERENCES sessions(id),
        passed INTEGER,
        detail_json TEXT,
        PRIMARY KEY (run_id, position)
    );
    CREATE TABLE feedback_schedules (
        scope TEXT NOT NULL CHECK (scope IN ('class', 'student')),
        scope_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        params_json TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (scope, scope_id)
    );
    CREATE TABLE session_feedback (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
        schedule_json TEXT NOT NULL,
        peeks INTEGER NOT NULL DEFAULT 0,
        report_json TEXT NOT NULL
    );
    """,
    # 3: classes (trainer/classroom): every session gets a UUID (stable across stations
    # and the hub) and the station that recorded it; a station's outbox holds the ended
    # sessions not yet acknowledged by the class's broker.
    """
    ALTER TABLE sessions ADD COLUMN uuid TEXT;
    ALTER TABLE sessions ADD COLUMN station TEXT;
    UPDATE sessions SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2)))
        || '-4' || substr(lower(hex(randomblob(2))), 2) || '-'
        || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2)
        || '-' || lower(hex(randomblob(6)));
    CREATE UNIQUE INDEX sessions_by_uuid ON sessions(uuid);
    CREATE TABLE outbox (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        queued_at REAL NOT NULL
    );
    """,
    # 4: what kind of session it was (practice, an assessment whose results only the
    # instructor sees, a demonstration), and the exercise's name and content version as
    # judged. exercise_version() is registered on every connection (see Store.open).
    """
    ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'practice'
        CHECK (kind IN ('practice', 'assessment', 'demonstration'));
    UPDATE sessions SET kind = 'assessment' WHERE id IN
        (SELECT session_id FROM assessment_items WHERE session_id IS NOT NULL);
    ALTER TABLE sessions ADD COLUMN exercise_name TEXT;
    ALTER TABLE sessions ADD COLUMN exercise_version TEXT;
    UPDATE sessions SET
        exercise_name = CASE WHEN json_valid(exercise_json)
            THEN json_extract(exercise_json, '$.name') END,
        exercise_version = exercise_version(exercise_json);
    CREATE INDEX sessions_by_exercise ON sessions(exercise_id, exercise_version);
    """,
    # 5: the contact a student presses with (thumb, elbow, ... and its area in cm²), for
    # showing force per area in kPa (trainer/instructor/contacts.py)
    """
    ALTER TABLE students ADD COLUMN contact_json TEXT;
    """,
]


def _repair_non_finite_json(db: sqlite3.Connection) -> None:
    """5: rewrite JSON that older versions wrote with NaN or Infinity (invalid JSON).

    Such a value broke every query that reads the column with SQLite's JSON functions;
    it becomes ``null``, and an exercise band with a missing bound is dropped.
    """
    for table, columns in JSON_COLUMNS.items():
        for column in columns:
            rows = db.execute(
                f"SELECT rowid, {column} FROM {table} "
                f"WHERE {column} IS NOT NULL AND NOT json_valid({column})"
            ).fetchall()
            for rowid, text in rows:
                value = load_json(text)
                if value is None:
                    continue  # not JSON at all: the readers cope with it as it is
                if column == "exercise_json":
                    value = _drop_broken_bands(value)
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (dump_json(value), rowid)
                )


MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    *_SQL_MIGRATIONS,
    _repair_non_finite_json,
]
SCHEMA_VERSION = len(MIGRATIONS)
#: the kinds of session; assessment results are shown only to the instructor
SESSION_KINDS = ("practice", "assessment", "demonstration")
#: the kinds listed to everyone (the student's history, Last/Best, reviews without the PIN)
OPEN_KINDS = ("practice", "demonstration")

#: every column holding JSON, by table
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": ("exercise_json", "sensor_json", "calibration_json"),
    "results": ("result_json",),
    "assessments": ("exercise_ids_json",),
    "assessment_items": ("detail_json",),
    "feedback_schedules": ("params_json",),
    "session_feedback": ("schedule_json", "report_json"),
}


def _finite_only(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite_only(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_only(item) for item in value]
    return value


def dump_json(value: Any, indent: int | None = None) -> str:
    """JSON text for the records (and exports): a NaN or infinity becomes ``null``."""
    return json.dumps(_finite_only(value), allow_nan=False, indent=indent)


def load_json(text: str | bytes | None) -> Any:
    """A stored JSON value, non-finite numbers read as ``None``; ``None`` if unreadable."""
    if text is None:
        return None
    try:
        return _finite_only(json.loads(text))
    except (ValueError, RecursionError, TypeError):
        return None


def _drop_broken_bands(snapshot: Any) -> Any:
    if isinstance(snapshot, dict) and isinstance(snapshot.get("phases"), list):
        for phase in snapshot["phases"]:
            band = phase.get("band") if isinstance(phase, dict) else None
            if isinstance(band, dict) and (band.get("low_n") is None or band.get("high_n") is None):
                phase["band"] = None
    return snapshot


def result_from_json(text: str | None) -> SessionResult | None:
    """A stored result, or ``None`` if it is missing or damaged beyond reading."""
    data = load_json(text)
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), int | float) for key in ("score", "time_in_band_pct")
    ):
        return None
    try:
        return SessionResult.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


class StoreError(Exception):
    """The records cannot be read or written; the message says why and what to do."""


class StoreFull(StoreError):
    """The disk is full; unsaved samples are kept in memory until a write succeeds."""


def default_db_path() -> Path:
    """``$TRAINER_DB`` if set, else ``trainer.db`` in the platform's user data folder."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("pressure-trainer", appauthor=False)) / "trainer.db"


def recover_command(path: Path) -> str:
    """The command that imports the recovery files of the database at ``path``.

    ``trainer recover`` alone reads the default database: any other needs its ``--db``,
    or the hint would send the user to a database that has nothing to recover.
    """
    try:
        default = Path(path).resolve() == default_db_path().resolve()
    except (OSError, RuntimeError):
        default = False
    return "trainer recover" if default else f"trainer recover --db {shlex.quote(str(path))}"


def timestamp_now() -> str:
    """When a record is written: now in UTC, to the second (ISO 8601), as the records keep it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def shown_time(stamp: str) -> str:
    """A record's time as the screens, reports and commands show it: ``'2026-03-14 09:05'``."""
    return stamp[:16].replace("T", " ")


RECOVERY_FORMAT = 1
RECOVERY_SUFFIX = ".recovery.json"


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        path.unlink(missing_ok=True)  # half a file helps nobody
        raise


def _read_recovery(path: Path) -> dict[str, Any] | None:
    try:
        record = load_json(path.read_bytes())
    except OSError:
        return None
    keys = {"format", "database", "session_id", "status", "result", "samples"}
    if not isinstance(record, dict) or not keys <= set(record):
        return None
    if record["format"] != RECOVERY_FORMAT or not isinstance(record["samples"], list):
        return None
    return record


def _make_private(path: Path) -> None:
    """Create the records' folders (0700) and file (0600) for their owner only.

    SQLite gives the WAL and SHM files the database's own mode. A folder or file that
    exists already keeps the mode the admin gave it.
    """
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    try:
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the folder {path.parent} for the records ({error.strerror}): "
            f"choose another file with --db or ${DB_ENV}"
        ) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        pass  # a folder we may not write in: SQLite's error below says it in full


def _stored_text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _cannot_write(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("readonly", "read-only", "unable to open", "permission"))


def explain(error: sqlite3.Error, path: Path) -> StoreError:
    """The :class:`StoreError` for an SQLite error on the records at ``path``."""
    return _explain(error, path)


def _explain(error: sqlite3.Error, path: Path, *, opening: bool = False) -> StoreError:
    text = str(error)
    if "full" in text or ("disk I/O error" in text and _no_room(path)):
        # A full disk can also show as an I/O error (no room for the -wal or -shm file).
        if opening:  # nothing was being recorded yet, so nothing is waiting
            return StoreFull(
                f"the disk holding {path} is full: free some space and try again "
                "(what is recorded is safe)"
            )
        return StoreFull(
            f"the disk holding {path} is full: free some space; "
            "samples not yet saved are kept until then"
        )
    if "not a database" in text or "malformed" in text:
        return StoreError(
            f"{path} is damaged or is not a trainer database: move it aside "
            f"(or point --db / ${DB_ENV} at another file) and start again"
        )
    if "readonly" in text or "unable to open" in text or "permission" in text.lower():
        return StoreError(
            f"cannot write the records at {path}: check that the folder exists and is "
            f"writable, or choose another file with --db or ${DB_ENV}"
        )
    if "locked" in text:
        return StoreError(f"{path} is busy in another program: close it and try again")
    return StoreError(f"the records at {path} could not be used: {text}")


def _no_room(path: Path) -> bool:
    """True when the disk holding ``path`` has (next to) no space left."""
    try:
        return shutil.disk_usage(path.parent if path.parent.exists() else ".").free < 64 * 1024
    except OSError:
        return False


def matching(columns: Mapping[str, object]) -> tuple[str, list[Any]]:
    """``AND column = ?`` conditions and their values, for each column given a value.

    A column whose value is None or empty is left out: it matches every row. The column
    names go into the SQL: they are the caller's, never the user's.
    """
    where, params = "", []
    for column, value in columns.items():
        if value:
            where += f" AND {column} = ?"
            params.append(value)
    return where, params


def _stored_exercise_version(exercise_json: str | None) -> str | None:
    """The content version of a stored exercise snapshot (None if it cannot be read)."""
    try:
        snapshot = json.loads(exercise_json or "")
    except ValueError:
        return None
    if not isinstance(snapshot, dict):
        return None
    version = snapshot.get("version")
    return version if isinstance(version, str) and version else content_version(snapshot)


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One session as listed in the history."""

    id: int
    student: str
    exercise_id: str
    exercise_name: str
    technique: str
    started_at: str
    ended_at: str | None
    status: str
    score: float | None
    time_in_band_pct: float | None
    backend: str
    uuid: str | None = None
    station: str | None = None  # the class station that recorded it
    kind: str = "practice"
    exercise_version: str | None = None

    @property
    def full_run_score(self) -> float | None:
        """The score of a session run to its end, else None: what a student's Last, Best
        and trends count (a run stopped after a few seconds is scored on those only)."""
        return self.score if self.status == "complete" else None


@dataclass(frozen=True, slots=True)
class ImportedSession:
    """A whole session as another trainer recorded it (see :meth:`Store.import_session`)."""

    uuid: str
    station: str | None
    student: str
    exercise: dict[str, Any]  # Exercise.snapshot()
    sensor: dict[str, Any]
    calibration: dict[str, Any] | None
    started_at: str
    ended_at: str | None
    status: str
    result: dict[str, Any] | None  # SessionResult.to_dict()
    samples: list[tuple[Any, ...]]  # rows of SAMPLE_COLUMNS
    feedback: dict[str, Any] | None  # as :meth:`Store.feedback_row` returns it
    kind: str = "practice"  # see :data:`SESSION_KINDS`


class Store:
    """The records database. Use one per thread (SQLite connections are not shared)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        # A damaged page can leave bytes that are not UTF-8 in a text column: read them
        # as U+FFFD, so one damaged record never stops every reader (its JSON then fails
        # to parse, which the readers survive).
        connection.text_factory = _stored_text
        self.path = path
        #: opened for reading only (the file or its folder is not writable for this user)
        self.readonly = False
        self._checked = False
        #: the class station these records belong to (``trainer run --class``): new
        #: sessions carry it, and every ended one is queued in the outbox for the hub
        self.station: str | None = None

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        path = Path(path)
        _make_private(path)
        connection: sqlite3.Connection | None = None
        try:
            connection = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
            connection.create_function(
                "exercise_version", 1, _stored_exercise_version, deterministic=True
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            store = cls(connection, path)
            store._migrate()
            store._close_stale_sessions()
        except sqlite3.Error as error:
            if connection is not None:
                connection.close()
            if path.is_file() and _cannot_write(error):
                return cls._open_to_read(path)  # listing and exporting still work
            raise _explain(error, path, opening=True) from None
        return store

    @classmethod
    def _open_to_read(cls, path: Path) -> Store:
        """The records as they are, for a user who may read but not write them."""
        last: sqlite3.Error = sqlite3.OperationalError("unable to open database file")
        for options in ("mode=ro", "immutable=1"):
            # mode=ro needs the WAL index (-shm) or a writable folder; immutable does not.
            try:
                connection = sqlite3.connect(
                    f"{path.resolve().as_uri()}?{options}",
                    uri=True,
                    timeout=5.0,
                    check_same_thread=False,
                )
                store = cls(connection, path)
                version = store.schema_version
            except sqlite3.Error as error:
                last = error
                continue
            if version != SCHEMA_VERSION:
                connection.close()
                raise StoreError(
                    f"{path} is read-only for you and was written by another version of "
                    f"Pressure Trainer (schema {version}, this one uses {SCHEMA_VERSION}): "
                    "open it once as its owner, or choose another file with --db"
                )
            store.readonly = True
            return store
        raise _explain(last, path) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        row = self.db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer Pressure Trainer (schema {version}, "
                f"this one knows {SCHEMA_VERSION}): update the trainer"
            )
        for number in range(version, SCHEMA_VERSION):
            # One transaction per step: a crash mid-migration leaves the old version intact.
            step = MIGRATIONS[number]
            if isinstance(step, str):
                self.db.executescript(
                    "BEGIN;" + step + f"; PRAGMA user_version = {number + 1}; COMMIT;"
                )
                continue
            self.db.execute("BEGIN")
            try:
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number + 1}")
            except BaseException:
                self.db.rollback()
                raise
            self.db.commit()

    def _close_stale_sessions(self) -> None:
        with self.db:
            stale = [
                row[0]
                for row in self.db.execute(
                    "SELECT id FROM sessions WHERE status = 'running' AND updated_at < ? "
                    "AND station IS NOT NULL",
                    (time.time() - STALE_AFTER_S,),
                )
            ]
            self.db.execute(
                "UPDATE sessions SET status = 'incomplete', ended_at = COALESCE(ended_at, ?) "
                "WHERE status = 'running' AND updated_at < ?",
                (timestamp_now(), time.time() - STALE_AFTER_S),
            )
            # A class station that died mid-session still sends what it recorded.
            self.db.executemany(
                "INSERT OR IGNORE INTO outbox VALUES (?, ?)", [(i, time.time()) for i in stale]
            )

    def _write(self, action: Callable[[], Any]) -> Any:
        try:
            if not self._checked:
                self.check_integrity()
            with self.db:
                return action()
        except sqlite3.Error as error:
            raise _explain(error, self.path) from None

    def check_integrity(self, budget_s: float = 1.0) -> None:
        """Refuse a damaged file before writing into it (checked once, at the first write).

        The check reads every page (0.16 s for 11 MB on a busy laptop); a file too big
        to finish within ``budget_s`` is checked that far, so a session never waits long.
        """
        deadline = time.monotonic() + budget_s
        self.db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            (verdict,) = self.db.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.OperationalError as error:
            if "interrupted" not in str(error):
                raise _explain(error, self.path) from None
            verdict = "ok"  # out of time: what was read was sound
        except sqlite3.DatabaseError as error:
            raise _explain(error, self.path) from None
        finally:
            self.db.set_progress_handler(None, 0)
        if verdict != "ok":
            raise _explain(sqlite3.DatabaseError("database disk image is malformed"), self.path)
        self._checked = True

    # -- students -------------------------------------------------------------------
    def student_id(self, name: str) -> int:
        """The id of the student called ``name``, adding them if new.

        A student the instructor archived who practises again is active again, so
        their new sessions are not hidden from the roster and the review.
        """
        try:
            name = check_name(name, "a student's name")
        except ValueError as error:
            raise StoreError(str(error)) from None

        def add() -> int:
            row = self.db.execute("SELECT id FROM students WHERE name = ?", (name,)).fetchone()
            if row:
                self.db.execute(
                    "UPDATE students SET archived = 0 WHERE id = ? AND archived = 1", (row[0],)
                )
                return int(row[0])
            cursor = self.db.execute(
                "INSERT INTO students (name, created_at) VALUES (?, ?)", (name, timestamp_now())
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        result: int = self._write(add)
        return result

    # -- sessions -------------------------------------------------------------------
    def start_session(
        self,
        student: str,
        exercise: Exercise,
        *,
        sensor_info: dict[str, Any],
        calibration: dict[str, Any] | None = None,
        kind: str = "practice",
    ) -> int:
        """Record a new running session with a snapshot of the exercise as used.

        ``kind`` is ``practice``, ``assessment`` (its results are the instructor's) or
        ``demonstration`` (an instructor showing the curve).
        """
        if kind not in SESSION_KINDS:
            raise ValueError(f"kind {kind!r} is not one of {', '.join(SESSION_KINDS)}")
        student_id = self.student_id(student)

        def insert() -> int:
            cursor = self.db.execute(
                "INSERT INTO sessions (student_id, exercise_id, technique, exercise_json, "
                "sensor_json, calibration_json, started_at, updated_at, status, uuid, station, "
                "kind, exercise_name, exercise_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)",
                (
                    student_id,
                    exercise.id,
                    exercise.technique,
                    dump_json(exercise.snapshot()),
                    dump_json(sensor_info),
                    dump_json(calibration) if calibration is not None else None,
                    timestamp_now(),
                    time.time(),
                    str(uuid.uuid4()),
                    self.station,
                    kind,
                    exercise.name,
                    exercise.version,
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        result: int = self._write(insert)
        return result

    def finish_session(self, session_id: int, result: SessionResult | None, status: str) -> None:
        """Mark a session ended (complete, incomplete or aborted) with its result."""

        def update() -> None:
            self.db.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                (status, timestamp_now(), time.time(), session_id),
            )
            if result is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                    (
                        session_id,
                        result.score,
                        result.time_in_band_pct,
                        dump_json(result.to_dict()),
                    ),
                )
            # Same transaction as the end of the session: a class station never ends a
            # session without queueing it for the hub.
            self.db.execute(
                "INSERT OR IGNORE INTO outbox SELECT id, ? FROM sessions "
                "WHERE id = ? AND station IS NOT NULL",
                (time.time(), session_id),
            )

        self._write(update)

    # -- recovery after a full disk ---------------------------------------------------
    def write_recovery(
        self,
        session_id: int,
        rows: list[tuple[Any, ...]],
        result: SessionResult | None,
        status: str,
    ) -> Path:
        """Keep what could not be written in a file beside the database; return where.

        If the database's disk cannot take even that, the file goes to the system's
        temporary folder. :meth:`recovery_files` finds it and :meth:`import_recovery`
        writes it into the records once there is room.
        """
        row = self.db.execute("SELECT uuid FROM sessions WHERE id = ?", (session_id,)).fetchone()
        record = {
            "format": RECOVERY_FORMAT,
            "database": str(self.path.resolve()),
            "session_id": session_id,
            "uuid": row[0] if row else None,
            "status": status,
            "result": result.to_dict() if result is not None else None,
            "samples": [list(r[1:]) for r in rows],  # the session id is implied
        }
        text = dump_json(record)
        name = f"{self.path.name}.session-{session_id}{RECOVERY_SUFFIX}"
        tried: list[str] = []
        for folder in (self.path.parent, Path(tempfile.gettempdir())):
            target = folder / name
            try:
                _write_private(target, text)
            except OSError as error:
                tried.append(f"{target} ({error.strerror})")
                continue
            return target
        raise StoreError(
            f"session {session_id}'s last {len(rows)} samples could not be kept anywhere: "
            + "; ".join(tried)
        )

    def recovery_files(self) -> list[Path]:
        """Recovery files written for this database, beside it or in the temporary folder."""
        pattern = f"{self.path.name}.session-*{RECOVERY_SUFFIX}"
        found = []
        for folder in (self.path.parent, Path(tempfile.gettempdir())):
            try:
                candidates = sorted(folder.glob(pattern))
            except OSError:
                continue
            for candidate in candidates:
                record = _read_recovery(candidate)
                if record is not None and record.get("database") == str(self.path.resolve()):
                    found.append(candidate)
        return found

    def import_recovery(self, path: Path) -> tuple[int, int]:
        """Write a recovery file's samples and ending into the records, then delete it.

        Returns the session id and how many samples were added. Samples already stored
        are left as they are, so importing twice adds nothing.
        """
        record = _read_recovery(path)
        if record is None:
            raise StoreError(f"{path} is not a recovery file of Pressure Trainer: leave it be")
        session_id = record["session_id"]
        row = self.db.execute("SELECT uuid FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None or (record.get("uuid") and row[0] != record["uuid"]):
            raise StoreError(
                f"{path} belongs to a session that is not in {self.path}: "
                "import it into the database it came from (--db)"
            )
        samples = [(session_id, *sample) for sample in record["samples"]]
        result = result_from_json(dump_json(record["result"])) if record["result"] else None

        def write() -> int:
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)", samples
            )
            return self.db.total_changes - before

        added: int = self._write(write)
        self.finish_session(session_id, result, record["status"])
        path.unlink(missing_ok=True)
        return session_id, added

    # -- the class outbox and the hub's ingest --------------------------------------
    def outbox(self) -> list[int]:
        """Ended class sessions not yet acknowledged by the broker, oldest first."""
        return [
            row[0] for row in self.db.execute("SELECT session_id FROM outbox ORDER BY queued_at")
        ]

    def remove_from_outbox(self, session_id: int) -> None:
        """The broker acknowledged the session (PUBACK): it leaves the outbox."""
        self._write(
            lambda: self.db.execute("DELETE FROM outbox WHERE session_id = ?", (session_id,))
        )

    def session_by_uuid(self, session_uuid: str) -> int | None:
        row = self.db.execute("SELECT id FROM sessions WHERE uuid = ?", (session_uuid,)).fetchone()
        return None if row is None else int(row[0])

    def feedback_row(self, session_id: int) -> dict[str, Any] | None:
        """The stored feedback schedule, peeks and report of a session, if any."""
        row = self.db.execute(
            "SELECT schedule_json, peeks, report_json FROM session_feedback WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            return None
        return {"schedule": load_json(row[0]), "peeks": row[1], "report": load_json(row[2])}

    def import_session(self, record: ImportedSession) -> tuple[int, bool]:
        """Store a session recorded elsewhere (a class station); idempotent by UUID.

        Returns ``(session_id, stored)``: ``stored`` is False when the UUID was already
        there (a session delivered twice is stored once). One transaction: all or nothing.
        """

        def insert() -> tuple[int, bool]:
            db = self.db
            row = db.execute("SELECT id FROM sessions WHERE uuid = ?", (record.uuid,)).fetchone()
            if row is not None:
                return int(row[0]), False
            found = db.execute(
                "SELECT id FROM students WHERE name = ?", (record.student,)
            ).fetchone()
            if found is not None:
                student_id = int(found[0])
            else:
                cursor = db.execute(
                    "INSERT INTO students (name, created_at) VALUES (?, ?)",
                    (record.student, timestamp_now()),
                )
                assert cursor.lastrowid is not None
                student_id = cursor.lastrowid
            cursor = db.execute(
                "INSERT INTO sessions (student_id, exercise_id, technique, exercise_json, "
                "sensor_json, calibration_json, started_at, updated_at, ended_at, status, "
                "uuid, station, kind, exercise_name, exercise_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    student_id,
                    record.exercise["id"],
                    record.exercise.get("technique", ""),
                    dump_json(record.exercise),
                    dump_json(record.sensor),
                    dump_json(record.calibration) if record.calibration is not None else None,
                    record.started_at,
                    time.time(),
                    record.ended_at,
                    record.status,
                    record.uuid,
                    record.station,
                    record.kind if record.kind in SESSION_KINDS else "practice",
                    record.exercise.get("name"),
                    _stored_exercise_version(json.dumps(record.exercise)),
                ),
            )
            assert cursor.lastrowid is not None
            session_id = cursor.lastrowid
            db.executemany(
                "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(session_id, *row) for row in record.samples],
            )
            if record.result is not None:
                db.execute(
                    "INSERT INTO results VALUES (?, ?, ?, ?)",
                    (
                        session_id,
                        record.result["score"],
                        record.result["time_in_band_pct"],
                        dump_json(record.result),
                    ),
                )
            if record.feedback is not None:
                db.execute(
                    "INSERT INTO session_feedback VALUES (?, ?, ?, ?)",
                    (
                        session_id,
                        dump_json(record.feedback.get("schedule")),
                        int(record.feedback.get("peeks") or 0),
                        dump_json(record.feedback.get("report")),
                    ),
                )
            return session_id, True

        stored: tuple[int, bool] = self._write(insert)
        return stored

    def recorder(self, session_id: int, flush_interval_s: float = 0.25) -> SampleRecorder:
        return SampleRecorder(self, session_id, flush_interval_s)

    def session(self, session_id: int) -> dict[str, Any]:
        """Everything recorded about one session except its samples."""
        row = self.db.execute(
            "SELECT s.id, st.name, s.exercise_id, s.technique, s.exercise_json, s.sensor_json, "
            "s.calibration_json, s.started_at, s.ended_at, s.status, r.result_json, "
            "s.uuid, s.station, s.kind, s.exercise_version "
            "FROM sessions s JOIN students st ON st.id = s.student_id "
            "LEFT JOIN results r ON r.session_id = s.id WHERE s.id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"there is no session {session_id}: see `trainer history`")
        return {
            "session_id": row[0],
            "student": row[1],
            "exercise_id": row[2],
            "technique": row[3],
            "exercise": load_json(row[4]) or {},
            "sensor": load_json(row[5]) or {},
            "calibration": load_json(row[6]),
            "started_at": row[7],
            "ended_at": row[8],
            "status": row[9],
            "result": load_json(row[10]),
            "uuid": row[11],
            "station": row[12],
            "kind": row[13],
            "exercise_version": row[14],
        }

    def session_kind(self, session_id: int) -> str:
        """``practice``, ``assessment`` or ``demonstration``."""
        row = self.db.execute("SELECT kind FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"there is no session {session_id}: see `trainer history`")
        return str(row[0])

    def mark_kind(self, session_id: int, kind: str) -> None:
        """Change a session's kind (an assessment's sessions, should one start as practice)."""
        if kind not in SESSION_KINDS:
            raise ValueError(f"kind {kind!r} is not one of {', '.join(SESSION_KINDS)}")
        self._write(
            lambda: self.db.execute("UPDATE sessions SET kind = ? WHERE id = ?", (kind, session_id))
        )

    def result(self, session_id: int) -> SessionResult | None:
        """The stored result, or ``None`` if there is none or it cannot be read."""
        row = self.db.execute(
            "SELECT result_json FROM results WHERE session_id = ?", (session_id,)
        ).fetchone()
        return result_from_json(row[0]) if row else None

    def history(
        self,
        student: str | None = None,
        exercise_id: str | None = None,
        limit: int = 500,
        *,
        kinds: tuple[str, ...] = OPEN_KINDS,
    ) -> list[SessionRow]:
        """Sessions, newest first, optionally for one student or exercise.

        Assessments are left out unless ``kinds`` names them: only the instructor,
        after the PIN, sees their results.
        """
        query = (
            "SELECT s.id, st.name, s.exercise_id, "
            "COALESCE(s.exercise_name, CASE WHEN json_valid(s.exercise_json) "
            "THEN json_extract(s.exercise_json, '$.name') END), "
            "s.technique, s.started_at, s.ended_at, s.status, r.score, r.time_in_band_pct, "
            "CASE WHEN json_valid(s.sensor_json) THEN json_extract(s.sensor_json, '$.backend') "
            "END, s.uuid, s.station, s.kind, s.exercise_version "
            "FROM sessions s JOIN students st ON st.id = s.student_id "
            "LEFT JOIN results r ON r.session_id = s.id "
            f"WHERE s.kind IN ({', '.join('?' * len(kinds))})"
        )
        where, params = matching({"st.name": student, "s.exercise_id": exercise_id})
        params = [*kinds, *params, limit]
        query += where + " ORDER BY s.id DESC LIMIT ?"
        return [SessionRow(*row) for row in self.db.execute(query, params)]

    def hidden_count(
        self, student: str | None = None, exercise_id: str | None = None, kind: str = "assessment"
    ) -> int:
        """How many sessions of ``kind`` :meth:`history` leaves out by default."""
        where, params = matching({"st.name": student, "s.exercise_id": exercise_id})
        query = (
            "SELECT COUNT(*) FROM sessions s JOIN students st ON st.id = s.student_id "
            "WHERE s.kind = ?" + where
        )
        return int(self.db.execute(query, [kind, *params]).fetchone()[0])

    def last_student(self) -> str | None:
        """Who last practised on this station (headless simulations and imports aside)."""
        row = self.db.execute(
            "SELECT st.name FROM sessions s JOIN students st ON st.id = s.student_id "
            "WHERE s.station IS ? AND s.kind != 'demonstration' "
            "AND json_extract(s.sensor_json, '$.student_profile') IS NULL "
            "ORDER BY s.id DESC LIMIT 1",
            (self.station,),
        ).fetchone()
        return str(row[0]) if row is not None else None

    def samples(self, session_id: int) -> list[Sample]:
        """The session's samples as the sensor gave them (unfiltered)."""
        return [
            Sample(t_s=t, force_n=raw, counts=counts, flags=SampleFlag(flags))
            for t, raw, counts, flags in self.db.execute(
                "SELECT t_s, raw_force_n, counts, flags FROM samples "
                "WHERE session_id = ? ORDER BY seq",
                (session_id,),
            )
        ]

    def sample_rows(self, session_id: int) -> Iterator[tuple[Any, ...]]:
        """Rows of :data:`SAMPLE_COLUMNS`, in order; ``t_s`` counts from the session's start.

        The sensor's clock starts when it opens (on the live screen, before the student
        presses start), so its times are shifted to make the first sample 0.
        """
        start: float | None = None
        for seq, t_s, *rest in self.db.execute(
            "SELECT seq, t_s, force_n, raw_force_n, counts, flags, phase FROM samples "
            "WHERE session_id = ? ORDER BY seq",
            (session_id,),
        ):
            if start is None:
                start = t_s
            yield (seq, t_s - start, *rest)

    def sample_dicts(self, session_id: int) -> list[dict[str, Any]]:
        """The sample rows as dictionaries keyed by :data:`SAMPLE_COLUMNS` (for JSON)."""
        return [dict(zip(SAMPLE_COLUMNS, row, strict=True)) for row in self.sample_rows(session_id)]

    def sample_count(self, session_id: int) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM samples WHERE session_id = ?", (session_id,)
        ).fetchone()
        return int(row[0])


class SampleRecorder:
    """Buffers samples and writes them in batches at least every ``flush_interval_s``.

    If a write fails (a full disk), the batch stays in memory and is written with the
    next successful flush; :class:`StoreFull` / :class:`StoreError` tells the caller.
    """

    BATCH_ROWS = 5000

    def __init__(
        self,
        store: Store,
        session_id: int,
        flush_interval_s: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.session_id = session_id
        self.flush_interval_s = flush_interval_s
        self.clock = clock
        self._rows: list[tuple[Any, ...]] = []
        self._seq = 0
        self._last_flush = clock()
        self.written = 0

    @property
    def pending(self) -> int:
        """Samples not yet on disk."""
        return len(self._rows)

    def pending_rows(self) -> list[tuple[Any, ...]]:
        """The rows not yet on disk, as they would be written (for a recovery file)."""
        return list(self._rows)

    def add(self, sample: Sample, force_n: float, flags: int, phase: int) -> None:
        """Queue one sample (``force_n`` as judged, the sample's own force as raw)."""
        # The number is taken before the row is queued: Ctrl+C between the two steps
        # leaves a gap in the numbers, never two rows with one number.
        seq = self._seq
        self._seq = seq + 1
        self._rows.append(
            (
                self.session_id,
                seq,
                sample.t_s,
                force_n,
                sample.force_n,
                sample.counts,
                int(flags),
                phase,
            )
        )
        if len(self._rows) >= self.BATCH_ROWS or (
            self.clock() - self._last_flush >= self.flush_interval_s
        ):
            self.flush()

    def flush(self) -> None:
        """Write what is queued; on failure keep it queued and raise.

        A flush cut short by Ctrl+C after its commit leaves its rows queued; the flush
        that ends the session writes them again, and the rows already there are kept.
        """
        self._last_flush = self.clock()
        if not self._rows:
            return
        rows = self._rows
        db = self.store.db

        def write() -> None:
            db.executemany("INSERT OR IGNORE INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute(
                "UPDATE sessions SET updated_at = ? WHERE id = ?", (time.time(), self.session_id)
            )

        self.store._write(write)
        self.written += len(rows)
        self._rows = []

    def close(self) -> None:
        self.flush()

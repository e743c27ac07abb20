"""The instructor schema (migration 2) upgrades a version-1 database without losing data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from trainer.store import MIGRATIONS, Store


def _make_v1(path: Path, sessions: int, samples_each: int) -> None:
    db = sqlite3.connect(path)
    db.executescript("BEGIN;" + MIGRATIONS[0] + "; PRAGMA user_version = 1; COMMIT;")
    db.execute("INSERT INTO students (name, created_at) VALUES ('Ana', '2026-01-01T00:00:00')")
    for sid in range(1, sessions + 1):
        db.execute(
            "INSERT INTO sessions (id, student_id, exercise_id, technique, exercise_json, "
            "sensor_json, started_at, updated_at, ended_at, status) "
            "VALUES (?, 1, 'steady-ramp', 'ramp', '{}', '{}', '2026-01-01', 0, '2026-01-01', "
            "'complete')",
            (sid,),
        )
        db.executemany(
            "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(sid, i, i / 80, float(i), float(i), None, 0, 0) for i in range(samples_each)],
        )
        db.execute("INSERT INTO results VALUES (?, 50.0, 40.0, '{}')", (sid,))
    db.commit()
    db.close()


def test_v1_database_migrates_keeping_every_session_and_sample(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_v1(path, sessions=3, samples_each=200)
    with Store.open(path) as store:
        assert store.schema_version == len(MIGRATIONS) >= 2
        assert store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 3
        assert store.db.execute("SELECT COUNT(*) FROM samples").fetchone()[0] == 600
        assert store.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 3
        assert store.sample_count(2) == 200
        assert [s.force_n for s in store.samples(3)][:3] == [0.0, 1.0, 2.0]
        archived = store.db.execute("SELECT archived FROM students").fetchall()
        assert archived == [(0,)]
        for table in ("classes", "band_overrides", "pass_marks", "instructor_pin"):
            store.db.execute(f"SELECT * FROM {table}").fetchall()

"""The store's class additions: session UUIDs, the station's outbox, the hub's import."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from trainer.exercises import ExerciseLibrary
from trainer.session import simulate
from trainer.store import MIGRATIONS, ImportedSession, Store


def test_class_session_queued_in_the_same_transaction(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    store = Store.open(tmp_path / "station.db")
    store.station = "station-01"
    outcome = simulate(store, library.get("graded-levels"), profile="steady", seed=1)
    assert store.outbox() == [outcome.session_id]
    session = store.session(outcome.session_id)
    assert session["station"] == "station-01" and len(session["uuid"]) == 36
    store.remove_from_outbox(outcome.session_id)
    assert store.outbox() == []


def test_practice_outside_a_class_is_not_queued(store: Store, library: ExerciseLibrary) -> None:
    outcome = simulate(store, library.get("graded-levels"), profile="steady", seed=1)
    assert store.outbox() == []
    assert store.session(outcome.session_id)["station"] is None


def test_outbox_survives_reopening(tmp_path: Path, library: ExerciseLibrary) -> None:
    store = Store.open(tmp_path / "station.db")
    store.station = "station-02"
    first = simulate(store, library.get("graded-levels"), profile="steady", seed=1)
    store.close()
    again = Store.open(tmp_path / "station.db")
    assert again.outbox() == [first.session_id]


def test_session_cut_short_by_a_crash_is_queued_when_reopened(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    store = Store.open(tmp_path / "station.db")
    store.station = "station-03"
    session_id = store.start_session("Ana", library.get("graded-levels"), sensor_info={})
    store.db.execute("UPDATE sessions SET updated_at = ?", (time.time() - 60,))
    store.db.commit()
    store.close()  # the process died: finish_session never ran
    again = Store.open(tmp_path / "station.db")
    assert again.outbox() == [session_id]
    assert again.session(session_id)["status"] == "incomplete"


def test_old_records_get_distinct_uuids(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version = 2;")
    db.execute("INSERT INTO students (name, created_at) VALUES ('Ana', 'x')")
    for _ in range(3):
        db.execute(
            "INSERT INTO sessions (student_id, exercise_id, technique, exercise_json, "
            "sensor_json, started_at, updated_at, status) "
            "VALUES (1, 'e', 't', '{}', '{}', 'x', 0, 'complete')"
        )
    db.commit()
    db.close()
    store = Store.open(path)
    uuids = [r.uuid for r in store.history()]
    assert len(set(uuids)) == 3 and all(u and len(u) == 36 and u[14] == "4" for u in uuids)


def test_import_is_idempotent_by_uuid(tmp_path: Path, library: ExerciseLibrary) -> None:
    station = Store.open(tmp_path / "station.db")
    station.station = "station-04"
    outcome = simulate(station, library.get("graded-levels"), profile="shaky", seed=2)
    session = station.session(outcome.session_id)
    record = ImportedSession(
        uuid=session["uuid"],
        station=session["station"],
        student=session["student"],
        exercise=session["exercise"],
        sensor=session["sensor"],
        calibration=session["calibration"],
        started_at=session["started_at"],
        ended_at=session["ended_at"],
        status=session["status"],
        result=session["result"],
        samples=list(station.sample_rows(outcome.session_id)),
        feedback=None,
    )
    hub = Store.open(tmp_path / "hub.db")
    hub_id, stored = hub.import_session(record)
    assert stored
    assert hub.import_session(record) == (hub_id, False)
    assert list(hub.sample_rows(hub_id)) == list(station.sample_rows(outcome.session_id))
    assert hub.result(hub_id) == station.result(outcome.session_id)
    (row,) = hub.history()
    assert (row.uuid, row.station, row.student) == (
        session["uuid"],
        "station-04",
        session["student"],
    )
    assert hub.outbox() == []  # the hub never re-sends what it imported

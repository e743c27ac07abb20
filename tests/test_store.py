"""Records: schema, migrations, batching, history, and bad files or full disks."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import trainer.store as store_module
from trainer.exercises import ExerciseLibrary
from trainer.sensors.base import Sample, SampleFlag
from trainer.session import PracticeSession, simulate
from trainer.store import SCHEMA_VERSION, Store, StoreError, StoreFull


def test_a_new_database_is_at_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a" / "b.db")
    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_run_in_order_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    store = Store.open(path)
    store.close()
    extra = "CREATE TABLE later_table (x INTEGER);"
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, extra])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    store = Store.open(path)
    assert store.schema_version == SCHEMA_VERSION + 1
    store.db.execute("SELECT x FROM later_table")


def test_a_database_from_a_newer_trainer_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match=r"newer Pressure Trainer.*update the trainer"):
        Store.open(path)


def test_a_corrupt_file_gets_a_message_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="damaged or is not a trainer database: move it aside"):
        Store.open(path)


def test_an_unwritable_folder_names_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="choose another file with --db"):
        Store.open(blocker / "sub" / "t.db")


def test_simulated_session_is_stored_with_snapshot_samples_and_result(
    store: Store, library: ExerciseLibrary
) -> None:
    exercise = library.get("precision-drill")
    outcome = simulate(store, exercise, profile="steady", seed=3)
    session = store.session(outcome.session_id)
    assert session["status"] == "complete"
    assert session["exercise"]["phases"][0]["band"]["low_n"] == 9
    assert session["sensor"]["backend"] == "simulated"
    assert session["result"]["score"] == outcome.result.score
    assert store.sample_count(outcome.session_id) == outcome.samples
    rows = list(store.sample_rows(outcome.session_id))
    assert [r[0] for r in rows] == list(range(len(rows)))
    assert rows[-1][6] == len(exercise.phases) - 1  # the phase each sample belonged to
    history = store.history(student="sim-steady")
    assert history[0].id == outcome.session_id and history[0].score == outcome.result.score
    assert store.result(outcome.session_id) == outcome.result


def test_samples_are_written_at_least_every_flush_interval(
    store: Store, library: ExerciseLibrary
) -> None:
    clock = [0.0]
    session_id = store.start_session("Ana", library.get("graded-levels"), sensor_info={})
    recorder = store_module.SampleRecorder(store, session_id, 0.25, clock=lambda: clock[0])
    for i in range(10):
        clock[0] = i * 0.1
        recorder.add(Sample(i * 0.1, 1.0), 1.0, 0, 0)
    # flushed at 0.3 and 0.6 and 0.9 s: at most a quarter second waits in memory
    assert store.sample_count(session_id) == 10
    clock[0] = 1.0
    recorder.add(Sample(1.0, 1.0), 1.0, 0, 0)
    assert recorder.pending == 1


def test_ctrl_c_just_after_a_batch_is_saved_ends_the_session_normally(
    store: Store, library: ExerciseLibrary
) -> None:
    # KeyboardInterrupt may arrive between any two steps of a flush: here after its commit,
    # before the recorder has noted the rows as written.
    session = PracticeSession.begin(store, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    for i in range(30):
        session.process(Sample(i / 80, 20.0))
    write = store._write

    def write_then_interrupted(action: Any) -> Any:
        write(action)
        raise KeyboardInterrupt

    store._write = write_then_interrupted  # type: ignore[method-assign]
    try:
        with pytest.raises(KeyboardInterrupt):
            session.recorder.flush()
    finally:
        del store._write
    session.finish("incomplete")  # what every headless run does on Ctrl+C
    assert store.session(session.session_id)["status"] == "incomplete"
    rows = list(store.sample_rows(session.session_id))
    assert [row[0] for row in rows] == list(range(30))


def test_raw_and_filtered_forces_are_both_kept(store: Store, library: ExerciseLibrary) -> None:
    session = PracticeSession.begin(store, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    session.process(Sample(0.0, 10.0))
    session.process(Sample(0.0125, 900.0, flags=SampleFlag.NONE))  # a spike
    session.finish("aborted")
    rows = list(store.sample_rows(session.session_id))
    assert rows[1][2] == 10.0 and rows[1][3] == 900.0 and rows[1][5] & SampleFlag.GLITCH
    assert store.session(session.session_id)["status"] == "aborted"


def test_a_full_disk_keeps_samples_in_memory_until_space_returns(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    store = Store.open(tmp_path / "small.db")
    session = PracticeSession.begin(store, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # the disk is now full
    for i in range(6000):
        session.process(Sample(i / 80, 20.0))
    assert isinstance(session.store_error, StoreFull)
    assert "full: free some space" in str(session.store_error)
    assert session.recorder.pending > 5000
    store.db.execute("PRAGMA max_page_count = 1000000")  # space freed
    session.process(Sample(6000 / 80, 20.0))
    session.finish()
    assert session.store_error is None
    assert store.sample_count(session.session_id) == 6001


def test_sessions_left_running_by_a_dead_process_become_incomplete(
    tmp_path: Path, library: ExerciseLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.db"
    store = Store.open(path)
    session_id = store.start_session("Ana", library.get("graded-levels"), sensor_info={})
    store.close()
    assert Store.open(path).session(session_id)["status"] == "running"  # maybe still alive
    monkeypatch.setattr(store_module, "STALE_AFTER_S", -1.0)
    assert Store.open(path).session(session_id)["status"] == "incomplete"


def test_unknown_session_names_the_history_command(store: Store) -> None:
    with pytest.raises(StoreError, match="no session 99: see `trainer history`"):
        store.session(99)


def test_an_archived_student_who_practises_again_is_active_again(
    store: Store, library: ExerciseLibrary
) -> None:
    from trainer.instructor.roster import Roster

    roster = Roster(store)
    roster.add_student("Ana")
    roster.archive_student("Ana")
    assert [s.name for s in roster.students()] == []
    simulate(store, library.get("precision-drill"), profile="steady", seed=1, student="Ana")
    assert [s.name for s in roster.students()] == ["Ana"]


def test_exported_sample_times_start_at_zero_when_the_session_starts(
    store: Store, library: ExerciseLibrary
) -> None:
    """The sensor's clock ran 31 s on the live screen before the student pressed start."""
    session = PracticeSession.begin(store, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    for i in range(5):
        session.process(Sample(31.04 + i * 0.0125, 10.0))
    session.finish("aborted")
    times = [row[1] for row in store.sample_rows(session.session_id)]
    assert times == pytest.approx([0.0, 0.0125, 0.025, 0.0375, 0.05])
    assert store.sample_dicts(session.session_id)[0]["t_s"] == 0.0

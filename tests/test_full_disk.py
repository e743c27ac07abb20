"""A full disk: samples kept in memory and retried, a recovery file when the program stops."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import trainer.session as session_module
from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.sensors.base import Sample
from trainer.session import PracticeSession
from trainer.store import Store, StoreFull, default_db_path, recover_command


def fill_disk(store: Store) -> None:
    """SQLite's own 'database or disk is full' from here on, as on a full SD card."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def free_disk(store: Store) -> None:
    store.db.execute("PRAGMA max_page_count = 1073741823")


def test_finish_is_not_done_until_the_samples_are_written(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    store = Store.open(tmp_path / "t.db")
    session = PracticeSession.begin(store, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    fill_disk(store)
    for i in range(2047):
        session.process(Sample(i / 80, 20.0))
    with pytest.raises(StoreFull, match="full: free some space"):
        session.finish()
    assert session.result is None and session.status is None  # not saved, so not finished
    assert store.session(session.session_id)["status"] == "running"
    with pytest.raises(StoreFull):
        session.finish()  # still full: tried again, still refused, nothing lost
    free_disk(store)
    result = session.finish()
    assert session.result is result and session.store_error is None
    assert store.sample_count(session.session_id) == 2047
    assert store.session(session.session_id)["status"] == "incomplete"


@pytest.fixture
def disk_fills_after_start(monkeypatch: pytest.MonkeyPatch) -> None:
    start = Store.start_session

    def start_then_fill(self: Store, *args: object, **kwargs: object) -> int:
        session_id = start(self, *args, **kwargs)  # type: ignore[arg-type]
        fill_disk(self)
        return session_id

    monkeypatch.setattr(Store, "start_session", start_then_fill)
    monkeypatch.setattr(session_module, "SAVE_RETRY_S", 0.0)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_run_that_must_stop_keeps_its_samples_in_a_recovery_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    disk_fills_after_start: None,
) -> None:
    db = tmp_path / "records" / "trainer.db"
    code, _, err = run(capsys, "simulate", "--exercise", "steady-ramp", "--db", str(db), "--json")
    assert code == 1
    kept = db.with_name("trainer.db.session-1.recovery.json")
    assert f"kept in {kept}" in err and f"run 'trainer recover --db {db}'" in err
    record = json.loads(kept.read_text())
    assert record["status"] == "complete" and record["result"]["score"] > 0
    assert (kept.stat().st_mode & 0o777) == 0o600
    monkeypatch.undo()  # the disk has room again

    code, _, err = run(capsys, "history", "--db", str(db))
    # --db named: 'trainer recover' alone would look in the default database
    assert code == 0 and f"run 'trainer recover --db {db}'" in err and str(kept) in err
    code, out, _ = run(capsys, "recover", "--db", str(db))
    assert code == 0 and "Session 1:" in out
    assert not kept.exists()
    store = Store.open(db)
    assert store.session(1)["status"] == "complete"
    assert store.sample_count(1) == len(record["samples"]) + stored_before(record)
    assert store.result(1) is not None
    code, out, err = run(capsys, "history", "--db", str(db))
    assert "recover" not in err and "complete" in out


def stored_before(record: dict[str, object]) -> int:
    samples = record["samples"]
    assert isinstance(samples, list)
    return int(samples[0][0])  # rows before the first kept one were on disk already


def test_a_recovery_file_belongs_to_its_own_database(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    first = Store.open(tmp_path / "a.db")
    session = PracticeSession.begin(first, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    session.process(Sample(0.0, 5.0))
    kept = session.keep_for_recovery()
    other = Store.open(tmp_path / "b.db")
    assert other.recovery_files() == []
    other.start_session("Ben", library.get("graded-levels"), sensor_info={})
    with pytest.raises(Exception, match="belongs to a session that is not in"):
        other.import_recovery(kept)
    assert first.recovery_files() == [kept]
    assert first.import_recovery(kept) == (session.session_id, 1)
    assert not kept.exists()


def test_when_the_folder_takes_nothing_the_file_goes_to_the_temporary_folder(
    tmp_path: Path, library: ExerciseLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "t.db")
    session = PracticeSession.begin(store, library.get("graded-levels"), "Ana", {}, rate_hz=80)
    session.process(Sample(0.0, 5.0))
    real_open = __import__("os").open

    def full(path: object, *args: object) -> int:
        if str(path).startswith(str(tmp_path)):
            raise OSError(28, "No space left on device")
        return real_open(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("os.open", full)
    kept = session.keep_for_recovery()
    monkeypatch.undo()
    assert not str(kept).startswith(str(tmp_path))
    assert store.recovery_files() == [kept]
    store.import_recovery(kept)
    assert (
        sqlite3.connect(tmp_path / "t.db").execute("SELECT COUNT(*) FROM samples").fetchone()[0]
        == 1
    )


def test_the_hint_names_no_db_for_the_default_database(tmp_path: Path) -> None:
    # the autouse fixture points TRAINER_DB (the default) at a temporary file
    assert recover_command(default_db_path()) == "trainer recover"
    assert recover_command(tmp_path / "my records.db") == (
        f"trainer recover --db '{tmp_path / 'my records.db'}'"
    )


def test_a_disk_too_full_to_open_the_records_says_it_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import sqlite3

    from trainer import store as store_module

    db = tmp_path / "t.db"
    Store.open(db).close()
    # No room for the -wal or -shm file: SQLite says only "disk I/O error".
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage._replace(free=0))
    error = store_module.explain(sqlite3.OperationalError("disk I/O error"), db)
    assert isinstance(error, StoreFull) and "is full: free some space" in str(error)

    def no_room(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite3, "connect", no_room)
    code, _, err = run(capsys, "history", "--db", str(db))
    assert code == 1
    assert f"the disk holding {db} is full: free some space and try again" in err
    assert "samples" not in err  # nothing was being recorded

"""A real `trainer simulate` process killed with SIGKILL loses at most the last second."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import trainer.store as store_module
from trainer.store import Store

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")


def sample_stats(db: Path) -> tuple[int, float]:
    if not db.exists():
        return 0, 0.0
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        count, last = connection.execute("SELECT COUNT(*), MAX(t_s) FROM samples").fetchone()
    except sqlite3.OperationalError:
        return 0, 0.0
    finally:
        connection.close()
    return count, last or 0.0


def start_simulation(db: Path, speed: float) -> subprocess.Popen[str]:
    """A real `trainer simulate` process, paced against the wall clock."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trainer.cli",
            "--db",
            str(db),
            "simulate",
            "--exercise",
            "ischemic-compression",
            "--speed",
            str(speed),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kill_9_mid_session_loses_at_most_one_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kill.db"
    process = start_simulation(db, speed=1)
    try:
        deadline = time.monotonic() + 20
        while sample_stats(db)[0] == 0:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "no samples were written within 20 s"
            time.sleep(0.02)
        first_seen = time.monotonic()
        time.sleep(2.0)
        killed_at = time.monotonic()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    # The sensor started before the first sample was seen, so its clock read at least this.
    sensor_time_at_kill = killed_at - first_seen
    count, last_t = sample_stats(db)
    assert last_t >= sensor_time_at_kill - 1.0
    assert count >= (sensor_time_at_kill - 1.0) * 80
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    monkeypatch.setattr(store_module, "STALE_AFTER_S", -1.0)
    store = Store.open(db)
    assert store.history()[0].status == "incomplete"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopped_run_keeps_its_samples_and_is_marked_incomplete(
    tmp_path: Path, signum: signal.Signals
) -> None:
    db = tmp_path / "stop.db"
    process = start_simulation(db, speed=4)
    deadline = time.monotonic() + 20
    while sample_stats(db)[0] < 80:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    process.send_signal(signum)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "Everything recorded so far is saved" in err and "Traceback" not in err
    store = Store.open(db)
    row = store.history()[0]
    assert row.status == "incomplete"
    assert store.sample_count(row.id) >= 80
    assert store.result(row.id) is not None

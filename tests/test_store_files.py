"""The records file on disk: private by default, readable when read-only, damage named."""

from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.exercises import ExerciseLibrary
from trainer.session import simulate
from trainer.store import Store, StoreError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_new_database_and_its_folders_are_for_the_owner_only(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    path = tmp_path / "made" / "by-us" / "trainer.db"
    store = Store.open(path)
    simulate(store, library.get("steady-ramp"), profile="steady", seed=1)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    for side in ("-wal", "-shm"):
        assert mode(path.with_name(path.name + side)) == 0o600
    store.close()


def test_an_existing_folder_and_file_keep_the_admins_modes(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = folder / "trainer.db"
    path.touch()
    path.chmod(0o640)
    Store.open(path).close()
    assert mode(folder) == 0o755 and mode(path) == 0o640


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    # Outside pytest's private tmp: another user must be able to reach it.
    folder = Path(tempfile.mkdtemp(prefix="trainer-ro-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_database_the_user_may_only_read_can_still_be_listed(
    shared_folder: Path, library: ExerciseLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_folder / "trainer.db"
    store = Store.open(path)
    simulate(store, library.get("steady-ramp"), profile="steady", seed=1, student="Ana")
    store.close()
    argv = ["history", "--db", str(path)]
    if os.geteuid() == 0:
        # root writes anything: read it as another account, as on a shared Pi
        path.chmod(0o644)
        done = subprocess.run(
            [sys.executable, "-m", "trainer.cli", *argv],
            capture_output=True,
            text=True,
            user=65534,
            cwd=shared_folder,
            env={**os.environ, "HOME": str(shared_folder), "TRAINER_EXERCISES": "/nonexistent"},
        )
        code, out, err = done.returncode, done.stdout, done.stderr
        write = subprocess.run(
            [
                sys.executable,
                "-m",
                "trainer.cli",
                "simulate",
                "--exercise",
                "steady-ramp",
                "--db",
                str(path),
            ],
            capture_output=True,
            text=True,
            user=65534,
            cwd=shared_folder,
            env={**os.environ, "HOME": str(shared_folder), "TRAINER_EXERCISES": "/nonexistent"},
        )
        write_code, write_err = write.returncode, write.stderr
    else:
        path.chmod(0o444)
        shared_folder.chmod(0o555)
        code, out, err = run(capsys, *argv)
        write_code, _, write_err = run(
            capsys, "simulate", "--exercise", "steady-ramp", "--db", str(path)
        )
        shared_folder.chmod(0o755)
    assert code == 0, err
    assert "Ana" in out and "Steady ramp" in out
    assert write_code == 1 and "cannot write the records" in write_err
    assert "Traceback" not in err + write_err


def _records_with_sessions(path: Path, library: ExerciseLibrary, count: int = 6) -> None:
    store = Store.open(path)
    for seed in range(count):
        simulate(store, library.get("stripping-strokes"), profile="shaky", seed=seed)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def _garble(path: Path, start: int, length: int) -> None:
    noise = random.Random(7).randbytes(length)
    with path.open("r+b") as handle:
        handle.seek(start)
        handle.write(noise)


@pytest.mark.parametrize("where", ["middle", "last-page"])
def test_a_damaged_database_is_one_clear_line_and_never_written_into(
    tmp_path: Path,
    library: ExerciseLibrary,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    path = tmp_path / "trainer.db"
    _records_with_sessions(path, library)
    size = path.stat().st_size
    assert size > 64 * 1024
    if where == "middle":
        _garble(path, size // 2 - 8192, 16 * 1024)
    else:
        _garble(path, size - 4096, 4096)
    before = path.read_bytes()
    for argv in (["history"], ["export", "1"], ["export", "3", "--format", "json"]):
        try:
            code, _, err = run(capsys, *argv, "--db", str(path))
        except Exception as error:  # what a user would see as a traceback
            pytest.fail(f"{argv}: {type(error).__name__}: {error}")
        if code:
            assert code == 1 and len(err.strip().splitlines()) == 1, err
            assert "is damaged or is not a trainer database" in err
    code, _, err = run(capsys, "simulate", "--exercise", "steady-ramp", "--db", str(path))
    assert code == 1
    assert "is damaged or is not a trainer database: move it aside" in err
    assert len(err.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_a_damaged_database_is_refused_before_the_first_write(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    path = tmp_path / "trainer.db"
    _records_with_sessions(path, library, count=3)
    _garble(path, path.stat().st_size // 2, 16 * 1024)
    store = Store.open(path)
    with pytest.raises(StoreError, match="damaged"):
        store.start_session("Ana", library.get("steady-ramp"), sensor_info={})


def test_the_integrity_check_stays_within_its_budget(
    tmp_path: Path, library: ExerciseLibrary
) -> None:
    path = tmp_path / "trainer.db"
    _records_with_sessions(path, library, count=3)
    store = Store.open(path)
    store.check_integrity(budget_s=0.0)  # interrupted at once: no verdict, no error
    store.check_integrity()
    store.close()

"""Shared fixtures: every test runs against its own database, exercise and config folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.exercises import Exercise, ExerciseLibrary, parse_exercise
from trainer.store import Store


@pytest.fixture(autouse=True)
def isolated_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the real user's records, exercises and configuration."""
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("TRAINER_DB", str(home / "trainer.db"))
    monkeypatch.setenv("TRAINER_EXERCISES", str(home / "exercises"))
    monkeypatch.setenv("TRAINER_CONFIG", str(home / "config.toml"))
    return home


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store.open(tmp_path / "records.db")
    yield db
    db.close()


@pytest.fixture(scope="session")
def library() -> ExerciseLibrary:
    return ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir"))


def make_exercise(phases: list[dict[str, object]], **top: object) -> Exercise:
    """A small exercise from phase tables, for hand-computed traces."""
    raw: dict[str, object] = {
        "id": "test",
        "name": "Test",
        "technique": "test",
        "instructions": "Do the test.",
        "phases": phases,
    }
    raw.update(top)
    return parse_exercise(raw, "test.toml")

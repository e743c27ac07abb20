"""Fixtures for the instructor tests: a temporary database and exercise folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.exercises import ExerciseLibrary, builtin_exercise_dir
from trainer.store import Store


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "exercises"
    monkeypatch.setenv("TRAINER_EXERCISES", str(folder))
    return folder


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "trainer.db"
    monkeypatch.setenv("TRAINER_DB", str(path))
    return path


@pytest.fixture
def store(db_path: Path, user_dir: Path) -> Iterator[Store]:
    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def library(user_dir: Path) -> ExerciseLibrary:
    return ExerciseLibrary.load(builtin_exercise_dir(), user_dir)

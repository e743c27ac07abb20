"""Records written with NaN: repaired on open, and the readers survive them anyway."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

import trainer.store as store_module
from trainer.exercises import Exercise, ExerciseLibrary
from trainer.session import simulate
from trainer.store import SCHEMA_VERSION, Store, dump_json

NAN = float("nan")


def _nan_rows(db: object, exercise: Exercise) -> None:
    """What an older trainer wrote for a NaN band and ``simulate --speed nan``."""
    snapshot = exercise.snapshot()
    snapshot["phases"][0]["band"] = {"low_n": NAN, "high_n": 10.0, "level": None}
    result = {"score": 80.0, "time_in_band_pct": 100.0, "phases": [{"band_low_n": NAN}]}
    execute = db.execute  # type: ignore[attr-defined]
    execute("INSERT INTO students (id, name, created_at) VALUES (1, 'Ana', '2026-01-01')")
    execute(
        "INSERT INTO sessions (id, student_id, exercise_id, technique, exercise_json, "
        "sensor_json, started_at, updated_at, status) "
        "VALUES (1, 1, ?, 't', ?, ?, '2026-01-01T10:00:00', 0, 'complete')",
        (exercise.id, json.dumps(snapshot), json.dumps({"backend": "simulated", "speed": NAN})),
    )
    execute(
        "INSERT INTO results VALUES (1, 80, 100, ?)",
        (json.dumps(result),),
    )


def test_nan_records_from_an_older_trainer_are_repaired_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: ExerciseLibrary
) -> None:
    repair_at = store_module.MIGRATIONS.index(store_module._repair_non_finite_json)
    path = tmp_path / "old.db"
    with monkeypatch.context() as old:
        old.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:repair_at])
        old.setattr(store_module, "SCHEMA_VERSION", repair_at)
        store = Store.open(path)
        with store.db:
            _nan_rows(store.db, library.get("precision-drill"))
        with pytest.raises(sqlite3.OperationalError, match="malformed JSON"):
            # what every `trainer history` hit before the repair
            store.db.execute(
                "SELECT json_extract(exercise_json, '$.name') FROM sessions"
            ).fetchall()
        store.close()

    store = Store.open(path)
    assert store.schema_version == SCHEMA_VERSION
    (row,) = store.history()
    assert (row.student, row.exercise_name, row.backend) == ("Ana", "Precision drill", "simulated")
    invalid = store.db.execute(
        "SELECT COUNT(*) FROM sessions WHERE NOT json_valid(exercise_json) "
        "OR NOT json_valid(sensor_json)"
    ).fetchone()[0]
    assert invalid == 0
    record = store.session(1)
    assert record["sensor"]["speed"] is None
    assert record["exercise"]["phases"][0]["band"] is None  # a band with a NaN bound is dropped
    exercise = Exercise.from_snapshot(record["exercise"])
    assert exercise.phases[0].band is None


def test_readers_survive_a_record_that_is_not_json_at_all(store: Store) -> None:
    with store.db:
        store.db.execute("INSERT INTO students (id, name, created_at) VALUES (1, 'Ana', 'x')")
        store.db.execute(
            "INSERT INTO sessions (id, student_id, exercise_id, technique, exercise_json, "
            "sensor_json, started_at, updated_at, status) "
            "VALUES (1, 1, 'e', 't', '{broken', 'NaN', 'x', 0, 'complete')"
        )
        store.db.execute("INSERT INTO results VALUES (1, 50, 50, '{\"score\": NaN')")
    (row,) = store.history()
    assert row.exercise_name is None and row.backend is None and row.score == 50
    assert store.session(1)["exercise"] == {}
    assert store.result(1) is None


def test_json_the_program_writes_never_holds_nan(store: Store, library: ExerciseLibrary) -> None:
    assert dump_json({"a": [NAN, math.inf, 1.5]}) == '{"a": [null, null, 1.5]}'
    outcome = simulate(store, library.get("steady-ramp"), profile="steady", seed=1)

    def refuse(name: str) -> None:
        pytest.fail(f"{name} written into the records")

    for (text,) in store.db.execute(
        "SELECT exercise_json FROM sessions UNION ALL SELECT sensor_json FROM sessions "
        "UNION ALL SELECT result_json FROM results"
    ):
        json.loads(text, parse_constant=refuse)
    assert outcome.status == "complete"


@pytest.mark.parametrize("speed", [NAN, math.inf, -1.0])
def test_simulate_refuses_a_speed_that_is_no_number(
    store: Store, library: ExerciseLibrary, speed: float
) -> None:
    with pytest.raises(ValueError, match=r"speed .* is not usable"):
        simulate(store, library.get("steady-ramp"), profile="steady", seed=1, speed=speed)
    assert store.history() == []


def test_every_reader_survives_a_record_whose_text_is_not_utf8(
    tmp_path: Path, library: ExerciseLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damage can leave bytes that are not UTF-8 in a record: the others still list."""
    from trainer.cli import main

    path = tmp_path / "trainer.db"
    store = Store.open(path)
    for seed in range(3):
        simulate(store, library.get("precision-drill"), profile="steady", seed=seed, student="Ana")
    with store.db:
        store.db.execute(
            "UPDATE results SET result_json = CAST(X'7B2273636F7265223AFF' AS TEXT) "
            "WHERE session_id = 2"
        )
        store.db.execute(
            "UPDATE sessions SET exercise_name = CAST(X'4472696C6CFF' AS TEXT), "
            "exercise_json = CAST(X'7BFF' AS TEXT) WHERE id = 3"
        )
    store.close()
    for argv in (
        ["history"],
        ["history", "--json"],
        ["export", "2"],
        ["export", "3", "--format", "json"],
        ["instructor", "overview"],
        ["instructor", "review", "Ana"],
    ):
        code = main([*argv, "--db", str(path)])
        err = capsys.readouterr().err
        assert code == 0, (argv, err)
    main(["history", "--db", str(path)])
    listed = capsys.readouterr().out
    assert "Drill\ufffd" in listed and listed.count("Precision drill") == 2

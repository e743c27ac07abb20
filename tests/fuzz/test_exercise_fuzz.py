"""Property-based fuzzing of exercise files: 2,000 mutated built-in files, none a traceback."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from tests.fuzz.mutations import check_bytes, check_table, mutated_bytes, mutated_tables

FUZZ = settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(mutated_tables())
def test_mutated_values_give_a_valid_exercise_or_a_clear_error(case: tuple[str, Any]) -> None:
    check_table(case)


@FUZZ
@given(mutated_bytes())
def test_mutated_bytes_give_a_valid_exercise_or_a_clear_error(case: tuple[str, bytes]) -> None:
    check_bytes(case)

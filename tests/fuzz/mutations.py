"""Mutations of the built-in exercise files, and what must hold for every one of them.

Shared by the suite's property test (``tests/fuzz/test_exercise_fuzz.py``, 2,000 cases)
and the long run (``python -m tests.fuzz --cases 10000``, which prints the counts).

A mutated file must give either a valid exercise, with every number finite and inside
the limits, or an :class:`ExerciseError` whose every line names the file: never another
exception, never a NaN inside a parsed exercise.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from trainer.exercises import (
    DEFAULT_CAPACITY_N,
    MAX_PHASE_S,
    MAX_PHASES,
    MIN_BAND_WIDTH_N,
    MIN_PHASE_S,
    Exercise,
    ExerciseError,
    builtin_exercise_dir,
    load_exercise_file,
    parse_exercise,
)
from trainer.safe_text import MAX_NAME_CHARS, has_control

FILES: dict[str, bytes] = {
    path.name: path.read_bytes() for path in sorted(builtin_exercise_dir().glob("*.toml"))
}
TABLES: dict[str, dict[str, Any]] = {
    name: tomllib.loads(content.decode("utf-8")) for name, content in FILES.items()
}

_EDGE_NUMBERS = [
    0,
    -1,
    0.49,
    0.5,
    1e-300,
    5e-324,
    1e-9,
    1e308,
    10**401,
    -(10**401),
    3600,
    3601,
    490,
    491,
    10_800,
    200,
    201,
    math.nan,
    math.inf,
    -math.inf,
    -0.0,
    2**63,
    1e-320,
    2e-320,
]
_WORDS = [
    "hold",
    "ramp",
    "release",
    "rest",
    "live",
    "blind",
    "light",
    "moderate",
    "deep",
    "feather",
    "barrier-1",
    "10-nan",
    "-5-10",
    "x" * 5000,
    "\x1b[31mred\x07",
    "two\nlines",
    "",
]

leaves = st.one_of(
    st.sampled_from(_EDGE_NUMBERS),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(_WORDS),
    st.booleans(),
    st.datetimes(),
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from([*_WORDS[:9], "band", "kind", "duration_s"]), inner, max_size=4
        )
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, item in node.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(_paths(item, (*prefix, index)))
    return found


@st.composite
def mutated_tables(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A built-in exercise's table with one to three values changed, deleted or added."""
    name = draw(st.sampled_from(sorted(TABLES)))
    table = copy.deepcopy(TABLES[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(table)
        path = draw(st.sampled_from(paths[1:] or paths))
        parent: Any = table
        for part in path[:-1]:
            parent = parent[part]
        if not path:
            continue
        key = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add", "repeat", "nest"]))
        if action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "band", "hold_s", "max_s", "rate_n_per_s"]))] = (
                draw(values)
            )
        elif action == "repeat" and isinstance(parent, list):
            parent.extend([parent[key]] * draw(st.sampled_from([1, 10, 400])))
        elif action == "nest":
            parent[key] = [parent[key]]
    return name, table


@st.composite
def mutated_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A built-in exercise file truncated, with bytes changed, inserted or cut out."""
    name = draw(st.sampled_from(sorted(FILES)))
    content = bytearray(FILES[name])
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["truncate", "flip", "insert", "cut", "text"]))
        if action == "truncate":
            del content[at:]
        elif action == "flip" and at < len(content):
            content[at] = draw(st.integers(0, 255))
        elif action == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "cut":
            del content[at : at + draw(st.integers(1, 40))]
        elif action == "text":
            content[at:at] = draw(
                st.sampled_from(
                    ["nan", "inf", "-", "9" * 401, "[[", "]", '"', "\n", "=", "0.0001", "\\u001b"]
                )
            ).encode()
    return name, bytes(content)


def _check_exercise(exercise: Exercise) -> None:
    assert 1 <= len(exercise.phases) <= MAX_PHASES
    for text in (exercise.id, exercise.name, exercise.technique):
        assert len(text) <= MAX_NAME_CHARS and not has_control(text), text
    bands = [p.band for p in exercise.phases if p.band] + list(exercise.levels.values())
    for band in bands:
        assert math.isfinite(band.low_n) and math.isfinite(band.high_n), band
        assert band.low_n >= 0 and band.high_n <= DEFAULT_CAPACITY_N, band
        assert band.high_n - band.low_n >= MIN_BAND_WIDTH_N, band
    for phase in exercise.phases:
        assert not has_control(phase.name) and not has_control(phase.cue)
        for seconds in (phase.duration_s, phase.hold_s, phase.max_s):
            assert seconds is None or MIN_PHASE_S <= seconds <= MAX_PHASE_S, phase
        for rate in (phase.rate_n_per_s, phase.rate_tolerance_n_per_s):
            assert rate is None or (math.isfinite(rate) and rate > 0), phase
        assert math.isfinite(phase.nominal_s) and math.isfinite(phase.limit_s)
    json.dumps(exercise.snapshot(), allow_nan=False)  # storable as it is


def _check_error(error: ExerciseError, file: str) -> None:
    lines = str(error).splitlines()
    assert lines, "an error without a message"
    for line in lines:
        assert line.startswith(file), line
        assert len(line) < 600, line[:200]


def check_table(case: tuple[str, dict[str, Any]]) -> str:
    """``valid`` or ``error`` for a mutated table; ``AssertionError`` if neither holds."""
    name, table = case
    try:
        exercise = parse_exercise(table, name)
    except ExerciseError as error:
        _check_error(error, name)
        return "error"
    _check_exercise(exercise)
    return "valid"


_FOLDER = Path(tempfile.mkdtemp(prefix="exercise-fuzz-"))


def check_bytes(case: tuple[str, bytes]) -> str:
    """``valid`` or ``error`` for a mutated file; ``AssertionError`` if neither holds."""
    name, content = case
    path = _FOLDER / name
    path.write_bytes(content)
    try:
        exercise = load_exercise_file(path)
    except ExerciseError as error:
        _check_error(error, str(path))
        return "error"
    _check_exercise(exercise)
    return "valid"

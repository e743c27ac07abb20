"""Editing exercises: the raw TOML table, live validation, saving to the user folder.

Built-in exercises are never overwritten. Saving one writes the instructor's copy to the
user exercise folder (``trainer.exercises.user_exercise_dir()``), where it takes the
built-in's place by id; :func:`restore_builtin` moves that copy aside so the built-in
is used again. Nothing is deleted outright: removed files go to the folder's
``.removed`` subfolder, which the library does not read.

An exercise being edited is a :class:`Draft`: the raw table as in the file, with
repeat groups and named levels kept (the loaded :class:`Exercise` has them expanded).

Example::

    draft = Draft.from_exercise(library.get("graded-levels"))
    draft.set_phase_field(1, None, "duration_s", "8")
    problems = draft.problems()        # [] when valid
    path = draft.save()                # <user folder>/graded-levels.toml
"""

from __future__ import annotations

import copy
import re
import shutil
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from trainer.exercises import (
    ID_CHARS,
    Exercise,
    ExerciseError,
    ExerciseLibrary,
    ExerciseProblem,
    builtin_exercise_dir,
    load_exercise_file,
    parse_exercise,
    user_exercise_dir,
)
from trainer.instructor import InstructorError

#: the order keys are written in, so saved files read like the built-in ones
TOP_ORDER = ("id", "name", "technique", "instructions", "feedback", "levels", "phases")
PHASE_ORDER = (
    "kind",
    "name",
    "band",
    "rate_n_per_s",
    "rate_tolerance_n_per_s",
    "duration_s",
    "hold_s",
    "max_s",
    "feedback",
    "cue",
    "repeat",
    "steps",
)
NUMBER_FIELDS = ("duration_s", "hold_s", "max_s", "rate_n_per_s", "rate_tolerance_n_per_s")
REMOVED_DIR = ".removed"
_WHERE = re.compile(r"^phase (\d+)(?:, step (\d+))?$")


def _ordered(table: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = {k: table[k] for k in order if k in table}
    return known | {k: v for k, v in table.items() if k not in known}


_NUMBER_ARRAY = re.compile(r"\[\n((?:[ ]+-?[0-9][0-9.eE+-]*,\n)+)[ ]*\]")


def _inline_number_arrays(text: str) -> str:
    # tomli-w puts every array item on its own line; bands read better as [20, 30].
    def join(match: re.Match[str]) -> str:
        items = [line.strip().rstrip(",") for line in match.group(1).splitlines()]
        return "[" + ", ".join(items) + "]"

    return _NUMBER_ARRAY.sub(join, text)


def to_toml(raw: dict[str, Any], header: str | None = None) -> str:
    """The exercise table as TOML text, keys in the usual order, optional ``#`` header."""
    table = _ordered(raw, TOP_ORDER)
    phases = []
    for entry in table.get("phases", []):
        if isinstance(entry, dict):
            entry = _ordered(entry, PHASE_ORDER)
            if isinstance(entry.get("steps"), list):
                entry["steps"] = [
                    _ordered(s, PHASE_ORDER) if isinstance(s, dict) else s for s in entry["steps"]
                ]
        phases.append(entry)
    if "phases" in table:
        table["phases"] = phases
    if isinstance(table.get("instructions"), str):
        table["instructions"] = table["instructions"].strip() + "\n"
    text = _inline_number_arrays(tomli_w.dumps(table, multiline_strings=True))
    if header:
        text = "".join(f"# {line}\n" for line in header.splitlines()) + text
    return text


def read_raw(path: Path) -> dict[str, Any]:
    """The TOML table of an exercise file (errors as :class:`ExerciseError`)."""
    load_exercise_file(path)  # the same checks and messages as loading
    with path.open("rb") as handle:
        return tomllib.load(handle)


def is_builtin_id(exercise_id: str) -> bool:
    """Whether the shipped library has an exercise with this id."""
    library = ExerciseLibrary.load(builtin_exercise_dir(), Path("/nonexistent-user-folder"))
    return exercise_id in library.exercises


def user_file_for(exercise_id: str, folder: Path | None = None) -> Path | None:
    """The user-folder file holding this id, if any (files may be named differently)."""
    folder = folder or user_exercise_dir()
    if not folder.is_dir():
        return None
    named = folder / f"{exercise_id}.toml"
    if named.is_file():
        return named
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                if tomllib.load(handle).get("id") == exercise_id:
                    return path
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return None


_SIGNED = r"([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
#: low and high, each with its own sign: "-5-10" is -5 to 10 (refused), never 5 to 10
_BAND_TEXT = re.compile(rf"^\[?\s*{_SIGNED}\s*(?:,|-|–|\.\.|to)\s*{_SIGNED}\s*\]?\s*(?:N)?$")


def parse_band_text(text: str) -> Any:
    """``'20-30'``, ``'20, 30'`` or ``'[20, 30]'`` -> ``[20, 30]``; a level name stays text.

    Only plain decimal numbers count, so ``'10-nan'`` stays text and is refused as an
    unknown level, and a minus sign is kept where it was typed.
    """
    match = _BAND_TEXT.match(text.strip())
    if match:
        return [_number(match.group(1)), _number(match.group(2))]
    return text.strip()


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def parse_field_text(field: str, text: str) -> Any:
    """Turn what an instructor typed into the value stored in the file.

    Numbers stay text when they do not parse, so validation names them; an empty
    text means "remove the field".
    """
    text = text.strip()
    if text == "":
        return None
    if field == "band":
        return parse_band_text(text)
    if field in NUMBER_FIELDS or field == "repeat":
        try:
            return _number(text)
        except ValueError:
            return text
    return text


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A validation problem placed on a field of the draft: (phase, step, field)."""

    phase: int | None  # 0-based top-level phase entry, None for the exercise itself
    step: int | None  # 0-based step inside a repeat group
    field: str
    message: str


def locate(problem: ExerciseProblem) -> FieldProblem:
    """Where in the draft an :class:`ExerciseProblem` belongs, for showing it by the field."""
    match = _WHERE.match(problem.where)
    phase = int(match.group(1)) - 1 if match else None
    step = int(match.group(2)) - 1 if match and match.group(2) else None
    shown = "missing" if repr(problem.value) == "missing" else repr(problem.value)
    return FieldProblem(phase, step, problem.field, f"{problem.field} = {shown}: {problem.allowed}")


class Draft:
    """An exercise being edited: its raw table, where it came from, and where it saves."""

    def __init__(self, raw: dict[str, Any], *, origin: Exercise | None = None) -> None:
        self.raw = raw
        self.origin = origin

    @classmethod
    def from_exercise(cls, exercise: Exercise) -> Draft:
        source = Path(exercise.source)
        if source.is_file():
            with source.open("rb") as handle:
                raw = tomllib.load(handle)
        else:  # a stored snapshot: no levels or repeats to keep
            raw = _raw_from_exercise(exercise)
        return cls(raw, origin=exercise)

    @classmethod
    def new(cls, exercise_id: str, name: str, technique: str = "general") -> Draft:
        """A simple ramp-hold-release exercise to start from."""
        check_new_id(exercise_id)
        return cls(
            {
                "id": exercise_id,
                "name": name,
                "technique": technique,
                "instructions": "Press in steadily to the band, hold it, then ease off.",
                "phases": [
                    {"kind": "ramp", "band": [25, 35], "rate_n_per_s": 6, "max_s": 10},
                    {"kind": "hold", "band": [25, 35], "duration_s": 10},
                    {"kind": "release", "band": [0, 5], "max_s": 6},
                ],
            }
        )

    @property
    def exercise_id(self) -> str:
        return str(self.raw.get("id", ""))

    # -- editing ------------------------------------------------------------------
    def entry(self, phase: int, step: int | None = None) -> dict[str, Any]:
        phases = self.raw.setdefault("phases", [])
        if not 0 <= phase < len(phases):
            raise InstructorError(f"there is no phase {phase + 1}: the exercise has {len(phases)}")
        entry = phases[phase]
        if not isinstance(entry, dict):
            raise InstructorError(f"phase {phase + 1} is not a table: fix the file by hand")
        if step is None:
            return entry
        steps = entry.get("steps", [])
        if not 0 <= step < len(steps) or not isinstance(steps[step], dict):
            raise InstructorError(f"phase {phase + 1} has no step {step + 1}")
        step_entry: dict[str, Any] = steps[step]
        return step_entry

    def set_field(self, field: str, text: str) -> None:
        """Set a top-level field (id, name, technique, instructions, feedback) from text."""
        value = parse_field_text(field, text)
        if value is None:
            self.raw.pop(field, None)
        else:
            self.raw[field] = value

    def set_level(self, name: str, text: str) -> None:
        """Set (or with empty text remove) a named level's band."""
        levels = self.raw.setdefault("levels", {})
        value = parse_band_text(text) if text.strip() else None
        if value is None:
            levels.pop(name, None)
        else:
            levels[name] = value
        if not levels:
            self.raw.pop("levels")

    def levels_text(self) -> str:
        """The named levels as one line: ``light 10-20, moderate 25-40``."""
        levels = self.raw.get("levels")
        if not isinstance(levels, dict):
            return ""
        parts = []
        for name, value in levels.items():
            band = parse_band_text(str(value)) if not isinstance(value, list) else value
            shown = (
                f"{band[0]:g}-{band[1]:g}"
                if isinstance(band, list) and all(isinstance(v, int | float) for v in band)
                else str(value)
            )
            parts.append(f"{name} {shown}")
        return ", ".join(parts)

    def set_levels_text(self, text: str) -> str | None:
        """Replace every level from ``light 10-20, moderate 25-40``; return a problem or None.

        Levels are only changed when the whole text reads; phases naming a level that
        is gone are then reported by validation.
        """
        levels: dict[str, Any] = {}
        text = re.sub(r"\[\s*([-\d.]+)\s*,\s*([-\d.]+)\s*\]", r"\1-\2", text)
        for part in re.split(r"[,;\n]+", text):
            part = part.strip()
            if not part:
                continue
            match = re.match(r"^([A-Za-z0-9_-]+)\s*[=:]?\s*(.+)$", part)
            band = parse_band_text(match.group(2)) if match else None
            if match is None or not isinstance(band, list):
                return (
                    f"{part!r} is not a level: write a name and a band, "
                    "e.g. light 10-20, moderate 25-40"
                )
            levels[match.group(1)] = band
        if levels:
            self.raw["levels"] = levels
        else:
            self.raw.pop("levels", None)
        return None

    def set_phase_field(self, phase: int, step: int | None, field: str, text: str) -> None:
        """Set one field of a phase (or of a step in a repeat group) from typed text."""
        entry = self.entry(phase, step)
        value = parse_field_text(field, text)
        if value is None:
            entry.pop(field, None)
        else:
            entry[field] = value

    def add_phase(self, after: int | None = None, kind: str = "hold") -> int:
        """Insert a new phase after ``after`` (at the end if None); return its index."""
        phases = self.raw.setdefault("phases", [])
        new: dict[str, Any] = {"kind": kind}
        if kind == "rest":
            new["duration_s"] = 3
        else:
            new["band"] = [20, 30]
            new["duration_s" if kind == "hold" else "max_s"] = 5
            if kind == "ramp":
                new["rate_n_per_s"] = 5
        index = len(phases) if after is None else after + 1
        phases.insert(index, new)
        return index

    def remove_phase(self, phase: int) -> None:
        self.entry(phase)
        del self.raw["phases"][phase]

    def add_step(self, phase: int, after: int, kind: str = "hold") -> int:
        """Insert a step into a repeat group after step ``after``; return its index."""
        group = self.entry(phase)
        steps = group.get("steps")
        if not isinstance(steps, list):
            raise InstructorError(f"phase {phase + 1} is not a repeat group")
        new: dict[str, Any] = (
            {"kind": "rest", "duration_s": 2}
            if kind == "rest"
            else {"kind": kind, "band": [20, 30], "duration_s": 5}
        )
        steps.insert(after + 1, new)
        return after + 1

    def remove_step(self, phase: int, step: int) -> None:
        """Remove a step from a repeat group (a group keeps at least one step)."""
        self.entry(phase, step)
        steps = self.raw["phases"][phase]["steps"]
        if len(steps) <= 1:
            raise InstructorError(
                "a repeat group needs at least one step: remove the group instead"
            )
        del steps[step]

    def move_phase(self, phase: int, offset: int) -> int:
        phases = self.raw.get("phases", [])
        target = phase + offset
        if not (0 <= phase < len(phases) and 0 <= target < len(phases)):
            return phase
        phases[phase], phases[target] = phases[target], phases[phase]
        return target

    # -- checking and saving ---------------------------------------------------------
    def validate(self) -> Exercise:
        """The exercise this draft describes; raises :class:`ExerciseError` with every problem."""
        return parse_exercise(self.raw, f"{self.exercise_id or 'new exercise'}", builtin=False)

    def problems(self) -> list[ExerciseProblem]:
        try:
            self.validate()
        except ExerciseError as error:
            return error.problems
        return []

    def field_problems(self) -> list[FieldProblem]:
        return [locate(p) for p in self.problems()]

    def toml(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return to_toml(
            self.raw,
            header=f"Saved by Pressure Trainer, {stamp}. Check with: trainer exercises check FILE",
        )

    def save(self, folder: Path | None = None) -> Path:
        """Validate and write to the user folder; never into the built-in library."""
        exercise = self.validate()
        folder = folder or user_exercise_dir()
        _refuse_builtin_folder(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InstructorError(
                f"cannot create the exercise folder {folder} ({error.strerror}): "
                "set TRAINER_EXERCISES to a writable folder"
            ) from None
        path = user_file_for(exercise.id, folder) or folder / f"{exercise.id}.toml"
        _write_atomically(path, self.toml())
        return path


def _refuse_builtin_folder(folder: Path) -> None:
    if folder.resolve() == builtin_exercise_dir().resolve():
        raise InstructorError(
            f"{folder} is the built-in library, which is never overwritten: "
            "set TRAINER_EXERCISES to your own folder"
        )


def _write_atomically(path: Path, text: str) -> None:
    # A crash mid-write must not leave half a file that the library then skips.
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise InstructorError(
            f"cannot write {path} ({error.strerror}): check the folder is writable"
        ) from None


def check_new_id(exercise_id: str) -> str:
    if not exercise_id or not set(exercise_id) <= ID_CHARS:
        raise InstructorError(
            f"{exercise_id!r} is not a usable exercise id: use lower-case letters, digits, "
            "'-' and '_' only, e.g. my-holds"
        )
    return exercise_id


def _raw_from_exercise(exercise: Exercise) -> dict[str, Any]:
    phases = []
    for phase in exercise.phases:
        entry: dict[str, Any] = {"kind": phase.kind.value, "name": phase.name, "cue": phase.cue}
        if phase.band is not None:
            entry["band"] = [_number(str(phase.band.low_n)), _number(str(phase.band.high_n))]
        for key in ("duration_s", "hold_s", "max_s", "rate_n_per_s", "rate_tolerance_n_per_s"):
            value = getattr(phase, key)
            if value is not None:
                entry[key] = _number(str(value))
        if phase.feedback.value != "live":
            entry["feedback"] = phase.feedback.value
        phases.append(entry)
    return {
        "id": exercise.id,
        "name": exercise.name,
        "technique": exercise.technique,
        "instructions": exercise.instructions,
        "phases": phases,
    }


def copy_exercise(exercise: Exercise, new_id: str, new_name: str | None = None) -> Draft:
    """A draft copy of ``exercise`` under a new id (and name)."""
    check_new_id(new_id)
    draft = Draft.from_exercise(exercise)
    draft.raw = copy.deepcopy(draft.raw)
    draft.raw["id"] = new_id
    draft.raw["name"] = new_name or f"{exercise.name} (copy)"
    return draft


def _move_aside(path: Path) -> Path:
    removed = path.parent / REMOVED_DIR
    removed.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = removed / f"{path.stem}-{stamp}.toml"
    counter = 1
    while target.exists():
        counter += 1
        target = removed / f"{path.stem}-{stamp}-{counter}.toml"
    shutil.move(path, target)
    return target


def restore_builtin(exercise_id: str, folder: Path | None = None) -> Path:
    """Undo an instructor's copy of a built-in: move it aside; return where it went."""
    if not is_builtin_id(exercise_id):
        raise InstructorError(
            f"{exercise_id!r} is not a built-in exercise, so there is nothing to restore"
        )
    path = user_file_for(exercise_id, folder)
    if path is None:
        raise InstructorError(f"{exercise_id!r} is already the built-in version")
    return _move_aside(path)


def delete_exercise(exercise_id: str, folder: Path | None = None) -> Path:
    """Remove a user exercise (moved to ``.removed``, not destroyed); return where it went."""
    path = user_file_for(exercise_id, folder)
    if path is None:
        if is_builtin_id(exercise_id):
            raise InstructorError(
                f"{exercise_id!r} is built in and cannot be deleted: copy it, or leave it unused"
            )
        raise InstructorError(
            f"there is no exercise {exercise_id!r} in your folder: see 'trainer exercises list'"
        )
    return _move_aside(path)

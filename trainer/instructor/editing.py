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

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, String, StringType, Trivia

from trainer.exercises import (
    ID_CHARS,
    MAX_ID_CHARS,
    TOP_KEYS_ORDER,
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
from trainer.safe_text import quote

#: the order keys are written in, so saved files read like the built-in ones
TOP_ORDER = TOP_KEYS_ORDER
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


def _text_item(key: str, value: Any) -> Any:
    # Instructions read best as a block of lines, as in the built-in files.
    if key == "instructions" and isinstance(value, str):
        text = value.strip() + "\n"
        written = String.from_raw(text, StringType.MLB).as_string()[3:-3]
        # The newline after the opening quotes is dropped on reading: the text starts
        # on its own line, as in the built-in files.
        return String(StringType.MLB, text, "\n" + written, Trivia())
    return value


def _table(values: dict[str, Any], order: tuple[str, ...], indent: int = 0) -> Any:
    """A TOML table of ``values`` in the usual key order (nested steps as [[...steps]])."""
    table = tomlkit.table()
    for key, value in _ordered(values, order).items():
        if key == "steps" and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            table.append(key, _tables(value, indent + 2))
        else:
            table.append(key, _text_item(key, value))
    if indent:
        table.indent(indent)
    return table


def _tables(entries: list[dict[str, Any]], indent: int = 0) -> Any:
    tables = tomlkit.aot()
    for entry in entries:
        tables.append(_table(entry, PHASE_ORDER, indent))
    return tables


def to_toml(raw: dict[str, Any], header: str | None = None) -> str:
    """The exercise table as TOML text, keys in the usual order, optional ``#`` header.

    For a table read from a file, keep the file's own document (see :class:`Draft`):
    this builds a fresh one, so it has no comments but the header.
    """
    document = tomlkit.document()
    if header:
        for line in header.splitlines():
            document.add(tomlkit.comment(line))
    for key, value in _ordered(raw, TOP_ORDER).items():
        if key == "phases" and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            document.append(key, _tables(value))
        elif key == "levels" and isinstance(value, dict):
            document.add(tomlkit.nl())
            document.append(key, _table(value, ()))
        else:
            document.append(key, _text_item(key, value))
    return tomlkit.dumps(document)


def plain(raw: Any) -> Any:
    """A TOML document (or any part of one) as plain dicts, lists, strings and numbers."""
    unwrap = getattr(raw, "unwrap", None)
    if unwrap is not None:
        return unwrap()
    if isinstance(raw, dict):
        return {str(k): plain(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [plain(v) for v in raw]
    return raw


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
    check_new_id(exercise_id)  # an id is a name, never a path: '../x' finds nothing
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
        except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not TOML
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
        #: the table as in the file: a tomlkit document when read from one, so its
        #: comments, key order and layout are written back unchanged around the edits
        self.raw = raw
        self.origin = origin

    @classmethod
    def parse(cls, text: str, *, origin: Exercise | None = None, name: str = "") -> Draft:
        """A draft from TOML text, keeping its comments and layout for saving."""
        try:
            document = tomlkit.parse(text)
        except (TOMLKitError, RecursionError) as error:
            problem = str(error) if isinstance(error, TOMLKitError) else "nested too deeply"
            if name:
                problem = f"{name} is not valid TOML ({problem}): fix its syntax"
            raise InstructorError(problem) from None
        return cls(document, origin=origin)

    @classmethod
    def from_exercise(cls, exercise: Exercise) -> Draft:
        source = Path(exercise.source)
        if source.is_file():
            return cls.parse(source.read_text(encoding="utf-8"), origin=exercise, name=str(source))
        # a stored snapshot: no levels or repeats to keep
        return cls(_raw_from_exercise(exercise), origin=exercise)

    @property
    def keeps_layout(self) -> bool:
        """Whether saving writes back the file's own text (comments kept)."""
        return isinstance(self.raw, tomlkit.TOMLDocument)

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
            self.raw[field] = _text_item(field, value) if self.keeps_layout else value

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
        current = self.raw.get("levels")
        if levels and isinstance(current, dict):
            # In place, so the file's comments and layout around the levels stay.
            for name in [n for n in current if n not in levels]:
                del current[name]
            for name, band in levels.items():
                current[name] = band
        elif levels:
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
        _insert_table(phases, index, new)
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
        _insert_table(steps, after + 1, new)
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
        return parse_exercise(
            plain(self.raw), f"{self.exercise_id or 'new exercise'}", builtin=False
        )

    def problems(self) -> list[ExerciseProblem]:
        try:
            self.validate()
        except ExerciseError as error:
            return error.problems
        return []

    def field_problems(self) -> list[FieldProblem]:
        return [locate(p) for p in self.problems()]

    def toml(self) -> str:
        """The text saving writes: the file's own document with the edits, or a new one."""
        if isinstance(self.raw, tomlkit.TOMLDocument):
            return tomlkit.dumps(self.raw)
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


def _insert_table(tables: list[Any], index: int, values: dict[str, Any]) -> None:
    """Insert a phase or step, laid out like its neighbours when ``tables`` is from a file."""
    if not isinstance(tables, AoT):
        tables.insert(index, values)
        return
    indent = 0
    if len(tables):
        neighbour = tables[min(index, len(tables) - 1)]
        indent = len(neighbour.trivia.indent)
        if index >= len(tables):
            neighbour.add(tomlkit.nl())  # a blank line before the new last table
    table = _table(values, PHASE_ORDER, indent)
    table.add(tomlkit.nl())
    tables.insert(index, table)


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
    """``exercise_id`` if it is an id (a short name, never a path), else an error saying so."""
    if not exercise_id or not set(exercise_id) <= ID_CHARS or len(exercise_id) > MAX_ID_CHARS:
        raise InstructorError(
            f"{quote(exercise_id)} is not a usable exercise id: use up to {MAX_ID_CHARS} "
            "lower-case letters, digits, '-' and '_', e.g. my-holds"
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

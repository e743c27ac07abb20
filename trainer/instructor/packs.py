"""Exercise packs: several exercises in one TOML file, to carry between stations.

A pack holds each exercise's table as written in its file (levels and repeat groups
kept), so importing it on another station gives the same exercises. Every exercise is
checked before anything is written; an exercise that differs from one already in the
user folder is only replaced when asked, and the old file is moved aside, not lost.

Example::

    text = export_pack([library.get("graded-levels"), library.get("my-holds")])
    Path("monday.pack.toml").write_text(text)
    report = import_pack(Path("monday.pack.toml"))
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomlkit

from trainer.exercises import (
    Exercise,
    ExerciseError,
    ExerciseLibrary,
    ExerciseProblem,
    builtin_exercise_dir,
    parse_exercise,
    parse_toml,
    user_exercise_dir,
)
from trainer.instructor import InstructorError
from trainer.instructor.editing import (
    Draft,
    _move_aside,
    plain,
    to_toml,
    user_file_for,
)
from trainer.safe_text import quote

if TYPE_CHECKING:
    from trainer.store import Store

PACK_FORMAT = "pressure-trainer-pack"
PACK_VERSION = 1


def export_pack(
    exercises: list[Exercise],
    note: str = "",
    settings: dict[str, list[dict[str, Any]]] | None = None,
) -> str:
    """The TOML text of a pack holding ``exercises`` (and instructor ``settings``, see
    :mod:`trainer.instructor.pack_settings`)."""
    if not exercises:
        raise InstructorError("a pack needs at least one exercise: name their ids")
    document = tomlkit.document()
    header = (
        f"A Pressure Trainer exercise pack: {len(exercises)} exercise(s).\n"
        "Import with: trainer exercises import FILE"
    )
    for line in header.splitlines():
        document.add(tomlkit.comment(line))
    document.append("format", PACK_FORMAT)
    document.append("version", PACK_VERSION)
    document.append("exported_at", datetime.now(UTC).isoformat(timespec="seconds"))
    if note:
        document.append("note", note)
    # Each exercise as written in its file (levels and repeat groups kept), keys in the
    # usual order: the exercise's own document, re-read as one table of the pack.
    tables = tomlkit.aot()
    for exercise in exercises:
        written = tomlkit.parse(to_toml(plain(Draft.from_exercise(exercise).raw)))
        tables.append(_as_table(written))
    document.append("exercises", tables)
    for section, rows in (settings or {}).items():
        section_tables = tomlkit.aot()
        for row in rows:
            setting = tomlkit.table()
            for key, value in row.items():
                setting.append(key, value)
            section_tables.append(setting)
        document.append(section, section_tables)
    return tomlkit.dumps(document)


def _as_table(document: Any) -> Any:
    table = tomlkit.table()
    for key, value in document.body:
        if key is not None:
            table.append(key, value)
    return table


@dataclass
class ImportReport:
    """What an import did: ids added, replaced (with where the old file went), unchanged."""

    added: list[str] = field(default_factory=list)
    replaced: list[tuple[str, Path]] = field(default_factory=list)
    over_builtin: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: what the replacements affect (see :func:`trainer.instructor.versions.replacement_impact`)
    notes: list[str] = field(default_factory=list)
    #: the instructor settings stored from the pack, as lines for the screen
    settings: list[str] = field(default_factory=list)


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstructorError(f"there is no file {path}: check the path") from None
    except UnicodeDecodeError as error:
        raise InstructorError(
            f"{path} is not UTF-8 text (byte 0x{error.object[error.start]:02x} at position "
            f"{error.start}): export the pack again, or save it as UTF-8"
        ) from None
    except OSError as error:
        raise InstructorError(f"cannot read {path} ({error.strerror})") from None
    try:
        return parse_toml(text, str(path))
    except ExerciseError as error:  # bad syntax, deep nesting, numbers of 5,000 digits
        problem = error.problems[0]
        if problem.field == "TOML syntax":
            place = f" at {problem.where}" if problem.where else ""
            raise InstructorError(
                f"{path} is not valid TOML ({problem.value}{place}): was it edited?"
            ) from None
        raise InstructorError(str(error)) from None


def read_pack(path: Path) -> list[dict[str, Any]]:
    """The exercise tables in a pack, all validated; raises with every problem found."""
    name = str(path)
    raw = _load(path)
    if raw.get("format") != PACK_FORMAT:
        if "phases" in raw and "id" in raw:
            return [_validated(raw, name)]  # a single exercise file imports too
        raise InstructorError(
            f"{path} is not an exercise pack: export one with 'trainer exercises export'"
        )
    version = raw.get("version")
    if not isinstance(version, int) or version > PACK_VERSION:
        raise InstructorError(
            f"{path} is pack version {quote(version)}, this trainer reads {PACK_VERSION}: update it"
        )
    tables = raw.get("exercises")
    if not isinstance(tables, list) or not tables:
        raise InstructorError(f"{path} holds no exercises")
    problems: list[ExerciseProblem] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        try:
            exercise = parse_exercise(table, f"{name} (exercise {number})")
        except ExerciseError as error:
            problems.extend(error.problems)
            continue
        if exercise.id in seen:
            raise InstructorError(f"{path} holds the id {exercise.id!r} twice: rename one")
        seen.add(exercise.id)
    if problems:
        raise ExerciseError(problems)
    return [dict(t) for t in tables]


def _validated(table: dict[str, Any], name: str) -> dict[str, Any]:
    parse_exercise(table, name)
    return table


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return parse_exercise(a).snapshot() | {"source": ""} == parse_exercise(b).snapshot() | {
        "source": ""
    }


def read_packs(paths: Path | list[Path]) -> list[dict[str, Any]]:
    """The exercise tables of one or more packs or exercise files; an id twice is refused."""
    given = [paths] if isinstance(paths, Path) else list(paths)
    files = list(dict.fromkeys(given))  # the same file named twice is read once
    where: dict[str, Path] = {}
    tables: list[dict[str, Any]] = []
    for path in files:
        for table in read_pack(path):
            first = where.setdefault(table["id"], path)
            if first != path:
                raise InstructorError(
                    f"{first} and {path} both hold the exercise id {table['id']!r}: "
                    "import one of them, or give the other a new id"
                )
            tables.append(table)
    return tables


def import_pack(
    path: Path | list[Path],
    *,
    replace: bool = False,
    folder: Path | None = None,
    store: Store | None = None,
) -> ImportReport:
    """Write packs' exercises into the user folder; see the module notes on conflicts.

    With ``store``, the report's notes say what each replaced exercise affects there.
    """
    tables = read_packs(path)
    folder = folder or user_exercise_dir()
    builtins = ExerciseLibrary.load(builtin_exercise_dir(), Path("/nonexistent-user-folder"))
    checked_settings = []
    if store is not None:
        from trainer.instructor.pack_settings import SECTIONS, check_settings

        known = ExerciseLibrary.load(builtin_exercise_dir(), folder).exercises | {
            t["id"]: parse_exercise(t) for t in tables
        }
        for file in [path] if isinstance(path, Path) else path:
            raw = _load(file)
            if raw.get("format") == PACK_FORMAT and any(k in raw for k in SECTIONS):
                checked_settings.append(check_settings(raw, known, str(file)))
    report = ImportReport()
    plan: list[tuple[dict[str, Any], Path | None]] = []
    conflicts = []
    in_force: dict[str, Exercise | None] = {}
    for table in tables:
        exercise_id = table["id"]
        existing = user_file_for(exercise_id, folder)
        if existing is not None:
            with existing.open("rb") as handle:
                try:
                    current = tomllib.load(handle)
                    same = _same(current, table)
                    in_force[exercise_id] = parse_exercise(current)
                except (ValueError, RecursionError, ExerciseError):  # a broken file of ours
                    same = False
                    in_force[exercise_id] = None
            if same:
                report.unchanged.append(exercise_id)
                continue
            if not replace:
                conflicts.append(exercise_id)
            plan.append((table, existing))
            continue
        if exercise_id in builtins.exercises:
            builtin_raw = plain(Draft.from_exercise(builtins.exercises[exercise_id]).raw)
            if _same(builtin_raw, table):
                report.unchanged.append(exercise_id)
                continue
            report.over_builtin.append(exercise_id)
            in_force[exercise_id] = builtins.exercises[exercise_id]
        plan.append((table, None))
    if store is not None:
        from trainer.instructor.versions import replacement_impact

        for table, _ in plan:
            if table["id"] in in_force:
                new = parse_exercise(table)
                report.notes.extend(replacement_impact(store, new, in_force[table["id"]]))
    if conflicts:
        raise InstructorError(
            "your folder already has different versions of "
            + ", ".join(conflicts)
            + ": import with --replace to use the pack's (yours are kept in .removed)"
        )
    for table, existing in plan:
        if existing is not None:
            moved = _move_aside(existing)
            report.replaced.append((table["id"], moved))
        elif table["id"] not in report.over_builtin:
            report.added.append(table["id"])
        Draft(table).save(folder)
    if store is not None and checked_settings:
        from trainer.instructor.pack_settings import apply_settings

        for settings in checked_settings:
            report.settings.extend(apply_settings(store, settings, known))
    return report

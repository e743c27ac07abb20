"""The technique library: ``trainer exercises list|show|check`` and the instructor's
``new|edit|copy|delete|restore|import|export`` (these ask for the PIN once one is set)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from trainer.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandFailed,
    UsageError,
    add_actions,
    add_command,
    add_force_option,
    find_exercise,
    indent,
    load_library,
    open_store,
    require_pin,
    whole_number,
    write_out,
)


def register(commands: Any) -> None:
    """Add ``trainer exercises`` and its actions."""
    exercises = commands.add_parser(
        "exercises",
        help="list, show and check exercise files",
        description="The technique library: built-in exercises plus your own folder.",
    )
    actions = add_actions(exercises, "action")
    ex_list = add_command(actions, "list", cmd_exercises_list)
    ex_list.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array: per exercise its id, name, technique, phases and targets",
    )
    ex_show = add_command(actions, "show", cmd_exercises_show)
    ex_show.add_argument("id", metavar="ID")
    ex_check = add_command(actions, "check", cmd_exercises_check)
    ex_check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    p = add_command(actions, "new", cmd_ex_new)
    p.add_argument("id", metavar="ID")
    p.add_argument("--name", help="its display name")
    p.add_argument("--technique", help="the technique it trains")
    p.add_argument(
        "--from-session",
        type=whole_number(),
        metavar="SESSION_ID",
        help="follow the force curve recorded in this session",
    )
    p.add_argument(
        "--band-width",
        type=float,
        default=6.0,
        metavar="N",
        help="band width around the demonstrated curve (default 6 N)",
    )
    p = add_command(actions, "edit", cmd_ex_edit)
    p.add_argument("id", metavar="ID")
    p = add_command(actions, "copy", cmd_ex_copy)
    p.add_argument("source", metavar="ID")
    p.add_argument("new_id", metavar="NEW_ID")
    p.add_argument("--name", help="the copy's name")
    p = add_command(actions, "delete", cmd_ex_delete)
    p.add_argument("id", metavar="ID")
    p = add_command(actions, "restore", cmd_ex_restore)
    p.add_argument("id", metavar="ID")
    p = add_command(actions, "import", cmd_ex_import)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--replace", action="store_true", help="replace your differing versions (old files kept)"
    )
    p = add_command(actions, "export", cmd_ex_export)
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--mine", action="store_true", help="every exercise in your folder")
    p.add_argument(
        "--settings",
        action="store_true",
        help="also the exercises' bands and pass marks, the feedback schedules and the "
        "assessments made of them (asks for the PIN)",
    )
    p.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write here instead of the screen"
    )
    add_force_option(p)


# -- exercises -------------------------------------------------------------------------


def cmd_exercises_list(args: argparse.Namespace) -> int:
    """list every exercise

    List every exercise.
    """
    from trainer.ui.text import target_summary
    from trainer.units import Unit

    library = load_library()
    if args.json:
        entries = [
            {
                "id": exercise.id,
                "name": exercise.name,
                "technique": exercise.technique,
                "builtin": exercise.builtin,
                "phases": len(exercise.phases),
                "nominal_s": exercise.nominal_s,
                "targets": target_summary(exercise, Unit.N),
            }
            for exercise in library.sorted()
        ]
        print(json.dumps(entries, indent=1))
    else:
        print(f"{'id':<24} {'name':<32} {'minutes':>7}  targets")
        for exercise in library.sorted():
            origin = "" if exercise.builtin else "  (yours)"
            print(
                f"{exercise.id:<24} {exercise.name[:32]:<32} {exercise.nominal_s / 60:>7.1f}  "
                f"{target_summary(exercise, Unit.N)}{origin}"
            )
    for error in library.errors:
        print(f"skipped an invalid file:\n{indent(str(error))}", file=sys.stderr)
    return EXIT_OK


def cmd_exercises_show(args: argparse.Namespace) -> int:
    """show one exercise's phases

    Show one exercise.
    """
    exercise = find_exercise(args.id)
    print(f"{exercise.name}  [{exercise.id}]  technique: {exercise.technique}")
    print(f"from {exercise.source}")
    print()
    print(exercise.instructions)
    print()
    print(f"{'#':>2}  {'kind':<8} {'name':<30} {'band':<22} {'ends':<26} feedback")
    for number, phase in enumerate(exercise.phases, start=1):
        band = phase.band.label() if phase.band else "-"
        print(
            f"{number:>2}  {phase.kind.value:<8} {phase.name[:30]:<30} {band:<22} "
            f"{describe_end(phase):<26} {phase.feedback.value}"
        )
    return EXIT_OK


def describe_end(phase: Any) -> str:
    """How a phase ends, in words: ``20 s in band (max 60 s)``."""
    if phase.duration_s is not None:
        text = f"after {phase.duration_s:g} s"
    elif phase.hold_s is not None:
        text = f"{phase.hold_s:g} s in band (max {phase.max_s:g} s)"
    elif phase.kind.value == "ramp":
        text = f"in band (max {phase.max_s:g} s)"
    else:
        text = f"below {phase.band.high_n:g} N (max {phase.max_s:g} s)"
    if phase.rate_n_per_s:
        text += f", {phase.rate_n_per_s:g}±{phase.rate_tolerance_n_per_s:g} N/s"
    return text


def cmd_exercises_check(args: argparse.Namespace) -> int:
    """validate exercise files (exit 1 if any is invalid)

    Validate exercise files and print every problem found.
    """
    from trainer.exercises import ExerciseError, load_exercise_file, refuse_duplicate

    failed = 0
    seen: dict[str, Any] = {}
    for path in args.files:
        try:
            exercise = load_exercise_file(path)
            refuse_duplicate(exercise, seen)
            seen[exercise.id] = exercise
        except ExerciseError as error:
            failed += 1
            count = len(error.problems)
            print(f"{path}: invalid, {count} problem{'s' if count != 1 else ''}:")
            print(indent(str(error)))
        else:
            print(f"{path}: ok ({exercise.id}, {len(exercise.phases)} phases)")
    return EXIT_FAILED if failed else EXIT_OK


# -- exercises new|edit|copy|delete|restore|import|export -----------------------------------


def cmd_ex_new(args: argparse.Namespace) -> int:
    """create an exercise (from a template or a recorded session)

    Create an exercise in your folder: a ramp-hold-release template, or teach by demonstration
    with --from-session.
    """
    from trainer.instructor.editing import Draft, is_builtin_id, user_file_for

    store = open_store(args)
    require_pin(store, "create an exercise")
    if user_file_for(args.id) is not None or is_builtin_id(args.id):
        raise CommandFailed(
            f"there is already an exercise {args.id!r}: choose another id, or 'trainer exercises edit {args.id}'"
        )
    name = args.name or args.id.replace("-", " ").replace("_", " ").capitalize()
    if args.from_session is not None:
        from trainer.instructor.demonstration import draft_from_demonstration

        session = store.session(args.from_session)
        samples = store.samples(args.from_session)
        if not samples:
            raise CommandFailed(f"session {args.from_session} has no samples to copy")
        draft = draft_from_demonstration(
            [(s.t_s, s.force_n) for s in samples],
            args.id,
            name,
            band_width_n=args.band_width,
            technique=args.technique or session["technique"],
            demonstrated_by=session["student"],
        )
    else:
        draft = Draft.new(args.id, name, args.technique or "general")
    path = draft.save()
    print(f"Created {args.id} in {path} ({len(draft.validate().phases)} phases).")
    print(
        f"See it with 'trainer exercises show {args.id}', change it with 'trainer exercises edit {args.id}'."
    )
    return 0


def _editor_command() -> list[str] | None:
    import os
    import shlex
    import shutil

    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return shlex.split(value)
    if sys.stdin is not None and sys.stdin.isatty():
        for candidate in ("nano", "vi"):
            if shutil.which(candidate):
                return [candidate]
    return None


def cmd_ex_edit(args: argparse.Namespace) -> int:
    """edit an exercise in your text editor (built-ins: edits a copy)

    Open the exercise in $VISUAL/$EDITOR, check it when you close the editor, save it to your
    folder.
    """
    import subprocess

    from trainer.exercises import ExerciseError, user_exercise_dir
    from trainer.instructor import InstructorError
    from trainer.instructor.editing import Draft, _write_atomically

    store = open_store(args)
    exercise = find_exercise(args.id)
    require_pin(store, "edit exercises")
    editor = _editor_command()
    if editor is None:
        raise CommandFailed(
            "no text editor found: set EDITOR (e.g. EDITOR=nano), or use the editor screen in 'trainer run'"
        )
    drafts = user_exercise_dir() / ".drafts"
    drafts.mkdir(parents=True, exist_ok=True)
    draft_path = drafts / f"{exercise.id}.toml"
    if draft_path.exists():
        print(f"Continuing your unsaved edit from {draft_path}.", file=sys.stderr)
    else:
        _write_atomically(draft_path, Draft.from_exercise(exercise).toml())
    try:
        status = subprocess.call([*editor, str(draft_path)])
    except OSError as error:
        raise CommandFailed(
            f"cannot start the editor {editor[0]!r} ({error.strerror}): check EDITOR"
        ) from None
    if status != 0:
        raise CommandFailed(
            f"the editor exited with status {status}; nothing saved (draft kept at {draft_path})"
        )
    try:
        draft = Draft.parse(draft_path.read_text(encoding="utf-8"), origin=exercise)
    except InstructorError as error:
        raise CommandFailed(
            f"the edited file is not valid TOML ({error}): nothing saved; your edit is kept at "
            f"{draft_path}, run 'trainer exercises edit {exercise.id}' to fix it"
        ) from None
    try:
        path = draft.save()
    except ExerciseError as error:
        print(str(error), file=sys.stderr)
        raise CommandFailed(
            f"nothing saved: fix the problems above; your edit is kept at {draft_path}, "
            f"run 'trainer exercises edit {exercise.id}' to continue"
        ) from None
    draft_path.unlink()
    where = (
        " (your copy replaces the built-in)"
        if exercise.builtin and draft.exercise_id == exercise.id
        else ""
    )
    print(f"Saved {draft.exercise_id} to {path}{where}.")
    if draft.exercise_id == exercise.id:
        print_impact(store, exercise)
    return 0


def print_impact(store: Any, before: Any) -> None:
    """Say what putting the exercise now in force in place of ``before`` affects."""
    from trainer.instructor.versions import replacement_impact

    now = load_library().exercises.get(before.id)
    if now is not None:
        for line in replacement_impact(store, now, before):
            print(f"note: {line}")


def cmd_ex_copy(args: argparse.Namespace) -> int:
    """copy an exercise under a new id"""
    from trainer.instructor.editing import copy_exercise, is_builtin_id, user_file_for

    store = open_store(args)
    source = find_exercise(args.source)
    require_pin(store, "copy exercises")
    if user_file_for(args.new_id) is not None or is_builtin_id(args.new_id):
        raise CommandFailed(f"there is already an exercise {args.new_id!r}: choose another id")
    path = copy_exercise(source, args.new_id, args.name).save()
    print(f"Copied {source.id} to {args.new_id} in {path}.")
    return 0


def cmd_ex_delete(args: argparse.Namespace) -> int:
    """delete one of your exercises (kept in .removed)"""
    from trainer.instructor.editing import delete_exercise, is_builtin_id

    store = open_store(args)
    require_pin(store, "delete exercises")
    before = load_library().exercises.get(args.id) if is_builtin_id(args.id) else None
    moved = delete_exercise(args.id)
    if is_builtin_id(args.id):
        print(
            f"Removed your copy of {args.id}: the built-in is used again (your file is in {moved})."
        )
        if before is not None:
            print_impact(store, before)
    else:
        print(f"Deleted {args.id}; the file was moved to {moved} in case you need it back.")
    return 0


def cmd_ex_restore(args: argparse.Namespace) -> int:
    """use the built-in version again instead of your copy"""
    from trainer.instructor.editing import restore_builtin

    store = open_store(args)
    require_pin(store, "restore a built-in exercise")
    before = load_library().exercises.get(args.id)
    moved = restore_builtin(args.id)
    print(f"{args.id} is the built-in version again; your copy was moved to {moved}.")
    if before is not None:
        print_impact(store, before)
    return 0


def cmd_ex_import(args: argparse.Namespace) -> int:
    """import exercise packs (or single exercise files)

    Import exercise packs or exercise files into your folder. Nothing is written unless every
    file is valid and no id appears twice. A replaced file is kept in .removed; the notes
    say which records, bands and pass marks the change affects.
    """
    from trainer.instructor.packs import import_pack

    store = open_store(args)
    require_pin(store, "import exercises")
    report = import_pack(args.files, replace=args.replace, store=store)
    for exercise_id in report.added:
        print(f"added     {exercise_id}")
    for exercise_id in report.over_builtin:
        print(
            f"added     {exercise_id} (replaces the built-in; 'trainer exercises restore' undoes it)"
        )
    for exercise_id, old in report.replaced:
        print(f"replaced  {exercise_id} (your old file is in {old})")
    for exercise_id in report.unchanged:
        print(f"unchanged {exercise_id}")
    for line in report.settings:
        print(line)
    for note in report.notes:
        print(f"note: {note}")
    return 0


def cmd_ex_export(args: argparse.Namespace) -> int:
    """export exercises as one pack file"""
    from trainer.instructor.packs import export_pack

    if args.mine:
        exercises = [e for e in load_library().sorted() if not e.builtin]
        if not exercises:
            raise UsageError("you have no exercises of your own yet; name ids to export built-ins")
    elif args.ids:
        exercises = [find_exercise(i) for i in args.ids]
    else:
        raise UsageError("name the exercise ids to export, or --mine for all of your own")
    settings = None
    if args.settings:
        from trainer.exercises import ExerciseLibrary, builtin_exercise_dir
        from trainer.instructor.pack_settings import export_settings

        store = open_store(args)
        require_pin(store, "export the instructor settings")
        builtins = ExerciseLibrary.load(builtin_exercise_dir(), Path("/nonexistent-user-folder"))
        settings = export_settings(store, exercises, set(builtins.exercises))
    write_out(args.output, export_pack(exercises, settings=settings), force=args.force)
    if args.output:
        print(f"{len(exercises)} exercise(s) written to {args.output}.", file=sys.stderr)
    return 0

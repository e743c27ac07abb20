"""``trainer instructor ...`` and the ``trainer exercises new|edit|copy|delete|...`` actions.

Cheap to import: the store, the instructor modules and everything heavy are imported
inside the handlers. Actions that change exercises, bands, schedules or pass marks, and
reading assessment results, ask for the instructor PIN once one is set (``set-pin``);
students practise without it. The PIN is read from the terminal without echo, or as
one line on standard input when there is no terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def _friendly(handler: Handler) -> Handler:
    """Turn instructor errors into the one-sentence failures ``trainer`` prints."""

    @wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from trainer.cli import CommandFailed
        from trainer.instructor import InstructorError

        try:
            return handler(args)
        except InstructorError as error:
            raise CommandFailed(str(error)) from None

    return run


# -- helpers -------------------------------------------------------------------------


def _store(args: argparse.Namespace) -> Any:
    from trainer.cli import open_store

    return open_store(args)


def _read_secret(prompt: str) -> str | None:
    if sys.stdin is None:
        return None
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            return None
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def _require_pin(store: Any, what: str) -> None:
    """Ask for the PIN if one is set; raise with a sentence when it is wrong."""
    from trainer.instructor.pin import PinGuard

    guard = PinGuard(store)
    if not guard.is_set:
        return
    guard.require(_read_secret(f"Instructor PIN to {what}: "))


def _library() -> Any:
    from trainer.cli import load_library

    return load_library()


def _exercise(exercise_id: str) -> Any:
    from trainer.cli import find_exercise

    return find_exercise(exercise_id)


def _scope(args: argparse.Namespace) -> tuple[str, str]:
    from trainer.cli import UsageError

    if getattr(args, "student", None):
        return "student", args.student
    if getattr(args, "class_name", None):
        return "class", args.class_name
    raise UsageError("say whose this is with --class NAME or --student NAME")


def _n(value: float | None, places: int = 0) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _write_out(path: Path | None, text: str) -> None:
    from trainer.cli import CommandFailed

    if path is None:
        sys.stdout.write(text)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandFailed(
            f"cannot write {path} ({error.strerror}): choose another file"
        ) from None


# -- PIN --------------------------------------------------------------------------------


@_friendly
def cmd_set_pin(args: argparse.Namespace) -> int:
    from trainer.cli import CommandFailed
    from trainer.instructor.pin import PinGuard, check_pin_format

    store = _store(args)
    guard = PinGuard(store)
    if guard.is_set:
        guard.require(_read_secret("Current instructor PIN: "))
    first = _read_secret("New PIN (4-12 digits): ")
    if first is None:
        raise CommandFailed("no PIN was given: type one when asked")
    check_pin_format(first)
    second = _read_secret("The new PIN again: ")
    if second != first:
        raise CommandFailed("the two PINs differ: run 'trainer instructor set-pin' again")
    guard.set_pin(first)
    print("Instructor PIN set. Editing, deleting and assessment results now ask for it.")
    return 0


@_friendly
def cmd_clear_pin(args: argparse.Namespace) -> int:
    from trainer.instructor.pin import PinGuard

    store = _store(args)
    _require_pin(store, "remove the PIN")
    PinGuard(store).clear()
    print("Instructor PIN removed: editing is open to everyone at this station.")
    return 0


# -- students and classes -----------------------------------------------------------


@_friendly
def cmd_students(args: argparse.Namespace) -> int:
    from trainer.instructor.roster import Roster

    store = _store(args)
    roster = Roster(store)
    action = args.students_action
    if action == "list":
        students = roster.students(include_archived=args.archived, class_name=args.class_name)
        if not students:
            print("No students yet. Add one with 'trainer instructor students add NAME'.")
            return 0
        print(f"{'student':<24} {'sessions':>8}  classes")
        for s in students:
            mark = " (archived)" if s.archived else ""
            print(f"{s.name[:24]:<24} {s.sessions:>8}  {', '.join(s.classes) or '-'}{mark}")
        return 0
    if action == "add":
        for name in args.names:
            roster.add_student(name)
        print(f"Added {', '.join(args.names)}.")
        return 0
    _require_pin(store, "change the roster")
    if action == "rename":
        roster.rename_student(args.old, args.new)
        print(f"Renamed {args.old} to {args.new}; their sessions moved with them.")
    elif action == "archive":
        roster.archive_student(args.name)
        print(f"Archived {args.name}: hidden from lists, every session kept.")
    elif action == "unarchive":
        roster.archive_student(args.name, archived=False)
        print(f"{args.name} is back in the lists.")
    return 0


@_friendly
def cmd_classes(args: argparse.Namespace) -> int:
    from trainer.instructor.roster import Roster

    store = _store(args)
    roster = Roster(store)
    action = args.classes_action
    if action == "list":
        classes = roster.classes(include_archived=args.archived)
        if not classes:
            print("No classes yet. Add one with 'trainer instructor classes add NAME'.")
            return 0
        for c in classes:
            mark = " (archived)" if c.archived else ""
            print(f"{c.name}{mark}: {len(c.students)} student(s)")
            if c.students:
                print("  " + ", ".join(c.students))
        return 0
    _require_pin(store, "change the roster")
    if action == "add":
        roster.add_class(args.name)
        print(
            f"Added class {args.name}. Put students in it with 'trainer instructor classes enrol'."
        )
    elif action == "rename":
        roster.rename_class(args.old, args.new)
        print(f"Renamed class {args.old} to {args.new}.")
    elif action == "archive":
        roster.archive_class(args.name)
        print(f"Archived class {args.name}: its students and sessions are kept.")
    elif action == "unarchive":
        roster.archive_class(args.name, archived=False)
        print(f"Class {args.name} is back in the lists.")
    elif action == "enrol":
        for student in args.students:
            roster.enrol(args.name, student)
        print(f"{', '.join(args.students)} now in {args.name}.")
    elif action == "remove":
        for student in args.students:
            roster.unenrol(args.name, student)
        print(f"{', '.join(args.students)} taken out of {args.name} (their sessions are kept).")
    return 0


# -- bands, schedules, pass marks -------------------------------------------------------


@_friendly
def cmd_bands(args: argparse.Namespace) -> int:
    from trainer.instructor.targets import BandTargets

    store = _store(args)
    targets = BandTargets(store)
    exercise = _exercise(args.exercise)
    if args.bands_action == "show":
        rows = targets.explain(exercise, student=args.student, class_name=args.class_name)
        print(f"{exercise.name} [{exercise.id}]: bands in N, the one in force marked *")
        print(f"{'#':>2}  {'phase':<26} {'built-in':>10} {'class':>10} {'student':>10}  from")
        for row in rows:
            if row.builtin is None:
                continue

            def show(band: Any, active: bool) -> str:
                if band is None:
                    return "-"
                return f"{band.low_n:g}-{band.high_n:g}" + ("*" if active else "")

            source = row.source
            print(
                f"{row.index + 1:>2}  {row.name[:26]:<26} "
                f"{show(row.builtin, source == 'built-in'):>10} "
                f"{show(row.class_band, source.startswith('class')):>10} "
                f"{show(row.student_band, source == 'student'):>10}  {source}"
            )
        return 0
    scope, owner = _scope(args)
    _require_pin(store, "change target bands")
    if args.bands_action == "set":
        override = targets.set(scope, owner, exercise, args.target, args.low, args.high)
        print(
            f"{exercise.id} {override.target} for {scope} {owner}: "
            f"{override.band.low_n:g}-{override.band.high_n:g} N"
        )
    else:
        count = targets.clear(scope, owner, exercise.id, args.target)
        print(f"Removed {count} override(s); {owner} uses the inherited bands again.")
    return 0


@_friendly
def cmd_schedule(args: argparse.Namespace) -> int:
    from trainer.instructor.feedback_store import SchedulePlans
    from trainer.instructor.schedules import FeedbackSchedule

    store = _store(args)
    plans = SchedulePlans(store)
    if args.schedule_action == "show":
        if args.student:
            schedule, source = plans.resolve(args.student, args.exercise)
            print(f"{args.student}: {schedule.kind.value} ({schedule.describe()}), from {source}")
        else:
            from trainer.instructor.roster import Roster

            roster = Roster(store)
            for c in roster.classes():
                found = plans.get("class", c.id)
                text = f"{found.kind.value} ({found.describe()})" if found else "always (default)"
                print(f"class {c.name}: {text}")
            for s in roster.students():
                found = plans.get("student", s.id)
                if found:
                    print(f"student {s.name}: {found.kind.value} ({found.describe()})")
        return 0
    scope, owner = _scope(args)
    _require_pin(store, "change feedback schedules")
    if args.schedule_action == "clear":
        plans.clear(scope, owner)
        print(f"{scope.capitalize()} {owner} uses the inherited feedback schedule again.")
        return 0
    settings: dict[str, float] = {}
    if args.every is not None:
        settings["summary_every"] = args.every
    if args.bandwidth is not None:
        settings["bandwidth_pct"] = args.bandwidth
    if args.retention_days is not None:
        settings["retention_after_days"] = args.retention_days
    schedule = FeedbackSchedule.parse(args.kind, **settings)
    plans.set(scope, owner, schedule)
    print(f"{scope.capitalize()} {owner}: {schedule.kind.value}, {schedule.describe()}.")
    return 0


@_friendly
def cmd_pass_mark(args: argparse.Namespace) -> int:
    from trainer.instructor.assessment import PassMark, PassMarks

    store = _store(args)
    marks = PassMarks(store)
    if args.mark_action == "list":
        found = marks.all()
        if not found:
            print(
                "No pass marks set. Set one with 'trainer instructor pass-mark set ID --trials 4'."
            )
        for mark in found:
            print(f"{mark.exercise_id}: {mark.describe()}")
        return 0
    _require_pin(store, "change pass marks")
    if args.mark_action == "clear":
        marks.clear(args.exercise)
        print(f"{args.exercise} has no pass mark now.")
        return 0
    exercise = _exercise(args.exercise)
    if args.min_score is None and args.trials is None:
        from trainer.cli import UsageError

        raise UsageError("give --trials N (trials in band needed), --min-score SCORE, or both")
    mark = PassMark(exercise.id, args.min_score, args.trials, args.trial_pct)
    marks.set(mark)
    print(f"Pass mark for {exercise.name}: {mark.describe()}.")
    return 0


# -- assessment --------------------------------------------------------------------------


@_friendly
def cmd_assessment(args: argparse.Namespace) -> int:
    from trainer.instructor.assessment import Assessments, simulate_assessment

    store = _store(args)
    book = Assessments(store)
    action = args.assessment_action
    if action == "list":
        found = book.all()
        if not found:
            print("No assessments yet. Create one with 'trainer instructor assessment create'.")
        for a in found:
            print(f"{a.name}: {', '.join(a.exercise_ids)}")
        return 0
    if action == "create":
        _require_pin(store, "create an assessment")
        book.create(args.name, args.exercises, set(_library().exercises))
        print(f"Assessment {args.name}: {', '.join(args.exercises)}, run blind.")
        return 0
    if action == "run":
        from trainer.cli import UsageError
        from trainer.sensors.students import PROFILES

        if args.virtual not in PROFILES:
            raise UsageError(
                f"unknown virtual student {args.virtual!r}; choose one of: {', '.join(PROFILES)}"
            )
        run = simulate_assessment(
            store,
            _library().exercises,
            args.name,
            args.student,
            profile=args.virtual,
            seed=args.seed,
        )
        print(
            f"Assessment run {run.id} for {run.student}: {run.status}. "
            "Results are for the instructor: 'trainer instructor assessment results'."
        )
        return 0
    _require_pin(store, "see assessment results")
    runs = (
        [book.run(args.run)] if args.run else book.runs(student=args.student, assessment=args.name)
    )
    if not runs:
        print("No assessment runs recorded yet.")
    for run in runs:
        outcome = {True: "PASSED", False: "NOT PASSED", None: "no pass marks set"}[run.passed]
        print(
            f"run {run.id}  {run.assessment}  {run.student}  {run.started_at[:16]}  {run.status}  {outcome}"
        )
        for item in run.items:
            detail = item.detail or {}
            verdict = "-" if item.passed is None else ("pass" if item.passed else "not yet")
            text = (
                f"{detail.get('trials_in_band', '-')}/{detail.get('trials', '-')} trials in band, "
                f"score {_n(detail.get('score'))}"
                if detail
                else "no pass mark"
            )
            session = f"session {item.session_id}" if item.session_id else "not done"
            print(
                f"   {item.position + 1}. {item.exercise_id:<24} {session:<12} {verdict:<8} {text}"
            )
    return 0


# -- review and export -------------------------------------------------------------------


@_friendly
def cmd_review(args: argparse.Namespace) -> int:
    from trainer.instructor.reports import student_progress, trend

    store = _store(args)
    points = student_progress(store, args.student, args.exercise)
    if not points:
        print(f"{args.student} has no scored sessions yet.")
        return 0
    print(
        f"{'id':>5}  {'date':<16} {'exercise':<24} {'score':>5} {'in band':>7} {'VE N':>6} {'CV %':>5}"
    )
    for p in points[-args.limit :]:
        print(
            f"{p.session_id:>5}  {p.started_at[:16].replace('T', ' '):<16} {p.exercise_id[:24]:<24} "
            f"{p.score:>5.0f} {p.time_in_band_pct:>6.0f}% {p.variable_error_n:>6.1f} "
            f"{_n(p.steadiness_cv_pct, 1):>5}"
        )
    by_exercise: dict[str, list[Any]] = {}
    for p in points:
        by_exercise.setdefault(p.exercise_id, []).append(p)
    for exercise_id, pts in by_exercise.items():
        slope = trend([p.score for p in pts])
        steady = trend([p.steadiness_cv_pct for p in pts if p.steadiness_cv_pct is not None])
        in_band = trend([p.time_in_band_pct for p in pts])
        if slope is None:
            continue
        print(
            f"{exercise_id}: score {slope:+.1f}/session, time in band {in_band or 0:+.1f}%/session"
            + (f", steadiness CV {steady:+.1f}%/session" if steady is not None else "")
        )
    return 0


@_friendly
def cmd_overview(args: argparse.Namespace) -> int:
    from trainer.instructor.reports import class_overview

    store = _store(args)
    rows = class_overview(store, args.class_name)
    if not rows:
        print("No students to show.")
        return 0
    print(
        f"{'student':<18} {'exercise':<28} {'sessions':>8} {'latest':>6} {'best':>5}  {'last':<10}  pass mark"
    )
    for r in rows:
        below = {True: "BELOW", False: "ok", None: "-"}[r.below_pass_mark]
        print(
            f"{r.student[:18]:<18} {r.exercise_name[:28]:<28} {r.sessions:>8} {_n(r.latest_score):>6} "
            f"{_n(r.best_score):>5}  {(r.last_practised or '-')[:10]:<10}  {below}"
        )
    return 0


@_friendly
def cmd_export_class(args: argparse.Namespace) -> int:
    import io

    from trainer.instructor.reports import write_class_csv
    from trainer.instructor.roster import Roster

    store = _store(args)
    if args.class_name:
        Roster(store).class_id(args.class_name)
    buffer = io.StringIO()
    count = write_class_csv(store, args.class_name, buffer)
    _write_out(args.output, buffer.getvalue())
    if args.output:
        print(f"{count} session(s) written to {args.output}.")
    return 0


@_friendly
def cmd_report(args: argparse.Namespace) -> int:
    import json

    from trainer.instructor.reports import session_document, session_html, write_session_csv
    from trainer.units import Unit

    store = _store(args)
    store.session(args.session_id)
    if args.format == "html":
        text = session_html(store, args.session_id, Unit.parse(args.units))
    elif args.format == "json":
        text = json.dumps(session_document(store, args.session_id), indent=1) + "\n"
    else:
        import io

        buffer = io.StringIO()
        write_session_csv(store, args.session_id, buffer)
        text = buffer.getvalue()
    output = args.output
    if output is None and args.format == "html":
        output = Path(f"session-{args.session_id}.html")
    _write_out(output, text)
    if output is not None:
        print(f"Session {args.session_id} written to {output} ({args.format}).", file=sys.stderr)
    return 0


# -- exercises new|edit|copy|delete|restore|import|export -----------------------------------


@_friendly
def cmd_ex_new(args: argparse.Namespace) -> int:
    from trainer.cli import CommandFailed
    from trainer.instructor.editing import Draft, is_builtin_id, user_file_for

    store = _store(args)
    _require_pin(store, "create an exercise")
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


@_friendly
def cmd_ex_edit(args: argparse.Namespace) -> int:
    import subprocess
    import tomllib

    from trainer.cli import CommandFailed
    from trainer.exercises import ExerciseError, user_exercise_dir
    from trainer.instructor.editing import Draft, _write_atomically

    store = _store(args)
    exercise = _exercise(args.id)
    _require_pin(store, "edit exercises")
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
        raw = tomllib.loads(draft_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CommandFailed(
            f"the edited file is not valid TOML ({error}): nothing saved; your edit is kept at "
            f"{draft_path}, run 'trainer exercises edit {exercise.id}' to fix it"
        ) from None
    draft = Draft(raw, origin=exercise)
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
    return 0


@_friendly
def cmd_ex_copy(args: argparse.Namespace) -> int:
    from trainer.cli import CommandFailed
    from trainer.instructor.editing import copy_exercise, is_builtin_id, user_file_for

    store = _store(args)
    source = _exercise(args.source)
    _require_pin(store, "copy exercises")
    if user_file_for(args.new_id) is not None or is_builtin_id(args.new_id):
        raise CommandFailed(f"there is already an exercise {args.new_id!r}: choose another id")
    path = copy_exercise(source, args.new_id, args.name).save()
    print(f"Copied {source.id} to {args.new_id} in {path}.")
    return 0


@_friendly
def cmd_ex_delete(args: argparse.Namespace) -> int:
    from trainer.instructor.editing import delete_exercise, is_builtin_id

    store = _store(args)
    _require_pin(store, "delete exercises")
    moved = delete_exercise(args.id)
    if is_builtin_id(args.id):
        print(
            f"Removed your copy of {args.id}: the built-in is used again (your file is in {moved})."
        )
    else:
        print(f"Deleted {args.id}; the file was moved to {moved} in case you need it back.")
    return 0


@_friendly
def cmd_ex_restore(args: argparse.Namespace) -> int:
    from trainer.instructor.editing import restore_builtin

    store = _store(args)
    _require_pin(store, "restore a built-in exercise")
    moved = restore_builtin(args.id)
    print(f"{args.id} is the built-in version again; your copy was moved to {moved}.")
    return 0


@_friendly
def cmd_ex_import(args: argparse.Namespace) -> int:
    from trainer.instructor.packs import import_pack

    store = _store(args)
    _require_pin(store, "import exercises")
    report = import_pack(args.file, replace=args.replace)
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
    return 0


@_friendly
def cmd_ex_export(args: argparse.Namespace) -> int:
    from trainer.cli import UsageError
    from trainer.instructor.packs import export_pack

    if args.mine:
        exercises = [e for e in _library().sorted() if not e.builtin]
        if not exercises:
            raise UsageError("you have no exercises of your own yet; name ids to export built-ins")
    elif args.ids:
        exercises = [_exercise(i) for i in args.ids]
    else:
        raise UsageError("name the exercise ids to export, or --mine for all of your own")
    _write_out(args.output, export_pack(exercises))
    if args.output:
        print(f"{len(exercises)} exercise(s) written to {args.output}.", file=sys.stderr)
    return 0


# -- registration -------------------------------------------------------------------------


def _add_scope(parser: argparse.ArgumentParser, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--class", dest="class_name", metavar="NAME", help="for this class")
    group.add_argument("--student", metavar="NAME", help="for this student")


def register(subparsers: Any) -> None:
    """Add ``trainer instructor ...`` and the editing actions of ``trainer exercises``."""
    from trainer.cli import subparsers_of

    _register_exercise_actions(subparsers_of(subparsers.choices["exercises"]))
    inst = subparsers.add_parser(
        "instructor",
        help="classes, students, target bands, feedback schedules, assessment, review and export",
        description="Instructor tools. Changes ask for the instructor PIN once one is set.",
    )
    sub = inst.add_subparsers(dest="instructor_command", metavar="ACTION", parser_class=type(inst))
    sub.required = True

    p = sub.add_parser(
        "set-pin",
        help="set or change the instructor PIN",
        description="Set or change the instructor PIN (4-12 digits, stored as a salted hash).",
    )
    p.set_defaults(handler=cmd_set_pin)
    p = sub.add_parser(
        "clear-pin",
        help="remove the instructor PIN",
        description="Remove the instructor PIN (needs the PIN).",
    )
    p.set_defaults(handler=cmd_clear_pin)

    students = sub.add_parser(
        "students",
        help="list, add, rename, archive students",
        description="Students: list, add, rename, archive (sessions are never deleted).",
    )
    st = students.add_subparsers(dest="students_action", metavar="ACTION", parser_class=type(inst))
    st.required = True
    p = st.add_parser("list", help="list students")
    p.add_argument("--archived", action="store_true", help="include archived students")
    p.add_argument("--class", dest="class_name", metavar="NAME", help="only this class")
    p = st.add_parser("add", help="add students")
    p.add_argument("names", nargs="+", metavar="NAME")
    p = st.add_parser("rename", help="rename a student")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    for action in ("archive", "unarchive"):
        p = st.add_parser(action, help=f"{action} a student (sessions are kept)")
        p.add_argument("name", metavar="NAME")
    students.set_defaults(handler=cmd_students)

    classes = sub.add_parser(
        "classes",
        help="list, add, rename, archive classes; enrol students",
        description="Classes and who is in them.",
    )
    cl = classes.add_subparsers(dest="classes_action", metavar="ACTION", parser_class=type(inst))
    cl.required = True
    p = cl.add_parser("list", help="list classes and their students")
    p.add_argument("--archived", action="store_true", help="include archived classes")
    p = cl.add_parser("add", help="add a class")
    p.add_argument("name", metavar="NAME")
    p = cl.add_parser("rename", help="rename a class")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    for action in ("archive", "unarchive"):
        p = cl.add_parser(action, help=f"{action} a class")
        p.add_argument("name", metavar="NAME")
    for action, text in (
        ("enrol", "put students in a class"),
        ("remove", "take students out of a class"),
    ):
        p = cl.add_parser(action, help=text)
        p.add_argument("name", metavar="CLASS")
        p.add_argument("students", nargs="+", metavar="STUDENT")
    classes.set_defaults(handler=cmd_classes)

    bands = sub.add_parser(
        "bands",
        help="target bands per class and student",
        description="Band overrides, inherited built-in -> class -> student. TARGET is a level name or 'phase N'.",
    )
    bd = bands.add_subparsers(dest="bands_action", metavar="ACTION", parser_class=type(inst))
    bd.required = True
    p = bd.add_parser("show", help="the bands in force and where they come from")
    p.add_argument("exercise", metavar="EXERCISE")
    _add_scope(p)
    p = bd.add_parser("set", help="override a band for a class or a student")
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("target", metavar="TARGET", help="a level name (e.g. deep) or 'phase N'")
    p.add_argument("low", type=float, metavar="LOW_N")
    p.add_argument("high", type=float, metavar="HIGH_N")
    _add_scope(p, required=True)
    p = bd.add_parser("clear", help="remove overrides")
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("target", nargs="?", metavar="TARGET", help="only this target (default all)")
    _add_scope(p, required=True)
    bands.set_defaults(handler=cmd_bands)

    schedule = sub.add_parser(
        "schedule",
        help="feedback schedules per class and student",
        description="How often students see live feedback: always, faded, bandwidth, summary, self, retention.",
    )
    sc = schedule.add_subparsers(dest="schedule_action", metavar="ACTION", parser_class=type(inst))
    sc.required = True
    p = sc.add_parser("show", help="schedules set, or the one a student gets")
    p.add_argument("--student", metavar="NAME")
    p.add_argument(
        "--exercise", metavar="ID", help="with --student: check for a due retention test"
    )
    p = sc.add_parser("set", help="pick a schedule for a class or student")
    p.add_argument(
        "kind", metavar="KIND", help="always, faded, bandwidth, summary, self or retention"
    )
    p.add_argument(
        "--every", type=int, metavar="N", help="summary: results after every N trials (default 5)"
    )
    p.add_argument(
        "--bandwidth",
        type=float,
        metavar="PCT",
        help="bandwidth: show only beyond PCT%% of the target outside the band",
    )
    p.add_argument(
        "--retention-days",
        type=float,
        metavar="DAYS",
        help="give a retention test DAYS after the last practice",
    )
    _add_scope(p, required=True)
    p = sc.add_parser("clear", help="back to the inherited schedule")
    _add_scope(p, required=True)
    schedule.set_defaults(handler=cmd_schedule)

    mark = sub.add_parser(
        "pass-mark",
        help="pass marks per exercise",
        description="Pass marks: e.g. '--trials 4' for 4 trials in band, '--min-score 70'.",
    )
    mk = mark.add_subparsers(dest="mark_action", metavar="ACTION", parser_class=type(inst))
    mk.required = True
    mk.add_parser("list", help="list pass marks")
    p = mk.add_parser("set", help="set an exercise's pass mark")
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("--trials", type=int, metavar="N", help="trials in band needed")
    p.add_argument("--min-score", type=float, metavar="SCORE", help="score needed (0-100)")
    p.add_argument(
        "--trial-pct",
        type=float,
        default=70.0,
        metavar="PCT",
        help="a trial is in band at PCT%% of its time in the band (default 70)",
    )
    p = mk.add_parser("clear", help="remove an exercise's pass mark")
    p.add_argument("exercise", metavar="EXERCISE")
    mark.set_defaults(handler=cmd_pass_mark)

    assess = sub.add_parser(
        "assessment",
        help="blind assessment sequences and their results",
        description="Assessments: a fixed sequence of exercises run blind; results need the PIN.",
    )
    asub = assess.add_subparsers(
        dest="assessment_action", metavar="ACTION", parser_class=type(inst)
    )
    asub.required = True
    asub.add_parser("list", help="list assessments")
    p = asub.add_parser("create", help="create or redefine an assessment")
    p.add_argument("name", metavar="NAME")
    p.add_argument("exercises", nargs="+", metavar="EXERCISE")
    p = asub.add_parser("run", help="run an assessment with a virtual student (headless)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--student", required=True, metavar="NAME")
    p.add_argument(
        "--virtual",
        default="steady",
        metavar="PROFILE",
        help="virtual student profile (default steady)",
    )
    p.add_argument("--seed", type=int, default=0)
    p = asub.add_parser("results", help="assessment results (needs the PIN)")
    p.add_argument("--student", metavar="NAME")
    p.add_argument("--name", metavar="ASSESSMENT")
    p.add_argument("--run", type=int, metavar="RUN_ID")
    assess.set_defaults(handler=cmd_assessment)

    p = sub.add_parser(
        "review",
        help="a student's scores and trends",
        description="A student's sessions with score, time in band, consistency and steadiness, and their trends.",
    )
    p.add_argument("student", metavar="STUDENT")
    p.add_argument("--exercise", metavar="ID")
    p.add_argument(
        "--limit", type=int, default=20, help="show at most this many sessions (default 20)"
    )
    p.set_defaults(handler=cmd_review)
    p = sub.add_parser(
        "overview", help="class overview: who practised what, latest and best, below the pass mark"
    )
    p.add_argument("--class", dest="class_name", metavar="NAME")
    p.set_defaults(handler=cmd_overview)
    p = sub.add_parser("export-class", help="class results as CSV (one row a session)")
    p.add_argument(
        "--class", dest="class_name", metavar="NAME", help="only this class (default everyone)"
    )
    p.add_argument("--output", "-o", type=Path, metavar="FILE")
    p.set_defaults(handler=cmd_export_class)
    p = sub.add_parser("report", help="one session as a printable HTML report, CSV or JSON")
    p.add_argument("session_id", type=int, metavar="SESSION_ID")
    p.add_argument("--format", choices=["html", "csv", "json"], default="html")
    p.add_argument(
        "--units", default="N", choices=["N", "kgf", "lbf"], help="forces in the HTML report"
    )
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="default session-ID.html for HTML, the screen otherwise",
    )
    p.set_defaults(handler=cmd_report)


def _register_exercise_actions(ex: Any) -> None:
    p = ex.add_parser(
        "new",
        help="create an exercise (from a template or a recorded session)",
        description="Create an exercise in your folder: a ramp-hold-release template, or teach by demonstration with --from-session.",
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("--name", help="its display name")
    p.add_argument("--technique", help="the technique it trains")
    p.add_argument(
        "--from-session",
        type=int,
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
    p.set_defaults(handler=cmd_ex_new)
    p = ex.add_parser(
        "edit",
        help="edit an exercise in your text editor (built-ins: edits a copy)",
        description="Open the exercise in $VISUAL/$EDITOR, check it when you close the editor, save it to your folder.",
    )
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_ex_edit)
    p = ex.add_parser("copy", help="copy an exercise under a new id")
    p.add_argument("source", metavar="ID")
    p.add_argument("new_id", metavar="NEW_ID")
    p.add_argument("--name", help="the copy's name")
    p.set_defaults(handler=cmd_ex_copy)
    p = ex.add_parser("delete", help="delete one of your exercises (kept in .removed)")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_ex_delete)
    p = ex.add_parser("restore", help="use the built-in version again instead of your copy")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_ex_restore)
    p = ex.add_parser("import", help="import an exercise pack (or a single exercise file)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--replace", action="store_true", help="replace your differing versions (old files kept)"
    )
    p.set_defaults(handler=cmd_ex_import)
    p = ex.add_parser("export", help="export exercises as one pack file")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--mine", action="store_true", help="every exercise in your folder")
    p.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write here instead of the screen"
    )
    p.set_defaults(handler=cmd_ex_export)

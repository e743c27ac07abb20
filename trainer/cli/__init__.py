"""The ``trainer`` command: every subcommand, its arguments and its messages.

Errors reach the user as one sentence that names the problem and the fix; bad
arguments exit 2, failed checks and unusable files exit 1. No traceback is shown.
"""

from __future__ import annotations

import argparse
import csv
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from trainer import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad argument value found after parsing (exit 2)."""


class CommandFailed(Exception):
    """The command could not do its work (exit 1); the message says why."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


Handler = Callable[[argparse.Namespace], int]
#: modules that add subcommands of their own: each has ``register(subparsers)``
EXTENSIONS = ("trainer.cli.practice", "trainer.cli.hardware", "trainer.cli.instructor")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="trainer",
        description="Pressure Trainer: live force feedback for massage and manual-therapy "
        "students, on a Raspberry Pi load cell or simulated on a laptop.",
    )
    parser.add_argument("--version", action="version", version=f"trainer {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="the records database (default: $TRAINER_DB or trainer.db in your data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    sim = commands.add_parser(
        "simulate",
        help="run a whole session headless with a virtual student, store it, print a summary",
        description="Run a whole session without a screen: a virtual student presses a "
        "simulated pad, the session is judged, stored and summarised.",
    )
    sim.add_argument(
        "--exercise", required=True, metavar="ID", help="exercise id (see 'trainer exercises list')"
    )
    sim.add_argument(
        "--student-profile",
        default="steady",
        metavar="NAME",
        help="virtual student: steady, shaky, overshooter, slow, fatiguing or novice (default steady)",
    )
    sim.add_argument(
        "--seed", type=int, default=0, help="random seed: same seed, same samples (default 0)"
    )
    sim.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="1 real time, 2 twice as fast, 0 as fast as possible (default 0)",
    )
    sim.add_argument(
        "--rate",
        type=float,
        default=80.0,
        choices=[10.0, 80.0],
        help="samples per second (default 80)",
    )
    sim.add_argument(
        "--student", metavar="NAME", help="record under this student name (default sim-PROFILE)"
    )
    sim.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    sim.set_defaults(handler=cmd_simulate)

    exercises = commands.add_parser(
        "exercises",
        help="list, show and check exercise files",
        description="The technique library: built-in exercises plus your own folder.",
    )
    ex_commands = exercises.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    ex_commands.required = True
    ex_list = ex_commands.add_parser(
        "list", help="list every exercise", description="List every exercise."
    )
    ex_list.set_defaults(handler=cmd_exercises_list)
    ex_show = ex_commands.add_parser(
        "show", help="show one exercise's phases", description="Show one exercise."
    )
    ex_show.add_argument("id", metavar="ID")
    ex_show.set_defaults(handler=cmd_exercises_show)
    ex_check = ex_commands.add_parser(
        "check",
        help="validate exercise files (exit 1 if any is invalid)",
        description="Validate exercise files and print every problem found.",
    )
    ex_check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ex_check.set_defaults(handler=cmd_exercises_check)

    history = commands.add_parser(
        "history",
        help="list recorded sessions",
        description="List recorded sessions, newest first.",
    )
    history.add_argument("--student", metavar="NAME", help="only this student's sessions")
    history.add_argument("--exercise", metavar="ID", help="only this exercise")
    history.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    history.set_defaults(handler=cmd_history)

    export = commands.add_parser(
        "export",
        help="export one session's samples and results",
        description="Export one session: CSV (one row a sample) or JSON (everything).",
    )
    export.add_argument("session_id", type=int, metavar="SESSION_ID")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write here instead of the screen"
    )
    export.set_defaults(handler=cmd_export)

    for module_name in EXTENSIONS:
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        module.register(commands)
    return parser


def subparsers_of(parser: argparse.ArgumentParser) -> Any:
    """The sub-command group of ``parser``, so extensions can add e.g. ``exercises`` actions."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(f"{parser.prog} has no sub-commands")


def open_store(args: argparse.Namespace) -> Any:
    """The records database named by ``--db``, ``$TRAINER_DB`` or the default."""
    from trainer.store import Store, default_db_path

    return Store.open(args.db or default_db_path())


def load_library() -> Any:
    from trainer.exercises import ExerciseLibrary

    return ExerciseLibrary.load()


def find_exercise(exercise_id: str) -> Any:
    """The exercise with this id, or a usage error listing the ids there are."""
    library = load_library()
    try:
        return library.get(exercise_id)
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None


# -- simulate ---------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace) -> int:
    from trainer.sensors.students import PROFILES
    from trainer.session import simulate

    if args.student_profile not in PROFILES:
        raise UsageError(
            f"unknown student profile {args.student_profile!r}; choose one of: "
            + ", ".join(PROFILES)
        )
    if args.speed < 0:
        raise UsageError("--speed must be 0 (as fast as possible) or positive")
    exercise = find_exercise(args.exercise)
    store = open_store(args)
    if args.student:
        # A named student practises with the bands their instructor set for them.
        from trainer.instructor.practice import plan_practice

        exercise = plan_practice(store, exercise, args.student).exercise
    # A closed terminal or a `kill` ends the run like Ctrl+C: samples kept, session incomplete.
    signal.signal(signal.SIGTERM, _interrupt)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _interrupt)
    outcome = simulate(
        store,
        exercise,
        profile=args.student_profile,
        seed=args.seed,
        speed=args.speed,
        rate_hz=args.rate,
        student=args.student,
    )
    result = outcome.result
    if args.json:
        data = {
            "session_id": outcome.session_id,
            "exercise": exercise.id,
            "student_profile": args.student_profile,
            "seed": args.seed,
            "status": outcome.status,
            "samples": outcome.samples,
        } | result.to_dict()
        print(json.dumps(data, indent=2))
        return EXIT_OK
    print(
        f"Session {outcome.session_id}: {exercise.name}, virtual student '{args.student_profile}' "
        f"(seed {args.seed}), {outcome.samples} samples, {outcome.status}"
    )
    print(format_result(result))
    return EXIT_OK


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _n(value: float | None, places: int = 1, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.{places}f}" if signed else f"{value:.{places}f}"


def format_result(result: Any) -> str:
    """A session result as a plain table for the terminal."""
    lines = [
        f"Score {result.score:.0f}/100   time in band {result.time_in_band_pct:.0f}%   "
        f"bias {result.constant_error_n:+.1f} N   consistency (VE) {result.variable_error_n:.1f} N   "
        f"overshoots {result.overshoot_count}",
        "",
        f"{'#':>2}  {'phase':<28} {'band N':>9} {'in band':>7} {'bias N':>7} {'VE N':>5} "
        f"{'CV %':>5} {'reach s':>7} {'over':>4} {'rate N/s':>8} {'score':>5}",
    ]
    for p in result.phases:
        band = f"{p.band_low_n:g}-{p.band_high_n:g}" if p.band_low_n is not None else "-"
        rate = "-"
        if p.ramp_rate_n_per_s is not None:
            rate = f"{p.ramp_rate_n_per_s:.1f}/{p.target_rate_n_per_s:g}"
        lines.append(
            f"{p.index + 1:>2}  {p.name[:28]:<28} {band:>9} {p.time_in_band_pct:>6.0f}% "
            f"{_n(p.constant_error_n, signed=True):>7} {_n(p.variable_error_n):>5} "
            f"{_n(p.steadiness_cv_pct):>5} {_n(p.time_to_band_s):>7} {p.overshoot_count:>4} "
            f"{rate:>8} {_n(p.score, 0):>5}"
        )
    return "\n".join(lines)


# -- exercises -------------------------------------------------------------------------


def cmd_exercises_list(args: argparse.Namespace) -> int:
    from trainer.ui.text import target_summary
    from trainer.units import Unit

    library = load_library()
    print(f"{'id':<24} {'name':<32} {'minutes':>7}  targets")
    for exercise in library.sorted():
        origin = "" if exercise.builtin else "  (yours)"
        print(
            f"{exercise.id:<24} {exercise.name[:32]:<32} {exercise.nominal_s / 60:>7.1f}  "
            f"{target_summary(exercise, Unit.N)}{origin}"
        )
    for error in library.errors:
        print(f"skipped an invalid file:\n{_indent(str(error))}", file=sys.stderr)
    return EXIT_OK


def cmd_exercises_show(args: argparse.Namespace) -> int:
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
    from trainer.exercises import ExerciseError, load_exercise_file

    failed = 0
    for path in args.files:
        try:
            exercise = load_exercise_file(path)
        except ExerciseError as error:
            failed += 1
            count = len(error.problems)
            print(f"{path}: invalid, {count} problem{'s' if count != 1 else ''}:")
            print(_indent(str(error)))
        else:
            print(f"{path}: ok ({exercise.id}, {len(exercise.phases)} phases)")
    return EXIT_FAILED if failed else EXIT_OK


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# -- history and export ----------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    store = open_store(args)
    rows = store.history(student=args.student, exercise_id=args.exercise, limit=args.limit)
    if not rows:
        who = f" for {args.student}" if args.student else ""
        print(f"No sessions recorded{who} yet. Try 'trainer simulate --exercise graded-levels'.")
        return EXIT_OK
    print(
        f"{'id':>5}  {'started (UTC)':<20} {'student':<16} {'exercise':<30} {'status':<10} {'score':>5} {'in band':>7}"
    )
    for row in rows:
        score = f"{row.score:.0f}" if row.score is not None else "-"
        in_band = f"{row.time_in_band_pct:.0f}%" if row.time_in_band_pct is not None else "-"
        print(
            f"{row.id:>5}  {row.started_at[:19].replace('T', ' '):<20} {row.student[:16]:<16} "
            f"{(row.exercise_name or row.exercise_id)[:30]:<30} {row.status:<10} {score:>5} {in_band:>7}"
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from trainer.store import SAMPLE_COLUMNS

    store = open_store(args)
    session = store.session(args.session_id)  # StoreError names `trainer history`
    out: TextIO
    if args.output:
        try:
            out = args.output.open("w", newline="", encoding="utf-8")
        except OSError as error:
            raise CommandFailed(f"cannot write {args.output}: {error.strerror}") from None
    else:
        out = sys.stdout
    try:
        if args.format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(SAMPLE_COLUMNS)
            writer.writerows(store.sample_rows(args.session_id))
        else:
            session["samples"] = store.sample_dicts(args.session_id)
            json.dump(session, out, indent=1)
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if args.output:
        print(f"Session {args.session_id} written to {args.output} ({args.format}).")
    return EXIT_OK


# -- entry point -----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``trainer`` command; return its exit status."""
    from trainer.exercises import ExerciseError
    from trainer.sensors.base import SensorError
    from trainer.store import StoreError

    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as error:
        print(f"{parser.prog} {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (CommandFailed, StoreError, SensorError, ExerciseError) as error:
        print(f"{parser.prog} {args.command}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Stopped. Everything recorded so far is saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""The ``trainer`` command: the parser, the entry point and the list of command groups.

Each command group is a module of this package with ``register(commands)``, which adds
its subcommands (parser and handler) to ``commands``, the top-level sub-parsers:

- practice.py: ``run``, ``simulate``, ``history``, ``export``
- run.py: what ``trainer run`` does (sensor choice, records, the Textual app, saving)
- exercises.py: ``exercises list|show|check|new|edit|copy|delete|restore|import|export``
- hardware.py: ``calibrate``, ``doctor``
- instructor/: ``instructor ...``, one module per subject
- classroom.py: ``class ...``
- common.py: exit codes, errors, the parser class, the records, the library, the PIN

To add a group, write ``trainer/cli/NAME.py`` with a ``register(commands)`` function
(each command through :func:`~trainer.cli.common.add_command`, its help in its handler's
docstring) and add ``"NAME"`` to :data:`GROUPS`: one line. Keep the module cheap to
import (heavy imports inside the handlers): every ``trainer`` invocation registers
every group.

Errors reach the user as one sentence that names the problem and the fix; bad
arguments exit 2, failed checks and unusable files exit 1. No traceback is shown.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from trainer import __version__
from trainer.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    CommandParser,
    Handler,
    UsageError,
    find_exercise,
    load_library,
    open_store,
    subparsers_of,
)
from trainer.safe_text import EscapingStream

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "GROUPS",
    "CommandFailed",
    "UsageError",
    "build_parser",
    "find_exercise",
    "load_library",
    "main",
    "open_store",
    "subparsers_of",
]

#: the command groups, in the order ``trainer --help`` lists them: modules of this package
GROUPS = ("practice", "exercises", "hardware", "instructor", "classroom")


class TrainerParser(CommandParser):
    """The top-level parser: an option written before its command gets a hint where it goes."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(self._argv, namespace)

    def error(self, message: str) -> NoReturn:
        hint = misplaced_option_hint(self, getattr(self, "_argv", []))
        if hint:
            self.exit(EXIT_USAGE, f"{self.prog}: {hint}\n")
        super().error(message)


def misplaced_option_hint(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """``--sim belongs after run: trainer run --sim`` for ``trainer --sim run``, else None.

    Without a command, the hint names the first command (in the order of ``trainer
    --help``) that takes the options: ``--sim`` alone means ``run --sim`` rather than
    ``calibrate --sim``.
    """
    commands = subparsers_of(parser).choices

    def options_of(command: str) -> set[str]:
        tree = (commands[command], *_subcommands(commands[command]))
        return {option for sub in tree for option in sub._option_string_actions}

    position = next((i for i, word in enumerate(argv) if word in commands), len(argv))
    before = [w.split("=")[0] for w in argv[:position] if w.startswith("-")]
    misplaced = [w for w in before if w not in parser._option_string_actions]
    if not misplaced:
        return None
    if position < len(argv):
        command, rest = argv[position], argv[position + 1 :]
    else:
        takers = [c for c in commands if set(misplaced) <= options_of(c)]
        if not takers:
            return None
        command, rest = takers[0], []
    if not set(misplaced) <= options_of(command):
        return None
    fixed = " ".join([parser.prog, command, *argv[:position], *rest])
    verb = "belongs" if len(misplaced) == 1 else "belong"
    return f"{', '.join(misplaced)} {verb} after {command}: {fixed}"


def build_parser() -> argparse.ArgumentParser:
    parser = TrainerParser(
        prog="trainer",
        description="Pressure Trainer: live force feedback for massage and manual-therapy "
        "students, on a Raspberry Pi load cell or simulated on a laptop.",
    )
    parser.add_argument("--version", action="version", version=f"trainer {__version__}")
    add_global_options(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    commands.required = True
    for group in GROUPS:
        importlib.import_module(f"{__name__}.{group}").register(commands)
    # Global options work after the subcommand too (`trainer simulate ... --db FILE`): every
    # subcommand accepts them, and leaves the value given before it alone when not given.
    for subcommand in _subcommands(parser):
        add_global_options(subcommand, default=argparse.SUPPRESS)
    return parser


def add_global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """The options every ``trainer`` command takes, before or after its name."""
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        metavar="FILE",
        help="the records database (default: $TRAINER_DB or trainer.db in your data folder)",
    )


def _subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below ``parser``, each once (aliases share a parser)."""
    try:
        group = subparsers_of(parser)
    except LookupError:
        return []
    unique = {id(sub): sub for sub in group.choices.values()}.values()
    return [found for sub in unique for found in (sub, *_subcommands(sub))]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``trainer`` command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    # Names and texts come from files and the database: show their control characters,
    # never send them to the terminal. (The live screen writes to the terminal itself.)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (EscapingStream(stream) for stream in streams)  # type: ignore[assignment]
    try:
        return _run(parser, handler, args)
    finally:
        sys.stdout, sys.stderr = streams


def _run(parser: argparse.ArgumentParser, handler: Handler, args: argparse.Namespace) -> int:
    from trainer.exercises import ExerciseError
    from trainer.instructor import InstructorError
    from trainer.sensors.base import SensorError
    from trainer.store import StoreError

    try:
        return handler(args)
    except UsageError as error:
        print(f"{parser.prog} {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (CommandFailed, StoreError, SensorError, ExerciseError, InstructorError) as error:
        print(f"{parser.prog} {args.command}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Stopped. Everything recorded so far is saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:
        # A damaged file can fail any query, also the instructor reports' own: one line.
        import sqlite3

        if not isinstance(error, sqlite3.Error):
            raise
        from trainer.store import default_db_path, explain

        print(
            f"{parser.prog} {args.command}: {explain(error, args.db or default_db_path())}",
            file=sys.stderr,
        )
        return EXIT_FAILED

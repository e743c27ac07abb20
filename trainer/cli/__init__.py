"""The ``trainer`` command: the parser, the entry point and the list of command groups.

Each command group is a module of this package with ``register(commands)``, which adds
its subcommands (parser and handler) to ``commands``, the top-level sub-parsers:

- practice.py: ``run``, ``simulate``, ``history``, ``export``
- exercises.py: ``exercises list|show|check|new|edit|copy|delete|restore|import|export``
- hardware.py: ``calibrate``, ``doctor``
- instructor/: ``instructor ...``, one module per subject
- common.py: exit codes, errors, the parser class, the records, the library, the PIN

To add a group (say ``trainer class``), write ``trainer/cli/classroom.py`` with a
``register(commands)`` function and add ``"classroom"`` to :data:`GROUPS`: one line.
Keep the module cheap to import (heavy imports inside the handlers): every ``trainer``
invocation registers every group.

Errors reach the user as one sentence that names the problem and the fix; bad
arguments exit 2, failed checks and unusable files exit 1. No traceback is shown.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

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


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
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

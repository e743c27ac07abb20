"""What every command group shares: exit codes, errors, the parser class, the records,
the library, and the PIN prompt.

Cheap to import: the store, the library and the instructor modules load inside the
functions, when a command runs.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A bad argument value found after parsing (exit 2)."""


class CommandFailed(Exception):
    """The command could not do its work (exit 1); the message says why."""


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def subparsers_of(parser: argparse.ArgumentParser) -> Any:
    """The sub-command group of ``parser``, so extensions can add e.g. ``exercises`` actions."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(f"{parser.prog} has no sub-commands")


def add_command(actions: Any, name: str, handler: Handler) -> argparse.ArgumentParser:
    """Add the (sub)command ``name``, which ``handler`` runs, to ``actions``.

    The handler's docstring is the command's help: its first paragraph the line in the
    list of commands, the rest (if any) what ``--help`` says above the options.
    """
    summary, _, rest = inspect.cleandoc(_docstring(handler)).partition("\n\n")
    parser: argparse.ArgumentParser = actions.add_parser(
        name, help=" ".join(summary.split()), description=" ".join(rest.split()) or None
    )
    parser.set_defaults(handler=handler)
    return parser


def _docstring(handler: Handler) -> str:
    """The handler's docstring; under ``python -OO``, which strips them, read from its source."""
    if handler.__doc__ is not None:
        return handler.__doc__
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(handler))).body[0]
    except (OSError, TypeError, SyntaxError):
        return ""  # no source beside the bytecode: the command is listed without help
    if not isinstance(node, ast.FunctionDef):
        return ""
    return ast.get_docstring(node, clean=False) or ""


def add_actions(parser: argparse.ArgumentParser, dest: str) -> Any:
    """The actions one of which must follow ``parser``'s command (``exercises list|show|...``)."""
    actions = parser.add_subparsers(dest=dest, metavar="ACTION")
    actions.required = True
    return actions


def open_store(args: argparse.Namespace, *, offer_recovery: bool = True) -> Any:
    """The records database named by ``--db``, ``$TRAINER_DB`` or the default.

    Samples a full disk kept in recovery files are offered for import, once a command.
    """
    from trainer.store import Store, default_db_path, recover_command

    store = Store.open(args.db or default_db_path())
    if offer_recovery and not store.readonly:
        files = store.recovery_files()
        if files:
            where = ", ".join(str(path) for path in files)
            print(
                f"trainer: {len(files)} session(s) have samples that a full disk kept in "
                f"{where}; run '{recover_command(store.path)}' to add them to the records",
                file=sys.stderr,
            )
    return store


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


#: the largest id SQLite stores (a larger one is no session, never an OverflowError)
MAX_ID = 2**63 - 1


def whole_number(low: int = 1, high: int = MAX_ID) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``, else a usage error.

    For ids and counts: ``--limit -5`` or a 30-digit session id is refused in one line
    (an id beyond SQLite's range was an OverflowError).
    """

    def parse(text: str) -> int:
        digits = text.strip().lstrip("+-")
        shown = text
        if len(text) > 20:
            shown = f"a number of {len(digits)} digits" if digits.isdigit() else "that value"
        try:
            value = int(text) if len(digits) <= 40 else None  # int() refuses 4300 digits
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown} is not a whole number") from None
        if value is None and not digits.isdigit():
            raise argparse.ArgumentTypeError(f"{shown} is not a whole number")
        too_large = not text.strip().startswith("-") if value is None else value > high
        if high == MAX_ID and too_large:
            raise argparse.ArgumentTypeError(f"{shown} is too large to be an id")
        if value is None or not low <= value <= high:
            wanted = f"from {low} to {high}" if high < MAX_ID else f"of at least {low}"
            raise argparse.ArgumentTypeError(f"{shown} is out of range: give a number {wanted}")
        return value

    parse.__name__ = "whole number"  # what argparse calls it in its own messages
    return parse


def number(value: float | None, places: int = 1, signed: bool = False) -> str:
    """``value`` with ``places`` decimals (and a sign if ``signed``); ``-`` for none."""
    if value is None:
        return "-"
    return f"{value:+.{places}f}" if signed else f"{value:.{places}f}"


def indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def write_out(path: Path | None, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` (never over a file unless ``force``), or to the screen."""
    from trainer.safe_files import OutputExists, OutputFailed, write_file

    if path is None:
        sys.stdout.write(text)
        return
    try:
        write_file(path, text, force=force)
    except (OutputExists, OutputFailed) as error:
        raise CommandFailed(str(error)) from None


def add_force_option(parser: argparse.ArgumentParser) -> None:
    """``--force``: let ``--output`` replace a file that is already there."""
    parser.add_argument(
        "--force", action="store_true", help="replace the --output file if it exists"
    )


def read_secret(prompt: str) -> str | None:
    """A PIN: from the terminal without echo, or one line of standard input."""
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


def require_pin(store: Any, what: str) -> None:
    """Ask for the PIN if one is set; raise with a sentence when it is wrong."""
    from trainer.instructor.pin import PinGuard

    guard = PinGuard(store)
    if not guard.is_set:
        return
    guard.require(read_secret(f"Instructor PIN to {what}: "))


ASSESSMENTS_HELP = (
    "include assessment sessions (their results are the instructor's: asks for the PIN)"
)


def add_assessments_option(parser: argparse.ArgumentParser) -> None:
    """``--assessments``: show assessment results too, after the instructor PIN."""
    parser.add_argument("--assessments", action="store_true", help=ASSESSMENTS_HELP)


def assessments_allowed(store: Any, args: argparse.Namespace) -> bool:
    """True when ``--assessments`` was given and the PIN (if one is set) is right."""
    if not getattr(args, "assessments", False):
        return False
    require_pin(store, "see assessment results")
    return True


def hidden_assessments_note(count: int) -> str:
    """The line saying how many assessment sessions a listing left out, and how to see them."""
    return (
        f"{count} assessment session(s) not shown: their results are for the instructor "
        "(add --assessments; asks for the PIN)."
    )


def add_class_file_option(parser: argparse.ArgumentParser | Any, what: str, **kw: Any) -> None:
    """Add ``--class FILE``: a class's file (a station's, or the hub's hub.toml) for ``what``."""
    parser.add_argument("--class", dest="class_file", type=Path, metavar="FILE", help=what, **kw)


def add_sensor_option(parser: argparse.ArgumentParser | Any, what: str) -> None:
    """Add ``--sensor NAME``: read the load cell through this backend, not the config's."""
    from trainer.sensors import LOAD_CELL_NAMES

    parser.add_argument(
        "--sensor",
        choices=LOAD_CELL_NAMES,
        metavar="NAME",
        help=f"{what} through this backend instead of the config file's [sensor] backend: "
        f"{', '.join(LOAD_CELL_NAMES)} (hx711 = hx711-gpio)",
    )

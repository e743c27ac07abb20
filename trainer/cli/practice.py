"""``trainer run``: the live practice UI on the command line (cheap to import).

Textual, the store and the sensors are imported inside :func:`cmd_run`, so every other
``trainer`` command starts as fast as before.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

UNITS = ("N", "kgf", "lbf")


def register(subparsers: Any) -> None:
    """Add ``run`` to the ``trainer`` command."""
    run = subparsers.add_parser(
        "run",
        help="practise live: pick an exercise, press the pad, see the debrief",
        description="The live trainer: a technique library, live feedback while you press "
        "and a debrief afterwards. Uses the calibrated load cell, or --sim for a simulated "
        "pad you press with the keyboard and mouse.",
    )
    source = run.add_mutually_exclusive_group()
    source.add_argument(
        "--sim", action="store_true", help="simulated pad: press with the arrow and number keys"
    )
    source.add_argument(
        "--sensor",
        choices=["hx711"],
        help="use this load cell backend (default: hx711 if calibrated, else offer --sim)",
    )
    run.add_argument("--exercise", metavar="ID", help="open this exercise straight away")
    run.add_argument("--student", metavar="NAME", help="your name, for your records")
    run.add_argument(
        "--units",
        type=str.lower,
        default="n",
        choices=[u.lower() for u in UNITS],
        metavar="N|kgf|lbf",
        help="show forces in N (default), kgf or lbf",
    )
    run.add_argument("--bell", action="store_true", help="ring the terminal bell on cues")
    run.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from trainer.ui.launch import run_app

    return run_app(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: trainer run")

"""``trainer instructor ...``: one module per subject.

- roster.py: ``set-pin``, ``clear-pin``, ``students``, ``classes``
- targets.py: ``bands``, ``schedule``
- assessment.py: ``pass-mark``, ``assessment``
- reports.py: ``review``, ``overview``, ``export-class``, ``report``

Cheap to import: the store, the instructor modules and everything heavy are imported
inside the handlers. Actions that change exercises, bands, schedules or pass marks, and
reading assessment results, ask for the instructor PIN once one is set (``set-pin``);
students practise without it. The PIN is read from the terminal without echo, or as
one line on standard input when there is no terminal.
"""

from __future__ import annotations

from typing import Any

from trainer.cli.common import add_actions
from trainer.cli.instructor import assessment, reports, roster, targets

SUBJECTS = (roster, targets, assessment, reports)


def register(commands: Any) -> None:
    """Add ``trainer instructor`` and the actions of every subject."""
    inst = commands.add_parser(
        "instructor",
        help="classes, students, target bands, feedback schedules, assessment, review and export",
        description="Instructor tools. Changes ask for the instructor PIN once one is set.",
    )
    actions = add_actions(inst, "instructor_command")
    for subject in SUBJECTS:
        subject.register(actions)

"""``trainer instructor set-pin|clear-pin|students|classes``: the PIN and the roster."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trainer.cli.common import (
    CommandFailed,
    add_actions,
    add_command,
    open_store,
    read_secret,
    require_pin,
)

#: what ``students rename|archive|unarchive`` say when done (from the parsed arguments)
_STUDENT_CHANGES = {
    "rename": "Renamed {old} to {new}; their sessions moved with them.",
    "archive": "Archived {name}: hidden from lists, every session kept.",
    "unarchive": "{name} is back in the lists.",
}
#: the same for ``classes``
_CLASS_CHANGES = {
    "rename": "Renamed class {old} to {new}.",
    "archive": "Archived class {name}: its students and sessions are kept.",
    "unarchive": "Class {name} is back in the lists.",
}


def register(actions: Any) -> None:
    """Add the PIN and roster actions to ``trainer instructor``."""
    add_command(actions, "set-pin", cmd_set_pin)
    add_command(actions, "clear-pin", cmd_clear_pin)

    students = add_command(actions, "students", cmd_students)
    st = add_actions(students, "students_action")
    p = st.add_parser("list", help="list students")
    p.add_argument("--archived", action="store_true", help="include archived students")
    p.add_argument("--class", dest="class_name", metavar="NAME", help="only this class")
    p = st.add_parser("add", help="add students")
    p.add_argument("names", nargs="+", metavar="NAME")
    p = st.add_parser(
        "import",
        help="add the students of a CSV class list",
        description="Add the students of a CSV class list (one a row: a 'name' column, or "
        "'first name' and 'last name', and an optional 'class' column; without a header the "
        "first column is the name, the second the class). Nothing is added if a row is bad.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--class", dest="class_name", metavar="NAME", help="put every student in this class"
    )
    p = st.add_parser(
        "contact",
        help="show or set what a student presses with (for kPa)",
        description="Show or set a student's contact: thumb, knuckle, elbow or tool, "
        "optionally with its area in cm² ('thumb 2.6'); 'none' clears it. Reports in kPa "
        "divide the force by this area (an exercise's own contact of another kind wins).",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("contact", nargs="*", metavar="CONTACT")
    _add_rename_and_archive(st, "student", " (sessions are kept)")

    classes = add_command(actions, "classes", cmd_classes)
    cl = add_actions(classes, "classes_action")
    p = cl.add_parser("list", help="list classes and their students")
    p.add_argument("--archived", action="store_true", help="include archived classes")
    p = cl.add_parser("add", help="add a class")
    p.add_argument("name", metavar="NAME")
    _add_rename_and_archive(cl, "class")
    for action, text in (
        ("enrol", "put students in a class"),
        ("remove", "take students out of a class"),
    ):
        p = cl.add_parser(action, help=text)
        p.add_argument("name", metavar="CLASS")
        p.add_argument("students", nargs="+", metavar="STUDENT")
        if action == "enrol":
            p.add_argument(
                "--add",
                action="store_true",
                help="add students not yet on the roster (otherwise a misspelt name is refused)",
            )


# -- PIN --------------------------------------------------------------------------------


def cmd_set_pin(args: argparse.Namespace) -> int:
    """set or change the instructor PIN

    Set or change the instructor PIN (4-12 digits, stored as a salted hash).
    """
    from trainer.instructor.pin import PinGuard, check_pin_format

    store = open_store(args)
    guard = PinGuard(store)
    if guard.is_set:
        guard.require(read_secret("Current instructor PIN: "))
    first = read_secret("New PIN (4-12 digits): ")
    if first is None:
        raise CommandFailed("no PIN was given: type one when asked")
    check_pin_format(first)
    second = read_secret("The new PIN again: ")
    if second != first:
        raise CommandFailed("the two PINs differ: run 'trainer instructor set-pin' again")
    guard.set_pin(first)
    print("Instructor PIN set. Editing, deleting and assessment results now ask for it.")
    return 0


def cmd_clear_pin(args: argparse.Namespace) -> int:
    """remove the instructor PIN

    Remove the instructor PIN (needs the PIN).
    """
    from trainer.instructor.pin import PinGuard

    store = open_store(args)
    require_pin(store, "remove the PIN")
    PinGuard(store).clear()
    print("Instructor PIN removed: editing is open to everyone at this station.")
    return 0


# -- students and classes -----------------------------------------------------------


def cmd_students(args: argparse.Namespace) -> int:
    """list, add, rename, archive students

    Students: list, add, rename, archive (sessions are never deleted).
    """
    from trainer.instructor import InstructorError
    from trainer.instructor.roster import Roster

    store = open_store(args)
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
        added, refused = [], []
        for name in args.names:
            try:
                roster.add_student(name, existing_ok=False)
            except InstructorError as error:
                refused.append(str(error))
            else:
                added.append(name.strip())
        if added:
            print(f"Added {', '.join(added)}.")
        for reason in refused:
            print(f"trainer instructor students add: {reason}", file=sys.stderr)
        return 1 if refused else 0
    if action == "contact":
        return _student_contact(store, args)
    require_pin(store, "change the roster")
    if action == "import":
        from trainer.instructor.roster_import import import_roster

        for line in import_roster(store, args.file, class_name=args.class_name).summary():
            print(line)
        return 0
    if action in _STUDENT_CHANGES:
        _rename_or_archive(args, action, roster.rename_student, roster.archive_student)
        print(_STUDENT_CHANGES[action].format_map(vars(args)))
    return 0


def _add_rename_and_archive(actions: Any, thing: str, note: str = "") -> None:
    """``rename OLD NEW``, ``archive NAME`` and ``unarchive NAME``, done by _rename_or_archive."""
    p = actions.add_parser("rename", help=f"rename a {thing}")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    for action in ("archive", "unarchive"):
        p = actions.add_parser(action, help=f"{action} a {thing}{note}")
        p.add_argument("name", metavar="NAME")


def _rename_or_archive(
    args: argparse.Namespace,
    action: str,
    rename: Callable[[str, str], None],
    archive: Callable[..., None],
) -> None:
    if action == "rename":
        rename(args.old, args.new)
    else:
        archive(args.name, archived=action == "archive")


def _student_contact(store: Any, args: argparse.Namespace) -> int:
    from trainer.cli.common import UsageError
    from trainer.instructor.contacts import StudentContacts
    from trainer.units import parse_contact

    contacts = StudentContacts(store)
    text = " ".join(args.contact).strip()
    if not text:
        contacts.roster.student_id(args.name)  # a clear error for an unknown name
        contact = contacts.get(args.name)
        print(f"{args.name}: {contact.describe() if contact else 'no contact set'}")
        return 0
    require_pin(store, "change the roster")
    if text.lower() == "none":
        contacts.set(args.name, None)
        print(f"{args.name}: contact cleared.")
        return 0
    try:
        contact = parse_contact(text)
    except ValueError as error:
        raise UsageError(str(error)) from None
    contacts.set(args.name, contact)
    print(f"{args.name} presses with: {contact.describe()}.")
    return 0


def cmd_classes(args: argparse.Namespace) -> int:
    """list, add, rename, archive classes; enrol students

    Classes and who is in them.
    """
    from trainer.instructor.roster import Roster

    store = open_store(args)
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
    require_pin(store, "change the roster")
    if action == "add":
        roster.add_class(args.name)
        print(
            f"Added class {args.name}. Put students in it with 'trainer instructor classes enrol'."
        )
    elif action in _CLASS_CHANGES:
        _rename_or_archive(args, action, roster.rename_class, roster.archive_class)
        print(_CLASS_CHANGES[action].format_map(vars(args)))
    elif action == "enrol":
        for student in args.students:
            roster.enrol(args.name, student, add_new=args.add)
        print(f"{', '.join(args.students)} now in {args.name}.")
    elif action == "remove":
        for student in args.students:
            roster.unenrol(args.name, student)
        print(f"{', '.join(args.students)} taken out of {args.name} (their sessions are kept).")
    return 0

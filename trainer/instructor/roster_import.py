"""Importing a class list from a CSV file (as a spreadsheet or the school's system exports it).

The file has one student a row. With a header row, the name is in a column called
``name``, ``student`` or ``student name`` (or ``first name`` and ``last name``), and an
optional ``class`` (or ``group``) column puts each student in a class; without a header
the first column is the name and the second, if any, the class. Commas, semicolons and
tabs all work as separators; a UTF-8 byte-order mark (Excel) is fine.

Every row is checked before anything is written: one bad name refuses the whole file,
naming its line. Students already on the roster are kept (and put in their class);
classes that do not exist yet are created.

Example::

    report = import_roster(store, Path("monday.csv"), class_name="Monday")
    print(report.summary())
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from trainer.instructor import InstructorError
from trainer.instructor.roster import Roster
from trainer.instructor.roster import _clean as _checked_name
from trainer.store import Store

NAME_COLUMNS = ("name", "student", "student name", "full name")
CLASS_COLUMNS = ("class", "group", "class name")
#: a class list bigger than this is not a class list
MAX_ROWS = 2000
MAX_BYTES = 1_000_000


@dataclass
class RosterImport:
    """What an import did."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    enrolled: dict[str, list[str]] = field(default_factory=dict)
    new_classes: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """The report as lines for the screen."""
        lines = [f"Added {len(self.added)} student(s)" + _names(self.added) + "."]
        if self.already:
            lines.append(f"{len(self.already)} already on the roster" + _names(self.already) + ".")
        for name in self.new_classes:
            lines.append(f"New class {name}.")
        for class_name, students in self.enrolled.items():
            lines.append(f"{class_name}: {len(students)} student(s) enrolled.")
        if self.repeated:
            lines.append("Listed more than once (added once): " + ", ".join(self.repeated) + ".")
        return lines


def _names(names: list[str], shown: int = 8) -> str:
    if not names:
        return ""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ": " + ", ".join(names[:shown]) + more


def read_roster_csv(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, name, class or None) for every student row; raises naming every bad line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InstructorError(f"there is no file {path}: check the path") from None
    except OSError as error:
        raise InstructorError(f"cannot read {path} ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise InstructorError(f"{path} is over {MAX_BYTES // 1000} kB: is it a class list?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InstructorError(
            f"{path} is not UTF-8 text: save it from the spreadsheet as 'CSV UTF-8'"
        ) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    rows = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
        if any(cell.strip() for cell in row)
    ]
    if not rows:
        raise InstructorError(f"{path} has no students in it")
    if len(rows) > MAX_ROWS:
        raise InstructorError(f"{path} has over {MAX_ROWS} rows: is it a class list?")
    header = [cell.lower() for cell in rows[0][1]]
    name_at: list[int]
    class_at: int | None
    if any(cell in (*NAME_COLUMNS, "first name", "last name") for cell in header):
        rows = rows[1:]
        if any(cell in NAME_COLUMNS for cell in header):
            name_at = [next(i for i, c in enumerate(header) if c in NAME_COLUMNS)]
        else:
            name_at = [i for i, c in enumerate(header) if c in ("first name", "last name")]
        class_at = next((i for i, c in enumerate(header) if c in CLASS_COLUMNS), None)
        width = len(header)
    else:
        name_at, class_at, width = [0], 1, 2
    if not rows:
        raise InstructorError(f"{path} has a header but no students under it")
    students: list[tuple[int, str, str | None]] = []
    problems: list[str] = []
    for number, cells in rows:
        left_over = [cell for cell in cells[width:] if cell]
        if left_over:
            # 'Gus, Hana' unquoted: Hana would be dropped (or taken for a class) unseen.
            problems.append(
                f"line {number} has more cells than the {width} column(s) expected "
                f"({', '.join(map(repr, left_over))} left over): put one student on each row"
            )
            continue
        name = " ".join(cells[i] for i in name_at if i < len(cells) and cells[i])
        group = cells[class_at] if class_at is not None and class_at < len(cells) else ""
        try:
            checked = _checked_name(name, "student")
            klass = _checked_name(group, "class") if group else None
        except InstructorError as error:
            problems.append(f"line {number}: {error}")
            continue
        students.append((number, checked, klass))
    if problems:
        shown = problems[:5] + ([f"and {len(problems) - 5} more"] if len(problems) > 5 else [])
        raise InstructorError(f"{path} was not imported (nothing changed): " + "; ".join(shown))
    return students


def import_roster(store: Store, path: Path, *, class_name: str | None = None) -> RosterImport:
    """Add the students of a CSV class list, each into their class (or ``class_name``)."""
    rows = read_roster_csv(path)
    roster = Roster(store)
    if class_name is not None:
        class_name = _checked_name(class_name, "class")
    known_classes = {name.casefold(): name for name in roster.db_names("classes")}
    known_students = {name.casefold() for name in roster.db_names("students")}
    report = RosterImport()
    seen: set[str] = set()
    for _, name, klass in rows:
        target = class_name or klass
        if target is not None and target.casefold() not in known_classes:
            roster.add_class(target)
            known_classes[target.casefold()] = target
            report.new_classes.append(target)
        key = name.casefold()
        if key in seen:
            if name not in report.repeated:
                report.repeated.append(name)
        else:
            seen.add(key)
            (report.already if key in known_students else report.added).append(name)
            roster.add_student(name, listed=True)
        if target is not None:
            target = known_classes[target.casefold()]
            roster.enrol(target, name)
            enrolled = report.enrolled.setdefault(target, [])
            if name not in enrolled:
                enrolled.append(name)
    return report

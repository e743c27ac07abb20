"""Students and classes: add, rename, archive. Recorded sessions are never deleted.

Example::

    roster = Roster(store)
    roster.add_class("Monday group")
    roster.enrol("Monday group", "Ana")
    roster.archive_student("Ana")   # hidden from lists, sessions kept
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from trainer.instructor import InstructorError
from trainer.safe_text import check_name, printable
from trainer.store import Store, timestamp_now

#: the roster's tables (the only names put into its SQL)
_TABLES = ("students", "classes")
#: whom a band override or a feedback schedule is for
SCOPES = ("class", "student")


@dataclass(frozen=True, slots=True)
class StudentInfo:
    """One student as the roster lists them."""

    id: int
    name: str
    archived: bool
    classes: tuple[str, ...]
    sessions: int


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """One class and who is in it."""

    id: int
    name: str
    archived: bool
    students: tuple[str, ...]


class Roster:
    """Queries and changes on students and classes, over an open :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # -- students ---------------------------------------------------------------------
    def student_id(self, name: str) -> int:
        """The id of an existing student; a clear error naming the known students otherwise."""
        return self._id(
            "students",
            name,
            f"there is no student called {name!r}: add them with "
            "'trainer instructor students add NAME'",
        )

    def db_names(self, table: str) -> list[str]:
        assert table in _TABLES
        return [r[0] for r in self.db.execute(f"SELECT name FROM {table} ORDER BY name")]

    def _id(self, table: str, name: str, missing: str) -> int:
        """The id of the row called ``name``, or the error ``missing`` naming those there are."""
        assert table in _TABLES
        row = self.db.execute(f"SELECT id FROM {table} WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            known = ", ".join(self.db_names(table)) or "none yet"
            raise InstructorError(f"{missing} ({table}: {known})")
        return int(row[0])

    def _rename(self, table: str, what: str, row_id: int, new: str) -> None:
        assert table in _TABLES
        new = _clean(new, what)
        try:
            with self.db:
                self.db.execute(f"UPDATE {table} SET name = ? WHERE id = ?", (new, row_id))
        except sqlite3.IntegrityError:
            raise _name_taken(what, new) from None

    def _set_archived(self, table: str, row_id: int, archived: bool) -> None:
        assert table in _TABLES
        with self.db:
            self.db.execute(
                f"UPDATE {table} SET archived = ? WHERE id = ?", (int(archived), row_id)
            )

    def add_student(self, name: str, *, existing_ok: bool = True, listed: bool = False) -> int:
        """Add a student (an archived one of that name is brought back).

        With ``existing_ok=False`` a student already on the roster is an error that
        says so, for an instructor who meant to add someone new. A new name with a comma
        is refused as several students, unless it is ``listed`` (a cell of a class list:
        "Lee, Max" quoted is one student); a student of that name already (typed on the
        home screen, say) is found as any other.
        """
        name = _clean(name, "student")
        row = self.db.execute(
            "SELECT id, archived, name FROM students WHERE name = ?", (name,)
        ).fetchone()
        if row is not None and not existing_ok and not row[1]:
            raise InstructorError(f"{row[2]!r} is already a student: nothing to add")
        if row is not None:
            self._set_archived("students", row[0], False)
            return int(row[0])
        if not listed:
            _one_student(name)
        return self.store.student_id(name)

    def rename_student(self, old: str, new: str) -> None:
        """Rename a student; their sessions follow them."""
        self._rename("students", "student", self.student_id(old), new)

    def archive_student(self, name: str, archived: bool = True) -> None:
        """Hide a student from lists (``archived=False`` brings them back); sessions stay."""
        self._set_archived("students", self.student_id(name), archived)

    def students(
        self, *, include_archived: bool = False, class_name: str | None = None
    ) -> list[StudentInfo]:
        """Students by name, with their classes and session counts."""
        query = (
            "SELECT st.id, st.name, st.archived, "
            "(SELECT group_concat(c.name, '\x1f') FROM class_members m "
            " JOIN classes c ON c.id = m.class_id WHERE m.student_id = st.id), "
            "(SELECT COUNT(*) FROM sessions s WHERE s.student_id = st.id) "
            "FROM students st WHERE 1 = 1"
        )
        params: list[object] = []
        if not include_archived:
            query += " AND st.archived = 0"
        if class_name is not None:
            query += " AND st.id IN (SELECT student_id FROM class_members WHERE class_id = ?)"
            params.append(self.class_id(class_name))
        query += " ORDER BY st.name COLLATE NOCASE"
        return [
            StudentInfo(
                id=row[0],
                name=row[1],
                archived=bool(row[2]),
                classes=tuple(sorted(row[3].split("\x1f"))) if row[3] else (),
                sessions=row[4],
            )
            for row in self.db.execute(query, params)
        ]

    def owner_id(self, scope: str, owner: str) -> int:
        """The id of the class or student (``scope``) a setting is stored for."""
        if scope == "class":
            return self.class_id(owner)
        if scope == "student":
            return self.student_id(owner)
        raise InstructorError(f"scope {scope!r} is not known: use 'class' or 'student'")

    # -- classes ----------------------------------------------------------------------
    def class_id(self, name: str) -> int:
        return self._id(
            "classes",
            name,
            f"there is no class called {name!r}: add it with 'trainer instructor classes add NAME'",
        )

    def add_class(self, name: str) -> int:
        name = _clean(name, "class")
        try:
            with self.db:
                cursor = self.db.execute(
                    "INSERT INTO classes (name, created_at) VALUES (?, ?)", (name, timestamp_now())
                )
        except sqlite3.IntegrityError:
            raise _name_taken("class", name) from None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def rename_class(self, old: str, new: str) -> None:
        self._rename("classes", "class", self.class_id(old), new)

    def archive_class(self, name: str, archived: bool = True) -> None:
        """Hide a class from lists; its members and their sessions stay."""
        self._set_archived("classes", self.class_id(name), archived)

    def enrol(self, class_name: str, student: str, *, add_new: bool = True) -> None:
        """Put a student in a class, adding the student if new (unless ``add_new`` is off)."""
        class_id = self.class_id(class_name)
        if not add_new:
            try:
                self.student_id(student)
            except InstructorError:
                raise InstructorError(
                    f"there is no student called {printable(student.strip())!r}: check the "
                    f"spelling, or add them first with 'trainer instructor students add NAME' "
                    "(or enrol with --add)"
                ) from None
        student_id = self.add_student(student)
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO class_members VALUES (?, ?)", (class_id, student_id)
            )

    def unenrol(self, class_name: str, student: str) -> None:
        class_id = self.class_id(class_name)
        student_id = self.student_id(student)
        with self.db:
            self.db.execute(
                "DELETE FROM class_members WHERE class_id = ? AND student_id = ?",
                (class_id, student_id),
            )

    def classes(self, *, include_archived: bool = False) -> list[ClassInfo]:
        query = "SELECT id, name, archived FROM classes"
        if not include_archived:
            query += " WHERE archived = 0"
        query += " ORDER BY name COLLATE NOCASE"
        out = []
        for class_id, name, archived in self.db.execute(query).fetchall():
            members = tuple(
                r[0]
                for r in self.db.execute(
                    "SELECT st.name FROM class_members m JOIN students st ON st.id = m.student_id "
                    "WHERE m.class_id = ? AND st.archived = 0 ORDER BY st.name COLLATE NOCASE",
                    (class_id,),
                )
            )
            out.append(ClassInfo(class_id, name, bool(archived), members))
        return out

    def classes_of(self, student: str) -> list[int]:
        """Ids of the (unarchived) classes a student is in, oldest class first."""
        student_id = self.student_id(student)
        return [
            r[0]
            for r in self.db.execute(
                "SELECT c.id FROM class_members m JOIN classes c ON c.id = m.class_id "
                "WHERE m.student_id = ? AND c.archived = 0 ORDER BY c.id",
                (student_id,),
            )
        ]


def _name_taken(what: str, name: str) -> InstructorError:
    return InstructorError(f"there is already a {what} called {name!r}: choose another name")


def _clean(name: str, what: str) -> str:
    if not name.strip():
        raise InstructorError(f"a {what} needs a name: give one in quotes")
    try:
        name = check_name(name, f"a {what}'s name")
    except ValueError as error:
        raise InstructorError(str(error)) from None
    return name


def _one_student(name: str) -> None:
    """Refuse a typed new name with a comma: 'Gus, Hana' is most likely two students."""
    if "," in name:
        parts = " ".join(repr(part.strip()) for part in name.split(",") if part.strip())
        raise InstructorError(
            f"{name!r} looks like several students: add each as its own name, "
            f"e.g. 'trainer instructor students add {parts}'"
        )

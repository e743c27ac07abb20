"""The contact each student presses with, for showing force per area (kPa).

An exercise may say what presses the pad (``contact = "tool 0.8"`` in its file); a
student may have their own contact (their thumb's area, or an elbow). When both are
set, the student's counts if it is the same kind as the exercise's (their own thumb for
a thumb exercise), else the exercise's (an algometer tool is the tool for everyone).

Example::

    contacts = StudentContacts(store)
    contacts.set("Ana", parse_contact("thumb 2.6"))
    exercise = contacts.apply(exercise, "Ana")      # exercise.contact is Ana's thumb
"""

from __future__ import annotations

import json
from dataclasses import replace

from trainer.exercises import Exercise
from trainer.instructor.roster import Roster
from trainer.store import Store
from trainer.units import Contact


class StudentContacts:
    """Reads and writes the students' contacts in the records."""

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self.roster = Roster(store)

    def set(self, student: str, contact: Contact | None) -> None:
        """Store (or with None clear) the student's contact."""
        student_id = self.roster.student_id(student)
        value = (
            None
            if contact is None
            else json.dumps({"kind": contact.kind, "area_cm2": contact.area_cm2})
        )
        with self.db:
            self.db.execute(
                "UPDATE students SET contact_json = ? WHERE id = ?", (value, student_id)
            )

    def get(self, student: str) -> Contact | None:
        """The student's contact, None if not set (or unknown, or unreadable)."""
        row = self.db.execute(
            "SELECT contact_json FROM students WHERE name = ?", (student.strip(),)
        ).fetchone()
        if row is None or not row[0]:
            return None
        try:
            data = json.loads(row[0])
            return Contact(str(data["kind"]), float(data["area_cm2"]))
        except (ValueError, KeyError, TypeError):
            return None

    def apply(self, exercise: Exercise, student: str) -> Exercise:
        """The exercise with the contact in force for this student (see the module notes)."""
        own = self.get(student)
        if own is None:
            return exercise
        if exercise.contact is not None and exercise.contact.kind != own.kind:
            return exercise
        return replace(exercise, contact=own)

"""Band overrides per class and per student, inherited built-in -> class -> student.

An override names an exercise and a *target*: a level from the exercise's ``[levels]``
(every phase using that level follows it) or one phase, ``phase 3`` (1-based, after
repeats are expanded). A student's override beats their class's, which beats the
exercise file.

Example::

    targets = BandTargets(store)
    targets.set("class", "Monday group", "graded-levels", "deep", 40, 60)
    targets.set("student", "Ana", "graded-levels", "deep", 35, 50)
    exercise = targets.apply(exercise, student="Ana")   # deep is 35-50 N for Ana
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from trainer.exercises import DEFAULT_CAPACITY_N, MIN_BAND_WIDTH_N, Exercise, TargetBand
from trainer.instructor import InstructorError
from trainer.instructor.roster import Roster
from trainer.store import Store, timestamp_now

_PHASE_TARGET = re.compile(r"^phase\s*(\d+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Override:
    """One stored band override."""

    scope: str  # "class" or "student"
    owner: str  # the class or student name
    exercise_id: str
    target: str  # a level name or "phase N"
    band: TargetBand


@dataclass(frozen=True, slots=True)
class PhaseTarget:
    """How one phase's band is decided: each layer, and which one wins."""

    index: int
    name: str
    builtin: TargetBand | None
    class_band: TargetBand | None
    class_name: str | None
    student_band: TargetBand | None
    effective: TargetBand | None

    @property
    def source(self) -> str:
        """``built-in``, ``class <name>`` or ``student``: where the band in force comes from."""
        if self.student_band is not None:
            return "student"
        if self.class_band is not None:
            return f"class {self.class_name}"
        return "built-in"


def normalise_target(exercise: Exercise, target: str) -> str:
    """Check a target names a level or a scored phase of ``exercise``; return its canonical form."""
    target = target.strip()
    match = _PHASE_TARGET.match(target)
    if match:
        number = int(match.group(1))
        if not 1 <= number <= len(exercise.phases) or exercise.phases[number - 1].band is None:
            raise InstructorError(
                f"{exercise.id} has no phase {number} with a band: choose a phase from 1 to "
                f"{len(exercise.phases)} shown by 'trainer exercises show {exercise.id}'"
            )
        return f"phase {number}"
    if target in exercise.levels:
        return target
    levels = ", ".join(sorted(exercise.levels)) or "none"
    raise InstructorError(
        f"{target!r} is not a level or phase of {exercise.id}: use a level ({levels}) or 'phase N'"
    )


def check_band(low_n: float, high_n: float, capacity_n: float = DEFAULT_CAPACITY_N) -> TargetBand:
    """A valid band, or an error that says which bound is wrong."""
    if not (0 <= low_n < high_n <= capacity_n):
        raise InstructorError(
            f"a band {low_n:g}-{high_n:g} N is not valid: give low then high, with "
            f"0 <= low < high <= {capacity_n:g} N"
        )
    if high_n - low_n < MIN_BAND_WIDTH_N:  # as an exercise file's bands: none can be held
        raise InstructorError(
            f"a band {low_n:g}-{high_n:g} N is too narrow to hold: make it at least "
            f"{MIN_BAND_WIDTH_N:g} N wide"
        )
    return TargetBand(float(low_n), float(high_n))


class BandTargets:
    """Reads, writes and applies band overrides stored in a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self.roster = Roster(store)

    def set(
        self, scope: str, owner: str, exercise: Exercise, target: str, low_n: float, high_n: float
    ) -> Override:
        """Store (or replace) an override; the band and target are checked first."""
        owner_id = self.roster.owner_id(scope, owner)
        key = normalise_target(exercise, target)
        band = check_band(low_n, high_n)
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO band_overrides VALUES (?, ?, ?, ?, ?, ?, ?)",
                (scope, owner_id, exercise.id, key, band.low_n, band.high_n, timestamp_now()),
            )
        return Override(scope, owner, exercise.id, key, band)

    def clear(self, scope: str, owner: str, exercise_id: str, target: str | None = None) -> int:
        """Remove one override (or all for the exercise); return how many went."""
        owner_id = self.roster.owner_id(scope, owner)
        query = "DELETE FROM band_overrides WHERE scope = ? AND scope_id = ? AND exercise_id = ?"
        params: list[object] = [scope, owner_id, exercise_id]
        if target is not None:
            query += " AND target = ?"
            match = _PHASE_TARGET.match(target.strip())
            params.append(f"phase {int(match.group(1))}" if match else target.strip())
        with self.db:
            return self.db.execute(query, params).rowcount

    def overrides(self, exercise_id: str | None = None) -> list[Override]:
        """Every override, by exercise, scope and owner."""
        query = (
            "SELECT o.scope, COALESCE(c.name, st.name), o.exercise_id, o.target, o.low_n, o.high_n "
            "FROM band_overrides o "
            "LEFT JOIN classes c ON o.scope = 'class' AND c.id = o.scope_id "
            "LEFT JOIN students st ON o.scope = 'student' AND st.id = o.scope_id"
        )
        params: list[object] = []
        if exercise_id is not None:
            query += " WHERE o.exercise_id = ?"
            params.append(exercise_id)
        query += " ORDER BY o.exercise_id, o.scope, 2, o.target"
        return [
            Override(r[0], r[1] or "?", r[2], r[3], TargetBand(r[4], r[5]))
            for r in self.db.execute(query, params)
        ]

    def _layer(self, scope: str, owner_id: int, exercise_id: str) -> dict[str, TargetBand]:
        return {
            target: TargetBand(low, high)
            for target, low, high in self.db.execute(
                "SELECT target, low_n, high_n FROM band_overrides "
                "WHERE scope = ? AND scope_id = ? AND exercise_id = ?",
                (scope, owner_id, exercise_id),
            )
        }

    def explain(
        self, exercise: Exercise, *, student: str | None = None, class_name: str | None = None
    ) -> list[PhaseTarget]:
        """Per phase: the built-in band, the class's, the student's and the one in force.

        With only ``student``, their first class (by age) supplies the class layer.
        """
        class_layer: dict[str, TargetBand] = {}
        student_layer: dict[str, TargetBand] = {}
        chosen_class: str | None = class_name
        if student is not None:
            student_layer = self._layer("student", self.roster.student_id(student), exercise.id)
            if class_name is None:
                ids = self.roster.classes_of(student)
                if ids:
                    row = self.db.execute(
                        "SELECT name FROM classes WHERE id = ?", (ids[0],)
                    ).fetchone()
                    chosen_class = row[0]
        if chosen_class is not None:
            class_layer = self._layer("class", self.roster.class_id(chosen_class), exercise.id)
        rows = []
        for index, phase in enumerate(exercise.phases):
            builtin = phase.band
            level = builtin.level if builtin is not None else None
            key = f"phase {index + 1}"

            def pick(
                layer: dict[str, TargetBand], key: str = key, level: str | None = level
            ) -> TargetBand | None:
                if key in layer:
                    return layer[key]
                if level is not None and level in layer:
                    return layer[level]
                return None

            class_band = pick(class_layer) if builtin is not None else None
            student_band = pick(student_layer) if builtin is not None else None
            effective = student_band or class_band or builtin
            if effective is not None and builtin is not None and effective is not builtin:
                effective = TargetBand(effective.low_n, effective.high_n, builtin.level)
            rows.append(
                PhaseTarget(
                    index, phase.name, builtin, class_band, chosen_class, student_band, effective
                )
            )
        return rows

    def apply(
        self, exercise: Exercise, *, student: str | None = None, class_name: str | None = None
    ) -> Exercise:
        """The exercise with the bands in force for this student or class."""
        rows = self.explain(exercise, student=student, class_name=class_name)
        if all(row.effective is row.builtin for row in rows):
            return exercise
        phases = tuple(
            replace(
                phase,
                band=row.effective
                if row.effective is None or row.effective is row.builtin
                else replace(row.effective, source=row.source),
            )
            for phase, row in zip(exercise.phases, rows, strict=True)
        )
        return replace(exercise, phases=phases)

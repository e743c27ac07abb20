"""What replacing an exercise affects: its records, band overrides and pass mark.

Every session keeps the version (a content hash) and name of the exercise it was
judged against, so replacing an exercise never relabels the past. It still changes
what comes next: the band overrides set for the old version's levels or phases may not
fit the new one, and a pass mark asking for more trials than the new version has can
never be met. :func:`replacement_impact` says all of that in sentences before (or as)
an import replaces a file.

Example::

    for line in replacement_impact(store, new_exercise, old_exercise):
        print("note:", line)
"""

from __future__ import annotations

from trainer.exercises import Exercise
from trainer.instructor import InstructorError
from trainer.instructor.assessment import PassMarks, trial_phases
from trainer.instructor.targets import BandTargets, normalise_target
from trainer.store import Store


def sessions_of_other_versions(store: Store, exercise: Exercise) -> dict[str, int]:
    """Recorded sessions of this id judged against another version: {name then: count}."""
    rows = store.db.execute(
        "SELECT COALESCE(exercise_name, exercise_id), COUNT(*) FROM sessions "
        "WHERE exercise_id = ? AND (exercise_version IS NULL OR exercise_version != ?) "
        "GROUP BY 1 ORDER BY 1",
        (exercise.id, exercise.version),
    )
    return {str(name): int(count) for name, count in rows}


def replacement_impact(store: Store, new: Exercise, old: Exercise | None = None) -> list[str]:
    """Sentences on what putting ``new`` in place of ``old`` (same id) changes."""
    if old is not None and old.version == new.version:
        return []
    notes: list[str] = []
    others = sessions_of_other_versions(store, new)
    if others:
        judged = "; ".join(f"{count} as {name!r}" for name, count in others.items())
        notes.append(
            f"{new.id}: {sum(others.values())} recorded session(s) were judged against an "
            f"earlier version ({judged}); they keep that version's name, bands and scores"
        )
    for override in BandTargets(store).overrides(new.id):
        try:
            normalise_target(new, override.target)
        except InstructorError:
            notes.append(
                f"{new.id}: the {override.scope} band for {override.owner!r} on "
                f"{override.target!r} ({override.band.low_n:g}-{override.band.high_n:g} N) "
                "no longer fits the new version and is not used; set it again with "
                "'trainer instructor bands set' or clear it with 'trainer instructor bands clear'"
            )
    mark = PassMarks(store).get(new.id)
    if mark is not None:
        trials = len(trial_phases(new))
        if mark.trials_required is not None and mark.trials_required > trials:
            notes.append(
                f"{new.id}: the pass mark asks for {mark.trials_required} trials in band but "
                f"the new version has {trials}: no session can pass; set it again with "
                f"'trainer instructor pass-mark set {new.id}'"
            )
        else:
            notes.append(f"{new.id}: the pass mark ({mark.describe()}) now judges the new version")
    return notes

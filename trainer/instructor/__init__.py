"""Instructor tools: roster, target overrides, PIN, feedback schedules, assessment,
reports, exercise packs and editing. Plain Python over :class:`trainer.store.Store`;
the command line lives in ``trainer.cli.instructor`` and the screens in
``trainer.ui.instructor``.
"""

from __future__ import annotations


class InstructorError(Exception):
    """An instructor action cannot be done; the message says why and what to do."""

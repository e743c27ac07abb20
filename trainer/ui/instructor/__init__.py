"""Instructor screens: PIN prompt, instructor hub, exercise editor, review, class overview,
assessment results, teach by demonstration.

The app opens the hub with :func:`open_instructor` (a key or the command palette);
everything behind it needs the instructor PIN once one is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


def open_instructor(app: App[Any]) -> None:
    """Ask for the PIN (if one is set), then show the instructor hub."""
    from trainer.ui.instructor.hub import InstructorScreen
    from trainer.ui.instructor.pin_prompt import with_pin

    with_pin(app, "open the instructor tools", lambda: app.push_screen(InstructorScreen()))

"""Boxes that only hold widgets, drawn as blank cells instead of through the line cache.

Textual composes every child of a screen for each repaint, so the live screen's boxes
are drawn with every frame of the digits and the gauge even though nothing in them
changed. A box marked ``BLANK`` is drawn as blank lines in its background; otherwise
each of its lines is fetched from its styles cache and filtered, a tenth of the time
the live screen's frame spends composing. Only for boxes without a border or text of
their own.
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical


class BareVertical(Vertical):
    """A :class:`~textual.containers.Vertical` with nothing of its own to draw."""

    BLANK = True


class BareHorizontal(Horizontal):
    """A :class:`~textual.containers.Horizontal` with nothing of its own to draw."""

    BLANK = True

"""What the screens' record tables share: refilling them in place, and the row picked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.widgets import DataTable


@contextmanager
def refilling(table: DataTable[Any]) -> Iterator[DataTable[Any]]:
    """Empty ``table`` for new rows; afterwards the cursor is back on its row number.

    A refill (after an edit, or on returning to the screen) keeps the student's or
    instructor's place; if the table got shorter the cursor goes to the last row.
    """
    cursor = table.cursor_row
    table.clear()
    yield table
    if table.row_count:
        table.move_cursor(row=min(cursor, table.row_count - 1))


def selected_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; None when the table is empty."""
    if not table.row_count:
        return None
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    return None if key.value is None else str(key.value)

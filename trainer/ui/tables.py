"""What the screens' record tables share: refilling them in place, the row picked,
:class:`RecordsScreen`, the screen built around one such table, and the widths of
name columns that wrap rather than cut (:func:`share_width`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable

from trainer.ui.context import UsesTrainer
from trainer.ui.widgets.rowtable import RecordTable


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


class RecordsScreen(UsesTrainer, Screen[None]):
    """A screen around one table of records, filled once its widgets are mounted.

    A subclass names its table (``TABLE``, the widget's id) and writes :meth:`fill`.
    Escape goes back. :meth:`refill` is for what changes the rows later (a filter,
    coming back to the screen): it waits for the first fill.

    Example::

        class RosterScreen(RecordsScreen):
            TABLE = "ro-students"

            def compose(self) -> ComposeResult:
                yield RecordTable(id=self.TABLE, columns={"Student": 24, "Sessions": 8})

            def fill(self) -> None:
                with refilling(self.table) as table:
                    for student in Roster(self.trainer.config.store).students():
                        table.add_row(student.name, str(student.sessions), key=student.name)
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]
    TABLE: ClassVar[str]
    #: give the keys to the table once it is filled (False: the screen's first field keeps them)
    FOCUS_TABLE: ClassVar[bool] = True
    #: the table has its columns and its first rows
    _filled = False

    @property
    def table(self) -> RecordTable:
        return self.query_one(f"#{self.TABLE}", RecordTable)

    def on_mount(self) -> None:
        # Widgets nested in containers mount after the screen: fill once they are there.
        self.call_after_refresh(self._fill_first)

    def _fill_first(self) -> None:
        table = self.table
        self._filled = True
        self.fill()
        if self.FOCUS_TABLE:
            table.focus()

    def fill(self) -> None:
        """Put the records in the table (and whatever the screen shows beside them)."""
        raise NotImplementedError

    def refill(self) -> None:
        """Fill again, once the first fill has been."""
        if self._filled:
            self.fill()

    def action_back(self) -> None:
        self.app.pop_screen()


@lru_cache(maxsize=8192)  # a class of names tried at every split: each once
def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped at word breaks in ``width`` cells."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) <= width:
            used += 1 + len(word)
        elif used:
            lines, used = lines + 1, len(word)
        else:
            used = len(word)
        while used > width:  # a word longer than the column folds
            lines, used = lines + 1, used - width
    return lines


def share_width(room: int, rows: list[tuple[str, ...]]) -> list[int]:
    """Widths for the text columns of ``rows`` (one or two) sharing ``room`` cells.

    Each is as wide as its longest entry when they fit; else never narrower than its
    longest word, split so the rows wrap onto the fewest lines (never cut).
    """
    columns = list(zip(*rows, strict=True))
    natural = [max([1, *map(len, texts)]) for texts in columns]
    least = [max([1, *(len(w) for t in texts for w in t.split())]) for texts in columns]
    if sum(natural) <= room:
        return natural
    if len(columns) == 1:
        return [max(least[0], room)]
    first, second = columns
    distinct = sorted(set(zip(first, second, strict=True)))

    def lines_at(width: int) -> int:
        rest = max(least[1], room - width)
        return sum(max(wrapped_lines(a, width), wrapped_lines(b, rest)) for a, b in distinct)

    split = min(range(least[0], max(least[0], min(natural[0], room - least[1])) + 1), key=lines_at)
    return [split, max(least[1], room - split)]

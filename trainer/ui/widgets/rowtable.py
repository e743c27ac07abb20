"""Tables of records: cells shown as written; Home and End go to the first and last row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, CursorType, RowKey

from trainer.safe_text import printable
from trainer.ui.text import literal_text


class RecordTable(DataTable[object]):
    """A :class:`~textual.widgets.DataTable` of records, one a row, every cell as written.

    DataTable reads a string cell as markup, so a name in the records such as
    ``"Ana [/]"`` would crash it, ``"[red]Ana"`` recolour it, ``"C:\\temp\\"`` lose or
    gain a backslash and ``":thumbs_up:"`` turn into an emoji. Here a string cell becomes
    plain text (cropped on a one-line row, as Textual crops a string cell), its control
    characters shown as escapes, as :func:`~trainer.ui.text.literal_text` does for text cells.

    The cursor picks rows and the rows are striped unless told otherwise; ``columns``
    gives each column's heading and its width in cells (:meth:`set_columns` changes
    them); other options are DataTable's.

    Example::

        yield RecordTable(id="ro-students", columns={"Student": 24, "Sessions": 8})
    """

    def __init__(
        self,
        *,
        columns: Mapping[str, int] | None = None,
        cursor_type: CursorType = "row",
        zebra_stripes: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(cursor_type=cursor_type, zebra_stripes=zebra_stripes, **options)
        self._widths: dict[str, int] = {}
        self.set_columns(columns or {})

    def set_columns(self, columns: Mapping[str, int]) -> None:
        """Make the columns these (heading: width in cells), rebuilt only when they change.

        A screen that sizes a name column to the terminal calls this on every fill; a
        rebuild empties the table, so the rows are added after it.
        """
        if dict(columns) == self._widths:
            return
        self._widths = dict(columns)
        if self.columns:
            self.clear(columns=True)
        for heading, width in columns.items():
            self.add_column(heading, width=width)

    def add_row(
        self,
        *cells: object,
        height: int | None = 1,
        key: str | None = None,
        label: object = None,
    ) -> RowKey:
        one_line = height == 1
        return super().add_row(
            *(_as_written(cell, one_line) for cell in cells),
            height=height,
            key=key,
            label=None if label is None else _as_written(label, one_line),  # type: ignore[arg-type]
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: object,
        *,
        update_width: bool = False,
    ) -> None:
        row = self.rows.get(row_key if isinstance(row_key, RowKey) else RowKey(row_key))
        one_line = row is not None and row.height == 1
        super().update_cell(
            row_key, column_key, _as_written(value, one_line), update_width=update_width
        )


def _as_written(cell: object, one_line: bool) -> object:
    """A string cell as plain text (never markup); a text cell with its controls escaped."""
    if isinstance(cell, str):
        return Text(printable(cell), no_wrap=one_line, end="")
    return literal_text(cell) if isinstance(cell, Text) else cell


class RowTable(RecordTable):
    """A :class:`~textual.widgets.DataTable` with a row cursor, Home/End on the rows.

    Textual's Home and End move along the columns, which a row cursor does not have.

    Example::

        yield RowTable(id="library")
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

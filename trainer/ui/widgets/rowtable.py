"""Tables of records: cells shown as written; Home and End go to the first and last row."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from trainer.safe_text import printable
from trainer.ui.text import literal_text


class RecordTable(DataTable[object]):
    """A :class:`~textual.widgets.DataTable` that shows every cell as written.

    DataTable reads a string cell as styling, so a name in the records such as
    ``"Ana [/]"`` would crash it and ``"[red]Ana"`` recolour it; here a string cell's
    brackets are escaped (so it still fits and wraps as a string cell does) and its
    control characters shown as escapes, as :func:`~trainer.ui.text.literal_text` does for text cells.

    Example::

        yield RecordTable(id="ro-students", cursor_type="row", zebra_stripes=True)
    """

    def add_row(
        self,
        *cells: object,
        height: int | None = 1,
        key: str | None = None,
        label: object = None,
    ) -> RowKey:
        return super().add_row(
            *(_as_written(cell) for cell in cells),
            height=height,
            key=key,
            label=None if label is None else _as_written(label),  # type: ignore[arg-type]
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: object,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, _as_written(value), update_width=update_width)


def _as_written(cell: object) -> object:
    if isinstance(cell, str):
        return escape(printable(cell))
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

    def __init__(self, *, id: str | None = None, zebra_stripes: bool = True) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra_stripes)

"""A table of rows the student moves through: Home and End go to the first and last row."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class RowTable(DataTable[object]):
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

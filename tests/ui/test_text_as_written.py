"""Names from the records and files show as written in tables and styled lines.

Textual reads brackets as styling and a backslash before a bracket as an escape; a name
such as ``"C:\\temp\\"`` or ``"a\\[b]"`` must still show exactly, and never break the
styling around it.
"""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets._data_table import default_cell_formatter

from trainer.safe_text import printable
from trainer.ui.widgets.rowtable import RecordTable

#: names an old database or a hand-written file may hold
NAMES = [
    "Ana\\",
    "\\",
    "C:\\temp\\",
    "a\\[b]",
    "x\\[/]",
    "two\\\\",
    "[bold]x[/bold]",
    "Ana [/] [red]x\x1b[31m\x07",
    "x\\[1]",
    "שלום Ana",
    "A" * 60,
    "$name ${x}",
    "Ana :thumbs_up: :smile:",
]


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield RecordTable(id="t")


@pytest.mark.parametrize("name", NAMES)
async def test_record_table_cells_show_names_as_written(name: str) -> None:
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(RecordTable)
        table.add_columns("name", "text")
        table.add_row(name, Text(name), key="r")
        table.update_cell("r", table.ordered_columns[1].key, name)
        await pilot.pause()
        for cell in table.get_row_at(0):
            drawn = default_cell_formatter(cell)
            assert isinstance(drawn, Text)
            assert drawn.plain == printable(name)

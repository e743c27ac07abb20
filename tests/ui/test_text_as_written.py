"""Names from the records and files show as written in tables and styled lines.

Textual reads brackets as styling and a backslash before a bracket as an escape; a name
such as ``"C:\\temp\\"`` or ``"a\\[b]"`` must still show exactly, and never break the
styling around it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual.widgets._data_table import default_cell_formatter

from tests.ui.helpers import BUILTIN, MakeApp, until
from trainer.exercises import ExerciseLibrary
from trainer.safe_text import printable
from trainer.ui.screens.home import HomeScreen
from trainer.ui.text import styled
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


@pytest.mark.parametrize("name", NAMES)
def test_styled_puts_each_value_in_as_written_inside_the_styling(name: str) -> None:
    shown = styled("[b]Hello $name[/b] and $more", name=name, more="C:\\temp\\")
    assert shown.plain == f"Hello {printable(name)} and C:\\temp\\"
    bold = [span for span in shown.spans if str(span.style) == "b"]
    assert [(span.start, span.end) for span in bold] == [(0, len(f"Hello {printable(name)}"))]


EXERCISE_FILE = """
id = "drill-folder"
name = "Drill C:\\\\"
technique = "palpation\\\\"
instructions = "Press C:\\\\ then ease off\\\\"

[[phases]]
kind = "hold"
band = [9, 12]
duration_s = 5
"""


async def test_home_details_show_a_users_exercise_as_written(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """Names ending in a backslash, from a folder named with brackets: as written."""
    folder = tmp_path / "my [b]exercises [red] \\"
    folder.mkdir()
    (folder / "drill.toml").write_text(EXERCISE_FILE, encoding="utf-8")
    library = ExerciseLibrary.load(BUILTIN, folder)
    assert library.get("drill-folder").name == "Drill C:\\"
    app, _box = make_app(library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.show_details("drill-folder")
        await pilot.pause()
        title = home.query_one("#details-title", Static).render()
        body = home.query_one("#details-text", Static).render()
        assert str(title) == "Drill C:\\  (palpation\\)"
        assert str(body).startswith("Press C:\\ then ease off\\\n1 steps")
        # The long path wraps at its spaces, so its lines are joined again here.
        joined = " ".join(str(body).split("\n"))
        assert joined.endswith(f"Your own exercise, from {folder / 'drill.toml'}")

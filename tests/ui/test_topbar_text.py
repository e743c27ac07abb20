"""The top bar shows names from files and the records as written, never as styling."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label

from trainer.ui.widgets.topbar import TopBar


class _Bar(App[None]):
    def compose(self) -> ComposeResult:
        yield TopBar("Holds [/] | Ana [bold]", simulated=False)


async def test_a_title_with_square_brackets_is_shown_as_written() -> None:
    app = _Bar()
    async with app.run_test() as pilot:
        await pilot.pause()
        title = app.query_one("#title", Label)
        assert "Holds [/] | Ana [bold]" in str(title.render())
        app.query_one(TopBar).set_title("Results | [/]")
        await pilot.pause()
        assert "[/]" in str(title.render())

"""The phase panel: four lines in one widget, shown as written, repainted on a change only."""

from __future__ import annotations

from textual.app import App, ComposeResult

from trainer.ui.widgets.phasepanel import PhasePanel


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PhasePanel(id="phase-panel")


def drawn(panel: PhasePanel) -> list[str]:
    return [panel.render_line(y).text.rstrip() for y in range(panel.size.height)]


async def test_the_lines_show_as_written_one_under_the_other() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 6)) as pilot:
        panel = app.query_one(PhasePanel)
        panel.show(name="1/3  Hold [b]firm[/b]", cue="Press [/]", time="3 s left", next="Last")
        await pilot.pause()
        assert drawn(panel)[:4] == ["1/3  Hold [b]firm[/b]", "Press [/]", "3 s left", "Last"]
        assert panel.line("cue") == "Press [/]"


async def test_a_line_set_to_the_same_text_does_not_repaint() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 6)) as pilot:
        panel = app.query_one(PhasePanel)
        panel.show(name="Hold", cue="Steady", time="3 s left", next="Last step")
        await pilot.pause()
        repaints: list[object] = []
        original = panel.refresh
        panel.refresh = lambda *a, **k: repaints.append(a) or original(*a, **k)  # type: ignore[method-assign]
        panel.show(name="Hold", time="3 s left")
        assert repaints == []
        panel.show(time="2 s left")
        assert len(repaints) == 1
        await pilot.pause()
        assert drawn(panel)[2] == "2 s left"

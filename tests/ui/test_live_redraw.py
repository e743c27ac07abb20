"""The live screen redraws only what changed: a frame costs the digits and the gauge.

Counted over many frames within one phase: lines each widget re-rendered (its styles
cache asks the widget for a line only when the widget was refreshed) and layout passes
of the screen (a layout reflows and repaints everything).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from textual.widget import Widget

from tests.ui.helpers import MakeApp, open_live
from trainer.ui.screens.live import LiveScreen
from trainer.ui.widgets.bigdigits import BigDigits
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.topbar import TopBar

FRAME_S = 1 / 30


def count_rendered_lines(widgets: dict[str, Widget]) -> Counter[str]:
    """From now on, count the lines each widget renders afresh (not from its cache)."""
    rendered: Counter[str] = Counter()
    for name, widget in widgets.items():
        cache = widget._styles_cache
        original = cache.render_line

        def render_line(*args: Any, _name: str = name, _original: Any = original) -> Any:
            rendered[_name] += 1
            return _original(*args)

        cache.render_line = render_line  # type: ignore[method-assign]
    return rendered


def count_layouts(screen: LiveScreen) -> list[int]:
    layouts = [0]
    original = screen._refresh_layout

    def refresh_layout(*args: Any, **kwargs: Any) -> None:
        layouts[0] += 1
        original(*args, **kwargs)

    screen._refresh_layout = refresh_layout  # type: ignore[method-assign]
    return layouts


async def test_frames_in_one_phase_redraw_the_digits_and_gauge_only(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")  # first: hold moderate 25-40 N for 6 s
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live(pilot, app)
        sensor, intent = box.current, box.current.intent
        await pilot.press("space")
        intent.set(30.0)
        for _ in range(45):  # 1.5 s: the hand reaches the band, the digits settle at 2 places
            sensor.pump(FRAME_S)
            screen.frame()
        await pilot.pause(0.05)
        controller = screen.controller
        assert controller is not None
        phase = controller.display_state().phase_index

        widgets: dict[str, Widget] = {
            name: screen.query_one(f"#{name}") for name in ("force", "gauge", "unit", "phase-panel")
        }
        widgets["top bar"] = screen.query_one(TopBar)
        for label in screen.query_one(TopBar).children:
            widgets[f"top bar {label.id}"] = label
        rendered = count_rendered_lines(widgets)
        layouts = count_layouts(screen)
        frames = 60  # two seconds; the force moves between 28 and 36 N (same digit widths)
        for frame in range(frames):
            intent.set(28.0 if frame // 15 % 2 else 36.0)
            sensor.pump(FRAME_S)
            screen.frame()
            await pilot.pause(0.01)
        assert controller.display_state().phase_index == phase  # still the same phase

    assert isinstance(widgets["force"], BigDigits) and isinstance(widgets["gauge"], Gauge)
    # What changes is drawn: the digits (5 lines) and the gauge's bar, many times over.
    assert rendered["force"] >= 5 * 10 and rendered["gauge"] >= 10
    # The phase panel changes once a second (time left): a few repaints of its 6 lines.
    assert rendered["phase-panel"] <= 3 * 6
    for name in ("unit", "top bar"):
        assert rendered[name] == 0, f"{name} was re-rendered {rendered[name]} times"
    assert not any(rendered[n] for n in widgets if n.startswith("top bar ")), rendered
    # No layout pass: nothing changed size.
    assert layouts[0] == 0

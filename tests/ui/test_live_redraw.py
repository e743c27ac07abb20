"""The live screen redraws only what changed: a frame costs the digits and the gauge.

Counted over many frames within one phase: lines each widget re-rendered (its styles
cache asks the widget for a line only when the widget was refreshed), the widgets
Textual composes for each repaint, layout passes of the screen (a layout reflows and
repaints everything) and style look-ups (a CSS class toggled restyles the widget).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.widget import Widget

from tests.ui.helpers import MakeApp, open_live
from trainer.engine import SessionEngine
from trainer.ui.screens.live import TRACE_REDRAW_S, LiveScreen
from trainer.ui.widgets.forcereadout import ZONE_ROW, ForceReadout
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.phasepanel import LINES, PhasePanel
from trainer.ui.widgets.topbar import TopBar
from trainer.ui.widgets.trace import ForceTrace

FRAME_S = 1 / 30
#: what a repaint of the digits and the gauge may compose: the screen, its four boxes
#: (head, digits-and-phase row, gauge, foot) and the row's two widgets
FRAME_WIDGETS = {"LiveScreen", "head", "live-top", "force", "phase-panel", "gauge", "foot"}
#: the screen's boxes: composed with every repaint, with nothing of their own to draw
BOXES = ("head", "live-top", "foot")


def name_of(widget: Widget) -> str:
    return widget.id or type(widget).__name__


def count_rendered_lines(widgets: dict[str, Widget]) -> Counter[tuple[str, int]]:
    """From now on, count the lines (name, y) each widget renders afresh (not from its cache)."""
    rendered: Counter[tuple[str, int]] = Counter()
    for name, widget in widgets.items():
        cache = widget._styles_cache
        original = cache.render_line

        def render_line(
            styles: Any, y: int, *args: Any, _name: str = name, _original: Any = original
        ) -> Any:
            rendered[_name, y] += 1
            return _original(styles, y, *args)

        cache.render_line = render_line  # type: ignore[method-assign]
    return rendered


def lines_of(rendered: Counter[tuple[str, int]], name: str) -> int:
    return sum(count for (widget, _y), count in rendered.items() if widget == name)


def count_cached_draws(widgets: dict[str, Widget]) -> Counter[str]:
    """From now on, the draws of each widget through its styles cache (line by line)."""
    drawn: Counter[str] = Counter()
    for name, widget in widgets.items():
        original = widget._styles_cache.render_widget

        def render_widget(*args: Any, _name: str = name, _original: Any = original) -> Any:
            drawn[_name] += 1
            return _original(*args)

        widget._styles_cache.render_widget = render_widget  # type: ignore[method-assign]
    return drawn


def count_composed(screen: LiveScreen) -> list[set[str]]:
    """From now on, the widgets composed for each repaint of the screen (one set each)."""
    repaints: list[set[str]] = []
    original_refresh = screen._compositor_refresh

    def compositor_refresh() -> None:
        repaints.append(set())
        original_refresh()

    screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
    for widget in [screen, *screen.walk_children(Widget)]:
        original = widget.render_lines

        def render_lines(crop: Any, _widget: Widget = widget, _original: Any = original) -> Any:
            if repaints:
                repaints[-1].add(name_of(_widget))
            return _original(crop)

        widget.render_lines = render_lines  # type: ignore[method-assign]
    return repaints


def count_layouts(screen: LiveScreen) -> list[int]:
    layouts = [0]
    original = screen._refresh_layout

    def refresh_layout(*args: Any, **kwargs: Any) -> None:
        layouts[0] += 1
        original(*args, **kwargs)

    screen._refresh_layout = refresh_layout  # type: ignore[method-assign]
    return layouts


def count_restyles(screen: LiveScreen) -> Counter[str]:
    """From now on, the live screen's widgets (and their component styles) whose styles
    Textual looks up again (a class toggled)."""
    restyled: Counter[str] = Counter()

    def in_screen(node: Any) -> bool:
        while node is not None:
            if node is screen:
                return True
            node = node._parent
        return False

    stylesheet = screen.app.stylesheet
    original = stylesheet.apply

    def apply(node: Any, *args: Any, **kwargs: Any) -> None:
        if in_screen(node):
            restyled[name_of(node) if node.id else repr(node)] += 1
        original(node, *args, **kwargs)

    stylesheet.apply = apply  # type: ignore[method-assign]
    return restyled


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_frames_in_one_phase_redraw_the_digits_and_gauge_only(
    make_app: MakeApp, size: tuple[int, int]
) -> None:
    app, box = make_app(exercise_id="graded-levels")  # first: hold moderate 25-40 N for 6 s
    async with app.run_test(size=size) as pilot:
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

        readout, panel = screen.query_one(ForceReadout), screen.query_one(PhasePanel)
        widgets: dict[str, Widget] = {"force": readout, "gauge": screen.query_one(Gauge)}
        widgets["phase-panel"] = panel
        widgets["top bar"] = screen.query_one(TopBar)
        for label in screen.query_one(TopBar).children:
            widgets[f"top bar {label.id}"] = label
        rendered = count_rendered_lines(widgets)
        boxes = {box: screen.query_one(f"#{box}") for box in BOXES}
        box_draws = count_cached_draws({"LiveScreen": screen, **boxes})
        composed = count_composed(screen)
        layouts = count_layouts(screen)
        restyled = count_restyles(screen)
        trace = screen.query_one(ForceTrace)
        trace_draws = [0]
        original_refresh = trace.refresh

        def trace_refresh(*args: Any, **kwargs: Any) -> Any:
            trace_draws[0] += 1
            return original_refresh(*args, **kwargs)

        trace.refresh = trace_refresh  # type: ignore[method-assign]
        zones, panels = set(), set()
        frames = 60  # two seconds; the force moves between 28 and 36 N (same digit widths)
        for frame in range(frames):
            intent.set(28.0 if frame // 15 % 2 else 36.0)
            sensor.pump(FRAME_S)
            screen.frame()
            zones.add((readout.words, readout.zone))
            panels.add(tuple(panel.line(line) for line in LINES))
            await pilot.pause(0.01)
        assert controller.display_state().phase_index == phase  # still the same phase

    # What changes is drawn: the digits (5 lines) and the gauge's bar, many times over.
    digit_lines = sum(rendered["force", y] for y in range(ZONE_ROW))
    assert digit_lines >= 5 * 10 and lines_of(rendered, "gauge") >= 10
    # The zone line only when its words or colour change (in the band they stay "● HOLD").
    assert zones == {("● HOLD", "zone-in")}
    assert rendered["force", ZONE_ROW] <= len(zones), rendered
    # The phase panel changes once a second (time left): a few repaints of its 6 lines.
    assert len(panels) <= 3
    assert lines_of(rendered, "phase-panel") <= len(panels) * 6
    assert lines_of(rendered, "top bar") == 0
    assert not any(lines_of(rendered, n) for n in widgets if n.startswith("top bar ")), rendered

    # Each repaint composes the screen's boxes and the row of digits, nothing above or
    # below: the top bar, the notes and the footer only when their box is touched.
    assert len(composed) >= frames / 2
    beyond = Counter(name for widgets_ in composed for name in widgets_ - FRAME_WIDGETS)
    for name in ("title", "status", "sim-badge", "TopBar", "banner", "coach-note"):
        assert beyond[name] == 0, beyond
    # The trace (and the footer in its box) only when the trace was redrawn: a new column
    # of time at most every TRACE_REDRAW_S (a column lasts 0.2 s at 80 columns, 0.13 s at 120).
    assert 0 < trace_draws[0] <= frames * FRAME_S / TRACE_REDRAW_S + 1
    assert beyond["trace"] <= trace_draws[0] and beyond["Footer"] <= trace_draws[0], beyond
    assert set(beyond) <= {"trace", "Footer"}, beyond
    # The screen and its boxes are drawn as blank cells, not line by line through their
    # styles cache.
    assert not box_draws, box_draws
    # No layout pass (nothing changed size) and no style look-up (no class toggled).
    assert layouts[0] == 0
    assert not restyled, restyled


async def test_a_frame_builds_the_engine_state_per_frame_not_per_sample(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole live state (phase, band, times, rate) is built for the screen, a few
    times a frame; the force of each judged sample is read without it."""
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        built = [0]
        state = SessionEngine.state

        def counted(engine: SessionEngine) -> Any:
            built[0] += 1
            return state.fget(engine)  # type: ignore[attr-defined]

        monkeypatch.setattr(SessionEngine, "state", property(counted))
        frames, samples = 30, 0
        for _ in range(frames):
            samples += box.current.pump(4 * FRAME_S)  # 11 samples a frame
            screen.frame()
        await pilot.pause(0.05)
    assert samples > 10 * frames
    assert built[0] <= 3 * frames, f"{built[0]} states for {frames} frames of {samples} samples"


async def test_the_gauge_looks_its_colours_up_once_not_every_frame(make_app: MakeApp) -> None:
    """Looking a component style up walks the widget's ancestors: the bar's colours are
    kept until the styles change (a theme), not looked up each time the bar moves."""
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live(pilot, app)
        sensor, intent = box.current, box.current.intent
        await pilot.press("space")
        for force in (20.0, 30.0, 45.0):  # every zone's colour once
            intent.set(force)
            for _ in range(15):
                sensor.pump(FRAME_S)
                screen.frame()
            await pilot.pause(0.05)
        gauge = screen.query_one(Gauge)
        looked_up = [0]
        original = gauge.get_component_rich_style

        def get_component_rich_style(*names: str, partial: bool = False) -> Any:
            looked_up[0] += 1
            return original(*names, partial=partial)

        gauge.get_component_rich_style = get_component_rich_style  # type: ignore[method-assign]
        bars = set()
        for frame in range(60):
            intent.set((20.0, 30.0, 45.0)[frame // 10 % 3])
            sensor.pump(FRAME_S)
            screen.frame()
            bars.add(gauge._cells(gauge.force_n))
            await pilot.pause(0.01)
    assert len(bars) > 10  # the bar moved through the zones
    assert looked_up[0] == 0

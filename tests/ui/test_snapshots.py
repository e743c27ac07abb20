"""Snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: fixed seeds, samples fed at speed 0 by the test, fixed session dates.
Update after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs in ``tests/ui/__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import MakeApp, SensorBox, open_live, until
from trainer.exercises import ExerciseLibrary
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.app import TrainerApp
from trainer.ui.screens.history import HistoryScreen
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.results import ResultsScreen

SIZES = [(80, 24), (120, 40)]
SnapCompare = Callable[..., bool]


def recorded_sessions(store: Store, library: ExerciseLibrary) -> list[int]:
    """Four sessions for Ana with fixed seeds and fixed dates."""
    ids = []
    for day, (exercise_id, profile, seed) in enumerate(
        [
            ("graded-levels", "steady", 1),
            ("graded-levels", "overshooter", 2),
            ("steady-ramp", "novice", 3),
            ("graded-levels", "steady", 4),
        ],
        start=1,
    ):
        outcome = simulate(
            store, library.get(exercise_id), profile=profile, seed=seed, student="Ana"
        )
        store.db.execute(
            "UPDATE sessions SET started_at = ?, ended_at = ? WHERE id = ?",
            (
                f"2026-03-0{day}T10:00:00+00:00",
                f"2026-03-0{day}T10:01:00+00:00",
                outcome.session_id,
            ),
        )
        store.db.commit()
        ids.append(outcome.session_id)
    return ids


def live_at(keys: list[str], seconds: float) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, TrainerApp)
        screen = await open_live(pilot, app)
        box = app.config.sensor_factory
        assert isinstance(box, SensorBox)
        await pilot.press("space", *keys)
        intent = box.current.intent
        # The keys must have reached the hand before the first sample, or the trace shifts.
        await until(pilot, lambda: intent.target_n > 0 and screen.controller.session is not None)
        for _ in range(round(seconds * 4)):
            box.current.pump(0.25)
            screen.frame()
        # Let the layout settle (the start banner was just hidden) before the screenshot.
        await pilot.pause()
        await pilot.pause(0.05)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(
    snap_compare: SnapCompare,
    make_app: MakeApp,
    ui_store: Store,
    builtin_library: ExerciseLibrary,
    size: tuple[int, int],
) -> None:
    recorded_sessions(ui_store, builtin_library)
    app, _box = make_app()

    async def ready(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("state", "keys", "seconds"),
    [("in_band", ["3"], 3.0), ("above_band", ["6"], 3.0)],
)
def test_live(
    snap_compare: SnapCompare,
    make_app: MakeApp,
    size: tuple[int, int],
    state: str,
    keys: list[str],
    seconds: float,
) -> None:
    app, _box = make_app(exercise_id="graded-levels")
    assert snap_compare(app, terminal_size=size, run_before=live_at(keys, seconds))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_live_blind(snap_compare: SnapCompare, make_app: MakeApp, size: tuple[int, int]) -> None:
    app, _box = make_app(exercise_id="blind-levels")
    assert snap_compare(app, terminal_size=size, run_before=live_at(["2"], 3.0))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_results(
    snap_compare: SnapCompare,
    make_app: MakeApp,
    ui_store: Store,
    builtin_library: ExerciseLibrary,
    size: tuple[int, int],
) -> None:
    session_id = recorded_sessions(ui_store, builtin_library)[1]
    app, _box = make_app()

    async def open_results(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        app.push_screen(ResultsScreen(session_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen._filled)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_results)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_history(
    snap_compare: SnapCompare,
    make_app: MakeApp,
    ui_store: Store,
    builtin_library: ExerciseLibrary,
    size: tuple[int, int],
) -> None:
    recorded_sessions(ui_store, builtin_library)
    app, _box = make_app()

    async def open_history(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_history)


def test_live_light_theme(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    app, _box = make_app(exercise_id="graded-levels")
    live = live_at(["2"], 3.0)  # below the band: the warning colour on a light background

    async def light(pilot: Pilot[None]) -> None:
        app.theme = "textual-light"
        await live(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=light)

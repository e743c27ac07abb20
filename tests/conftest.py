"""Shared fixtures: every test runs against its own database, exercise and config folders."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import textual._wait
import textual.app
import textual.pilot
from textual._context import active_app
from textual.screen import Screen

from trainer.exercises import Exercise, ExerciseLibrary, parse_exercise
from trainer.store import Store

# Run in the background by a shell without job control, pytest starts with SIGINT ignored,
# and so would every `trainer` process a test starts and then stops as Ctrl+C does (an
# ignored signal stays ignored across exec; a handled one is reset to the default).
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Textual's pilot waits for an idle app after each key, click and pause: it sleeps in
# slices of 1/50 s until a slice passes with under 1 ms of CPU, most often one slice, two
# waits per key. A screen applies its layout and repaints on a 1/60 s timer once idle, so
# that first slice is what let a test see the new layout. Here slices are 5 ms and a wait
# also lasts until the screen has no layout, repaint or after-refresh callback due: the
# screen is settled, not just quiet for a moment. Where this Textual has no such flags,
# the pilot keeps its own waits.
_SCREEN_DUE = (
    "_layout_required",
    "_scroll_required",
    "_repaint_required",
    "_recompose_required",
    "_dirty_widgets",
    "_callbacks",
)
_idle_for_a_slice = textual._wait.wait_for_idle


def _screen_due() -> bool:
    """Whether the app's screen still has a layout, repaint or after-refresh callback due."""
    app = active_app.get(None)
    if app is None or app.return_code is not None:
        return False  # an app that is quitting draws nothing more: nothing to wait for
    try:
        screen = app.screen
    except Exception:  # no screen yet, or the app is closing
        return False
    return screen is not None and any(getattr(screen, name) for name in _SCREEN_DUE)


async def _wait_until_settled(min_sleep: float = 1 / 50, max_sleep: float = 1.0) -> None:
    deadline = time.monotonic() + max_sleep
    await _idle_for_a_slice(min_sleep, max_sleep)
    while _screen_due() and time.monotonic() < deadline:
        await _idle_for_a_slice(0.0, deadline - time.monotonic())


def _screen_flags_known() -> bool:
    """Whether this Textual's screens carry the flags :func:`_screen_due` reads."""
    try:
        return all(hasattr(Screen(), name) for name in _SCREEN_DUE)
    except Exception:  # a Textual whose screens cannot be made outside an app
        return False


if _screen_flags_known():
    textual._wait.SLEEP_GRANULARITY = 1 / 200
    textual.app.wait_for_idle = _wait_until_settled  # type: ignore[assignment]
    textual.pilot.wait_for_idle = _wait_until_settled  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def isolated_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the real user's records, exercises and configuration."""
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("TRAINER_DB", str(home / "trainer.db"))
    monkeypatch.setenv("TRAINER_EXERCISES", str(home / "exercises"))
    monkeypatch.setenv("TRAINER_CONFIG", str(home / "config.toml"))
    return home


@pytest.fixture(autouse=True)
def hx711_timing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relaxed HX711 timing bounds, unless the test is marked ``datasheet_timing``.

    A 2-core CI runner busy with the other worker's browser or broker can hold any thread
    for milliseconds. With the datasheet's 60 us power-down, that fails tests that are about
    forces, sessions and advice, not timing. The tests about timing are marked, and assert
    only what holds however busy the machine is (an injected stall is always caught).
    """
    if request.node.get_closest_marker("datasheet_timing") is None:
        from hx711_emulator import relax_timing

        relax_timing(monkeypatch)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store.open(tmp_path / "records.db")
    yield db
    db.close()


@pytest.fixture(scope="session")
def library() -> ExerciseLibrary:
    return ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir"))


def make_exercise(phases: list[dict[str, object]], **top: object) -> Exercise:
    """A small exercise from phase tables, for hand-computed traces."""
    raw: dict[str, object] = {
        "id": "test",
        "name": "Test",
        "technique": "test",
        "instructions": "Do the test.",
        "phases": phases,
    }
    raw.update(top)
    return parse_exercise(raw, "test.toml")

"""``trainer run`` wires the Pi's LEDs, buzzer and buttons (``[feedback]``) into the app."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from tests.ui.helpers import MakeApp, open_live, until
from trainer.cli.run import pi_feedback
from trainer.ui.controller import Stage


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    previous = Device.pin_factory
    factory = MockFactory()
    Device.pin_factory = factory
    try:
        yield factory
    finally:
        factory.reset()
        Device.pin_factory = previous


def write_config(path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRAINER_CONFIG", str(path))


async def test_buttons_start_pause_and_tare_the_live_session(
    make_app: MakeApp, pins: MockFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(
        tmp_path / "config.toml",
        "[feedback]\nled_in = 27\nbutton_start = 24\nbutton_tare = 25\n",
        monkeypatch,
    )
    app, box = make_app(exercise_id="graded-levels")
    feedback = pi_feedback(app)
    assert feedback is not None
    app.context.listeners.append(feedback)
    try:
        async with app.run_test() as pilot:
            screen = await open_live(pilot, app)
            controller = screen.controller
            assert controller is not None

            async def press(pin: int) -> None:
                # From another thread, as gpiozero calls back; the app's loop keeps running.
                thread = threading.Thread(
                    target=lambda: (pins.pin(pin).drive_low(), pins.pin(pin).drive_high())
                )
                thread.start()
                await until(pilot, lambda: not thread.is_alive())

            await press(24)
            await until(pilot, lambda: controller.stage is Stage.RUNNING)
            await press(24)
            await until(pilot, lambda: controller.user_paused)
            await press(25)
            await until(pilot, lambda: box.current.tared == 1)
            await press(24)
            await until(pilot, lambda: not controller.user_paused)
            await pilot.press("3")
            box.current.pump(2.0)
            screen.frame()
            assert feedback.zone.value == "in"  # the listener saw BandEntered
            assert pins.pin(27).state  # the "in band" LED is lit
    finally:
        feedback.close()


def test_no_feedback_parts_means_no_listener(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINER_CONFIG", str(tmp_path / "absent.toml"))
    app, _box = make_app()
    assert pi_feedback(app) is None


def test_a_part_that_cannot_be_set_up_is_one_line_not_a_stop(
    make_app: MakeApp, pins: MockFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path / "config.toml", "[feedback]\nled_in = 27\nbuzzer = 27\n", monkeypatch)
    app, _box = make_app()
    out = io.StringIO()
    assert pi_feedback(app, out) is None
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("The LEDs, buzzer and buttons are not used:")

"""The live screen on the real HX711 reader and an emulated chip: a pulled wire, then back.

The whole path: emulated chip -> HX711Sensor (its acquisition thread) -> the live
screen's controller -> engine and records, with the banner the student sees.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import HX711Emulator, fresh_mock_factory

from trainer.calibration import Calibration
from trainer.exercises import ExerciseLibrary
from trainer.sensors.hx711 import HX711Sensor
from trainer.store import Store
from trainer.ui.app import build_app
from trainer.ui.config import SensorSetup, UIConfig
from trainer.ui.screens.live import LiveScreen


@pytest.fixture
def chip() -> Iterator[HX711Emulator]:
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Emulator(factory) as made:
            yield made


async def until(condition: Callable[[], object], timeout_s: float) -> float:
    """Wait for ``condition``; return how long it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"not within {timeout_s} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


def test_a_pulled_wire_shows_the_banner_pauses_and_resumes_by_itself(
    chip: HX711Emulator, tmp_path: Path
) -> None:
    chip.force_n = 20.0
    calibration = Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=0.01,
    )
    sensor = HX711Sensor(5, 6, 80, calibration=calibration)
    store = Store.open(tmp_path / "records.db")
    library = ExerciseLibrary.load(user_dir=tmp_path / "exercises")

    def factory(exercise: object, full_scale: float) -> SensorSetup:
        return SensorSetup(sensor, None, calibration.to_dict())

    app = build_app(
        UIConfig(
            store=store,
            library=library,
            sensor_factory=factory,
            simulated=False,
            student="Ana",
            exercise_id="ischemic-compression",
        )
    )

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(lambda: isinstance(app.screen, LiveScreen), 5.0)
            screen = app.screen
            assert isinstance(screen, LiveScreen)
            await pilot.pause(0.2)
            await pilot.press("space")  # start the recorded session
            controller = screen.controller
            assert controller is not None
            await until(lambda: controller.session is not None, 2.0)
            await pilot.pause(0.4)
            banner = screen.query_one("#banner")

            chip.disconnect()
            shown_after = await until(
                lambda: banner.display and "disconnected" in str(banner.render()).lower(), 2.0
            )
            assert shown_after < 1.0
            assert controller.display_state().paused
            assert "nothing recorded is lost" in str(banner.render())
            paused_at = controller.display_state().elapsed_s

            chip.reconnect()
            await until(lambda: not controller.display_state().paused, 3.0)
            await until(lambda: not banner.display, 1.0)
            await pilot.pause(0.3)
            # A starved machine converts slower than 80/s (47 samples in a loaded run):
            # wait for the samples the count below needs, not for a fixed time.
            recorder = controller.session.recorder
            await until(lambda: recorder.written + recorder.pending > 50, 10.0)
            assert controller.display_state().elapsed_s > paused_at
            assert controller.force_n == pytest.approx(20.0, abs=0.5)
            session_id = controller.session_id
            assert session_id is not None
            app.save_and_close("aborted")
            rows = list(store.sample_rows(session_id))
            # Every sample recorded before, during and after the outage is kept.
            assert len(rows) > 50
            assert store.session(session_id)["status"] == "aborted"

    try:
        asyncio.run(run())
    finally:
        store.close()
    assert sensor.stats.disconnects >= 1  # (a starved test machine may add one)

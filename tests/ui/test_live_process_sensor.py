"""The live screen reads the HX711 through its acquisition process, as ``trainer run`` does.

Textual swaps ``sys.stderr`` for a capture without a file descriptor while the app runs,
and the first process multiprocessing spawns passes stderr's descriptor on: the live
screen must still start the reader's process. A fresh interpreter (no multiprocessing
helper process running yet) is the only place this shows, so the app runs in one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import asyncio, os, sys, tempfile, time
from datetime import UTC, datetime
from pathlib import Path

from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from hx711_emulator import HX711Emulator

from trainer.calibration import Calibration
from trainer.exercises import ExerciseLibrary
from trainer.sensors.hx711 import HX711Sensor
from trainer.store import Store
from trainer.ui.app import build_app
from trainer.ui.config import SensorSetup, UIConfig
from trainer.ui.screens.live import LiveScreen


def factory(exercise, full_scale):
    Device.pin_factory = MockFactory()
    chip = HX711Emulator()  # only for its scale: the child process has a chip of its own
    calibration = Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=0.01,
    )
    sensor = HX711Sensor(5, 6, 80, calibration=calibration, acquisition="process",
                         child_setup="hx711_emulator:child_chip")
    return SensorSetup(sensor, None, calibration.to_dict())


async def main():
    folder = Path(tempfile.mkdtemp())
    library = ExerciseLibrary.load(user_dir=folder / "exercises")
    exercise_id = sorted(library.exercises)[0]
    config = UIConfig(store=Store.open(folder / "t.db"), library=library,
                      sensor_factory=factory, simulated=False, student="Ana",
                      exercise_id=exercise_id)
    app = build_app(config)
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        began = time.monotonic()
        while time.monotonic() - began < 30:
            screen = app.screen
            controller = getattr(screen, "controller", None)
            if isinstance(screen, LiveScreen) and controller and controller.samples_seen > 20:
                print("samples", controller.samples_seen, flush=True)
                break
            await pilot.pause(0.05)
        else:
            print("no samples; screen", app.screen, [n.message for n in app._notifications])
        app.save_and_close("incomplete")


if __name__ == "__main__":
    asyncio.run(main())
"""


def test_live_screen_starts_the_hx711_acquisition_process(tmp_path: Path) -> None:
    script = tmp_path / "live_process.py"
    script.write_text(SCRIPT)
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=90,
        env=os.environ | env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("samples"), done.stdout + done.stderr[-2000:]

"""The live screen's frame rate: ``--fps``, the config file's ``display.fps``, the Pi model."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from tests.ui.helpers import SensorBox, open_live
from trainer.cli import run as launch
from trainer.cli.practice import register
from trainer.exercises import ExerciseLibrary
from trainer.store import Store
from trainer.ui import framerate
from trainer.ui.app import build_app
from trainer.ui.config import UIConfig
from trainer.ui.framerate import DESKTOP_FPS, UNKNOWN_PI_FPS, default_fps, frame_rate, pi_model


def run_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["run", *argv])


def model_file(folder: Path, text: str) -> Path:
    """A device-tree model file as the kernel writes it: NUL-terminated."""
    path = folder / "model"
    path.write_bytes(text.encode() + b"\x00")
    return path


@pytest.mark.parametrize(
    ("model", "fps"),
    [
        ("Raspberry Pi Zero 2 W Rev 1.0", 15.0),
        ("Raspberry Pi Zero W Rev 1.1", 10.0),
        ("Raspberry Pi Zero Rev 1.3", 10.0),
        ("Raspberry Pi 3 Model B Plus Rev 1.3", 20.0),
        ("Raspberry Pi 3 Model A Plus Rev 1.0", 20.0),
        ("Raspberry Pi 4 Model B Rev 1.4", 30.0),
        ("Raspberry Pi 400 Rev 1.0", 30.0),
        ("Raspberry Pi Compute Module 4 Rev 1.0", 30.0),
        ("Raspberry Pi 5 Model B Rev 1.0", 30.0),
        ("Raspberry Pi 2 Model B Rev 1.1", 12.0),
        ("Raspberry Pi Model B Rev 2", 10.0),
        ("Raspberry Pi 9 Model Q Rev 1.0", UNKNOWN_PI_FPS),
        ("Pine64 RockPro64 v2.1", DESKTOP_FPS),
    ],
)
def test_each_pi_model_has_its_frame_rate(tmp_path: Path, model: str, fps: float) -> None:
    path = model_file(tmp_path, model)
    assert pi_model(path) == model
    assert default_fps(pi_model(path)) == fps
    assert frame_rate(None, None, path)[0] == fps


def test_off_a_pi_the_desktop_rate(tmp_path: Path) -> None:
    missing = tmp_path / "no-device-tree" / "model"
    assert pi_model(missing) is None
    assert frame_rate(None, None, missing) == (DESKTOP_FPS, "the default off a Raspberry Pi")


def test_fps_beats_the_config_file_which_beats_the_model(tmp_path: Path) -> None:
    zero = model_file(tmp_path, "Raspberry Pi Zero 2 W Rev 1.0")
    assert frame_rate(None, None, zero) == (
        15.0,
        "the default for a Raspberry Pi Zero 2 W Rev 1.0",
    )
    assert frame_rate(None, 24.0, zero) == (24.0, "display.fps in the config file")
    assert frame_rate(8.0, 24.0, zero) == (8.0, "--fps")


def test_run_reads_fps_then_the_config_then_the_model(
    isolated_user_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(framerate, "MODEL_PATH", model_file(tmp_path, "Raspberry Pi 3 Model B"))
    assert launch.live_frame_rate(run_args("--sim", "--fps", "12")) == 12.0
    (isolated_user_files / "config.toml").write_text("[display]\nfps = 18\n")
    assert launch.live_frame_rate(run_args("--sim")) == 18.0
    (isolated_user_files / "config.toml").write_text("[display]\nfps = 0\n")
    out = io.StringIO()
    assert launch.live_frame_rate(run_args("--sim"), out=out) == 20.0  # the Pi 3's
    assert out.getvalue().startswith("The frame rate setting is not used: ")
    assert "display.fps is 0; set it to the live screen's redraws per second" in out.getvalue()


@pytest.mark.parametrize("bad", ["0", "61", "fast", "nan"])
def test_a_bad_fps_is_refused_in_one_line(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_args("--sim", "--fps", bad)
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"argument --fps: {bad!r} is not a frame rate" in error
    assert "from 1 to 60, e.g. --fps 15" in error


async def test_the_live_screen_redraws_at_the_configured_rate(
    ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    config = UIConfig(
        ui_store, builtin_library, SensorBox(), student="Ana", exercise_id="graded-levels", fps=12.0
    )
    app = build_app(config)
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        timer = screen._timer
        assert timer is not None
        assert timer._interval == pytest.approx(1 / 12)

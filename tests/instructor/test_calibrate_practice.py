"""``trainer calibrate --sim``: the calibration wizard practised on a simulated load cell."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from trainer.calibration import STANDARD_GRAVITY, load_calibration
from trainer.calibration_practice import practice_procedure
from trainer.cli import main


def test_the_practice_cell_is_calibrated_like_a_real_one() -> None:
    procedure = practice_procedure(capacity_n=490.0, window=40, seed=3, realtime=False)
    cell = procedure.cell
    zero = procedure.tare()
    assert zero.mean_counts == pytest.approx(cell.zero_counts, abs=3 * cell.noise_counts)
    scale = procedure.place_mass(2.0)
    assert scale == pytest.approx(cell.counts_per_n, rel=0.005)
    assert abs(procedure.verify(2.0)) < 0.05  # the same 2 kg back on: repeatable
    assert abs(procedure.verify(5.0)) < 0.05  # a second mass: linear
    assert cell.load_kg * STANDARD_GRAVITY == pytest.approx(49.03, abs=0.01)


def test_calibrate_sim_runs_the_wizard_without_hardware_and_keeps_the_real_file(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    isolated_user_files: Path,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n2 kg\n2 kg\ny\n"))
    # Windows of 40 readings: with 12, plain noise passes for drift in a few runs out of
    # a hundred ("Not steady"), and the retry eats the next scripted answer.
    assert main(["calibrate", "--sim", "--plain", "--average", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "Practice: a simulated load cell" in out and "Saved (practice only" in out
    assert "start with 'trainer run'" not in out  # run never reads the practice file
    practice = next(isolated_user_files.rglob("calibration-practice.json"))
    saved = load_calibration(practice)
    assert abs(saved.scale_counts_per_n) > 300
    assert not list(isolated_user_files.rglob("calibration.json"))  # the real one untouched


def test_calibrate_sim_refuses_to_write_over_the_real_calibration(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    isolated_user_files: Path,
) -> None:
    from trainer.config import load_config

    real = load_config().calibration_path
    assert main(["calibrate", "--sim", "--plain", "--output", str(real)]) == 2
    assert "must not be the real calibration file" in capsys.readouterr().err


def test_the_full_screen_wizard_says_it_is_practice(tmp_path: Path) -> None:
    from textual.widgets import Input

    from trainer.ui.calibrate import CalibrationWizard

    path = tmp_path / "calibration-practice.json"
    wizard = CalibrationWizard(
        practice_procedure(capacity_n=490.0, window=12, seed=5), path, practice=True
    )

    async def wait_for(step: str) -> None:
        for _ in range(300):
            if wizard.step == step and not wizard.busy:
                await asyncio.sleep(0.1)
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"the wizard never reached {step!r}")

    async def run() -> None:
        async with wizard.run_test(size=(100, 32)) as pilot:
            await pilot.pause(0.2)
            assert "Practice: no hardware" in str(wizard.query_one("#instructions").render())
            await pilot.click("#tare")
            await wait_for("mass")
            mass = wizard.query_one("#mass", Input)
            mass.value = "3 kg"
            mass.focus()
            await pilot.press("enter")
            await wait_for("verify")
            await pilot.click("#skip")
            await wait_for("save")
            await pilot.click("#save")
            await pilot.pause(0.1)

    asyncio.run(run())
    assert wizard.saved and path.exists()


def test_the_full_screen_wizard_shows_paths_typed_text_and_chip_words_as_written(
    tmp_path: Path,
) -> None:
    """A file name, a typed mass and the chip's words with brackets, backslashes, escapes."""
    from textual.widgets import Input

    from trainer.ui.calibrate import CalibrationWizard

    folder = tmp_path / "Ana [b]cal [red] \\"
    folder.mkdir()
    path = folder / "practice [b] \\.json"
    wizard = CalibrationWizard(
        practice_procedure(capacity_n=490.0, window=12, seed=5), path, practice=True
    )

    def shown(selector: str) -> str:
        return str(wizard.query_one(selector).render())

    async def run() -> None:
        async with wizard.run_test(size=(100, 32)) as pilot:
            await pilot.pause(0.2)
            assert "Saving writes practice [b] \\.json, never" in shown("#instructions")
            wizard.problem = "[Errno 5] I/O error: '/dev/[iio]\\' \x1b[2J"
            wizard._show_reading()
            assert shown("#reading") == "No reading: [Errno 5] I/O error: '/dev/[iio]\\' \\x1b[2J"
            wizard.problem = None
            wizard.step = "mass"  # no measurement needed: a mistyped mass is never measured
            wizard._show_step()
            mass = wizard.query_one("#mass", Input)
            mass.value = "[b]2 kg\\"
            mass.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert "[b]2 kg\\" in shown("#message")
            wizard.step = "save"
            wizard._show_step()
            assert shown("#summary").endswith(f"Save writes: {path}")

    asyncio.run(run())


def test_the_reading_timer_firing_while_the_wizard_closes_is_no_traceback(
    tmp_path: Path,
) -> None:
    """The 0.2 s reading timer can fire after the widgets are gone (a loaded machine)."""
    from trainer.ui.calibrate import CalibrationWizard

    wizard = CalibrationWizard(
        practice_procedure(capacity_n=490.0, window=12, seed=5),
        tmp_path / "practice.json",
        practice=True,
    )

    async def run() -> None:
        async with wizard.run_test(size=(100, 32)) as pilot:
            await pilot.pause(0.2)
            await wizard.query_one("#wizard").remove()
            wizard._show_reading()  # as the timer does while the screen is taken down

    asyncio.run(run())

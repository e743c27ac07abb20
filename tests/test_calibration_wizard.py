"""`trainer calibrate`: the plain and the full-screen wizard on the emulated chip."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import HX711Emulator, fresh_mock_factory

from trainer.calibration import STANDARD_GRAVITY, CalibrationProcedure, load_calibration
from trainer.cli import main
from trainer.cli.hardware import make_procedure, plain_wizard
from trainer.config import load_config
from trainer.sensors.hx711 import HX711Sensor

SCALE = 5000.0


@pytest.fixture
def chip() -> Iterator[HX711Emulator]:
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Emulator(factory, counts_per_n=SCALE) as made:
            yield made


@pytest.fixture
def sensor(chip: HX711Emulator) -> Iterator[HX711Sensor]:
    with HX711Sensor(5, 6, 80) as opened:
        yield opened


class Script:
    """Answers typed at the prompts; each can first change the world (put a mass on)."""

    def __init__(self, steps: list[tuple[Callable[[], None] | None, str | None]]) -> None:
        self.steps = steps

    def readline(self) -> str:
        if not self.steps:
            return ""  # end of input
        action, text = self.steps.pop(0)
        if action is not None:
            action()
        return "" if text is None else text + "\n"


def place(chip: HX711Emulator, kg: float) -> Callable[[], None]:
    def act() -> None:
        chip.force_n = kg * STANDARD_GRAVITY

    return act


def quick(sensor: HX711Sensor) -> CalibrationProcedure:
    return make_procedure(load_config(), sensor, average_s=0.15)


def test_the_plain_wizard_calibrates_and_saves(
    chip: HX711Emulator, sensor: HX711Sensor, tmp_path: Path
) -> None:
    path = tmp_path / "calibration.json"
    out = io.StringIO()
    script = Script(
        [
            (None, ""),  # tare
            (place(chip, 2.0), "2 kg"),
            (place(chip, 1.0), "1000 g"),
            (None, "y"),
        ]
    )
    assert plain_wizard(quick(sensor), path, script, out) == 0  # type: ignore[arg-type]
    saved = load_calibration(path)
    assert saved.scale_counts_per_n == pytest.approx(SCALE, rel=0.01)
    assert saved.offset_counts == pytest.approx(chip.zero_counts, abs=100)
    assert saved.linearity_pct is not None and saved.linearity_pct < 1.0
    text = out.getvalue()
    assert "Scale: " in text and "linearity error" in text and "Saved." in text


def test_a_mass_without_a_unit_is_asked_again(
    chip: HX711Emulator, sensor: HX711Sensor, tmp_path: Path
) -> None:
    out = io.StringIO()
    script = Script(
        [
            (None, ""),
            (place(chip, 2.0), "2"),
            (None, "60 kg"),
            (None, "2 kg"),
            (None, ""),
            (None, "y"),
        ]
    )
    assert plain_wizard(quick(sensor), tmp_path / "c.json", script, out) == 0  # type: ignore[arg-type]
    text = out.getvalue()
    assert "'2' is not a mass; type it with its unit" in text
    assert "more than the cell's capacity" in text
    assert "Skipped." in text


def test_a_drifting_pad_is_not_tared(
    chip: HX711Emulator, sensor: HX711Sensor, tmp_path: Path
) -> None:
    out = io.StringIO()

    def press_slowly() -> None:
        # A hand resting on the pad: the emulated force creeps while the wizard measures.
        import threading
        import time

        def creep() -> None:
            for i in range(60):
                chip.force_n = i * 0.5
                time.sleep(0.005)

        threading.Thread(target=creep, daemon=True).start()

    script = Script([(press_slowly, ""), (None, "q")])
    assert plain_wizard(quick(sensor), tmp_path / "c.json", script, out) == 1  # type: ignore[arg-type]
    text = out.getvalue()
    assert "Not steady: the reading is still changing; take your hands off the pad" in text
    assert "nothing saved" in text
    assert not (tmp_path / "c.json").exists()


def test_closing_the_input_saves_nothing(sensor: HX711Sensor, tmp_path: Path) -> None:
    out = io.StringIO()
    assert plain_wizard(quick(sensor), tmp_path / "c.json", Script([]), out) == 1  # type: ignore[arg-type]
    assert "Calibration stopped; nothing saved." in out.getvalue()
    assert not (tmp_path / "c.json").exists()


def test_the_calibrate_command_runs_the_plain_wizard(
    chip: HX711Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    isolated_user_files: Path,
) -> None:
    script = Script([(None, ""), (place(chip, 1.0), "1 kg"), (None, ""), (None, "")])
    monkeypatch.setattr("sys.stdin", script)
    # Windows of 40 readings: with 12, plain noise passes for drift in a few runs out of
    # a hundred ("Not steady"), and the retry eats the next scripted answer.
    assert main(["calibrate", "--plain", "--average", "0.5"]) == 0
    saved = load_calibration(isolated_user_files / "calibration.json")
    assert saved.scale_counts_per_n == pytest.approx(SCALE, rel=0.01)


def test_calibrate_without_a_chip_says_what_to_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in fresh_mock_factory():
        assert main(["calibrate", "--plain"]) == 1
    err = capsys.readouterr().err
    assert "no HX711 answers on DT GPIO5 / SCK GPIO6; check the wiring" in err
    assert "Traceback" not in err


def test_the_full_screen_wizard_calibrates_and_saves(
    chip: HX711Emulator, sensor: HX711Sensor, tmp_path: Path
) -> None:
    from textual.widgets import Input

    from trainer.ui.calibrate import CalibrationWizard

    path = tmp_path / "calibration.json"
    wizard = CalibrationWizard(quick(sensor), path)

    async def wait_for(step: str) -> None:
        for _ in range(200):
            if wizard.step == step and not wizard.busy:
                await asyncio.sleep(0.1)  # let the re-enabled buttons be drawn
                return
            await asyncio.sleep(0.02)
        message = wizard.query_one("#message").render()
        raise AssertionError(f"the wizard never reached {step!r} (at {wizard.step!r}): {message}")

    async def run() -> None:
        async with wizard.run_test(size=(100, 32)) as pilot:
            await pilot.pause(0.3)
            assert "counts" in str(wizard.query_one("#reading").render())
            await pilot.click("#tare")
            await wait_for("mass")
            chip.force_n = 2 * STANDARD_GRAVITY
            wizard.query_one("#mass", Input).value = "two kilos"
            await pilot.click("#measure")
            await pilot.pause(0.05)
            assert "not a mass" in str(wizard.query_one("#message").render())
            mass = wizard.query_one("#mass", Input)
            mass.value = "2 kg"
            mass.focus()
            await pilot.press("enter")  # typing the mass and Enter measures too
            await wait_for("verify")
            await pilot.pause(0.3)
            assert " N " in str(wizard.query_one("#reading").render())
            wizard.query_one("#mass", Input).value = "2 kg"
            await pilot.click("#verify")
            await wait_for("save")
            assert "Repeatability" in str(wizard.query_one("#summary").render())
            await pilot.click("#save")
            await pilot.pause(0.1)

    asyncio.run(run())
    assert wizard.saved
    saved = load_calibration(path)
    assert saved.scale_counts_per_n == pytest.approx(SCALE, rel=0.01)
    assert saved.repeatability_n is not None and saved.repeatability_n < 0.1


def test_leaving_the_full_screen_wizard_saves_nothing(sensor: HX711Sensor, tmp_path: Path) -> None:
    from trainer.ui.calibrate import CalibrationWizard

    wizard = CalibrationWizard(quick(sensor), tmp_path / "c.json")

    async def run() -> None:
        async with wizard.run_test(size=(100, 32)) as pilot:
            await pilot.pause(0.1)
            await pilot.press("escape")
            await pilot.pause(0.1)

    asyncio.run(run())
    assert not wizard.saved and not (tmp_path / "c.json").exists()


@pytest.mark.parametrize("backend", ["hx711-spi", "nau7802"])
def test_the_calibrate_command_works_with_each_backend(
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
    isolated_user_files: Path,
) -> None:
    """The same wizard, through the SPI-clocked HX711 and the NAU7802 (faked at their libraries)."""
    import sys

    from fake_smbus2 import NAU7802Chip, fake_smbus2_module
    from fake_spidev import fake_spidev_module
    from hx711_emulator import HX711Chip

    (isolated_user_files / "config.toml").write_text(f'[sensor]\nbackend = "{backend}"\n')
    with HX711Chip(counts_per_n=SCALE) as hx711:
        nau7802 = NAU7802Chip(counts_per_n=SCALE)
        chip: HX711Chip | NAU7802Chip = hx711 if backend == "hx711-spi" else nau7802
        monkeypatch.setitem(sys.modules, "spidev", fake_spidev_module(hx711))
        monkeypatch.setitem(sys.modules, "smbus2", fake_smbus2_module(nau7802))

        def put_on_1_kg() -> None:
            chip.force_n = STANDARD_GRAVITY

        script = Script([(None, ""), (put_on_1_kg, "1 kg"), (None, ""), (None, "")])
        monkeypatch.setattr("sys.stdin", script)
        assert main(["calibrate", "--plain", "--average", "0.15"]) == 0
    saved = load_calibration(isolated_user_files / "calibration.json")
    assert saved.scale_counts_per_n == pytest.approx(SCALE, rel=0.01)
    assert saved.adc == ("nau7802" if backend == "nau7802" else "hx711")

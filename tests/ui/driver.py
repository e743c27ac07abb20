"""A student at the keyboard, for tests: reads the live screen, presses keys to follow it."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.ui.helpers import SteppedSensor, until
from trainer.exercises import PhaseKind
from trainer.ui.app import TrainerApp
from trainer.ui.screens.live import LiveScreen
from trainer.ui.screens.results import ResultsScreen

STEP_S = 0.25


def keys_towards(aim_n: float, target_n: float, full_scale_n: float) -> list[str]:
    """The few key presses that move the simulated hand's aim from ``aim_n`` to ``target_n``.

    A number key for a long way (tenths of full scale), then coarse and fine arrows.
    """
    if target_n <= 0.0:
        return ["grave_accent"] if aim_n > 0 else []
    fine = full_scale_n / 100
    coarse = 5 * fine
    keys: list[str] = []
    if abs(target_n - aim_n) > 2 * coarse:
        tenth = min(10, max(1, round(target_n / full_scale_n * 10)))
        keys.append(str(tenth % 10))
        aim_n = tenth / 10 * full_scale_n
    diff = target_n - aim_n
    if abs(diff) >= 0.75 * coarse:
        coarse_steps = round(diff / coarse)
        keys += ["pageup" if coarse_steps > 0 else "pagedown"] * abs(coarse_steps)
        diff -= coarse_steps * coarse
    fine_steps = round(diff / fine)
    keys += ["up" if fine_steps > 0 else "down"] * abs(fine_steps)
    return keys


def aim_after(keys: list[str], aim_n: float, full_scale_n: float) -> float:
    """Where the live screen's key bindings leave the aim after ``keys``."""
    steps = {"up": 1, "down": -1, "pageup": 5, "pagedown": -5}
    for key in keys:
        if key == "grave_accent":
            aim_n = 0.0
        elif key.isdigit():
            aim_n = (int(key) or 10) / 10 * full_scale_n
        else:
            aim_n = max(0.0, aim_n + steps[key] * full_scale_n / 100)
    return aim_n


async def drive_to_results(
    pilot: Pilot[None], app: TrainerApp, sensor: SteppedSensor, limit_s: float = 400.0
) -> ResultsScreen:
    """Follow the exercise with key presses until the results screen shows."""
    screen = app.screen
    assert isinstance(screen, LiveScreen)
    controller = screen.controller
    assert controller is not None and controller.setup.intent is not None
    intent = controller.setup.intent
    if controller.stage.value == "ready":
        await pilot.press("space")
        await until(pilot, lambda: controller.session is not None)
        # One sample starts the first phase, so a ramp's moving target is on screen.
        sensor.pump(1 / sensor.rate_hz)
        screen.frame()
    elapsed = 0.0
    keys: list[str] = []
    while app.screen is screen and elapsed < limit_s:
        state = controller.display_state()
        phase = state.phase
        keys = []
        if phase is not None:
            band = state.band if phase.band is not None else None
            if phase.kind in (PhaseKind.REST, PhaseKind.RELEASE) or band is None:
                target = 0.0
            else:
                target = band.centre_n
            keys = keys_towards(intent.target_n, target, screen.full_scale_n)
            if keys:
                expected = aim_after(keys, intent.target_n, screen.full_scale_n)
                await pilot.press(*keys)
                await until(pilot, lambda aim=expected: abs(intent.target_n - aim) < 1e-6)
        step = STEP_S
        keys_pressed = phase is not None and bool(keys)
        if not keys_pressed and phase is not None and phase.kind is not PhaseKind.RAMP:
            step = 2 * STEP_S  # settled: look again a little later, as a student would
        if phase is not None and phase.kind is PhaseKind.RAMP and phase.rate_n_per_s:
            # One coarse arrow press per step keeps up with the ramp's moving target.
            coarse = screen.full_scale_n / 20
            step = min(1.0, max(0.1, coarse / phase.rate_n_per_s))
        sensor.pump(step)
        screen.frame()
        elapsed += step
    await until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen._filled)
    results = app.screen
    assert isinstance(results, ResultsScreen), f"session did not finish in {limit_s} s"
    return results

"""The calibration wizard: tare, a known mass, verify, save, in one full screen.

The chip is read on one background thread into a stream; the live reading shows the
latest value and each measurement takes the next readings from the same stream, so
the display never steals readings from a measurement. Measurements run in a thread
worker (a few seconds each) and report back on the UI thread.

Example::

    wizard = CalibrationWizard(procedure, path)
    wizard.run()
    print(wizard.saved)
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Footer, Header, Input, Static

from trainer.calibration import (
    STANDARD_GRAVITY,
    CalibrationProcedure,
    NotSteady,
    describe_mass,
    parse_mass_kg,
    save_calibration,
)
from trainer.sensors.base import SensorError
from trainer.ui.text import NoticesAsWritten, literal, styled

STEPS = ("tare", "mass", "verify", "save")
TITLES = {
    "tare": "Step 1 of 4: tare",
    "mass": "Step 2 of 4: a known mass",
    "verify": "Step 3 of 4: verify",
    "save": "Step 4 of 4: save",
}
INSTRUCTIONS = {
    "tare": "Take everything off the pad and keep your hands away, then press Tare.",
    "mass": "Place a known mass in the middle of the pad (the heavier the better, up to "
    "the cell's capacity). Type its mass with the unit, e.g. 2 kg or 500 g, and press Measure.",
    "verify": "Lift the mass off and put it back (repeatability), or place a second mass "
    "(linearity). Type the mass now on the pad and press Verify, or Skip.",
    "save": "Check the figures, then Save. Forces are in newtons from then on.",
}


class CalibrationWizard(NoticesAsWritten):
    """Guided calibration of the load cell (see the module docstring)."""

    CSS_PATH = "calibrate.tcss"
    TITLE = "Pressure Trainer: calibrate the load cell"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+q", "cancel", "Quit without saving"),
    ]

    def __init__(
        self, procedure: CalibrationProcedure, path: Path, *, practice: bool = False
    ) -> None:
        super().__init__()
        self.procedure = procedure
        self.path = path
        #: a simulated load cell (``trainer calibrate --sim``): the title says so
        self.practice = practice
        if practice:
            self.title = "Pressure Trainer: practise calibrating (simulated load cell)"
        self.step = "tare"
        self.saved = False
        self.busy = False
        self.latest: int | None = None
        self.problem: str | None = None
        self._stream: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._measuring = threading.Event()
        self._stop = threading.Event()
        self._read_chip = procedure.read_raw
        procedure.read_raw = self._next_reading
        self._reader = threading.Thread(
            target=self._read_loop, name="calibrate-reader", daemon=True
        )

    # -- readings ---------------------------------------------------------------------------
    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                value = self._read_chip()
            except SensorError as error:
                self.problem = str(error)
                self._stop.wait(0.2)
                continue
            self.problem = None
            self.latest = value
            if self._measuring.is_set():
                self._stream.put(value)

    def _next_reading(self) -> int:
        try:
            return self._stream.get(timeout=2.0)
        except queue.Empty:
            raise SensorError(self.problem or "the load cell stopped answering") from None

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="wizard"):
            yield Static(id="title")
            yield Static(id="instructions")
            yield Static(id="reading")
            yield Input(placeholder="e.g. 2 kg or 500 g", id="mass")
            yield Static(id="message")
            yield Static(id="summary")
            with Horizontal(id="buttons"):
                yield Button("Tare", id="tare", variant="primary")
                yield Button("Measure", id="measure", variant="primary")
                yield Button("Verify", id="verify", variant="primary")
                yield Button("Skip", id="skip")
                yield Button("Save", id="save", variant="success")
                yield Button("Quit without saving", id="cancel", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        self._reader.start()
        self.set_interval(0.2, self._show_reading)
        self._show_step()

    def on_unmount(self) -> None:
        self._stop.set()
        self._measuring.clear()
        self._reader.join(timeout=2.0)

    def _show_step(self) -> None:
        step = self.step
        self.query_one("#title", Static).update(TITLES[step])
        # The file's name is the user's (--output): shown as written, never as styling.
        instructions = (
            styled(
                "$step\n[i]Practice: no hardware; the simulated pad carries the mass you "
                "type. Saving writes $file, never the real calibration.[/i]",
                step=INSTRUCTIONS[step],
                file=self.path.name,
            )
            if self.practice
            else literal(INSTRUCTIONS[step])
        )
        self.query_one("#instructions", Static).update(instructions)
        self.query_one("#mass", Input).display = step in ("mass", "verify")
        shown = {
            "tare": {"tare"},
            "mass": {"measure"},
            "verify": {"verify", "skip"},
            "save": {"save"},
        }
        for button in self.query(Button):
            if button.id != "cancel":
                button.display = button.id in shown[step]
            button.disabled = self.busy
        self.query_one("#summary", Static).update(literal(self._summary()))
        if step in ("mass", "verify"):
            mass = self.query_one("#mass", Input)
            mass.value = ""
            mass.focus()
        else:
            for button in self.query(Button):
                if button.display and button.id != "cancel":
                    button.focus()
                    break

    def _show_reading(self) -> None:
        procedure = self.procedure
        if self.problem:
            text = ""  # the problem is shown below, styled
        elif self.latest is None:
            text = "Waiting for the load cell..."
        elif procedure.zero is not None and procedure.scale is not None:
            force = (self.latest - procedure.zero.mean_counts) / procedure.scale
            text = f"Now: {force:7.2f} N  ({force / STANDARD_GRAVITY * 1000:6.0f} g)"
        elif procedure.zero is not None:
            text = f"Now: {self.latest - procedure.zero.mean_counts:+.0f} counts from zero"
        else:
            text = f"Now: {self.latest} counts"
        if self.busy:
            text += "   measuring, keep still..."
        # The chip's words may quote a device path or an errno text: shown as written.
        reading = (
            styled("[b]No reading:[/b] $problem$busy", problem=self.problem, busy=text)
            if self.problem
            else literal(text)
        )
        try:
            label = self.query_one("#reading", Static)
        except NoMatches:  # closing: the widgets go before the 0.2 s timer stops
            return
        label.update(reading)

    def _summary(self) -> str:
        p = self.procedure
        lines = []
        if p.zero is not None:
            lines.append(
                f"Zero: {p.zero.mean_counts:.0f} counts, noise {p.zero.sd_counts:.0f} counts"
            )
        if p.scale is not None and p.zero is not None and p.mass_kg is not None:
            lines.append(
                f"Scale: {p.scale:.1f} counts per newton from {describe_mass(p.mass_kg)}; "
                f"noise {p.zero.sd_counts / abs(p.scale):.3f} N"
            )
        if p.verify_error_n is not None and p.verify_mass_kg is not None:
            expected = p.verify_mass_kg * STANDARD_GRAVITY
            what = "Repeatability" if p.verify_mass_kg == p.mass_kg else "Linearity"
            lines.append(
                f"{what}: {describe_mass(p.verify_mass_kg)} reads "
                f"{expected + p.verify_error_n:.2f} N (should be {expected:.2f} N), error "
                f"{p.verify_error_n:+.2f} N ({100 * abs(p.verify_error_n) / expected:.1f} %)"
            )
        if self.step == "save":
            lines.append(f"Save writes: {self.path}")
        return "\n".join(lines)

    def _say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(literal(text))  # it quotes what was typed, and file paths
        message.set_class(error, "error")

    # -- actions ------------------------------------------------------------------------------
    @on(Button.Pressed, "#tare")
    def _tare(self) -> None:
        self._measure("tare", None)

    @on(Button.Pressed, "#measure")
    @on(Button.Pressed, "#verify")
    @on(Input.Submitted, "#mass")
    def _mass_entered(self) -> None:
        text = self.query_one("#mass", Input).value
        try:
            kg = parse_mass_kg(text)
        except ValueError as error:
            self._say(f"{error}.", error=True)
            return
        if kg * STANDARD_GRAVITY > self.procedure.capacity_n:
            self._say(
                f"{describe_mass(kg)} is more than the cell's capacity "
                f"({self.procedure.capacity_n / STANDARD_GRAVITY:g} kg); use a lighter mass.",
                error=True,
            )
            return
        self._measure(self.step, kg)

    @on(Button.Pressed, "#skip")
    def _skip(self) -> None:
        self._say("Verification skipped.")
        self.step = "save"
        self._show_step()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        try:
            save_calibration(self.procedure.result(), self.path)
        except OSError as error:
            self._say(
                f"Cannot write {self.path} ({error.strerror}); check the folder's permissions.",
                error=True,
            )
            return
        self.saved = True
        self.exit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.exit()

    def _measure(self, step: str, kg: float | None) -> None:
        if self.busy:
            return
        self.busy = True
        self._say("Measuring: keep still for a few seconds...")
        self._show_step()
        self._run_measurement(step, kg)

    @work(thread=True, exclusive=True)
    def _run_measurement(self, step: str, kg: float | None) -> None:
        # Fresh readings only: drop what the stream held from before the button press.
        while not self._stream.empty():
            self._stream.get_nowait()
        self._measuring.set()
        try:
            if step == "tare":
                self.procedure.tare()
                result = "Tared."
            elif step == "mass":
                assert kg is not None
                scale = self.procedure.place_mass(kg)
                result = f"Scale measured: {scale:.1f} counts per newton."
            else:
                assert kg is not None
                error_n = self.procedure.verify(kg)
                result = f"Verified: error {error_n:+.2f} N."
        except (NotSteady, SensorError) as error:
            self.call_from_thread(self._finished, step, f"{error}.", True)
            return
        finally:
            self._measuring.clear()
        self.call_from_thread(self._finished, step, result, False)

    def _finished(self, step: str, text: str, failed: bool) -> None:
        self.busy = False
        if not failed:
            self.step = STEPS[STEPS.index(step) + 1]
        self._show_step()
        self._say(text, error=failed)

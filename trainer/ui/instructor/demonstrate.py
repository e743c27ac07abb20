"""Teach by demonstration: the instructor presses the pad, the curve becomes an exercise.

Space starts and stops recording; Ctrl+S turns the recording into a new exercise (a
band of the chosen width around the curve) and opens it in the editor to check and
save. On a simulated pad the arrow and number keys press, as on the live screen.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Sparkline, Static

from trainer.exercises import Exercise, Phase, PhaseKind, TargetBand
from trainer.instructor import InstructorError
from trainer.instructor.demonstration import draft_from_demonstration, save_demonstration
from trainer.sensors.base import Sample, SensorError
from trainer.store import StoreError
from trainer.ui.context import UsesTrainer
from trainer.ui.feed import start_sensor
from trainer.ui.pad_keys import PAD_KEYS, PadKeys
from trainer.ui.text import literal, sentence, styled
from trainer.ui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from trainer.sensors.simulated import ManualIntent
    from trainer.ui.config import SensorSetup

#: the pad's full scale on this screen: the simulated keys' 100 %
FULL_SCALE_N = 100.0
#: at most this long a demonstration (samples kept in memory)
MAX_RECORD_S = 300.0


def _demo_exercise() -> Exercise:
    # The sensor factory sizes the simulated hand from an exercise: one wide hold.
    band = TargetBand(0.0, FULL_SCALE_N / 1.5)
    phase = Phase(
        PhaseKind.HOLD, "Demonstrate", band, "Press as you would teach it", duration_s=MAX_RECORD_S
    )
    return Exercise("demonstration", "Demonstration", "demonstration", "", (phase,))


class DemonstrationScreen(PadKeys, UsesTrainer, Screen[None]):
    """Record a force curve from the pad; make it an exercise's target profile."""

    CSS_PATH = "instructor.tcss"
    AUTO_FOCUS = "#dm-nothing"  # keys go to the screen (space, arrows), not a text box
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "record", "Record / stop"),
        Binding("ctrl+s", "make", "Make exercise", priority=True),
        Binding("escape", "back", "Back"),
        *PAD_KEYS,
    ]

    def __init__(self, exercise_id: str) -> None:
        super().__init__()
        self.exercise_id = exercise_id
        self.setup: SensorSetup | None = None
        self.recording = False
        self.recorded: list[tuple[float, float]] = []
        self.samples: list[Sample] = []
        #: the session the last recording was stored as (None: not stored yet)
        self.saved_session: int | None = None
        self._latest: Sample | None = None
        self._problem: str | None = None
        self._lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield TopBar("Teach by demonstration", simulated=self.trainer.config.simulated)
        yield Static(id="dm-readout")
        yield Sparkline([0.0], id="dm-trace")
        with Horizontal(id="dm-form"):
            yield Label("Id", classes="control-label")
            yield Input(self.exercise_id, id="dm-id")
            yield Label("Name", classes="control-label")
            yield Input("Demonstrated technique", id="dm-name")
            yield Label("Band width (N)", classes="control-label")
            yield Input("6", id="dm-width")
        yield Static(
            "Space starts recording: press, hold and release as you want students to. "
            "Space again stops. Ctrl+S makes the exercise and opens it in the editor.",
            id="dm-status",
        )
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.setup = self.trainer.config.sensor_factory(_demo_exercise(), FULL_SCALE_N)
            self.setup.sensor.open()
            start_sensor(self.setup.sensor, self.on_sample, self.on_error)
        except SensorError as error:
            self._problem = str(error)
        if self.trainer.config.timers:
            self.set_interval(0.1, self.refresh_view)
        self.refresh_view()

    def on_unmount(self) -> None:
        if self.setup is not None:
            with contextlib.suppress(SensorError):  # a dying sensor must not block leaving
                self.setup.sensor.close()

    # -- the sensor thread hands samples over here ----------------------------------------
    def on_sample(self, sample: Sample) -> None:
        with self._lock:
            self._latest = sample
            self._problem = None
            if self.recording:
                self.recorded.append((sample.t_s, sample.force_n))
                self.samples.append(sample)
                if sample.t_s - self.recorded[0][0] > MAX_RECORD_S:
                    self.recording = False

    def on_error(self, error: SensorError) -> None:
        with self._lock:
            self._problem = str(error)

    # -- drawing -----------------------------------------------------------------------
    def refresh_view(self) -> None:
        """Redraw the force readout and the recorded curve (a timer calls this)."""
        with self._lock:
            latest, problem = self._latest, self._problem
            recorded = list(self.recorded)
            recording = self.recording
        unit = self.trainer.units
        parts: list[Content] = []
        if problem:
            # The sensor's words quote device paths and errno texts ("[Errno 5] ..."): as written.
            parts.append(styled("[b red]Sensor: $problem[/]", problem=problem))
        if latest is not None:
            parts.append(literal(f"Force {unit.show(latest.force_n)}"))
        if recording:
            seconds = recorded[-1][0] - recorded[0][0] if len(recorded) > 1 else 0.0
            parts.append(Content.from_markup(f"[b]● RECORDING[/b] {seconds:.1f} s"))
        elif recorded:
            seconds = recorded[-1][0] - recorded[0][0]
            parts.append(
                literal(f"Recorded {seconds:.1f} s: Ctrl+S makes the exercise, Space records again")
            )
        else:
            parts.append(literal("Not recording"))
        self.query_one("#dm-readout", Static).update(Content("   ").join(parts))
        step = max(1, len(recorded) // 200)
        self.query_one("#dm-trace", Sparkline).data = [f for _, f in recorded[::step]] or [0.0]

    # -- keys --------------------------------------------------------------------------
    def action_record(self) -> None:
        with self._lock:
            stopped = self.recording
            if self.recording:
                self.recording = False
            else:
                self.recorded = []
                self.samples = []
                self.saved_session = None
                self.recording = True
        if stopped:
            self.save_recording()
        self.refresh_view()

    def save_recording(self) -> None:
        """Store the finished recording as a demonstration session (once)."""
        with self._lock:
            samples = list(self.samples)
        if self.saved_session is not None or len(samples) < 2 or self.setup is None:
            return
        try:
            self.saved_session = save_demonstration(
                self.trainer.config.store,
                samples,
                by=self.trainer.student or "Instructor",
                sensor_info=self.setup.sensor.describe(),
                calibration=self.setup.calibration,
            )
        except (InstructorError, StoreError) as error:
            self.notify(f"The demonstration was not stored: {sentence(error)}", severity="error")
            return
        self.notify(
            f"Demonstration stored as session {self.saved_session}: "
            "the history shows it, and 'trainer export' writes it out."
        )

    def simulated_pad(self) -> tuple[ManualIntent, float] | None:
        intent = self.setup.intent if self.setup is not None else None
        return None if intent is None else (intent, FULL_SCALE_N)

    def action_make(self) -> None:
        from trainer.ui.instructor.editor import EditorScreen

        with self._lock:
            self.recording = False
            recorded = list(self.recorded)
        self.save_recording()
        width_text = self.query_one("#dm-width", Input).value.strip()
        try:
            width = float(width_text)
        except ValueError:
            self.notify(
                f"The band width {width_text!r} is not a number: type e.g. 6.", severity="error"
            )
            return
        if len(recorded) < 10:
            self.notify(
                "Record a demonstration first: press Space, press the pad, Space again.",
                severity="warning",
            )
            return
        try:
            draft = draft_from_demonstration(
                recorded,
                self.query_one("#dm-id", Input).value.strip(),
                self.query_one("#dm-name", Input).value.strip() or "Demonstrated technique",
                band_width_n=width,
                demonstrated_by=self.trainer.student or "the instructor",
            )
        except InstructorError as error:
            self.notify(sentence(error), severity="error")
            return
        self.app.switch_screen(EditorScreen(draft))

    def action_back(self) -> None:
        self.app.pop_screen()

"""Running an assessment: the instructor picks the assessment and the student, then hands
over. Each exercise runs blind (no force shown, only the phase, its cue and time left);
scores go to the instructor, not to the screen. When it ends the app returns home, so
the instructor tools need the PIN again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from trainer.instructor import InstructorError
from trainer.instructor.assessment import Assessments, AssessmentSitting
from trainer.sensors.base import SensorError
from trainer.ui.config import full_scale_n
from trainer.ui.context import UsesTrainer
from trainer.ui.dialog import FormDialog
from trainer.ui.pad_keys import PAD_KEYS, PadKeys
from trainer.ui.text import band as band_text
from trainer.ui.text import literal, sentence, styled
from trainer.ui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from trainer.sensors.simulated import ManualIntent
    from trainer.ui.controller import LiveController


class AssessmentStartScreen(UsesTrainer, FormDialog[tuple[str, str]]):
    """Which assessment, for which student; dismisses with (assessment, student)."""

    CSS_PATH = "instructor.tcss"

    def __init__(self, student: str = "") -> None:
        super().__init__()
        self.student = student

    def compose(self) -> ComposeResult:
        store = self.trainer.config.store
        names = [(literal(a.name), a.name) for a in Assessments(store).all()]
        with Vertical(id="ar-box"):
            yield Label("Run an assessment (blind; results go to the instructor)", id="ar-title")
            if names:
                yield Select[str](names, id="ar-name", allow_blank=False)
            else:
                yield Label(
                    "No assessments yet: press C on the assessment screen to create one.",
                    id="ar-none",
                )
            yield Input(self.student, placeholder="student's name", id="ar-student", max_length=40)
            with Horizontal(id="ar-buttons"):
                yield Button("Start", id="ar-start", variant="success", disabled=not names)
                yield Button("Cancel", id="cancel")
            yield Label("", id="ar-message")

    def submit(self, button: str) -> None:
        selects = self.query("#ar-name")
        if not selects:
            return
        name = selects.first(Select).value
        student = self.query_one("#ar-student", Input).value.strip()
        if not student:
            self.query_one("#ar-message", Label).update("Type the student's name first.")
            return
        if isinstance(name, str):
            self.dismiss((name, student))


class AssessmentRunScreen(PadKeys, UsesTrainer, Screen[None]):
    """The student's view of an assessment: one blind exercise after another."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "start", "Start"),
        Binding("escape", "stop", "Stop"),
        *PAD_KEYS,
    ]

    def __init__(self, assessment: str, student: str) -> None:
        super().__init__()
        self.assessment = assessment
        self.student = student
        self.sitting: AssessmentSitting | None = None
        self.controller: LiveController | None = None
        self.done = False

    def compose(self) -> ComposeResult:
        yield TopBar(
            f"Assessment {self.assessment} | {self.student}",
            simulated=self.trainer.config.simulated,
        )
        yield Static(id="ar-progress")
        yield Static(id="ar-phase")
        yield Static(id="ar-help")
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.sitting = AssessmentSitting(
                self.trainer.config.store,
                self.trainer.config.library.exercises,
                self.assessment,
                self.student,
            )
        except InstructorError as error:
            self.notify(sentence(error), severity="error", timeout=8)
            self.app.pop_screen()
            return
        if self.trainer.config.timers:
            self.set_interval(1 / self.trainer.config.fps, self.tick)
        self.call_after_refresh(self._prepare)

    def on_unmount(self) -> None:
        self._close_controller("incomplete")
        if self.sitting is not None and not self.done:
            self.sitting.finish()

    # -- one exercise at a time ---------------------------------------------------------
    def _prepare(self) -> None:
        """Open the sensor for the next exercise and wait for Space."""
        sitting = self.sitting
        if sitting is None:
            return
        exercise = sitting.next_exercise()
        if exercise is None:
            self._complete()
            return
        trainer = self.trainer
        from trainer.ui.controller import LiveController

        scale = full_scale_n(exercise)
        try:
            setup = trainer.config.sensor_factory(exercise, scale)
            controller = LiveController(
                trainer.config.store,
                exercise,
                self.student,
                setup,
                full_scale_n=scale,
                kind="assessment",
            )
            controller.open()
        except SensorError as error:
            self.notify(f"The sensor could not start: {error}", severity="error", timeout=10)
            return
        self.controller = controller
        self._show()

    def _show(self) -> None:
        sitting, controller = self.sitting, self.controller
        if sitting is None:
            return
        progress = self.query_one("#ar-progress", Static)
        phase_box = self.query_one("#ar-phase", Static)
        help_box = self.query_one("#ar-help", Static)
        if self.done:
            progress.update(styled("[b]Assessment $name finished.[/b]", name=self.assessment))
            phase_box.update("Well done. Your results go to your instructor.")
            help_box.update("Press Escape to return to the start.")
            return
        if controller is None:
            return
        exercise = controller.exercise
        progress.update(
            styled(
                "[b]Exercise $position of $total: $name[/b]\n"
                "Blind: the force is not shown. Follow each step's cue.",
                position=sitting.position + 1,
                total=sitting.total,
                name=exercise.name,
            )
        )
        if controller.session is None:
            phase_box.update(literal(" ".join(exercise.instructions.split())))
            help_box.update("Press Space to begin this exercise. Escape stops the assessment.")
            return
        state = controller.display_state()
        if state.phase is None:
            phase_box.update("")
            return
        left = f"{state.time_left_s:.0f} s left" if state.time_left_s is not None else ""
        band = state.phase.band
        unit = self.trainer.units
        # The target is known (as on a written test); only the live force is hidden.
        target = (
            f"Target {band_text(unit, (band.low_n, band.high_n))}"
            if band is not None and state.phase.scored
            else ""
        )
        problem = controller.sensor_problem
        lines = [
            styled(
                "Step $step of $count: [b]$name[/b]",
                step=state.phase_index + 1,
                count=state.phase_count,
                name=state.phase.name,
            ),
            literal(state.phase.cue),
            literal(target),
            literal(left),
        ]
        if problem:
            lines.append(styled("[b red]$problem[/]", problem=problem))
        phase_box.update(Content("\n").join(line for line in lines if line))
        help_box.update("Escape stops the assessment (it is then marked incomplete).")

    def tick(self) -> None:
        """Drain the samples and move on when an exercise ends (the frame timer calls it)."""
        controller, sitting = self.controller, self.sitting
        if controller is None or sitting is None:
            return
        frame = controller.pump()
        if frame.finished:
            session_id = controller.finish()
            self._close_controller(None)
            if session_id is not None:
                sitting.record(session_id, self.trainer.config.store.result(session_id))
            self._prepare()
            return
        self._show()

    def _close_controller(self, status: str | None) -> None:
        controller, self.controller = self.controller, None
        if controller is None:
            return
        if (
            status is not None
            and controller.session is not None
            and controller.session.status is None
        ):
            controller.finish(status)
        controller.close()
        if self.trainer.live is controller:
            self.trainer.live = None

    def _complete(self) -> None:
        if self.sitting is not None and not self.done:
            self.sitting.finish()
        self.done = True
        self._show()

    # -- keys ---------------------------------------------------------------------------
    def action_start(self) -> None:
        controller = self.controller
        if controller is None or controller.session is not None:
            return
        controller.start()
        self.trainer.live = controller
        # One sample starts the first phase, so the first step shows at once.
        self._show()

    def action_stop(self) -> None:
        from trainer.ui.screens.confirm import ConfirmScreen

        if self.done:
            self._go_home()
            return

        def answered(stop: bool | None) -> None:
            if stop:
                self._close_controller("aborted")
                if self.sitting is not None:
                    self.sitting.finish()
                self.done = True
                self._go_home()

        self.app.push_screen(
            ConfirmScreen("Stop the assessment?", "It is recorded as incomplete."), answered
        )

    def _go_home(self) -> None:
        # Back to the first screen: the instructor tools need the PIN again.
        while len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def simulated_pad(self) -> tuple[ManualIntent, float] | None:
        controller = self.controller
        intent = controller.setup.intent if controller is not None else None
        return None if controller is None or intent is None else (intent, controller.full_scale_n)

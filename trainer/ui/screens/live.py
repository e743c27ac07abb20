"""The live session: big force digits, the gauge with its band, the phase, the trace.

Readable at arm's length on a 7-inch screen and in an 80x24 terminal. Samples reach
the screen through :class:`LiveController` (a queue filled by the sensor thread); a
timer drains it about 30 times a second and redraws once from the engine's state.
The student practises the bands their instructor set, and the controller's feedback
view (blind phases, the feedback schedule) decides whether the force shows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Static

from trainer.engine import LiveState, Zone
from trainer.exercises import Exercise, FeedbackMode, PhaseKind
from trainer.instructor.practice import PracticePlan
from trainer.instructor.schedules import ScheduleKind
from trainer.scoring import PhaseMetrics
from trainer.sensors.base import SensorError
from trainer.ui import text
from trainer.ui.config import full_scale_n
from trainer.ui.context import UsesTrainer
from trainer.ui.controller import Frame, Hidden, LiveController, Stage, plan_for
from trainer.ui.messages import AimNudged, AimSet
from trainer.ui.pad_keys import PadKeys
from trainer.ui.widgets.boxes import BareHorizontal, BareVertical
from trainer.ui.widgets.forcereadout import ForceReadout
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.phasepanel import PhasePanel
from trainer.ui.widgets.topbar import TopBar
from trainer.ui.widgets.trace import Column, ForceTrace, bucket
from trainer.units import Contact, Unit

if TYPE_CHECKING:
    from trainer.sensors.simulated import ManualIntent

W = TypeVar("W", bound=Widget)

ZONE_WORDS = {
    Zone.BELOW: ("▲ PRESS HARDER", "zone-below"),
    Zone.IN: ("● HOLD", "zone-in"),
    Zone.ABOVE: ("▼ LIGHTER", "zone-above"),
}


#: the zone line and the gauge's text while the force is hidden, by reason (the gauge's
#: text fits the 60 columns of the smallest screen)
HIDDEN_TEXTS: dict[Hidden, tuple[str, str]] = {
    Hidden.BLIND: (
        "BLIND: feel the force",
        "Blind phase: feel the force; your results come at the end.",
    ),
    Hidden.FADED: (
        "NO GAUGE: feel it",
        "Feedback faded for this trial: feel the force.",
    ),
    Hidden.IN_BAND: (
        "GAUGE OFF: feel it",
        "Gauge shows only when you leave the band.",
    ),
    Hidden.ON_REQUEST: (
        "GAUGE OFF: P to peek",
        "Gauge hidden: press P to peek for a moment (peeks count).",
    ),
    Hidden.SUMMARY: (
        "GAUGE OFF: feel it",
        "No live gauge: your results show after every few trials.",
    ),
    Hidden.RETENTION: (
        "RETENTION: feel it",
        "Retention test: feel the force; results come at the end.",
    ),
}


def size_may_change(widget: Widget, old: object, new: str) -> bool:
    """Whether showing ``new`` instead of ``old`` can change ``widget``'s size.

    A one-line text in a widget of fixed width keeps its size; a text that wraps, an
    empty one, or one in an auto-width widget that changes length may not.
    """
    if not isinstance(old, str) or not old or not new:
        return True
    width = widget.styles.width
    if width is not None and width.is_auto:
        return cell_len(old) != cell_len(new)
    return max(cell_len(old), cell_len(new)) > widget.content_region.width


def gauge_text(hidden: Hidden | None, plan: PracticePlan | None) -> str | None:
    """What the gauge says instead of the force (None: the force shows)."""
    if hidden is None:
        return None
    if hidden is Hidden.SUMMARY and plan is not None:
        every = plan.schedule.summary_every
        return f"No live gauge: your results show after every {every} trials."
    return HIDDEN_TEXTS[hidden][1]


def zone_words(state: LiveState, hidden: Hidden | None = None) -> tuple[str, str]:
    """What the student should do, in words (and the zone style that colours it).

    ``hidden`` says why the force is not shown (blind phases count even without it).
    """
    phase = state.phase
    if phase is None:
        return "Done", "zone-none"
    if hidden is None and state.blind:
        hidden = Hidden.BLIND
    if hidden is not None:
        return HIDDEN_TEXTS[hidden][0], "zone-blind"
    if phase.kind is PhaseKind.REST or state.band is None:
        return "Rest: hands off", "zone-none"
    if state.zone is Zone.NONE:
        distance = state.distance_n
        zone = Zone.BELOW if distance < 0 else Zone.ABOVE if distance > 0 else Zone.IN
    else:
        zone = state.zone
    words, css = ZONE_WORDS[zone]
    if zone is Zone.IN and phase.kind is PhaseKind.RAMP:
        words = "● ON TRACK"
    elif zone is Zone.IN and phase.kind is PhaseKind.RELEASE:
        words = "● RELEASED"
    return words, css


#: the trace redraws at most this often (seconds of the session's clock): the eye reads
#: its shape, the digits and the gauge show the force of the moment
TRACE_REDRAW_S = 0.25

#: a trial's average miss (N) worth a word; smaller ones are noise from the hand's tremor
BIAS_WORTH_SAYING_N = 0.5


#: kPa asked for where nothing says what presses the pad
NO_CONTACT_NOTICE = (
    "kPa needs a contact (the exercise's, or the student's: 'trainer instructor students "
    "contact'); forces are shown in N."
)


def trial_results(
    results: list[PhaseMetrics], unit: Unit, width: int = 1000, contact: Contact | None = None
) -> str:
    """The results the feedback schedule releases, on one line of at most ``width``.

    The longest wording that fits: a result that wrapped would push the gauge down.
    """
    scored = [m for m in results if m.score is not None]
    if not scored:
        return ""
    if len(scored) == 1:
        m = scored[0]
        assert m.score is not None
        bias = m.constant_error_n
        side = short_side = ""
        if abs(bias) >= BIAS_WORTH_SAYING_N:
            word = "too firm" if bias > 0 else "too light"
            side = f", {unit.show(abs(bias), contact=contact)} {word} on average"
            short_side = f", {unit.show(abs(bias), contact=contact)} {word}"
        score = f"score {m.score:.0f}, {m.time_in_band_pct:.0f}% in band"
        wordings = [
            f"Result, {m.name}: {score}{side}",
            f"{m.name}: {score}{short_side}",
            f"Result: {score}{short_side}",
            f"Result: {score}",
        ]
    else:
        scores = [m.score for m in scored if m.score is not None]
        in_band = sum(m.time_in_band_pct for m in scored) / len(scored)
        listed = ", ".join(f"{score:.0f}" for score in scores)
        mean = f"mean {sum(scores) / len(scores):.0f}, {in_band:.0f}% in band"
        wordings = [
            f"Results of the last {len(scored)} trials: {listed} ({mean})",
            f"Last {len(scored)} trials: {listed} ({mean})",
            f"Last {len(scored)} trials: {mean}",
        ]
    return fitted(wordings, width)


def fitted(wordings: list[str], width: int) -> str:
    """The first wording that fits ``width`` cells; the last one cut with "…" if none does."""
    for wording in wordings:
        if len(wording) <= width:
            return wording
    last = wordings[-1]
    return last[: max(0, width - 1)] + "…"


#: the feedback schedule in the student's words (summary and self are built with numbers)
SCHEDULE_NOTES = {
    ScheduleKind.FADED: "Feedback fades as you improve",
    ScheduleKind.BANDWIDTH: "Gauge only when you leave the band",
    ScheduleKind.RETENTION: "Retention test: no feedback until the end",
}


def plan_line(plan: PracticePlan | None, peeks: int, width: int = 1000) -> str:
    """The instructor's settings for this student, in one line of at most ``width``."""
    if plan is None:
        return ""
    parts: list[str] = []
    note = plan.band_note()
    if note:
        parts.append(note)
    schedule = plan.schedule
    if schedule.kind is ScheduleKind.SUMMARY:
        parts.append(f"Results after every {schedule.summary_every} trials")
    elif schedule.kind is ScheduleKind.SELF:
        parts.append(f"Gauge on request: P to peek ({peeks} so far)")
    elif schedule.kind in SCHEDULE_NOTES:
        parts.append(SCHEDULE_NOTES[schedule.kind])
    elif any(p.scored and p.feedback is FeedbackMode.LIVE for p in plan.exercise.phases):
        # Results will show on this line after each step: hold its place from the start.
        parts.append("Your result shows here after each step")
    if not parts:
        return ""
    # Fewer parts rather than a second line; the band note (first) matters most.
    return fitted([" | ".join(parts[:n]) for n in range(len(parts), 0, -1)], width)


#: the first line in simulation: how to press the simulated pad
SIMULATED_PAD = "Simulated pad: press with ↑ ↓, keys 1-9 or the mouse wheel on the gauge."
SIMULATED_READY = "Simulated pad: press with ↑ ↓, keys 1-9 or the mouse wheel. SPACE starts."


class LiveScreen(PadKeys, UsesTrainer, Screen[None]):
    """One exercise, live (see the module docstring)."""

    #: the screen's own cells are its background, composed with every repaint: drawn as
    #: blank cells, not through the styles cache (as its boxes: see widgets/boxes.py)
    BLANK = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "start_pause", "Start/Pause", key_display="Space"),
        Binding("t", "tare", "Tare"),
        Binding("a", "abort", "Abort"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "quit_session", "Quit"),
        Binding("p", "peek", "Peek", show=False),
        # Shown in the footer in simulation only (see check_action).
        Binding("up", "nudge(1)", "Press", key_display="↑↓"),
        Binding("down", "nudge(-1)", "Lighter", show=False),
        Binding("shift+up,pageup,right", "nudge(5)", "Press more", show=False),
        Binding("shift+down,pagedown,left", "nudge(-5)", "Lighter more", show=False),
        Binding("1", "aim(1)", "Aim", key_display="1-9"),
        *(Binding(str(tenth % 10), f"aim({tenth})", show=False) for tenth in range(2, 11)),
        Binding("grave_accent", "aim(0)", show=False),
    ]

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise
        self.full_scale_n = full_scale_n(exercise)
        #: the student's bands and feedback schedule, read when the screen is built
        self.plan: PracticePlan | None = None
        self._plan_problem: str | None = None
        self.controller: LiveController | None = None
        self._timer: Timer | None = None
        self._shown: dict[str, object] = {}
        self._widgets: dict[str, Widget] = {}
        self._results_shown = False
        #: the coach's note and what it was worded from
        self._coach_note_for: tuple[tuple[object, ...], str] | None = None
        self._ready = False
        #: the session was paused because a screen opened over this one
        self._paused_under: type[Screen[object]] | None = None

    # -- building ------------------------------------------------------------------
    def _read_plan(self) -> None:
        """The exercise as this student practises it (their instructor's bands)."""
        trainer = self.trainer
        self.plan, self._plan_problem = plan_for(
            trainer.config.store, self.exercise, trainer.student
        )
        self.exercise = self.plan.exercise
        self.full_scale_n = full_scale_n(self.exercise)

    def compose(self) -> ComposeResult:
        trainer = self.trainer
        if self.plan is None:  # before the gauge is sized from the student's bands
            self._read_plan()
        # Textual composes every child of the screen for each repaint, and the children of
        # a box only when the repaint touches the box: so the screen has four children,
        # and what changes seldom sits in a box away from the digits and the gauge.
        with BareVertical(id="head"):
            yield TopBar(
                f"{self.exercise.name} | {trainer.student}",
                simulated=trainer.config.simulated,
                status=self._status_text(),
            )
            yield Static(id="banner")
            yield Static(id="coach-note")
        with BareHorizontal(id="live-top"):
            yield ForceReadout("0.0", self.unit.label(self.contact), id="force")
            yield PhasePanel(id="phase-panel")
        yield Gauge(self.full_scale_n, self.unit, contact=self.contact, id="gauge")
        # The trace (redrawn a few times a second) and the footer, below the gauge.
        with BareVertical(id="foot"):
            yield ForceTrace(self.full_scale_n, self.unit, contact=self.contact, id="trace")
            # The palette (Ctrl+P) still works; its hint gives way to the session's keys.
            yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        trainer = self.trainer
        try:
            setup = trainer.config.sensor_factory(self.exercise, self.full_scale_n)
            controller = LiveController(
                trainer.config.store,
                self.exercise,
                trainer.student,
                setup,
                full_scale_n=self.full_scale_n,
                listeners=trainer.listeners,
                trace_window_s=trainer.config.trace_window_s,
                plan=self.plan,
            )
            controller.open()
        except SensorError as error:
            self.notify(f"The sensor could not start: {error}", severity="error", timeout=10)
            self.app.pop_screen()
            return
        if self._plan_problem is not None:
            self.notify(self._plan_problem, severity="warning", timeout=10)
        if self.trainer.units.is_pressure and self.contact is None:
            self.notify(NO_CONTACT_NOTICE, severity="warning", timeout=6)
        self.controller = controller
        trainer.live = controller
        self.refresh_bindings()  # the simulated pad's keys join the footer
        # Nested widgets may still be mounting: draw once everything is in place.
        self.call_after_refresh(self._begin)

    def _begin(self) -> None:
        self._ready = True
        if self.trainer.config.timers and self._timer is None:
            self._timer = self.set_interval(1 / self.trainer.config.fps, self.frame)
        self.redraw()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        controller = self.controller
        if controller is not None:
            if controller.stage is Stage.RUNNING:
                controller.finish("incomplete")
            controller.close()
        if self.trainer.live is controller:
            self.trainer.live = None

    # -- the frame -------------------------------------------------------------------
    def frame(self) -> Frame | None:
        """Drain the samples, pass on the events, redraw once; called by the timer."""
        controller = self.controller
        if controller is None:
            return None
        frame = controller.pump()
        if frame.finished:
            self.show_results()
            return frame
        self.redraw()
        probe = self.trainer.config.frame_probe
        if probe is not None and frame.samples:
            samples = frame.samples
            self.call_after_refresh(lambda: probe(samples, time.monotonic()))
        return frame

    def redraw(self) -> None:
        """Show the controller's state; each widget repaints only when its text changes."""
        controller = self.controller
        if controller is None or not self._ready:
            return
        unit, on = self.unit, self.contact
        state = controller.display_state()
        view = controller.feedback(state)
        hidden = not view.visible  # a blind phase, or the feedback schedule hides it
        for selector, line in (
            ("#banner", self._banner(controller, state)),
            ("#coach-note", self._coach_note(controller)),
        ):
            self._set_note(selector, line)
        words, zone = zone_words(state, view.hidden)
        if state.band is not None and not hidden and zone in ("zone-below", "zone-above"):
            words += f"  {unit.show(abs(state.distance_n), contact=on)}"
        self._widget("#force", ForceReadout).show(
            "" if hidden else unit.number(state.force_n, contact=on),
            "" if hidden else unit.label(on),
            words,
            zone,
        )
        self._phase_panel(state, hidden)
        gauge = self._widget("#gauge", Gauge)
        band = None
        if state.band is not None and state.phase is not None and state.phase.scored:
            band = (state.band.low_n, state.band.high_n)
        gauge.show(
            state.force_n,
            band,
            state.zone,
            gauge_text(view.hidden, controller.plan),
        )
        trace = self._widget("#trace", ForceTrace)
        if self._shown.get("trace shown") != (not hidden):
            self._shown["trace shown"] = trace.display = not hidden
        if not hidden and controller.trace:
            self._draw_trace(controller, trace, band)

    def _draw_trace(
        self, controller: LiveController, trace: ForceTrace, band: tuple[float, float] | None
    ) -> None:
        """The trace fills from the left, then scrolls; the band ahead shows where to go."""
        window = controller.trace_window_s
        # Redrawn when a new column of time begins, at most every TRACE_REDRAW_S, not
        # every frame: the digits and the gauge show the force of the moment. A new band
        # (a new step) shows at once. (The trace redraws itself when its height changes:
        # the columns need its width.)
        width, now = trace.plot_width, controller.last_t_s
        column, frame = int(now * width / window), (band, width)
        shown = self._shown.get("trace")
        if isinstance(shown, tuple):
            drawn_column, drawn_frame, drawn_at = shown
            soon = 0 <= now - drawn_at < TRACE_REDRAW_S - 1e-3  # (sample times add up)
            if drawn_frame == frame and (drawn_column == column or soon):
                return
        self._shown["trace"] = (column, frame, now)
        start = max(controller.trace[0].t_s, controller.last_t_s - window)
        columns = bucket(controller.trace, start, start + window, width)
        if band is not None:
            last = max((i for i, c in enumerate(columns) if c.force_n is not None), default=-1)
            columns[last + 1 :] = [Column(None, *band)] * (len(columns) - last - 1)
        trace.columns = columns

    def _widget(self, selector: str, kind: type[W]) -> W:
        """A widget of this screen, looked up once (a query walks the DOM every frame)."""
        widget = self._widgets.get(selector)
        if widget is None:
            widget = self._widgets[selector] = self.query_one(selector, kind)
        assert isinstance(widget, kind)
        return widget

    def _set_note(self, selector: str, value: str) -> None:
        """Show ``value`` in the note ``selector``; an empty note is hidden."""
        shown = self._shown.get(selector)
        if shown != value:
            self._shown[selector] = value
            widget = self._widget(selector, Static)
            # No layout pass for a text that keeps the widget's size: a layout reflows
            # and repaints the whole screen.
            widget.update(text.literal(value), layout=size_may_change(widget, shown, value))
            if widget.display != bool(value):
                widget.display = bool(value)

    def _phase_panel(self, state: LiveState, hidden: bool) -> None:
        unit, on = self.unit, self.contact
        panel = self._widget("#phase-panel", PhasePanel)
        phase = state.phase
        if phase is None:
            panel.show(name="Finished", cue="", time="", next="")
            return
        parts: list[str] = []
        if phase.band is not None and phase.scored:
            parts.append(text.band(unit, phase.band, on))
        if state.hold_left_s is not None and not hidden:  # time in band is feedback too
            parts.append(f"{text.seconds(state.hold_left_s)} more in band")
        if state.time_left_s is not None:
            parts.append(f"{text.seconds(state.time_left_s)} left")
        if phase.kind is PhaseKind.RAMP and phase.rate_n_per_s and not hidden:
            parts.append(
                f"rate {unit.number(state.rate_n_per_s, contact=on)}/"
                f"{unit.show_rate(phase.rate_n_per_s, contact=on)}"
            )
        upcoming = [p.name for p in state.next_phases[:4]]
        more = len(state.next_phases) - len(upcoming)
        nxt = "Next: " + ", ".join(upcoming) + (f" +{more}" if more > 0 else "")
        panel.show(
            name=f"{state.phase_index + 1}/{state.phase_count}  {phase.name}",
            cue=phase.cue,
            time=" | ".join(parts),
            next=nxt if upcoming else "Last step",
        )

    def _banner(self, controller: LiveController, state: LiveState) -> str:
        if controller.sensor_problem is not None:
            return (
                f"⚠ {controller.sensor_problem}. Paused: it carries on by itself when "
                "readings return; nothing recorded is lost."
            )
        problem = controller.store_problem
        if problem is not None:
            return f"⚠ {problem}"
        simulated = controller.setup.simulated
        if controller.stage is Stage.READY:
            if simulated:
                return SIMULATED_READY
            return "Press SPACE to start. T zeroes the pad first (hands off)."
        if controller.user_paused:
            return "PAUSED: press SPACE to carry on (A stops the session)."
        if simulated and controller.stage is Stage.RUNNING:
            return SIMULATED_PAD
        return ""

    def _coach_note(self, controller: LiveController) -> str:
        """A trial's results for a few seconds when the schedule releases them; else the plan.

        Always one line, fitted to the width: the gauge and trace below must not jump.
        """
        width = max(20, self.size.width - 2)
        unit, on, shown = self.unit, self.contact, controller.results_now()
        # Worded again only when something it says changed, not every frame.
        key = (tuple(shown), controller.plan, controller.peeks, width, unit, on)
        if self._coach_note_for is None or self._coach_note_for[0] != key:
            results = trial_results(shown, unit, width, on)
            line = results or plan_line(controller.plan, controller.peeks, width)
            self._coach_note_for = (key, line)
        return self._coach_note_for[1]

    def _status_text(self) -> str:
        trainer = self.trainer
        return f"bell {'on' if trainer.bell_on else 'off'}"

    @property
    def contact(self) -> Contact | None:
        """What presses the pad in this practice (exercise or student): kPa is over it."""
        return self.exercise.contact

    @property
    def unit(self) -> Unit:
        """The chosen unit; kPa only with a contact (else newtons: see on_mount's notice)."""
        unit = self.trainer.units
        return Unit.N if unit.is_pressure and self.contact is None else unit

    def units_changed(self) -> None:
        unit = self.unit
        self.query_one(Gauge).set_unit(unit, self.contact)
        self.query_one(ForceTrace).set_unit(unit, self.contact)
        self._shown = {}  # the texts shown change with the unit
        self.redraw()

    def bell_changed(self) -> None:
        self.query_one(TopBar).set_status(self._status_text())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The simulated pad's keys exist (and show in the footer) only in simulation."""
        if action in ("nudge", "aim"):
            controller = self.controller
            return controller is not None and controller.setup.simulated
        return True

    def on_screen_suspend(self) -> None:
        """Help, a question or the palette opened over a running session: pause its clock."""
        controller = self.controller
        if controller is None or controller.stage is not Stage.RUNNING or controller.user_paused:
            return
        controller.toggle_pause()
        self._paused_under = type(self.app.screen)
        self.redraw()

    def on_screen_resume(self) -> None:
        """A question answered "no" carries on; after the help SPACE carries on when ready."""
        from trainer.ui.screens.confirm import ConfirmScreen

        under, self._paused_under = self._paused_under, None
        controller = self.controller
        if controller is None or under is None:
            return
        if under is ConfirmScreen and controller.stage is Stage.RUNNING and controller.user_paused:
            controller.toggle_pause()
        self.redraw()

    # -- intents ---------------------------------------------------------------------
    def action_start_pause(self) -> None:
        controller = self.controller
        if controller is None:
            return
        if controller.stage is Stage.READY:
            try:
                controller.start()
            except Exception as error:  # a StoreError: the records cannot be written
                self.notify(f"Cannot start: {error}", severity="error", timeout=10)
                return
        else:
            controller.toggle_pause()
        self.redraw()

    def action_peek(self) -> None:
        """Self-controlled feedback: show the force for a moment (counted)."""
        controller = self.controller
        if controller is None:
            return
        refused = controller.peek()
        if refused is not None:
            self.notify(refused, timeout=4)
        self.redraw()

    def action_tare(self) -> None:
        if self.controller is not None:
            self.run_worker(self._tare, thread=True, exclusive=True, group="tare")

    def _tare(self) -> None:
        controller = self.controller
        assert controller is not None
        try:
            controller.tare()
        except SensorError as error:
            self.app.call_from_thread(
                self.notify, f"Could not zero the pad: {error}", severity="error"
            )
            return
        self.app.call_from_thread(controller.after_tare)
        self.app.call_from_thread(self.notify, "Pad zeroed.", timeout=2)

    def simulated_pad(self) -> tuple[ManualIntent, float] | None:
        controller = self.controller
        intent = controller.setup.intent if controller is not None else None
        return None if intent is None else (intent, self.full_scale_n)

    def on_aim_nudged(self, message: AimNudged) -> None:
        self.action_nudge(message.steps)

    def on_aim_set(self, message: AimSet) -> None:
        pad = self.simulated_pad()
        if pad is not None:
            intent, _full_scale_n = pad
            intent.set(message.force_n)

    def action_abort(self) -> None:
        controller = self.controller
        if controller is None or controller.stage is not Stage.RUNNING:
            self.leave()
            return
        from trainer.ui.screens.confirm import ConfirmScreen

        def answered(stop: bool | None) -> None:
            if stop:
                self.stop_session("aborted")

        self.app.push_screen(
            ConfirmScreen(
                "Stop this session now?",
                "What you did so far is saved and marked as stopped early.",
            ),
            answered,
        )

    def action_back(self) -> None:
        self.action_abort()

    def action_quit_session(self) -> None:
        controller = self.controller
        if controller is None or controller.stage is not Stage.RUNNING:
            self.app.exit()
            return
        from trainer.ui.screens.confirm import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                self.trainer.quit_saving()

        self.app.push_screen(
            ConfirmScreen(
                "Quit the trainer?",
                "This session is saved and marked incomplete.",
            ),
            answered,
        )

    def leave(self) -> None:
        """Back to the library without recording anything (nothing was started)."""
        self.trainer.save_and_close("incomplete")
        self.app.pop_screen()

    def stop_session(self, status: str) -> None:
        session_id = self.trainer.save_and_close(status)
        self._open_results(session_id)

    def show_results(self) -> None:
        """The exercise ran to its end: save it and show the debrief."""
        session_id = self.trainer.save_and_close(None)
        self._open_results(session_id)

    def _open_results(self, session_id: int | None) -> None:
        if self._results_shown:
            return
        self._results_shown = True
        if self._timer is not None:
            self._timer.stop()
        if session_id is None:
            self.app.pop_screen()
            return
        from trainer.ui.screens.results import ResultsScreen

        self.app.switch_screen(ResultsScreen(session_id))

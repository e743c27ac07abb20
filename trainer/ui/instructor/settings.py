"""Class and student settings: target bands (built-in -> class -> student, shown side by
side), the feedback schedule, and each exercise's pass mark."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Input, Label, Select, Static

from trainer.exercises import Exercise, TargetBand
from trainer.instructor import InstructorError
from trainer.instructor.assessment import PassMark, PassMarks
from trainer.instructor.editing import parse_band_text
from trainer.instructor.feedback_store import SchedulePlans
from trainer.instructor.roster import Roster
from trainer.instructor.schedules import DESCRIPTIONS, FeedbackSchedule, ScheduleKind
from trainer.instructor.targets import BandTargets, PhaseTarget
from trainer.ui.tables import RecordsScreen, refilling, selected_key, share_width
from trainer.ui.text import literal, sentence
from trainer.ui.widgets.rowtable import RecordTable
from trainer.ui.widgets.topbar import TopBar

INHERIT = "__inherit__"


def band_text(band: TargetBand | None) -> str:
    return "-" if band is None else f"{band.low_n:g}-{band.high_n:g}"


class SettingsScreen(RecordsScreen):
    """Pick a class or a student, then an exercise: set bands, schedule, pass mark."""

    CSS_PATH = "instructor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+b", "focus_band", "Band", priority=True),
    ]
    TABLE = "st-bands"
    FOCUS_TABLE = False

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PhaseTarget] = []

    def compose(self) -> ComposeResult:
        yield TopBar("Class and student settings", simulated=self.trainer.config.simulated)
        with Horizontal(classes="st-row"):
            yield Label("For", classes="st-label")
            yield Select[str](
                self._who_options(), id="st-who", allow_blank=True, prompt="a class or a student"
            )
        with Horizontal(classes="st-row"):
            yield Label("Feedback", classes="st-label")
            yield Select[str](
                [
                    ("inherited", INHERIT),
                    *((f"{k.value}: {DESCRIPTIONS[k]}", k.value) for k in ScheduleKind),
                ],
                id="st-schedule",
                value=INHERIT,
                allow_blank=False,
            )
        with Horizontal(classes="st-row"):
            yield Label("Exercise", classes="st-label")
            yield Select[str](
                [(literal(e.name), e.id) for e in self.trainer.config.library.sorted()],
                id="st-exercise",
                allow_blank=False,
            )
        yield RecordTable(id=self.TABLE)  # columns sized to the names in fill()
        with Horizontal(classes="st-row"):
            yield Label("Band (N)", classes="st-label")
            yield Input(
                placeholder="e.g. 35-50 for the selected row; empty to inherit", id="st-band"
            )
        with Horizontal(classes="st-row"):
            yield Label("Pass mark", classes="st-label")
            yield Input(placeholder="trials in band, e.g. 4", id="st-trials")
            yield Input(placeholder="min score, e.g. 70", id="st-score")
        yield Static(id="st-message")
        yield Footer()

    def _who_options(self) -> list[tuple[Content, str]]:
        roster = Roster(self.trainer.config.store)
        classes = [(literal(f"class {c.name}"), f"class\x1f{c.name}") for c in roster.classes()]
        students = [
            (literal(f"student {s.name}"), f"student\x1f{s.name}") for s in roster.students()
        ]
        return classes + students

    # -- reading the choices -----------------------------------------------------------
    def who(self) -> tuple[str, str] | None:
        value = self.query_one("#st-who", Select).value
        if not isinstance(value, str):
            return None
        scope, _, name = value.partition("\x1f")
        return scope, name

    def exercise(self) -> Exercise:
        value = self.query_one("#st-exercise", Select).value
        library = self.trainer.config.library
        return library.exercises[value] if isinstance(value, str) else library.sorted()[0]

    def say(self, text: str, bad: bool = False) -> None:
        message = self.query_one("#st-message", Static)
        message.update(literal(text))  # it quotes names from the records
        message.set_class(bad, "bad")

    # -- drawing ------------------------------------------------------------------------
    def fill(self) -> None:
        store = self.trainer.config.store
        exercise = self.exercise()
        who = self.who()
        targets = BandTargets(store)
        if who is None:
            self.rows = targets.explain(exercise)
        elif who[0] == "class":
            self.rows = targets.explain(exercise, class_name=who[1])
        else:
            self.rows = targets.explain(exercise, student=who[1])
        self._columns([row for row in self.rows if row.builtin is not None])
        with refilling(self.table) as table:
            for row in self.rows:
                if row.builtin is None:
                    continue
                table.add_row(
                    str(row.index + 1),
                    row.name,
                    band_text(row.builtin),
                    band_text(row.class_band),
                    band_text(row.student_band),
                    band_text(row.effective),
                    row.source,
                    key=str(row.index),
                    height=None,
                )
        self._show_schedule()
        mark = PassMarks(store).get(exercise.id)
        self.query_one("#st-trials", Input).value = (
            str(mark.trials_required) if mark and mark.trials_required else ""
        )
        self.query_one("#st-score", Input).value = (
            f"{mark.min_score:g}" if mark and mark.min_score is not None else ""
        )

    _BANDS: ClassVar[dict[str, int]] = {"Built-in": 9, "Class": 9, "Student": 9, "In force": 9}

    def _columns(self, rows: list[PhaseTarget]) -> None:
        """Phase names and where a band comes from ('class Tuesday evening group') whole:
        they share, wrapped, the room the bands leave."""
        room = max(20, self.size.width - 4 - 5 - sum(w + 2 for w in self._BANDS.values()) - 4)
        phase, source = share_width(
            room, [("Phase", "From"), *((row.name, row.source) for row in rows)]
        )
        self.table.set_columns({"#": 3, "Phase": phase, **self._BANDS, "From": source})

    def on_resize(self) -> None:
        self.refill()

    def _show_schedule(self) -> None:
        who = self.who()
        select = self.query_one("#st-schedule", Select)
        if who is None:
            select.disabled = True
            self.say("Pick a class or a student to change their bands and feedback schedule.")
            return
        select.disabled = False
        plans = SchedulePlans(self.trainer.config.store)
        roster = Roster(self.trainer.config.store)
        owner_id = roster.class_id(who[1]) if who[0] == "class" else roster.student_id(who[1])
        own = plans.get(who[0], owner_id)
        self._setting_schedule = True
        select.value = own.kind.value if own else INHERIT
        self._setting_schedule = False
        if who[0] == "student":
            schedule, source = plans.resolve(who[1], self.exercise().id)
            self.say(f"{who[1]} practises with '{schedule.kind.value}' feedback (from {source}).")
        else:
            text = own.describe() if own else "always on (the default)"
            self.say(f"Class {who[1]}: {text}.")

    _setting_schedule = False

    # -- changes ------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        if not self._filled:
            return
        if event.select.id == "st-schedule":
            if not self._setting_schedule:
                self._change_schedule(event.value)
            return
        self.fill()

    def _change_schedule(self, value: object) -> None:
        who = self.who()
        if who is None or not isinstance(value, str):
            return
        plans = SchedulePlans(self.trainer.config.store)
        try:
            if value == INHERIT:
                plans.clear(*who)
            else:
                plans.set(who[0], who[1], FeedbackSchedule.parse(value))
        except InstructorError as error:
            self.say(sentence(error), bad=True)
            return
        self._show_schedule()

    def selected_row(self) -> PhaseTarget | None:
        key = selected_key(self.table)
        return next((r for r in self.rows if str(r.index) == key), None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "st-band":
            self._set_band(event.value)
        elif event.input.id in ("st-trials", "st-score"):
            self._set_pass_mark()

    def _set_band(self, text: str) -> None:
        who, row = self.who(), self.selected_row()
        if who is None or row is None or row.builtin is None:
            self.say("Pick a class or a student, and a phase in the table, first.", bad=True)
            return
        target = row.builtin.level or f"phase {row.index + 1}"
        targets = BandTargets(self.trainer.config.store)
        exercise = self.exercise()
        try:
            if not text.strip():
                targets.clear(who[0], who[1], exercise.id, target)
                done = f"{target} for {who[0]} {who[1]} is inherited again."
            else:
                value = parse_band_text(text)
                if not isinstance(value, list):
                    raise InstructorError(
                        f"{text!r} is not a band: type low-high in newtons, e.g. 35-50"
                    )
                targets.set(who[0], who[1], exercise, target, value[0], value[1])
                done = f"{target} for {who[0]} {who[1]}: {value[0]:g}-{value[1]:g} N."
        except InstructorError as error:
            self.say(sentence(error), bad=True)
            return
        self.query_one("#st-band", Input).value = ""
        self.refill()
        self.say(done)

    def _set_pass_mark(self) -> None:
        exercise = self.exercise()
        marks = PassMarks(self.trainer.config.store)
        trials_text = self.query_one("#st-trials", Input).value.strip()
        score_text = self.query_one("#st-score", Input).value.strip()
        try:
            if not trials_text and not score_text:
                marks.clear(exercise.id)
                self.say(f"{exercise.name} has no pass mark now.")
                return
            try:
                trials = int(trials_text) if trials_text else None
                score = float(score_text) if score_text else None
            except ValueError:
                raise InstructorError(
                    "trials in band is a whole number and the score a number from 0 to 100"
                ) from None
            mark = PassMark(exercise.id, score, trials)
            marks.set(mark)
        except InstructorError as error:
            self.say(sentence(error), bad=True)
            return
        self.say(f"Pass mark for {exercise.name}: {mark.describe()}.")

    def action_focus_band(self) -> None:
        self.query_one("#st-band", Input).focus()

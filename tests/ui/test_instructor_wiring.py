"""The instructor's settings reach the live trainer: the tools key, bands, schedules, reports."""

from __future__ import annotations

import pytest
from gpiozero.pins.mock import MockFactory
from textual.widgets import Label, Static

from tests.ui.helpers import MakeApp, open_live, phase_line, until
from trainer.config import FeedbackConfig
from trainer.exercises import ExerciseLibrary
from trainer.feedback import PiFeedback
from trainer.instructor import pin as pin_module
from trainer.instructor.feedback_store import SchedulePlans
from trainer.instructor.pin import PinGuard
from trainer.instructor.roster import Roster
from trainer.instructor.schedules import FeedbackSchedule
from trainer.instructor.targets import BandTargets
from trainer.store import Store
from trainer.ui.instructor.hub import InstructorScreen
from trainer.ui.instructor.pin_prompt import PinScreen
from trainer.ui.screens.confirm import ConfirmScreen
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.live import LiveScreen
from trainer.ui.screens.results import ResultsScreen
from trainer.ui.widgets.forcereadout import ForceReadout
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.trace import ForceTrace


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pin_module, "SCRYPT_N", 2**8)


def text_of(screen: LiveScreen, selector: str) -> str:
    widget = screen.query_one(selector)
    assert isinstance(widget, Label | Static)
    return str(widget.render())


def schedule_for_ana(store: Store, kind: str, **settings: float) -> None:
    Roster(store).add_student("Ana")
    SchedulePlans(store).set("student", "Ana", FeedbackSchedule.parse(kind, **settings))


def force_shown(screen: LiveScreen) -> bool:
    return screen.query_one("#force", ForceReadout).value != ""


async def step(screen: LiveScreen, box: object, seconds: float) -> None:
    """Feed ``seconds`` of samples a quarter second at a time, a frame after each."""
    for _ in range(round(seconds * 4)):
        box.current.pump(0.25)  # type: ignore[attr-defined]
        screen.frame()


# -- opening the instructor tools -------------------------------------------------------
async def test_i_on_home_opens_the_instructor_tools_without_a_pin(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen))


async def test_i_asks_for_the_pin_once_one_is_set(make_app: MakeApp, ui_store: Store) -> None:
    PinGuard(ui_store).set_pin("2468")
    app, _box = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, PinScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_the_command_palette_offers_the_instructor_tools(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)
        await pilot.press("ctrl+p")
        await pilot.press(*"instructor")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen))


# -- bands -----------------------------------------------------------------------------
async def test_a_student_with_a_band_override_practises_that_band(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    Roster(ui_store).add_student("Ana")
    exercise = builtin_library.get("graded-levels")
    BandTargets(ui_store).set("student", "Ana", exercise, "moderate", 30, 35)
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        assert "set for you (student)" in text_of(screen, "#coach-note")
        await pilot.press("space", "3")  # 33 N: inside 30-35 N
        await step(screen, box, 1.5)
        assert screen.query_one(Gauge).band == (30.0, 35.0)
        assert "moderate 30-35 N" in phase_line(screen, "time")
        assert "HOLD" in screen.query_one("#force", ForceReadout).words
        await pilot.press("2")  # 22 N: inside the built-in 25-40 N, under Ana's band
        await step(screen, box, 1.5)
        assert "PRESS HARDER" in screen.query_one("#force", ForceReadout).words
        session_id = screen.controller.session_id  # type: ignore[union-attr]
        assert session_id is not None
    # The record keeps the exercise as Ana practised it.
    band = ui_store.session(session_id)["exercise"]["phases"][0]["band"]
    assert (band["low_n"], band["high_n"]) == (30.0, 35.0)


async def test_the_home_screen_lists_the_student_s_own_bands(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    Roster(ui_store).add_student("Ana")
    exercise = builtin_library.get("graded-levels")
    BandTargets(ui_store).set("student", "Ana", exercise, "moderate", 30, 35)
    app, _box = make_app()
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        table = home.query_one("#library")
        await until(pilot, lambda: table.row_count > 0)
        targets = str(table.get_cell("graded-levels", "targets"))
        assert targets.startswith("30-35 N") and "25-40" not in targets
        home.show_details("graded-levels")
        assert "targets 30-35 N" in str(home.query_one("#details-text", Static).render())
        assert str(table.get_cell("precision-drill", "targets")).startswith("9-12 N")


async def test_without_instructor_settings_the_note_keeps_the_results_place(
    make_app: MakeApp,
) -> None:
    app, _box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        # no settings to state: the line says where each step's result will show, so
        # that the result appearing there does not push the gauge down
        assert text_of(screen, "#coach-note") == "Your result shows here after each step"
        assert screen.query_one(Gauge).band == (25.0, 40.0)


# -- feedback schedules ----------------------------------------------------------------
async def test_bandwidth_hides_the_gauge_in_band_and_shows_it_out_of_band(
    make_app: MakeApp, ui_store: Store
) -> None:
    schedule_for_ana(ui_store, "bandwidth")
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        assert "Gauge only when you leave the band" in text_of(screen, "#coach-note")
        await pilot.press("space", "3")  # 33 N: in the moderate band
        await step(screen, box, 2.0)
        assert not force_shown(screen)
        gauge = screen.query_one(Gauge)
        assert gauge.hidden_text == "Gauge shows only when you leave the band."
        assert not screen.query_one(ForceTrace).display
        assert "GAUGE OFF" in screen.query_one("#force", ForceReadout).words
        assert "more in band" not in phase_line(screen, "time")
        await pilot.press("5")  # 55 N: above it
        await step(screen, box, 1.5)
        assert force_shown(screen)
        assert gauge.hidden_text is None
        assert screen.query_one(ForceTrace).display
        assert "LIGHTER" in screen.query_one("#force", ForceReadout).words


async def test_self_controlled_schedule_peeks_and_counts_them(
    make_app: MakeApp, ui_store: Store
) -> None:
    schedule_for_ana(ui_store, "self")
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        assert controller.peek() == "Start first (Space); then P shows the force for a moment."
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        assert not force_shown(screen)
        assert "press P to peek" in str(screen.query_one(Gauge).hidden_text)
        await pilot.press("p")
        assert force_shown(screen)
        assert controller.peeks == 1
        assert "P to peek (1 so far)" in text_of(screen, "#coach-note")
        await step(screen, box, 2.5)  # a peek lasts 2 s
        assert not force_shown(screen)
        await pilot.press("p")
        assert controller.peeks == 2


async def test_peek_says_why_not_outside_the_self_controlled_schedule(
    make_app: MakeApp,
) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        refused = controller.peek()
        assert refused is not None and "self-controlled" in refused
        assert controller.peeks == 0


async def test_faded_schedule_hides_feedback_on_some_trials_and_says_so(
    make_app: MakeApp, ui_store: Store
) -> None:
    # Every 2nd trial live once the recent score passes 0: the 2nd trial has no gauge.
    Roster(ui_store).add_student("Ana")
    SchedulePlans(ui_store).set("student", "Ana", FeedbackSchedule.faded())
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None and controller.plan is not None
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        assert force_shown(screen)  # the first trial is always live
        hidden_seen = False
        for _ in range(60):
            await step(screen, box, 0.5)
            if isinstance(app.screen, ResultsScreen):
                break
            gauge = screen.query_one(Gauge)
            if gauge.hidden_text == "Feedback faded for this trial: feel the force.":
                hidden_seen = True
                assert not force_shown(screen)
        report = controller.plan.controller.report
        assert report.trials_with_live_feedback < report.trials
        assert hidden_seen


async def test_summary_schedule_shows_results_after_every_n_trials(
    make_app: MakeApp, ui_store: Store
) -> None:
    schedule_for_ana(ui_store, "summary", summary_every=2)
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        notes = []
        for _ in range(40):
            await step(screen, box, 0.5)
            notes.append(text_of(screen, "#coach-note"))
            if "Rest" not in phase_line(screen, "name"):
                assert not force_shown(screen)
                assert screen.query_one(Gauge).hidden_text == (
                    "No live gauge: your results show after every 2 trials."
                )
        assert any(note.startswith("Results of the last 2 trials:") for note in notes)


async def test_always_schedule_shows_each_trials_result_briefly(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        await step(screen, box, 6.5)  # the first 6 s hold has ended
        assert text_of(screen, "#coach-note").startswith("Result, Hold moderate: score ")
        await step(screen, box, 7.0)  # the result fades; the next one may show
        assert "Hold moderate" not in text_of(screen, "#coach-note")


async def test_blind_mode_shows_no_trial_results_until_the_end(make_app: MakeApp) -> None:
    app, box = make_app()
    async with app.run_test() as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await until(pilot, lambda: home._filled)
        await pilot.press("m")  # blind mode
        home.start_exercise("graded-levels")
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        await step(screen, box, 6.5)  # the first hold has ended
        assert screen.controller is not None and screen.controller.results == []
        assert not screen.query_one("#coach-note").display


# -- the feedback report ---------------------------------------------------------------
async def test_the_feedback_report_is_stored_when_the_exercise_ends(
    make_app: MakeApp, ui_store: Store
) -> None:
    schedule_for_ana(ui_store, "self")
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        await pilot.press("p")
        box.current.pump(60.0)
        screen.frame()
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        session_id = controller.session_id
    assert session_id is not None
    report = SchedulePlans(ui_store).report(session_id)
    assert report is not None
    assert report["schedule"] == "self" and report["peeks"] == 1
    assert report["trials"] >= 6 and report["peeked_trials"] == [1]


@pytest.mark.parametrize("how", ["abort", "quit"])
async def test_the_feedback_report_is_stored_when_the_session_is_cut_short(
    make_app: MakeApp, ui_store: Store, how: str
) -> None:
    schedule_for_ana(ui_store, "self")
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        await pilot.press("p", "p")
        session_id = controller.session_id
        if how == "abort":
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        else:
            await pilot.press("ctrl+q")
    assert session_id is not None
    report = SchedulePlans(ui_store).report(session_id)
    assert report is not None and report["peeks"] == 2
    assert ui_store.session(session_id)["status"] == ("aborted" if how == "abort" else "incomplete")


# -- the Pi's LEDs ----------------------------------------------------------------------
async def test_the_leds_follow_the_zone_and_the_schedule_every_frame(
    make_app: MakeApp, ui_store: Store
) -> None:
    schedule_for_ana(ui_store, "bandwidth")
    pins = MockFactory()
    leds = PiFeedback(FeedbackConfig(led_in=27, led_above=22), pin_factory=pins)
    app, box = make_app(exercise_id="graded-levels")
    app.context.listeners.append(leds)
    try:
        async with app.run_test() as pilot:
            screen = await open_live(pilot, app)
            await pilot.press("space", "5")  # 55 N: above the band, the gauge shows
            await step(screen, box, 1.5)
            assert pins.pin(22).state and not pins.pin(27).state
            await pilot.press("3")  # in band: the schedule hides the gauge, and the LEDs
            await step(screen, box, 1.5)
            assert not pins.pin(22).state and not pins.pin(27).state
            assert leds.blind  # so band-edge beeps are skipped as well
    finally:
        leds.close()
        pins.reset()


# -- when the instructor's records fail ------------------------------------------------
async def test_unreadable_settings_still_let_the_student_practise(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from trainer.ui import controller as controller_module

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("no such table: band_overrides")

    monkeypatch.setattr(controller_module, "plan_practice", broken)
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        messages = [n.message for n in app._notifications]
        assert any("could not be read (no such table" in m for m in messages)
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        assert force_shown(screen)
        assert screen.query_one(Gauge).band == (25.0, 40.0)


async def test_a_report_that_cannot_be_stored_does_not_cost_the_session(
    make_app: MakeApp, ui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.instructor.practice import PracticePlan
    from trainer.store import StoreError

    def full_disk(self: PracticePlan, store: Store, session_id: int) -> None:
        raise StoreError("the disk is full")

    monkeypatch.setattr(PracticePlan, "finish", full_disk)
    schedule_for_ana(ui_store, "self")
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        await pilot.press("space", "3")
        await step(screen, box, 1.0)
        session_id = controller.session_id
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        messages = [n.message for n in app._notifications]
        assert any("saved, but the feedback report could not be stored" in m for m in messages)
    assert session_id is not None
    assert ui_store.session(session_id)["status"] == "aborted"
    assert ui_store.sample_count(session_id) == 80

"""The live screen: every key, the mouse, blind phases, cues, disconnects, saving on exit."""

from __future__ import annotations

from textual.events import MouseScrollDown, MouseScrollUp
from textual.widgets import Label, Static

from tests.ui.helpers import MakeApp, live_screen, open_live, phase_line, until
from trainer.engine import BandEntered, Event, PhaseStarted
from trainer.sensors.base import SensorDisconnected
from trainer.ui.controller import Stage
from trainer.ui.screens.confirm import ConfirmScreen
from trainer.ui.screens.help import HelpScreen
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.live import LiveScreen
from trainer.ui.screens.results import ResultsScreen
from trainer.ui.widgets.forcereadout import ForceReadout
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.trace import ForceTrace
from trainer.units import Unit


def text_of(screen: LiveScreen, selector: str) -> str:
    widget = screen.query_one(selector)
    assert isinstance(widget, Label | Static)
    return str(widget.render())


async def test_space_starts_the_recorded_session_and_then_pauses(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        box.current.pump(0.5)
        screen.frame()
        assert controller.stage is Stage.READY and controller.session is None
        assert "SPACE starts" in text_of(screen, "#banner")
        await pilot.press("space")
        assert controller.stage is Stage.RUNNING and controller.session_id is not None
        box.current.pump(1.0)
        screen.frame()
        assert controller.display_state().elapsed_s > 0.9
        await pilot.press("space")
        assert controller.user_paused
        assert "PAUSED" in text_of(screen, "#banner")
        before = controller.display_state().elapsed_s
        box.current.pump(1.0)
        screen.frame()
        # paused: the phase clock stands still, but the samples are still recorded
        assert controller.display_state().elapsed_s == before
        assert controller.recorded == 160
        await pilot.press("space")
        box.current.pump(0.5)
        screen.frame()
        assert controller.display_state().elapsed_s > before
        # running again: the banner says how to press the simulated pad, not PAUSED
        assert text_of(screen, "#banner").startswith("Simulated pad: press with ↑ ↓")


async def test_arrow_number_and_backtick_keys_move_the_simulated_hand(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        intent = box.current.intent
        full = screen.full_scale_n
        assert full == 110.0  # 1.5 x the deep band's 70 N, rounded up
        await pilot.press("5")
        assert intent.target_n == 55.0
        await pilot.press("up", "up")
        assert intent.target_n == 57.2
        await pilot.press("down")
        assert intent.target_n == 56.1
        await pilot.press("pageup")
        assert intent.target_n == 61.6
        await pilot.press("shift+down")
        assert intent.target_n == 56.1
        await pilot.press("right", "left", "left")
        assert intent.target_n == 50.6
        await pilot.press("0")
        assert intent.target_n == 110.0
        await pilot.press("grave_accent")
        assert intent.target_n == 0.0
        await pilot.press("3")
        box.current.pump(2.0)
        screen.frame()
        # the hand follows with its own lag and tremor: close to 33 N, not exactly
        state = live_screen(app).controller.display_state()  # type: ignore[union-attr]
        assert abs(state.force_n - 33.0) < 2.0
        assert screen.query_one("#force", ForceReadout).value == f"{state.force_n:.1f}"


async def test_mouse_wheel_and_click_on_the_gauge_aim_the_hand(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live(pilot, app)
        intent = box.current.intent
        await pilot.click(Gauge, offset=(40, 1))
        clicked = intent.target_n
        assert 50.0 < clicked < 60.0  # the middle of a 0-110 N gauge
        gauge = screen.query_one(Gauge)
        for event in (MouseScrollUp, MouseScrollUp, MouseScrollDown):
            gauge.post_message(
                event(gauge, 40, 1, 0, 0, 0, False, False, False, screen_x=40, screen_y=1)
            )
        await pilot.pause()
        assert round(intent.target_n - clicked, 6) == 1.1


async def test_live_screen_shows_force_zone_words_band_and_phases(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "2")  # 22 N: under the moderate band (25-40 N)
        box.current.pump(1.5)
        screen.frame()
        assert "PRESS HARDER" in screen.query_one("#force", ForceReadout).words
        assert "1/8  Hold moderate" in phase_line(screen, "name")
        assert "moderate 25-40 N" in phase_line(screen, "time")
        assert "Next: Hold light, Hold deep, Rest, Hold light +3" in phase_line(screen, "next")
        gauge = screen.query_one(Gauge)
        assert gauge.band == (25.0, 40.0)
        await pilot.press("3")  # 33 N: inside
        box.current.pump(1.5)
        screen.frame()
        assert "HOLD" in screen.query_one("#force", ForceReadout).words
        assert screen.query_one("#force", ForceReadout).zone == "zone-in"
        await pilot.press("5")  # 55 N: above
        box.current.pump(1.5)
        screen.frame()
        assert "LIGHTER" in screen.query_one("#force", ForceReadout).words
        assert screen.query_one("#force", ForceReadout).zone == "zone-above"
        trace = screen.query_one(ForceTrace)
        assert any(c.force_n is not None and c.low_n == 25.0 for c in trace.columns)


async def test_blind_mode_hides_force_gauge_and_trace(make_app: MakeApp) -> None:
    app, box = make_app()
    async with app.run_test() as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await until(pilot, lambda: home._filled)
        await pilot.press("m")  # blind mode
        home.start_exercise("graded-levels")
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        box.current.pump(1.0)
        screen.frame()
        assert screen.query_one("#force", ForceReadout).value == ""
        assert "BLIND" in screen.query_one("#force", ForceReadout).words
        assert screen.query_one(Gauge).hidden_text is not None
        assert not screen.query_one(ForceTrace).display
        # a click on a hidden gauge must not reveal (or move) anything
        aim = box.current.intent.target_n
        await pilot.click(Gauge, offset=(10, 1))
        assert box.current.intent.target_n == aim


async def test_units_key_converts_every_force_on_screen(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        box.current.pump(2.0)
        screen.frame()
        force_n = screen.controller.display_state().force_n  # type: ignore[union-attr]
        await pilot.press("u")
        assert app.context.units is Unit.KGF
        assert screen.query_one("#force", ForceReadout).value == f"{force_n / 9.80665:.2f}"
        assert "2.55-4.08 kgf" in phase_line(screen, "time")  # as the ticks round
        assert screen.query_one(Gauge).unit is Unit.KGF
        await pilot.press("u", "u")
        assert app.context.units is Unit.N


async def test_tare_zeroes_the_pad_in_a_worker(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        box.current.pump(0.5)
        screen.frame()
        await pilot.press("t")
        await until(pilot, lambda: box.current.tared == 1)
        await app.workers.wait_for_complete()


async def test_bell_key_turns_the_cue_on_and_it_rings_on_band_entry(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    rings: list[int] = []
    heard: list[Event] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    app.context.listeners.append(heard.append)
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        box.current.pump(2.0)
        screen.frame()
        assert any(isinstance(e, BandEntered) for e in heard)
        assert rings == []  # off by default
        await pilot.press("b")
        assert app.context.bell_on
        await pilot.press("0")  # far above: leave the band
        box.current.pump(1.0)
        await pilot.press("3")
        box.current.pump(1.5)
        screen.frame()
        assert len(rings) >= 2  # left the band, entered it again
        assert any(isinstance(e, PhaseStarted) for e in heard)


async def test_a_broken_cue_listener_is_switched_off_not_fatal(make_app: MakeApp) -> None:
    calls: list[Event] = []

    def broken(event: Event) -> None:
        calls.append(event)
        raise RuntimeError("buzzer unplugged")

    app, box = make_app(exercise_id="graded-levels", listeners=[broken])
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        for _ in range(4):
            box.current.pump(1.0)
            screen.frame()
        assert len(calls) == 1
        assert screen.controller is not None and screen.controller.display_state().elapsed_s > 3


async def test_disconnect_shows_a_banner_pauses_and_resumes_keeping_samples(
    make_app: MakeApp,
) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        controller = screen.controller
        assert controller is not None
        await pilot.press("space", "3")
        box.current.pump(1.0)
        screen.frame()
        box.current.fail(SensorDisconnected("the HX711 stopped answering; check the wires"))
        screen.frame()  # the next frame, at most 1/30 s later
        banner = text_of(screen, "#banner")
        assert "Sensor disconnected" in banner and "nothing recorded is lost" in banner
        assert screen.query_one("#banner").display
        state = controller.display_state()
        assert state.paused
        # the chip comes back: samples flow again, the session carries on by itself
        box.current.pump(1.0)
        screen.frame()
        assert not controller.display_state().paused
        assert controller.sensor_problem is None
        assert "Sensor" not in text_of(screen, "#banner")  # back to the simulated pad's keys
        assert controller.display_state().elapsed_s > state.elapsed_s
        session_id = controller.session_id
        assert session_id is not None
        await pilot.press("a", "y")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        assert app.config.store.sample_count(session_id) == 160
        assert app.config.store.session(session_id)["status"] == "aborted"


async def test_abort_asks_first_and_no_keeps_the_session(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(1.0)
        screen.frame()
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        rows = app.config.store.history()
        assert rows[0].status == "aborted"
        assert app.config.store.sample_count(rows[0].id) == 80


async def test_escape_before_the_start_goes_home_recording_nothing(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        box.current.pump(1.0)
        screen.frame()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.config.store.history() == []
        assert box.current.on_sample is None  # the sensor was stopped


async def test_quit_asks_then_saves_the_session_as_incomplete(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(2.0)
        screen.frame()
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
    rows = app.config.store.history()
    assert rows[0].status == "incomplete"
    assert app.config.store.sample_count(rows[0].id) == 160


async def test_ctrl_c_saves_every_sample_including_those_not_yet_drawn(
    make_app: MakeApp,
) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(2.0)
        screen.frame()
        box.current.pump(0.5)  # queued, not yet drained by a frame
        await pilot.press("ctrl+c")
    rows = app.config.store.history()
    assert rows[0].status == "incomplete"
    assert app.config.store.sample_count(rows[0].id) == 200


async def test_ctrl_c_ends_with_status_130_naming_the_saved_session(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(1.0)
        screen.frame()
        await pilot.press("ctrl+c")
    rows = app.config.store.history()
    assert app.return_code == 130
    assert app.stopped_session == rows[0].id and rows[0].status == "incomplete"


async def test_a_closed_terminal_saves_the_session_as_incomplete(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(1.0)
        screen.frame()
        app._on_signal()  # what SIGHUP / SIGTERM run (the tmux test sends a real one)
        await pilot.pause()
    rows = app.config.store.history()
    assert rows[0].status == "incomplete"
    assert app.config.store.sample_count(rows[0].id) == 80


async def test_help_screen_lists_the_keys_and_closes(make_app: MakeApp) -> None:
    app, _box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(80, 40)) as pilot:
        await open_live(pilot, app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        for words in ("Everywhere", "tare: zero the pad", "abort (asks first", "units: N, kgf"):
            assert words in shown
        await pilot.press("escape")
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_every_number_key_aims_at_its_tenth_of_full_scale(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="precision-drill")  # full scale 25 N
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        assert screen.full_scale_n == 25.0
        for digit in "1234567890":
            await pilot.press(digit)
            tenth = int(digit) or 10
            assert box.current.intent.target_n == tenth * 2.5


async def test_a_full_disk_at_the_end_is_reported_not_a_crash(
    make_app: MakeApp, monkeypatch: object
) -> None:
    from trainer.store import StoreFull

    app, box = make_app(exercise_id="graded-levels")
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]

    def full(*args: object, **kwargs: object) -> None:
        raise StoreFull("the disk holding ui.db is full: free some space")

    app.config.store.finish_session = full  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(1.0)
        screen.frame()
        await pilot.press("a", "y")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
    assert any("could not be saved" in n and "disk" in n for n in notes)
    assert app.save_error is not None
    rows = app.config.store.history()
    assert app.config.store.sample_count(rows[0].id) == 80  # the samples themselves are kept


async def test_ctrl_q_during_a_session_saves_it_as_incomplete(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space")
        box.current.pump(1.0)
        screen.frame()
        await pilot.press("ctrl+q")
    rows = app.config.store.history()
    assert rows[0].status == "incomplete"
    assert app.config.store.sample_count(rows[0].id) == 80


async def test_the_bell_keeps_band_cues_silent_while_the_force_is_hidden(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="blind-levels", bell=True)
    rings: list[int] = []
    heard: list[Event] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    app.context.listeners.append(heard.append)
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "2")  # light is 10-20 N: 20 % of 110 N enters it
        box.current.pump(2.0)
        screen.frame()
        await pilot.press("0")
        box.current.pump(1.0)
        screen.frame()
        assert any(isinstance(e, BandEntered) for e in heard)
        starts = sum(isinstance(e, PhaseStarted) for e in heard)
        assert len(rings) == starts  # phase changes ring; entering or leaving the band does not

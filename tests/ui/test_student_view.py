"""What a student sees: the simulated pad's keys, the library at every width, hints that
leave the buttons free, the last student remembered, a layout that does not jump, help
that pauses the clock, and boxes that never cut their text."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import MakeApp, SensorBox, open_live, phase_line, until
from trainer.exercises import ExerciseLibrary
from trainer.scoring import PhaseMetrics
from trainer.session import simulate
from trainer.store import Store
from trainer.ui import text
from trainer.ui.app import TrainerApp
from trainer.ui.controller import Hidden, LiveController, Stage
from trainer.ui.screens.confirm import ConfirmScreen
from trainer.ui.screens.help import HelpScreen
from trainer.ui.screens.home import HomeScreen, fold_targets, library_columns
from trainer.ui.screens.live import HIDDEN_TEXTS, LiveScreen, trial_results
from trainer.ui.screens.results import ResultsScreen
from trainer.units import Unit

SIZES = [(60, 20), (80, 24), (120, 40)]


async def home_of(pilot: object, app: TrainerApp) -> HomeScreen:
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def screen_text(app: TrainerApp) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(
        "".join(segment.text for segment in line)
        for line in app.screen._compositor.render_update(full=True).strips  # type: ignore[attr-defined]
    )


def footer_keys(app: TrainerApp) -> list[str]:
    """The key labels the footer shows now."""
    from textual.widgets._footer import FooterKey

    return [str(key.key_display) for key in app.screen.query(FooterKey)]


# -- the simulated pad -----------------------------------------------------------------
async def test_in_simulation_the_first_line_and_the_footer_say_how_to_press(
    make_app: MakeApp,
) -> None:
    for width, height in [(80, 24), (120, 40)]:
        app, box = make_app(exercise_id="graded-levels")
        async with app.run_test(size=(width, height)) as pilot:
            screen = await open_live(pilot, app)
            banner = screen.query_one("#banner", Static)
            first = str(banner.render())
            assert "↑ ↓" in first and "1-9" in first and "mouse wheel" in first
            assert banner.region.y == 1 and banner.region.height == 1  # under the top bar
            await pilot.pause()
            keys = footer_keys(app)
            assert "↑↓" in keys and "1-9" in keys, keys
            assert {"space", "t", "a", "q", "?", "u"} <= {k.lower() for k in keys}, keys
            # every footer key fits on the screen (none pushed off the right edge)
            from textual.widgets._footer import FooterKey

            for key in app.screen.query(FooterKey):
                assert key.region.right <= width, (key.key_display, key.region)
            await pilot.press("space")
            box.current.pump(0.5)
            screen.frame()
            assert "mouse wheel" in str(banner.render())  # still there while running


async def test_the_simulated_pad_keys_are_not_offered_with_a_real_sensor(
    make_app: MakeApp,
) -> None:
    app, box = make_app(exercise_id="graded-levels")
    real = box.__call__

    def no_intent(exercise: object, full_scale: float) -> object:
        setup = real(exercise, full_scale)  # type: ignore[arg-type]
        setup.intent = None
        return setup

    app.config.sensor_factory = no_intent  # type: ignore[assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live(pilot, app)
        await pilot.pause()
        assert "↑↓" not in footer_keys(app)
        assert "Press SPACE to start" in str(screen.query_one("#banner", Static).render())


# -- home -------------------------------------------------------------------------------
async def test_the_name_hint_leaves_blind_and_start_uncovered_at_80x24(make_app: MakeApp) -> None:
    app, _box = make_app(student="")
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot, app)
        await pilot.press("s")
        hint = home.query_one("#home-hint", Static)
        assert "Type your name first" in str(hint.render())
        assert hint.display and hint.region.height >= 1
        for control in ("#blind", "#blind-label", "#start"):
            region = home.query_one(control).region
            assert not region.overlaps(hint.region), control
            assert region.right <= 80 and region.bottom <= 23
        assert not app._notifications  # no toast over the controls either
        await pilot.press(*"Dee")
        assert not hint.has_class("shown")


async def test_the_first_enter_in_the_name_field_starts_the_highlighted_exercise(
    make_app: MakeApp,
) -> None:
    app, _box = make_app(student="")
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot, app)
        await pilot.press("down", "down")
        wanted = app.config.library.sorted()[2].id
        await pilot.press("n", *"Eva", "enter")
        screen = await open_live(pilot, app)
        assert screen.exercise.id == wanted and app.context.student == "Eva"
        assert home is not app.screen


async def test_a_name_that_cannot_be_kept_is_said_at_home_not_on_the_live_screen(
    make_app: MakeApp,
) -> None:
    """'Ana [b]' opened the live screen, where Space then said it could not start."""
    app, _box = make_app(student="")
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot, app)
        await pilot.press("n", *"Ana [b]", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        hint = str(home.query_one("#home-hint", Static).render())
        assert hint.startswith("Your name 'Ana [b]' holds a square bracket")
        assert home.query_one("#student", Input).has_focus
        buttons = [home.query_one(f"#{b}").region for b in ("blind", "start")]
        assert not any(home.query_one("#home-hint").region.overlaps(r) for r in buttons)
        await pilot.press(*"Ana")  # the name is selected: typing replaces it
        assert home.query_one("#student", Input).value == "Ana"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LiveScreen))


async def test_the_last_student_on_this_station_is_remembered_after_a_restart(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    app, box = make_app(student="Fay", exercise_id="precision-drill")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        box.current.pump(40.0)  # the whole drill: a full run, which Last and Best count
        screen.frame()
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await pilot.press("q")
    # a headless simulation since then is not a student at this station
    simulate(ui_store, builtin_library.get("graded-levels"), profile="steady", seed=1)
    assert ui_store.last_student() == "Fay"
    again, _box = make_app(student="")
    async with again.run_test(size=(100, 30)) as pilot:
        home = await home_of(pilot, again)
        assert again.context.student == "Fay"
        assert home.query_one("#student", Input).value == "Fay"
        table = home.query_one("#library", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        row = [str(c) for c in table.get_row_at(names.index("Precision drill"))]
        assert row[-2] != "-"  # Last is not blank


def test_library_columns_fit_each_width_without_cutting_words(
    builtin_library: ExerciseLibrary,
) -> None:
    exercises = builtin_library.sorted()
    names = [e.name for e in exercises]
    techniques = [e.technique for e in exercises]
    for unit in Unit:
        targets = [text.target_summary(e, unit) for e in exercises]
        for width, _height in SIZES:
            columns = library_columns(width, names, techniques, targets)
            used = 2 + columns.name + columns.targets + (3 if columns.minutes else 2) * 6
            used += 2 * 2 + (columns.technique + 2 if columns.technique else 0)
            assert used <= width, (unit, width, columns)
            longest = max(len(w) for n in names for w in n.split())
            assert columns.name >= longest
            if columns.technique:
                assert columns.technique >= max(len(w) for t in techniques for w in t.split())
            for summary in targets:
                for line in fold_targets(summary, columns.targets).splitlines():
                    assert len(line) <= columns.targets or "," not in line, (line, columns)
    wide = library_columns(200, names, techniques, targets)
    assert wide.technique >= max(map(len, techniques)) and wide.name >= max(map(len, names))


async def test_the_library_shows_every_name_and_target_whole_at_60_80_and_120(
    make_app: MakeApp, builtin_library: ExerciseLibrary
) -> None:
    for width, height in SIZES:
        for unit in (Unit.N, Unit.KGF):
            app, _box = make_app(units=unit)
            async with app.run_test(size=(width, height)) as pilot:
                home = await home_of(pilot, app)
                table = home.query_one("#library", DataTable)
                await pilot.pause()
                seen = [screen_text(app)]
                for _ in range(table.row_count):  # a short screen scrolls the rows by
                    await pilot.press("down")
                    seen.append(screen_text(app))
                shown = " ".join(" ".join(seen).split())
                for exercise in builtin_library.sorted():
                    # wrapped cells put words on several lines: compare word by word
                    summary = text.target_summary(exercise, unit)
                    for word in exercise.name.split() + summary.split():
                        assert word.strip(",;") in shown, (width, unit, word)
                # the table never scrolls sideways: every column is in view
                assert table.virtual_size.width <= table.size.width, (width, unit)


async def test_home_and_end_go_to_the_first_and_last_exercise(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot, app)
        table = home.query_one("#library", DataTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


# -- live: a layout that does not jump -----------------------------------------------------
def metrics(name: str, score: float, bias: float) -> PhaseMetrics:
    return PhaseMetrics(
        index=0, name=name, kind="hold", feedback="live", band_low_n=25.0, band_high_n=40.0,
        completed=True, duration_s=6.0, samples=480, time_in_band_pct=88.0,
        constant_error_n=bias, absolute_error_n=1.0, variable_error_n=1.0,
        steadiness_cv_pct=3.0, time_to_band_s=0.5, overshoot_count=0, overshoot_peak_n=None,
        mean_force_n=30.0, peak_force_n=35.0, ramp_rate_n_per_s=None,
        target_rate_n_per_s=None, ramp_rate_error_pct=None, score=score,
    )  # fmt: skip


def test_a_long_trial_result_is_fitted_to_one_line() -> None:
    long = metrics("Take up the slack again and hold the third barrier", 71, -3.4)
    assert len(trial_results([long], Unit.KGF, 1000)) > 78
    for width in (38, 58, 78, 118):
        line = trial_results([long], Unit.KGF, width)
        assert len(line) <= width and "score 71" in line
    assert "0.35 kgf too light" in trial_results([long], Unit.KGF, 118)


async def test_a_trial_result_never_moves_the_gauge_or_trace(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="pressure-release")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "5")
        gauge_y = []
        notes = set()
        for _ in range(60):
            box.current.pump(0.5)
            screen.frame()
            await pilot.pause()
            controller = screen.controller
            assert controller is not None
            if controller.stage is not Stage.RUNNING:
                break
            note = screen.query_one("#coach-note", Static)
            notes.add(str(note.render()))
            assert note.region.height == 1
            gauge_y.append(screen.query_one("#gauge").region.y)
            await pilot.press(str(1 + len(gauge_y) % 5))
        assert any(n.startswith("Result") for n in notes), notes
        assert len(set(gauge_y)) == 1, gauge_y


def test_the_hidden_force_words_fit_the_force_panel() -> None:
    """At 60x20 the blind label read "Blin"; the panel holds 28 characters."""
    for words, _gauge in HIDDEN_TEXTS.values():
        assert len(words) <= 26, words
    assert HIDDEN_TEXTS[Hidden.BLIND][0] == "BLIND: feel the force"


async def test_the_gauges_hidden_text_is_whole_at_60_columns(make_app: MakeApp) -> None:
    """At 60x20 the blind gauge read "... Feel the force; results at the" (its end cut)."""
    from trainer.ui.widgets.gauge import Gauge

    app, _box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_live(pilot, app)
        width = screen.query_one(Gauge).size.width
    for _words, gauge in HIDDEN_TEXTS.values():
        assert len(gauge) <= width - 2, gauge  # a cell of margin each side


# -- help pauses the session ------------------------------------------------------------------
async def running(
    pilot: Pilot[None], app: TrainerApp, box: SensorBox
) -> tuple[LiveScreen, LiveController]:
    """The live screen one second into a session, the hand at 30 % of the gauge."""
    screen = await open_live(pilot, app)
    controller = screen.controller
    assert controller is not None
    await pilot.press("space", "3")
    box.current.pump(1.0)
    screen.frame()
    return screen, controller


async def test_opening_help_pauses_a_running_session_until_space(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, controller = await running(pilot, app, box)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await until(pilot, lambda: controller.user_paused)
        left = controller.display_state().time_left_s
        box.current.pump(4.0)  # the student reads the help for 4 s
        screen.frame()
        assert controller.display_state().time_left_s == left
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert controller.user_paused  # hands back on the pad first: SPACE carries on
        assert "PAUSED" in str(screen.query_one("#banner", Static).render())
        await pilot.press("space")
        box.current.pump(0.5)
        screen.frame()
        assert controller.display_state().time_left_s < left  # type: ignore[operator]


async def test_a_stop_question_answered_no_carries_on_by_itself(make_app: MakeApp) -> None:
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, controller = await running(pilot, app, box)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await until(pilot, lambda: controller.user_paused)
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen and not controller.user_paused)
        assert isinstance(app.screen, LiveScreen)


# -- boxes that never cut their text -----------------------------------------------------------
async def test_a_24_phase_results_table_scrolls_to_its_last_row_without_tab(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    from trainer.ui.screens.results import ResultsScreen

    exercise = builtin_library.get("stripping-strokes")
    assert len(exercise.phases) == 24
    outcome = simulate(ui_store, exercise, profile="steady", seed=3, student="Ana")
    app, _box = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await home_of(pilot, app)
        app.push_screen(ResultsScreen(outcome.session_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen._filled)
        await pilot.pause()
        assert "Rest 6/6" not in screen_text(app)
        for _ in range(40):
            await pilot.press("down")
        # the 24th row, reached with the arrows alone (scrolling may still be settling)
        await until(pilot, lambda: "Rest 6/6" in screen_text(app), tries=400)
        await pilot.press("home")
        await until(pilot, lambda: "score out of 100" in screen_text(app), tries=400)
        await pilot.press("end")
        await until(pilot, lambda: "Rest 6/6" in screen_text(app), tries=400)


async def test_results_at_80_columns_show_the_rate_column_and_the_time(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    from trainer.ui.screens.results import ResultsScreen

    exercise = builtin_library.get("pressure-release")
    outcome = simulate(ui_store, exercise, profile="novice", seed=2, student="Ana")
    when = ui_store.session(outcome.session_id)["started_at"][11:16]
    for unit in (Unit.N, Unit.KGF):
        app, _box = make_app(units=unit)
        async with app.run_test(size=(80, 24)) as pilot:
            await home_of(pilot, app)
            results = ResultsScreen(outcome.session_id)
            app.push_screen(results)
            await until(pilot, lambda: results._filled)  # noqa: B023
            await pilot.pause()
            table = app.screen.query_one("#phase-table", DataTable)
            labels = [str(c.label) for c in table.columns.values()]
            assert f"Rate {unit.value}/s" in labels
            assert table.virtual_size.width <= table.size.width  # nothing off the right
            shown = screen_text(app)
            assert f"Rate {unit.value}/s" in shown and when in shown
            await pilot.press("end")
            # the release (last row) reads by what it asks, not as "2 %" in band
            last = screen_text(app).splitlines()[-2]
            assert "Release" in last and any(w in last for w in ("✓ eased", "late", "uneven"))


async def test_the_results_summary_is_whole_and_never_splits_a_figure(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    """At 60x20 the summary lost its overshoots and time; at 80 "6 s" broke over a line."""
    from trainer.ui.screens.results import ResultsScreen

    exercise = builtin_library.get("graded-levels")
    outcome = simulate(ui_store, exercise, profile="novice", seed=2, student="Ana")
    record = ui_store.session(outcome.session_id)
    when = record["started_at"][:16].replace("T", " ")
    for width, height in SIZES:
        for unit in (Unit.N, Unit.KGF):
            app, _box = make_app(units=unit)
            async with app.run_test(size=(width, height)) as pilot:
                await home_of(pilot, app)
                results = ResultsScreen(outcome.session_id)
                app.push_screen(results)
                await until(pilot, lambda: results._filled)  # noqa: B023
                await pilot.pause()
                summary = results.query_one("#score-summary", Static)
                lines = str(summary.render()).splitlines()
                assert summary.region.height == len(lines)  # every line shown
                assert max(map(len, lines)) <= summary.content_size.width, lines
                result = results.report.result  # type: ignore[union-attr]
                parts = [
                    "score out of 100",
                    when,
                    f"bias {unit.number(result.constant_error_n, signed=True)} {unit.value}",
                    f"consistency {unit.number(result.variable_error_n)} {unit.value}",
                    f"overshoots {result.overshoot_count}",
                    text.seconds(result.duration_s),
                ]
                pieces = [piece for line in lines for piece in line.split(" | ")]
                for part in parts:  # each on one line, never broken across two
                    assert any(part in piece for piece in pieces), (width, part, lines)
                assert text.seconds(result.duration_s) in pieces


async def test_the_stop_question_is_never_cut_at_the_box_edge(make_app: MakeApp) -> None:
    for width, height in SIZES:
        app, box = make_app(exercise_id="graded-levels")
        async with app.run_test(size=(width, height)) as pilot:
            screen = await open_live(pilot, app)
            await pilot.press("space", "3")
            box.current.pump(1.0)
            screen.frame()
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # noqa: B023
            await pilot.pause(0.2)
            detail = app.screen.query_one("#confirm-detail")
            lines = [
                "".join(seg.text for seg in detail.render_line(y))
                for y in range(detail.region.height)
            ]
            shown = " ".join(" ".join(lines).split())
            assert shown == "What you did so far is saved and marked as stopped early.", width
            assert detail.region.right <= width
            await pilot.press("n")


async def test_history_shows_whole_exercise_and_technique_names(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    from trainer.ui.screens.history import HistoryScreen

    simulate(ui_store, builtin_library.get("pressure-release"), profile="steady", seed=1, student="Ana")  # fmt: skip
    for width, height in SIZES:
        app, _box = make_app()
        async with app.run_test(size=(width, height)) as pilot:
            await home_of(pilot, app)
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)  # noqa: B023
            await pilot.pause(0.1)
            lines = screen_text(app).splitlines()
            assert any("trigger point pressure release" in line for line in lines), width
            words = " ".join(" ".join(lines).split())
            assert "Trigger point pressure release" in words or all(
                w in words for w in ("Trigger", "point", "pressure", "release")
            )
            table = app.screen.query_one("#sessions", DataTable)
            assert table.virtual_size.width <= table.size.width, width
    simulate(ui_store, builtin_library.get("steady-ramp"), profile="steady", seed=2, student="Ana")  # fmt: skip
    app, _box = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await home_of(pilot, app)
        await pilot.press("h")
        # the table is filled and given the keys after the screen's first refresh
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        table = app.screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: table.has_focus)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 > 0
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_at_60x20_the_home_controls_and_title_are_whole(make_app: MakeApp) -> None:
    """The blind label once read "Blin" over "d"."""
    app, _box = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        home = await home_of(pilot, app)
        await pilot.pause()
        label = home.query_one("#blind-label")
        assert label.region.width >= len("Blind") and label.region.height >= 1
        assert "Blind" in screen_text(app) and "Start" in screen_text(app)
        assert screen_text(app).splitlines()[0].split()[:2] == ["Technique", "library"]
        for control in ("#blind", "#blind-label", "#start"):
            assert home.query_one(control).region.right <= 60, control


async def test_the_gauge_ticks_and_the_band_text_round_alike_in_every_unit(
    make_app: MakeApp,
) -> None:
    from trainer.ui.widgets.gauge import Gauge

    for unit in Unit:
        app, box = make_app(exercise_id="ischemic-compression", units=unit)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_live(pilot, app)
            await pilot.press("space", "5")
            box.current.pump(8.0)
            screen.frame()
            await pilot.pause()
            gauge = screen.query_one(Gauge)
            ticks = "".join(seg.text for seg in gauge.render_line(3)).split()
            band = phase_line(screen, "time").split(" | ")[0]
            low, high = band.split()[-2].split("-")
            assert low in ticks and high in ticks, (unit, ticks, band)
            top = ticks[-2]  # the scale's end, in the unit's resolution
            decimals = len(top.split(".")[1]) if "." in top else 0
            assert decimals <= unit.decimals, (unit, ticks)


async def test_results_of_a_session_with_the_gauge_hidden_throughout_never_say_lighter(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    import json

    from trainer.ui.screens.results import ResultsScreen

    outcome = simulate(
        ui_store, builtin_library.get("graded-levels"), profile="overshooter", seed=2
    )
    report = {"schedule": "retention", "trials": 7, "trials_with_live_feedback": 0}
    ui_store.db.execute(
        "INSERT INTO session_feedback (session_id, schedule_json, peeks, report_json) "
        "VALUES (?, ?, 0, ?)",
        (outcome.session_id, json.dumps({"kind": "retention"}), json.dumps(report)),
    )
    ui_store.db.commit()
    app, _box = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_of(pilot, app)
        results = ResultsScreen(outcome.session_id)
        app.push_screen(results)
        await until(pilot, lambda: results._filled)
        coaching = str(results.query_one("#coaching", Static).render())
        assert "overshot" in coaching and "LIGHTER" not in coaching

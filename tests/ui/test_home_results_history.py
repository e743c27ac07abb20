"""Home (library, details, name, live/blind, start), results and history screens."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from tests.ui.helpers import MakeApp, open_live, until
from trainer.exercises import ExerciseLibrary, FeedbackMode
from trainer.sensors.base import Sample
from trainer.session import PracticeSession, simulate
from trainer.store import Store
from trainer.ui.app import TrainerApp
from trainer.ui.screens.help import HelpScreen
from trainer.ui.screens.history import HistoryScreen, sparkline, trends
from trainer.ui.screens.home import HomeScreen
from trainer.ui.screens.live import LiveScreen
from trainer.ui.screens.results import ResultsScreen
from trainer.ui.widgets.trace import ForceTrace
from trainer.units import Unit


async def home_of(pilot: object, app: TrainerApp) -> HomeScreen:
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen._filled)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def cell_texts(table: DataTable[object], row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


def library_row(home: HomeScreen, name: str) -> list[str]:
    """The home library's cells for the exercise called ``name``."""
    table = home.query_one("#library", DataTable)
    names = [cell_texts(table, i)[0] for i in range(table.row_count)]
    return cell_texts(table, names.index(name))


def record(
    store: Store, library: ExerciseLibrary, exercise_id: str, student: str, seed: int
) -> int:
    outcome = simulate(
        store, library.get(exercise_id), profile="steady", seed=seed, student=student
    )
    return outcome.session_id


async def test_home_lists_every_exercise_with_last_and_best_scores(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    first = record(ui_store, builtin_library, "precision-drill", "Ana", seed=1)
    second = record(ui_store, builtin_library, "precision-drill", "Ana", seed=2)
    record(ui_store, builtin_library, "precision-drill", "Ben", seed=3)
    scores = {r.id: r.score for r in ui_store.history()}
    app, _box = make_app()
    async with app.run_test(size=(160, 30)) as pilot:  # wide: every column
        home = await home_of(pilot, app)
        table = home.query_one("#library", DataTable)
        assert table.row_count == len(builtin_library.exercises)
        names = [cell_texts(table, i)[0] for i in range(table.row_count)]
        assert names == [e.name for e in builtin_library.sorted()]
        row = names.index("Precision drill")
        cells = cell_texts(table, row)
        assert cells[1] == "low-force precision (flat palpation)"
        assert cells[2].startswith("9-12 N")
        assert cells[4] == f"{scores[second]:.0f}"  # the newest
        assert cells[5] == f"{max(scores[first] or 0, scores[second] or 0):.0f}"
        untried = cell_texts(table, names.index("Steady ramp"))
        assert untried[4:] == ["-", "-"]


def stopped_early(store: Store, library: ExerciseLibrary, exercise_id: str, student: str) -> int:
    """A session stopped after 3 s spent in its first band: scored high on those 3 s."""
    exercise = library.get(exercise_id)
    band = exercise.phases[0].band
    assert band is not None
    session = PracticeSession.begin(store, exercise, student, {}, rate_hz=80)
    for i in range(240):
        session.process(Sample(i / 80, (band.low_n + band.high_n) / 2))
    session.finish()  # not run to its end: incomplete
    return session.session_id


async def test_last_best_and_trends_count_only_sessions_run_to_the_end(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    stopped_early(ui_store, builtin_library, "precision-drill", "Ana")
    app, _box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await home_of(pilot, app)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        trend = str(app.screen.query_one("#trends", Static).render())
        assert trend == "No session run to its end yet: the trends count finished sessions."
    full = record(ui_store, builtin_library, "precision-drill", "Ana", seed=1)
    partial = stopped_early(ui_store, builtin_library, "precision-drill", "Ana")  # the newest
    scores = {r.id: r.score for r in ui_store.history()}
    status = {r.id: r.status for r in ui_store.history()}
    assert status[partial] == "incomplete" and (scores[partial] or 0) > (scores[full] or 0)
    app, _box = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        home = await home_of(pilot, app)
        # 3 s in the band is no best: Last and Best are the full run's.
        cells = library_row(home, "Precision drill")
        assert cells[4:] == [f"{scores[full]:.0f}", f"{scores[full]:.0f}"]
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        history = app.screen
        assert history.query_one("#sessions", DataTable).row_count == 3  # all listed
        trend = str(history.query_one("#trends", Static).render())
        assert f"last {scores[full]:>3.0f} best {scores[full]:>3.0f} (1)" in trend


async def test_home_details_follow_the_highlighted_exercise(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        home = await home_of(pilot, app)
        await pilot.press("down")
        table = home.query_one("#library", DataTable)
        exercise = app.config.library.sorted()[table.cursor_row]
        title = str(home.query_one("#details-title", Static).render())
        body = str(home.query_one("#details-text", Static).render())
        assert exercise.name in title
        assert " ".join(exercise.instructions.split())[:60] in body


async def test_start_needs_a_name_and_enter_starts_the_highlighted_exercise(
    make_app: MakeApp,
) -> None:
    app, _box = make_app(student="")
    async with app.run_test(size=(100, 30)) as pilot:
        home = await home_of(pilot, app)
        await pilot.press("enter")
        assert app.screen is home  # no name: asked for it instead
        assert home.query_one("#student", Input).has_focus
        await pilot.press(*"Cleo", "enter")  # the first Enter starts: no second one needed
        assert app.context.student == "Cleo"
        screen = await open_live(pilot, app)
        assert screen.exercise.id == app.config.library.sorted()[0].id
        assert screen.exercise.phases[0].feedback is FeedbackMode.LIVE


async def test_start_button_and_s_key_start_and_blind_switch_makes_it_blind(
    make_app: MakeApp,
) -> None:
    app, _box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await home_of(pilot, app)
        await pilot.click("#blind")
        await pilot.click("#start")
        screen = await open_live(pilot, app)
        assert all(p.feedback is FeedbackMode.BLIND for p in screen.exercise.phases)
        await pilot.press("escape")
        home = await home_of(pilot, app)
        await pilot.press("m")  # back to live
        assert not home.blind
        await pilot.press("s")
        screen = await open_live(pilot, app)
        assert all(p.feedback is FeedbackMode.LIVE for p in screen.exercise.phases)


async def test_unknown_exercise_on_the_command_line_is_explained(make_app: MakeApp) -> None:
    app, _box = make_app(exercise_id="no-such-drill")
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test() as pilot:
        await home_of(pilot, app)
        assert any("There is no exercise 'no-such-drill'" in n for n in notes)


async def test_home_keys_open_history_help_and_quit(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test() as pilot:
        await home_of(pilot, app)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("escape")
        await home_of(pilot, app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("n")
        assert app.screen.query_one("#student", Input).has_focus
        await pilot.press("escape", "tab")
        app.screen.query_one("#library", DataTable).focus()
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_finished_session_shows_results_with_coaching_table_and_trace(
    make_app: MakeApp,
) -> None:
    app, box = make_app(exercise_id="precision-drill")
    async with app.run_test(size=(100, 40)) as pilot:
        from tests.ui.driver import drive_to_results

        await open_live(pilot, app)
        results = await drive_to_results(pilot, app, box.current)
        report = results.report
        assert report is not None and report.result is not None
        table = results.query_one("#phase-table", DataTable)
        assert table.row_count == len(report.exercise.phases)
        coaching = str(results.query_one("#coaching", Static).render())
        assert coaching.count("•") in (2, 3)
        trace = results.query_one(ForceTrace)
        assert sum(c.force_n is not None for c in trace.columns) > trace.plot_width * 0.9
        summary = str(results.query_one("#score-summary", Static).render())
        assert "complete" in summary and "in band" in summary
        await pilot.press("u")  # kgf
        assert "kgf" in str(results.query_one("#score-summary", Static).render())
        await pilot.press("r")  # again
        screen = await open_live(pilot, app)
        assert screen.exercise.id == "precision-drill"
        await pilot.press("escape")
        await home_of(pilot, app)
        app.push_screen(ResultsScreen(report.session_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen._filled)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await pilot.press("enter")
        await home_of(pilot, app)


async def test_history_filters_by_technique_shows_trends_and_opens_results(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    for seed in range(3):
        record(ui_store, builtin_library, "precision-drill", "Ana", seed)
    ramp = record(ui_store, builtin_library, "steady-ramp", "Ana", 9)
    record(ui_store, builtin_library, "steady-ramp", "Ben", 9)
    app, _box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await home_of(pilot, app)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        history = app.screen
        table = history.query_one("#sessions", DataTable)
        assert table.row_count == 4  # Ana's only
        trend_text = str(history.query_one("#trends", Static).render())
        assert "low-force precision" in trend_text and "(3)" in trend_text
        await pilot.press("f")
        select = history.query_one("#technique", Select)
        assert select.has_focus
        select.value = "ramp control (algometry)"
        await until(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen._filled)
        assert app.screen.session_id == ramp  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert app.screen is history
        await pilot.press("escape")
        await home_of(pilot, app)


def test_sparkline_and_trends_read_oldest_to_newest() -> None:
    assert sparkline([0, 50, 100]) == "▁▅█"
    rows = [
        _row(3, "ramp", 90.0),
        _row(2, "ramp", 60.0),
        _row(1, "ramp", 30.0, status="aborted"),
    ]
    assert trends(rows) == [("ramp", sparkline([60.0, 90.0]), 90.0, 90.0, 2)]


def _row(session_id: int, technique: str, score: float, status: str = "complete") -> object:
    from trainer.store import SessionRow

    return SessionRow(
        session_id,
        "Ana",
        "x",
        "X",
        technique,
        "2026-01-01T10:00:00",
        None,
        status,
        score,
        50.0,
        "simulated",
    )


async def test_results_of_a_missing_session_say_so(make_app: MakeApp) -> None:
    app, _box = make_app()
    async with app.run_test() as pilot:
        await home_of(pilot, app)
        app.push_screen(ResultsScreen(999))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await pilot.pause()
        text = str(app.screen.query_one("#results-error", Static).render())
        assert "there is no session 999" in text


async def test_command_palette_offers_the_screens_and_actions(make_app: MakeApp) -> None:
    from trainer.ui.app import TrainerCommands

    app, _box = make_app()
    async with app.run_test() as pilot:
        await home_of(pilot, app)
        assert TrainerCommands in app.COMMANDS
        titles = [t for t, _a, _h in TrainerCommands(app.screen)._commands()]
        assert any("History" in t for t in titles) and any("Theme" in t for t in titles)
        await pilot.press("ctrl+p")
        await pilot.press(*"history")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        app.action_toggle_dark()
        assert app.theme == "textual-light"
        app.action_cycle_units()
        assert app.context.units is Unit.KGF


def test_the_builtin_exercise_folder_exists() -> None:
    assert (Path(__file__).resolve().parents[2] / "exercises").is_dir()


async def test_live_screen_reports_a_sensor_that_cannot_start(make_app: MakeApp) -> None:
    from trainer.sensors.base import SensorError

    app, _box = make_app()

    def refuse(exercise: object, full_scale: float) -> object:
        raise SensorError("the HX711 did not answer; check the wiring")

    app.config.sensor_factory = refuse  # type: ignore[assignment]
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test() as pilot:
        home = await home_of(pilot, app)
        home.start_exercise("graded-levels")
        await until(pilot, lambda: any("could not start" in n for n in notes))
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert not isinstance(app.screen, LiveScreen)


def test_report_reads_the_whole_trace_back_with_each_phases_band(
    ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    from trainer.ui.report import load_report

    session_id = record(ui_store, builtin_library, "ischemic-compression", "Ana", seed=5)
    report = load_report(ui_store, session_id)
    assert len(report.points) == ui_store.sample_count(session_id)
    assert report.points[0][0] == 0.0 and report.duration_s > 30
    rows = list(ui_store.sample_rows(session_id))
    kinds = [report.exercise.phases[row[6]].kind.value for row in rows]
    ramp = [p for p, kind in zip(report.points, kinds, strict=True) if kind == "ramp"]
    hold = [p for p, kind in zip(report.points, kinds, strict=True) if kind == "hold"]
    assert ramp and all(p[2] is None for p in ramp)  # the moving target is not redrawn
    assert hold and all((p[2], p[3]) == (40.0, 60.0) for p in hold)


async def test_q_on_results_and_history_and_ctrl_q_anywhere_quit(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    session_id = record(ui_store, builtin_library, "precision-drill", "Ana", seed=1)
    for opener, key in (("results", "q"), ("history", "q"), ("results", "ctrl+q")):
        app, _box = make_app()
        async with app.run_test() as pilot:
            await home_of(pilot, app)
            if opener == "results":
                app.push_screen(ResultsScreen(session_id))
                await until(pilot, lambda a=app: isinstance(a.screen, ResultsScreen))
            else:
                await pilot.press("h")
                await until(pilot, lambda a=app: isinstance(a.screen, HistoryScreen))
            await pilot.press(key)
            await until(pilot, lambda a=app: a.return_code is not None)
        assert app.return_code == 0


async def test_the_students_last_best_and_history_leave_assessments_out(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    from trainer.instructor.assessment import Assessments, simulate_assessment

    practice = record(ui_store, builtin_library, "precision-drill", "Ana", seed=1)
    Assessments(ui_store).create("Final", ["precision-drill", "steady-ramp"])
    simulate_assessment(
        ui_store, builtin_library.exercises, "Final", "Ana", profile="steady", seed=2
    )
    practised = ui_store.session(practice)["result"]["score"]
    app, _box = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        home = await home_of(pilot, app)
        drill = library_row(home, "Precision drill")
        assert drill[4:] == [f"{practised:.0f}", f"{practised:.0f}"]  # the practice only
        assert library_row(home, "Steady ramp")[4:] == ["-", "-"]
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        sessions = app.screen.query_one("#sessions", DataTable)
        assert sessions.row_count == 1
        assert sessions.coordinate_to_cell_key((0, 0)).row_key.value == str(practice)


async def test_a_broken_file_in_the_folder_is_named_and_the_others_still_list(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """`trainer run --sim` with one broken file: every other exercise, and where to look."""
    from tests.ui.helpers import BUILTIN

    folder = tmp_path / "my exercises"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "bro\nken', encoding="utf-8")
    library = ExerciseLibrary.load(BUILTIN, folder)
    assert library.errors
    app, _box = make_app(library=library)
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot, app)
        table = home.query_one("#library", DataTable)
        assert table.row_count == len(library.exercises) == 7
        broken = folder / "broken.toml"
        assert notes == [
            f"Every other exercise is here, but this file was skipped: {broken}. "
            f"To see why: trainer exercises check '{broken}'"
        ]


async def test_history_before_a_name_is_typed_says_whose_each_session_is(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    record(ui_store, builtin_library, "precision-drill", "Ana", seed=1)
    record(ui_store, builtin_library, "steady-ramp", "Ben", seed=2)
    app, _box = make_app(student="")
    async with app.run_test(size=(80, 24)) as pilot:
        await home_of(pilot, app)
        app.push_screen(HistoryScreen())
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        table = app.screen.query_one("#sessions", DataTable)
        assert [str(c.label) for c in table.columns.values()][1] == "Student: exercise"
        shown = sorted(str(table.get_row_at(i)[1]) for i in range(table.row_count))
        assert shown == ["Ana: Precision drill", "Ben: Steady ramp"]
    app, _box = make_app(student="Ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await home_of(pilot, app)
        app.push_screen(HistoryScreen())
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen._filled)
        table = app.screen.query_one("#sessions", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["Precision drill"]

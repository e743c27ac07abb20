"""PIN prompt, class overview, review, assessment results, teach by demonstration."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Sparkline, Static

from tests.instructor.ui.conftest import MakeApp, until
from trainer.exercises import ExerciseLibrary
from trainer.instructor import pin as pin_module
from trainer.instructor.assessment import Assessments, PassMark, PassMarks, simulate_assessment
from trainer.instructor.pin import PinGuard
from trainer.instructor.roster import Roster
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.instructor import open_instructor
from trainer.ui.instructor.assessment import AssessmentResultsScreen
from trainer.ui.instructor.demonstrate import DemonstrationScreen
from trainer.ui.instructor.editor import EditorScreen
from trainer.ui.instructor.hub import InstructorScreen
from trainer.ui.instructor.pin_prompt import PinScreen
from trainer.ui.instructor.plot import ScorePlot
from trainer.ui.instructor.review import ClassOverviewScreen, ReviewScreen


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pin_module, "SCRYPT_N", 2**8)


def text(widget: Label | Static) -> str:
    return str(widget.render())


async def enter_pin(pilot, app, pin: str) -> None:  # type: ignore[no-untyped-def]
    box = app.screen.query_one("#pin-input", Input)
    box.focus()
    await pilot.press(*pin, "enter")
    await pilot.pause()


async def test_instructor_tools_need_the_pin_and_wrong_pins_lock_out(
    make_app: MakeApp, store: Store
) -> None:
    PinGuard(store).set_pin("2468")
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        open_instructor(app)
        await until(
            pilot, lambda: isinstance(app.screen, PinScreen) and app.screen.query("#pin-input")
        )
        await enter_pin(pilot, app, "1111")
        assert isinstance(app.screen, PinScreen)
        assert "not right" in text(app.screen.query_one("#pin-message", Label))
        await enter_pin(pilot, app, "2468")
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen))
        app.pop_screen()
        open_instructor(app)
        await until(
            pilot, lambda: isinstance(app.screen, PinScreen) and app.screen.query("#pin-input")
        )
        for _ in range(3):
            await enter_pin(pilot, app, "0000")
        message = text(app.screen.query_one("#pin-message", Label))
        assert "Too many wrong PINs: wait 30 s" in message
        await enter_pin(pilot, app, "2468")  # locked: even the right PIN waits
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PinScreen))
        assert not isinstance(app.screen, InstructorScreen)


async def test_no_pin_set_opens_straight_away(make_app: MakeApp) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        open_instructor(app)
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen))


@pytest.fixture
def classroom(store: Store) -> None:
    library = ExerciseLibrary.load()
    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    roster.enrol("Monday", "Ben")
    drill = library.get("precision-drill")
    for seed in range(3):
        simulate(store, drill, profile="steady", seed=seed, student="Ana")
    simulate(store, drill, profile="novice", seed=4, student="Ben")
    ana = max(s.score or 0 for s in store.history(student="Ana"))
    ben = store.history(student="Ben")[0].score or 0
    PassMarks(store).set(PassMark("precision-drill", min_score=(ana + ben) / 2))


async def test_class_overview_flags_below_pass_mark_and_exports_csv(
    make_app: MakeApp, store: Store, classroom: None, exports: Path
) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ClassOverviewScreen())
        await until(
            pilot, lambda: isinstance(app.screen, ClassOverviewScreen) and app.screen._filled
        )
        table = app.screen.query_one("#ov-table", DataTable)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        assert str(rows["Ben"][2]) == "BELOW" and str(rows["Ana"][2]) == "ok"
        assert str(rows["Ana"][5]) == "3"
        await pilot.press("x")
        await until(pilot, lambda: (exports / "class-all-students.csv").exists())
        exported = list(csv.DictReader((exports / "class-all-students.csv").open()))
        assert len(exported) == 4
        for row in exported:
            assert float(row["score"]) == pytest.approx(
                store.session(int(row["session_id"]))["result"]["score"], abs=0.05
            )
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        assert app.screen.student == "Ana"


async def test_review_plots_scores_shows_trends_and_writes_a_report(
    make_app: MakeApp, classroom: None, exports: Path
) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen("Ana"))
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        screen = app.screen
        plot = screen.query_one("#rv-scores", ScorePlot)
        assert len(plot.points) == 3
        await pilot.pause()
        drawn = str(plot.render()).splitlines()
        assert drawn[0].startswith("100 ┤") and drawn[-3].startswith("  0 ┤")
        assert drawn[-2].startswith("    └──") and str(drawn).count("●") == 3
        first_date = screen.points[0].started_at[5:10]
        assert drawn[-1].strip().startswith(first_date)  # dates under the axis
        trends = text(screen.query_one("#rv-trends", Static))
        assert "3 sessions" in trends and "time in band" in trends and "steadiness" in trends
        assert screen.query_one("#rv-sessions", DataTable).row_count == 3
        await until(pilot, lambda: len(screen.query_one("#rv-trace", Sparkline).data or []) > 50)
        await pilot.press("x")
        reports = list(exports.glob("session-*.html"))
        await until(pilot, lambda: list(exports.glob("session-*.html")))
        reports = list(exports.glob("session-*.html"))
        assert "<svg" in reports[0].read_text()


async def test_assessment_results_list_runs_with_their_verdicts(
    make_app: MakeApp, store: Store
) -> None:
    library = ExerciseLibrary.load()
    Assessments(store).create("Final", ["precision-drill"], set(library.exercises))
    PassMarks(store).set(PassMark("precision-drill", trials_required=1))
    simulate_assessment(store, library.exercises, "Final", "Ana", profile="steady")
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(AssessmentResultsScreen())
        await until(
            pilot, lambda: isinstance(app.screen, AssessmentResultsScreen) and app.screen.runs
        )
        table = app.screen.query_one("#as-runs", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[5]) == "PASSED"
        detail = text(app.screen.query_one("#as-detail", Static))
        assert "precision-drill" in detail and "trials in band" in detail


async def test_demonstration_recorded_from_the_pad_becomes_an_exercise(
    make_app: MakeApp, user_dir: Path
) -> None:
    app, box = make_app(student="Instructor")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(DemonstrationScreen("my-demo"))
        await until(pilot, lambda: isinstance(app.screen, DemonstrationScreen) and box.sensors)
        screen = app.screen
        sensor = box.current
        assert sensor.on_sample is not None
        sensor.pump(0.5)
        await pilot.press("space")  # record
        assert screen.recording
        for target, seconds in ((40.0, 4.0), (40.0, 8.0), (0.0, 4.0)):
            screen.setup.intent.set(target)
            sensor.pump(seconds)
        await pilot.press("space")  # stop
        screen.refresh_view()
        assert "Recorded" in text(screen.query_one("#dm-readout", Static))
        # The demonstration is kept as a session of its own kind, in the history.
        assert screen.saved_session is not None
        store = app.config.store
        assert store.session_kind(screen.saved_session) == "demonstration"
        (row,) = store.history(student="Instructor")
        assert row.id == screen.saved_session and row.kind == "demonstration"
        assert store.sample_count(row.id) == (16 * 80)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen._ready)
        editor = app.screen
        kinds = [p["kind"] for p in editor.draft.raw["phases"]]
        assert "hold" in kinds and kinds[-1] == "release"
        hold = next(p for p in editor.draft.raw["phases"] if p["kind"] == "hold")
        low, high = hold["band"]
        assert high - low == 6 and low <= 40 <= high
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (user_dir / "my-demo.toml").exists())
        app.pop_screen()
        await until(pilot, lambda: sensor.closed > 0)  # the screen closed its sensor


async def test_demonstration_keys_press_the_simulated_pad(make_app: MakeApp) -> None:
    from trainer.ui.instructor.demonstrate import FULL_SCALE_N

    app, box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(DemonstrationScreen("x"))
        await until(pilot, lambda: isinstance(app.screen, DemonstrationScreen) and box.sensors)
        intent = app.screen.setup.intent
        # digits aim at tenths of full scale (0 is all of it); arrows nudge by 1 % and 5 %
        for key, aim in (("5", 0.5), ("up", 0.51), ("right", 0.56), ("down", 0.55)):
            await pilot.press(key)
            assert intent.target_n == pytest.approx(aim * FULL_SCALE_N)
        for key, aim in (("pagedown", 0.5), ("left", 0.45), ("0", 1.0), ("grave_accent", 0.0)):
            await pilot.press(key)
            assert intent.target_n == pytest.approx(aim * FULL_SCALE_N)


async def test_demonstration_without_a_recording_says_what_to_do(make_app: MakeApp) -> None:
    app, box = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(DemonstrationScreen("x"))
        await until(pilot, lambda: isinstance(app.screen, DemonstrationScreen) and box.sensors)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DemonstrationScreen)


async def test_review_turns_a_recorded_session_into_an_exercise(
    make_app: MakeApp, store: Store
) -> None:
    simulate(
        store,
        ExerciseLibrary.load().get("ischemic-compression"),
        profile="steady",
        seed=1,
        student="Expert",
    )
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen("Expert"))
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen._ready)
        editor = app.screen
        assert editor.draft.exercise_id == "from-session-1"
        assert any(p["kind"] == "hold" for p in editor.draft.raw["phases"])
        assert editor.draft.problems() == []


async def test_command_palette_offers_the_instructor_tools(make_app: MakeApp) -> None:
    from trainer.ui.instructor.commands import InstructorCommands

    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        provider = InstructorCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        assert len(hits) == 1
        hits[0].command()
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen))


async def test_settings_screen_sets_bands_schedule_and_pass_mark(
    make_app: MakeApp, store: Store
) -> None:
    from textual.widgets import Select

    from trainer.instructor.feedback_store import SchedulePlans
    from trainer.instructor.targets import BandTargets
    from trainer.ui.instructor.settings import SettingsScreen

    roster = Roster(store)
    roster.add_class("Monday")
    roster.enrol("Monday", "Ana")
    exercise = ExerciseLibrary.load().get("graded-levels")
    BandTargets(store).set("class", "Monday", exercise, "deep", 40, 60)
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(SettingsScreen())
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen._filled)
        screen = app.screen
        screen.query_one("#st-exercise", Select).value = "graded-levels"
        screen.query_one("#st-who", Select).value = "student\x1fAna"
        await pilot.pause()
        table = screen.query_one("#st-bands", DataTable)
        deep_row = next(i for i in range(table.row_count) if "deep" in str(table.get_row_at(i)[1]))
        row = [str(cell) for cell in table.get_row_at(deep_row)]
        assert (row[2], row[3], row[4], row[5], row[6]) == (
            "45-70",
            "40-60",
            "-",
            "40-60",
            "class Monday",
        )
        table.move_cursor(row=deep_row)
        band = screen.query_one("#st-band", Input)
        band.focus()
        await pilot.press(*"30-45", "enter")
        await pilot.pause()
        row = [str(cell) for cell in table.get_row_at(deep_row)]
        assert (row[4], row[5], row[6]) == ("30-45", "30-45", "student")
        assert BandTargets(store).apply(exercise, student="Ana") is not exercise
        await pilot.press(*"9-1", "enter")
        await pilot.pause()
        assert screen.query_one("#st-message", Static).has_class("bad")
        screen.query_one("#st-schedule", Select).value = "faded"
        await pilot.pause()
        schedule, source = SchedulePlans(store).resolve("Ana")
        assert schedule.kind.value == "faded" and source == "student"
        trials = screen.query_one("#st-trials", Input)
        trials.focus()
        await pilot.press("4", "enter")
        await pilot.pause()
        mark = PassMarks(store).get("graded-levels")
        assert mark is not None and mark.trials_required == 4


async def test_assessment_runs_blind_exercise_by_exercise_and_returns_home(
    make_app: MakeApp, store: Store, user_dir: Path
) -> None:
    from trainer.instructor.editing import Draft
    from trainer.ui.instructor.run import AssessmentRunScreen, AssessmentStartScreen

    for exercise_id in ("quick-a", "quick-b"):
        draft = Draft.new(exercise_id, exercise_id)
        draft.raw["phases"] = [
            {"kind": "hold", "band": [20, 30], "duration_s": 2},
            {"kind": "release", "band": [0, 5], "max_s": 3},
        ]
        draft.save()
    Assessments(store).create("Quick", ["quick-a", "quick-b"])
    PassMarks(store).set(PassMark("quick-a", trials_required=1))
    app, box = make_app(student="Ana")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(AssessmentResultsScreen())
        await until(pilot, lambda: isinstance(app.screen, AssessmentResultsScreen))
        await pilot.press("n")
        await until(
            pilot,
            lambda: isinstance(app.screen, AssessmentStartScreen) and app.screen.query("#ar-start"),
        )
        await pilot.click("#ar-start")
        await until(
            pilot, lambda: isinstance(app.screen, AssessmentRunScreen) and app.screen.controller
        )
        screen = app.screen
        assert isinstance(screen, AssessmentRunScreen)
        # On a simulated pad the keys press it, in steps of the exercise's full scale.
        first = screen.controller
        await pilot.press("3", "up")
        assert first.setup.intent.target_n == pytest.approx(0.31 * first.full_scale_n)
        await pilot.press("grave_accent")
        assert first.setup.intent.target_n == 0.0
        for _ in range(2):
            await until(pilot, lambda: screen.controller is not None or screen.done)
            controller = screen.controller
            assert controller is not None and controller.setup.intent is not None
            assert all(p.feedback.value == "blind" for p in controller.exercise.phases)
            await pilot.press("space")
            for _ in range(100):
                if screen.controller is not controller:
                    break
                state = controller.display_state()
                aim = 25.0 if state.phase is not None and state.phase.kind.value == "hold" else 0.0
                controller.setup.intent.set(aim)
                box.current.pump(0.25)
                screen.tick()
                shown = str(screen.query_one("#ar-phase", Static).render())
                # blind: the target is shown, never the force or a score
                assert "Force" not in shown and "score" not in shown.lower()
                if "Hold" in shown:
                    assert "Target 20-30 N" in shown
        assert screen.done
        [run] = Assessments(store).runs()
        assert run.status == "complete" and run.student == "Ana"
        assert [i.session_id is not None for i in run.items] == [True, True]
        assert run.items[0].passed is True and run.passed is True
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1)  # home: the PIN is needed again


async def test_roster_screen_adds_renames_enrols_and_archives(
    make_app: MakeApp, store: Store
) -> None:
    from trainer.ui.instructor.roster import PromptScreen, RosterScreen

    simulate(
        store,
        ExerciseLibrary.load().get("precision-drill"),
        profile="steady",
        seed=1,
        student="Ana",
    )
    app, _ = make_app()

    async def answer(text: str) -> None:
        await until(
            pilot,
            lambda: isinstance(app.screen, PromptScreen) and app.screen.query("#prompt-input"),
        )
        box = app.screen.query_one("#prompt-input", Input)
        box.value = text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen))

    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(RosterScreen())
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and app.screen._filled)
        await pilot.press("c")
        await answer("Monday")
        await pilot.press("e")
        await answer("Monday")
        await pilot.press("n")
        await answer("Anabel")
        table = app.screen.query_one("#ro-students", DataTable)
        assert [str(c) for c in table.get_row_at(0)[:3]] == ["Anabel", "Monday", "1"]
        await pilot.press("h")
        await pilot.pause()
        assert table.row_count == 0  # archived: hidden
        await pilot.press("v")
        await pilot.pause()
        assert str(table.get_row_at(0)[3]) == "archived"
        assert store.sample_count(1) > 0  # the session is still there
        await pilot.press("e")
        await answer("Tuesday")  # no such class: a sentence, nothing changes
        assert [s.classes for s in Roster(store).students(include_archived=True)] == [("Monday",)]


async def test_an_assessment_is_created_from_the_assessment_screen(
    make_app: MakeApp, store: Store
) -> None:
    from trainer.ui.instructor.assessment import AssessmentDefineScreen

    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(AssessmentResultsScreen())
        await until(pilot, lambda: isinstance(app.screen, AssessmentResultsScreen))
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, AssessmentDefineScreen))
        dialog = app.screen
        dialog.query_one("#ad-name", Input).value = "Module 2"
        dialog.query_one("#ad-ids", Input).value = "graded-levels, nope"
        await pilot.click("#ad-create")
        await pilot.pause()
        assert "No exercise with id nope" in text(dialog.query_one("#ad-message", Label))
        dialog.query_one("#ad-ids", Input).value = "graded-levels steady-ramp"
        dialog.query_one("#ad-ids", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AssessmentResultsScreen))
        (made,) = Assessments(store).all()
        assert made.name == "Module 2"
        assert made.exercise_ids == ("graded-levels", "steady-ramp")


async def test_packs_export_and_import_from_the_instructor_hub(
    make_app: MakeApp, store: Store, tmp_path: Path, exports: Path
) -> None:
    from trainer.ui.instructor.packs import PacksScreen

    PassMarks(store).set(PassMark("graded-levels", trials_required=3))
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(InstructorScreen())
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen) and app.screen._filled)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PacksScreen))
        dialog = app.screen
        out = tmp_path / "out.pack.toml"
        dialog.query_one("#pk-ids", Input).value = "graded-levels"
        dialog.query_one("#pk-settings", Checkbox).value = True
        dialog.query_one("#pk-out", Input).value = str(out)
        dialog.export()
        assert "1 exercise(s) with their settings written" in text(dialog.query_one("#pk-report"))
        assert "[[pass_marks]]" in out.read_text(encoding="utf-8")
        dialog.export()  # never over an existing file
        assert "exists already" in text(dialog.query_one("#pk-message", Label))

        edited = out.read_text(encoding="utf-8").replace(
            'name = "Graded levels"', 'name = "Graded levels, ours"'
        )
        edited = edited.replace("trials = 3", "trials = 4")
        theirs = tmp_path / "theirs.pack.toml"
        theirs.write_text(edited, encoding="utf-8")
        dialog.query_one("#pk-in", Input).value = str(theirs)
        dialog.import_file()
        report = text(dialog.query_one("#pk-report"))
        assert "added     graded-levels (replaces the built-in)" in report
        assert "note: graded-levels: the pass mark" in report  # what the replacement affects
        assert "settings  1 pass mark(s)" in report
        assert PassMarks(store).get("graded-levels") == PassMark("graded-levels", None, 4, 70.0)
        assert app.config.library.get("graded-levels").name == "Graded levels, ours"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen))


async def test_roster_screen_sets_a_students_contact_as_the_command_line_reads_it(
    make_app: MakeApp, store: Store
) -> None:
    from trainer.instructor.contacts import StudentContacts
    from trainer.ui.instructor.roster import PromptScreen, RosterScreen
    from trainer.units import Contact

    Roster(store).add_student("Ana")
    app, _ = make_app()
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign,assignment]

    async def answer(text: str) -> str:
        """Press K, answer the prompt; return what the prompt offered first."""
        await pilot.press("k")
        await until(
            pilot,
            lambda: isinstance(app.screen, PromptScreen) and app.screen.query("#prompt-input"),
        )
        box = app.screen.query_one("#prompt-input", Input)
        shown = box.value
        box.value = text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen))
        return str(shown)

    contacts = StudentContacts(store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(RosterScreen())
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and app.screen._filled)
        assert await answer("thumb 2.5") == ""
        assert contacts.get("Ana") == Contact("thumb", 2.5)
        assert "Ana presses with: thumb, 2.5 cm²." in notes
        # the prompt offers the stored contact; a bad one is refused with the parser's words
        assert await answer("thumb 500") == "thumb 2.5"
        assert contacts.get("Ana") == Contact("thumb", 2.5)
        assert any("500 cm² is not plausible" in note for note in notes)
        await answer("probe")
        assert any("'probe' is not a known contact" in note for note in notes)
        await answer("elbow")
        assert contacts.get("Ana") == Contact("elbow", 4.0)
        await answer("none")
        assert contacts.get("Ana") is None


async def test_screen_exports_never_overwrite_nor_follow_a_link(
    make_app: MakeApp, store: Store, classroom: None, exports: Path, tmp_path: Path
) -> None:
    Roster(store).add_class("Mon/Tue")
    Roster(store).enrol("Mon/Tue", "Ana")
    system_file = tmp_path / "hostname"
    system_file.write_text("station-7\n")
    exports.mkdir()
    (exports / "class-all-students.csv").symlink_to(system_file)
    (exports / "session-1.html").write_text("kept\n")
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ClassOverviewScreen())
        await until(
            pilot, lambda: isinstance(app.screen, ClassOverviewScreen) and app.screen._filled
        )
        await pilot.press("x")
        await until(pilot, lambda: (exports / "class-all-students-2.csv").exists())
        assert system_file.read_text() == "station-7\n"
        app.screen.query_one("#ov-class", Select).value = "Mon/Tue"  # a name, not a folder
        await pilot.pause()
        await pilot.press("x")
        await until(pilot, lambda: (exports / "class-mon-tue.csv").exists())
        app.push_screen(ReviewScreen("Ana"))
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        table = app.screen.query_one("#rv-sessions", DataTable)
        table.move_cursor(row=table.row_count - 1)  # session 1, the oldest
        await pilot.press("x")
        await until(pilot, lambda: (exports / "session-1-2.html").exists())
        assert (exports / "session-1.html").read_text() == "kept\n"


async def test_packs_export_refuses_a_link_at_the_file_name(
    make_app: MakeApp, tmp_path: Path
) -> None:
    from trainer.ui.instructor.packs import PacksScreen

    target = tmp_path / "nowhere" / "system.conf"
    link = tmp_path / "out.pack.toml"
    link.symlink_to(target)  # dangling: Path.exists() says False
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(PacksScreen())
        await until(
            pilot, lambda: isinstance(app.screen, PacksScreen) and app.screen.query("#pk-out")
        )
        dialog = app.screen
        dialog.query_one("#pk-ids", Input).value = "graded-levels"
        dialog.query_one("#pk-out", Input).value = str(link)
        dialog.export()
        assert "exists already" in text(dialog.query_one("#pk-message", Label))
        assert link.is_symlink() and not target.parent.exists()


async def test_review_of_every_exercise_calls_trends_per_exercise(
    make_app: MakeApp, store: Store, classroom: None
) -> None:
    # Ana's three precision drills, then three steady ramps: a trend over all six would
    # compare one exercise's scores with another's.
    ramp = ExerciseLibrary.load().get("steady-ramp")
    for seed in range(3):
        simulate(store, ramp, profile="novice", seed=seed, student="Ana")
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen("Ana"))
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        trends = text(app.screen.query_one("#rv-trends", Static))
        assert "6 sessions of 2 exercises" in trends
        assert "precision-drill: score " in trends and "steady-ramp: score " in trends
        assert "\nscore:" not in trends and "time in band:" not in trends
        app.screen.query_one("#rv-exercise", Select).value = "steady-ramp"
        await until(
            pilot, lambda: "3 sessions;" in text(app.screen.query_one("#rv-trends", Static))
        )
        assert "time in band:" in text(app.screen.query_one("#rv-trends", Static))


def screen_text(app: object) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(
        "".join(segment.text for segment in line)
        for line in app.screen._compositor.render_update(full=True).strips  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_overview_and_review_show_long_names_whole(
    make_app: MakeApp, store: Store, size: tuple[int, int]
) -> None:
    library = ExerciseLibrary.load()
    name = "Ana Beatriz Carvalho"
    simulate(store, library.get("precision-drill"), profile="steady", seed=1, student=name)
    Assessments(store).create("Final practical examination", ["pressure-release"])
    simulate_assessment(
        store, library.exercises, "Final practical examination", name, profile="steady", seed=2
    )
    app, _ = make_app()
    async with app.run_test(size=size) as pilot:
        app.push_screen(ClassOverviewScreen())
        await until(
            pilot, lambda: isinstance(app.screen, ClassOverviewScreen) and app.screen._filled
        )
        await pilot.pause()
        # Every word of every name shows whole (a long name wraps, it is never cut).
        words = set(screen_text(app).split())
        assert {"Ana", "Beatriz", "Carvalho", "Trigger", "pressure", "release"} <= words
        assert {"Precision", "drill"} <= words
        app.push_screen(ReviewScreen(name))
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        await pilot.pause()
        assert {"pressure-release", "(assessment)"} <= set(screen_text(app).split())
        app.push_screen(AssessmentResultsScreen())
        await until(
            pilot, lambda: isinstance(app.screen, AssessmentResultsScreen) and app.screen._filled
        )
        await pilot.pause()
        words = set(screen_text(app).split())
        assert {"Result", "Final", "practical", "examination", "Beatriz", "Carvalho"} <= words


async def test_review_trends_leave_out_an_earlier_version(
    make_app: MakeApp, store: Store, user_dir: Path
) -> None:
    from trainer.instructor.editing import Draft

    drill = ExerciseLibrary.load().get("precision-drill")
    for seed in range(2):
        simulate(store, drill, profile="steady", seed=seed, student="Ana")
    draft = Draft.from_exercise(drill)  # the instructor changes the drill
    draft.set_field("name", "Precision drill, narrower")
    draft.save()
    edited = ExerciseLibrary.load().get("precision-drill")
    for seed in range(3):
        simulate(store, edited, profile="steady", seed=seed, student="Ana")
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen("Ana"))
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen._filled)
        trends = text(app.screen.query_one("#rv-trends", Static))
        assert "5 sessions; " in trends
        assert "(2 session(s) of an earlier version not in the trends)" in trends


async def test_roster_screen_imports_a_class_list(
    make_app: MakeApp, store: Store, tmp_path: Path
) -> None:
    from trainer.ui.instructor.roster import PromptScreen, RosterScreen

    good = tmp_path / "a very long folder name for a class list export" / "tuesday group.csv"
    good.parent.mkdir()
    good.write_text("first name;last name\nZoe;Park\nMax;Lee\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nGus, Hana\n", encoding="utf-8")
    app, _ = make_app()
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]

    async def answer(text: str) -> None:
        await until(
            pilot,
            lambda: isinstance(app.screen, PromptScreen) and app.screen.query("#prompt-input"),
        )
        await pilot.pause()
        app.screen.query_one("#prompt-input", Input).value = text
        await pilot.press("enter")

    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(RosterScreen())
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and app.screen._filled)
        await pilot.press("i")
        await answer(str(good))  # longer than a name: the whole path is kept
        await answer("Tuesday")
        await until(pilot, lambda: any(n.startswith("Added 2 student(s)") for n in notes))
        assert "New class Tuesday." in notes[-1]
        await until(pilot, lambda: isinstance(app.screen, RosterScreen))
        table = app.screen.query_one("#ro-students", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("i")
        await answer(str(bad))
        await answer("")  # Enter: the file's own class column (none here)
        await until(pilot, lambda: "put one student on each row" in notes[-1])
    assert sorted(s.name for s in Roster(store).students()) == ["Max Lee", "Zoe Park"]
    assert {s.classes for s in Roster(store).students()} == {("Tuesday",)}


async def test_settings_screen_shows_where_a_band_comes_from_whole(
    make_app: MakeApp, store: Store
) -> None:
    from trainer.instructor.targets import BandTargets
    from trainer.ui.instructor.settings import SettingsScreen

    group = "Tuesday evening practical group"
    Roster(store).add_class(group)
    Roster(store).enrol(group, "Ana")
    exercise = ExerciseLibrary.load().get("graded-levels")
    BandTargets(store).set("class", group, exercise, "deep", 40, 60)
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SettingsScreen())
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen._filled)
        app.screen.query_one("#st-exercise", Select).value = "graded-levels"
        app.screen.query_one("#st-who", Select).value = "student\x1fAna"
        await until(pilot, lambda: f"class {group}" in [r.source for r in app.screen.rows])
        table = app.screen.query_one("#st-bands", DataTable)
        deep = next(i for i in range(table.row_count) if "deep" in str(table.get_row_at(i)[1]))
        table.move_cursor(row=deep)  # scrolled into view
        await pilot.pause()
        assert {"Tuesday", "evening", "practical", "group"} <= set(screen_text(app).split())


def test_name_columns_share_the_room_wrapping_the_fewest_lines() -> None:
    from trainer.ui.tables import share_width, wrapped_lines

    assert wrapped_lines("Trigger point pressure release", 16) == 2
    assert wrapped_lines("Supercalifragilistic", 8) == 3  # a word too long folds
    rows = [("Student", "Exercise"), ("Ana", "Steady ramp")]
    assert share_width(40, rows) == [7, 11]  # room enough: as wide as the longest
    rows.append(("Ana Beatriz Carvalho", "Trigger point pressure release"))
    student, exercise = share_width(28, rows)
    assert student + exercise == 28
    assert wrapped_lines("Ana Beatriz Carvalho", student) == 2
    assert wrapped_lines("Trigger point pressure release", exercise) == 2
    # never narrower than the longest word, even with no room at all
    assert share_width(5, rows) == [len("Carvalho"), len("pressure")]

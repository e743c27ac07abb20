"""The exercise editor screen: valid and invalid edits shown by the field, save, restore."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from tests.instructor.ui.conftest import MakeApp, until
from trainer.exercises import ExerciseLibrary, builtin_exercise_dir
from trainer.instructor.editing import Draft
from trainer.store import Store
from trainer.ui.instructor.editor import PHASE_FIELDS, EditorScreen
from trainer.ui.instructor.hub import InstructorScreen
from trainer.ui.screens.confirm import ConfirmScreen


def field_input(screen: EditorScreen, field: str) -> Input:
    found = screen.input_for(field)
    assert found is not None, f"{field} is not on the form"
    return found


def field_error(screen: EditorScreen, field: str) -> str:
    label = screen.error_for(field)
    assert label is not None
    return str(label.render()) if label.has_class("shown") else ""


async def type_into(pilot, widget: Input, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the input's text: key by key for short values, at once for long ones
    (each simulated key press costs the test tens of milliseconds)."""
    widget.focus()
    widget.value = ""
    if len(text) <= 8:
        await pilot.press(*text)
    else:
        widget.value = text
    await pilot.pause()


async def open_editor(pilot, app, exercise_id: str) -> EditorScreen:  # type: ignore[no-untyped-def]
    library = ExerciseLibrary.load()
    app.push_screen(EditorScreen(Draft.from_exercise(library.get(exercise_id))))
    await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen._ready)
    screen = app.screen
    assert isinstance(screen, EditorScreen)
    return screen


async def select_row(pilot, screen: EditorScreen, row: int) -> None:  # type: ignore[no-untyped-def]
    table = screen.query_one("#ed-rows", DataTable)
    table.focus()
    table.move_cursor(row=row)
    await until(
        pilot, lambda: screen.selected == screen._rows[row] and screen.fields == list(PHASE_FIELDS)
    )


async def test_invalid_edit_is_shown_next_to_its_field_and_not_saved(
    make_app: MakeApp, user_dir: Path
) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "graded-levels")
        await select_row(pilot, screen, 1)
        await type_into(pilot, field_input(screen, "duration_s"), "six")
        assert "must be a number" in field_error(screen, "duration_s")
        assert field_input(screen, "duration_s").has_class("invalid")
        status = screen.query_one("#ed-status", Static)
        assert status.has_class("bad") and "1 problem" in str(status.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not (user_dir / "graded-levels.toml").exists()
        # fixed: the error goes, the timeline is current again
        await type_into(pilot, field_input(screen, "duration_s"), "8")
        assert field_error(screen, "duration_s") == ""
        assert not status.has_class("bad")
        assert "#" in str(screen.query_one("#ed-timeline", Static).render())


async def test_valid_edit_saves_the_users_copy_and_restore_brings_back_the_builtin(
    make_app: MakeApp, user_dir: Path
) -> None:
    builtin = (builtin_exercise_dir() / "graded-levels.toml").read_text()
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "graded-levels")
        await select_row(pilot, screen, 1)
        await type_into(pilot, field_input(screen, "band"), "30-45")
        assert field_error(screen, "band") == ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (user_dir / "graded-levels.toml").exists())
        assert (builtin_exercise_dir() / "graded-levels.toml").read_text() == builtin
        saved = app.config.library.get("graded-levels")
        assert not saved.builtin and saved.phases[0].band is not None
        assert (saved.phases[0].band.low_n, saved.phases[0].band.high_n) == (30, 45)
        await pilot.press("ctrl+b")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not (user_dir / "graded-levels.toml").exists())
        assert app.config.library.get("graded-levels").builtin
        assert screen.draft.raw["phases"][0]["band"] == "moderate"


async def test_exercise_fields_and_levels_are_checked_live(make_app: MakeApp) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "graded-levels")
        levels = field_input(screen, "levels")
        assert levels.value == "light 10-20, moderate 25-40, deep 45-70"
        await type_into(pilot, levels, "light 10-20, moderate 25-40, deep 70-45")
        assert "low must be less than high" in field_error(screen, "levels")
        await type_into(pilot, levels, "light 10-20, moderate 25-40, deep")
        assert "is not a level" in field_error(screen, "levels")
        await type_into(pilot, levels, "light 8-16, moderate 25-40, deep 40-60, max 60-80")
        assert field_error(screen, "levels") == ""
        assert screen.draft.raw["levels"]["max"] == [60, 80]
        await type_into(pilot, field_input(screen, "id"), "Bad Id")
        assert "lower-case" in field_error(screen, "id")


async def test_steps_of_a_repeat_group_can_be_added_and_removed(make_app: MakeApp) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "stripping-strokes")
        steps_before = len(screen.draft.raw["phases"][0]["steps"])
        await select_row(pilot, screen, 2)  # phase 1, step 1
        assert screen.selected == (0, 0)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: len(screen.draft.raw["phases"][0]["steps"]) == steps_before + 1)
        assert screen.selected == (0, 1)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(screen.draft.raw["phases"][0]["steps"]) == steps_before)
        assert screen.draft.problems() == []


async def test_adding_and_removing_phases_updates_rows_and_timeline(make_app: MakeApp) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "precision-drill")
        rows_before = len(screen._rows)
        await select_row(pilot, screen, 1)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: len(screen._rows) == rows_before + 1)
        assert screen.selected == (1, None) and screen.dirty
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(screen._rows) == rows_before)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # unsaved changes
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen | ConfirmScreen))


async def test_hub_lists_exercises_and_opens_the_editor(make_app: MakeApp) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(InstructorScreen())
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen) and app.screen._filled)
        table = app.screen.query_one("#inst-exercises", DataTable)
        assert table.row_count == len(app.config.library.exercises)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen._ready)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.draft.exercise_id == "new-exercise" and editor.draft.problems() == []


async def test_a_new_exercise_says_saved_only_after_saving_and_escape_asks_first(
    make_app: MakeApp, user_dir: Path
) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(EditorScreen(Draft.new("my-new", "My new")))
        await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen._ready)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        note = str(editor.query_one("#ed-origin", Static).render())
        assert "not saved yet" in note and "Saved in" not in note
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "has not been saved" in str(app.screen.query_one("#confirm-detail").render())
        await pilot.press("n")  # stay
        await until(pilot, lambda: app.screen is editor)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (user_dir / "my-new.toml").exists())
        note = str(editor.query_one("#ed-origin", Static).render())
        assert note == f"Saved in {user_dir / 'my-new.toml'}."
        await pilot.press("escape")  # saved: leaves without asking
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen | ConfirmScreen))


async def test_a_typed_square_bracket_is_refused_and_quoted_as_written(
    make_app: MakeApp,
) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "graded-levels")
        await select_row(pilot, screen, 1)
        # the message quotes the value; read as styling, '[/]' crashed the screen
        await type_into(pilot, field_input(screen, "name"), "Hold [/] [b]")
        assert "'Hold [/] [b]': must not hold [ or ]" in field_error(screen, "name")
        status = str(screen.query_one("#ed-status", Static).render())
        assert "1 problem" in status and "'Hold [/] [b]'" in status


async def test_saving_an_edit_says_what_it_changes_for_pass_marks_and_records(
    make_app: MakeApp, store: Store, user_dir: Path
) -> None:
    from trainer.instructor.assessment import PassMark, PassMarks, trial_phases
    from trainer.session import simulate

    exercise = ExerciseLibrary.load().get("graded-levels")
    trials = len(trial_phases(exercise))
    PassMarks(store).set(PassMark("graded-levels", trials_required=trials))
    simulate(store, exercise, profile="steady", seed=1, student="Ana")
    app, _ = make_app()
    notes: list[tuple[str, str]] = []
    app.notify = lambda message, **kw: notes.append((message, kw.get("severity", "")))  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_editor(pilot, app, "graded-levels")
        await select_row(pilot, screen, 1)
        await pilot.press("ctrl+r")  # one hold fewer: the pass mark can no longer be met
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(m.startswith("Saved to") for m, _ in notes))
    (saved, severity) = next((m, s) for m, s in notes if m.startswith("Saved to"))
    assert severity == "warning"
    assert f"asks for {trials} trials in band but the new version has {trials - 1}" in saved
    assert "1 recorded session(s) were judged against an earlier version" in saved


def _copy_in_force(store: Store, user_dir: Path) -> None:
    """Ana practised the instructor's own copy of graded-levels, which has a pass mark."""
    from trainer.instructor.assessment import PassMark, PassMarks
    from trainer.session import simulate

    draft = Draft.from_exercise(ExerciseLibrary.load().get("graded-levels"))
    draft.set_field("name", "Graded levels, ours")
    draft.save()
    simulate(
        store, ExerciseLibrary.load().get("graded-levels"), profile="steady", seed=1, student="Ana"
    )
    PassMarks(store).set(PassMark("graded-levels", min_score=70))


async def test_removing_a_copy_from_the_hub_says_what_the_built_in_affects(
    make_app: MakeApp, store: Store, user_dir: Path
) -> None:
    _copy_in_force(store, user_dir)
    app, _ = make_app()
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(InstructorScreen())
        await until(pilot, lambda: isinstance(app.screen, InstructorScreen) and app.screen._filled)
        table = app.screen.query_one("#inst-exercises", DataTable)
        table.move_cursor(row=[e.id for e in app.config.library.sorted()].index("graded-levels"))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: any(n.startswith("Done.") for n in notes))
    done = next(n for n in notes if n.startswith("Done."))
    assert "1 recorded session(s) were judged against an earlier version" in done
    assert "'Graded levels, ours'" in done and "the pass mark" in done


async def test_restoring_the_built_in_in_the_editor_says_what_it_affects(
    make_app: MakeApp, store: Store, user_dir: Path
) -> None:
    _copy_in_force(store, user_dir)
    app, _ = make_app()
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "graded-levels")
        await pilot.press("ctrl+b")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: any(n.startswith("The built-in is back") for n in notes))
    back = next(n for n in notes if n.startswith("The built-in is back"))
    assert "1 recorded session(s) were judged against an earlier version" in back

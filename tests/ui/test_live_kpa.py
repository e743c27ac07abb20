"""kPa on the live and results screens: force over the practice's contact, never without one."""

from __future__ import annotations

import re
from dataclasses import replace

from textual.widgets import Static

from tests.ui.helpers import MakeApp, open_live, until
from trainer.exercises import ExerciseLibrary
from trainer.instructor.contacts import StudentContacts
from trainer.instructor.roster import Roster
from trainer.session import simulate
from trainer.store import Store
from trainer.ui.screens.live import NO_CONTACT_NOTICE
from trainer.ui.screens.results import ResultsScreen
from trainer.ui.widgets.forcereadout import ForceReadout
from trainer.ui.widgets.gauge import Gauge
from trainer.ui.widgets.phasepanel import PhasePanel
from trainer.ui.widgets.trace import ForceTrace
from trainer.units import CONTACTS, Unit


async def test_u_reaches_kpa_over_the_students_thumb_and_back_to_newtons(
    make_app: MakeApp, ui_store: Store
) -> None:
    Roster(ui_store).add_student("Ana")
    StudentContacts(ui_store).set("Ana", CONTACTS["thumb"])  # 2 cm²: 1 kPa is 0.2 N
    app, box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        await pilot.press("space", "3")
        box.current.pump(2.0)
        screen.frame()
        force_n = screen.controller.display_state().force_n  # type: ignore[union-attr]
        await pilot.press("u", "u", "u")  # kgf, lbf, then kPa: the practice has a contact
        assert app.context.units is Unit.KPA
        assert screen.query_one("#force", ForceReadout).value == f"{force_n / 0.2:.0f}"
        assert screen.query_one("#force", ForceReadout).unit == "kPa (thumb 2 cm²)"
        assert "125-200 kPa" in screen.query_one(PhasePanel).line("time")  # 25-40 N on 2 cm²
        assert screen.query_one(Gauge).contact == CONTACTS["thumb"]
        assert screen.query_one(ForceTrace).contact == CONTACTS["thumb"]
        await pilot.press("u")
        assert app.context.units is Unit.N
        # forces stay newtons inside: the recorded samples do not change with the unit
        assert screen.controller.display_state().force_n == force_n  # type: ignore[union-attr]


async def test_u_skips_kpa_without_a_contact(make_app: MakeApp) -> None:
    app, _box = make_app(exercise_id="graded-levels")
    async with app.run_test() as pilot:
        await open_live(pilot, app)
        await pilot.press("u", "u", "u")
        assert app.context.units is Unit.N


async def test_kpa_asked_for_without_a_contact_shows_newtons_with_a_notice(
    make_app: MakeApp,
) -> None:
    app, box = make_app(units=Unit.KPA, exercise_id="graded-levels")
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test() as pilot:
        screen = await open_live(pilot, app)
        box.current.pump(0.5)
        screen.frame()
        assert NO_CONTACT_NOTICE in notes
        assert screen.query_one("#force", ForceReadout).unit == "N"
        assert "25-40 N" in screen.query_one(PhasePanel).line("time")


async def test_results_coach_in_kpa_over_the_sessions_contact(
    make_app: MakeApp, ui_store: Store, builtin_library: ExerciseLibrary
) -> None:
    """The summary, the table and the coaching all speak the unit the student chose."""
    exercise = replace(builtin_library.get("stripping-strokes"), contact=CONTACTS["thumb"])
    outcome = simulate(ui_store, exercise, profile="overshooter", seed=3, student="Ana")
    app, _box = make_app(units=Unit.KPA)
    async with app.run_test(size=(120, 50)) as pilot:
        app.push_screen(ResultsScreen(outcome.session_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen) and app.screen._filled)
        coaching = str(app.screen.query_one("#coaching", Static).render())
        assert "kPa" in coaching
        assert not re.search(r"\d N\b|N/s", coaching), coaching


def test_the_help_says_u_reaches_kpa_with_a_contact() -> None:
    from trainer.ui.screens.help import KEYS

    units = [words for _section, keys in KEYS for key, words in keys if key == "U"]
    assert units and all("kPa with a contact" in words for words in units)

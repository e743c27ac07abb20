"""The live trainer on a full disk: what it could not save is kept for 'trainer recover'."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui.helpers import MakeApp, open_live, until
from trainer.sensors.base import Sample
from trainer.session import PracticeSession
from trainer.store import StoreFull
from trainer.ui.screens.confirm import ConfirmScreen
from trainer.ui.screens.results import ResultsScreen


async def test_unsaved_samples_go_to_a_recovery_file_the_next_start_offers(
    make_app: MakeApp,
) -> None:
    app, box = make_app(exercise_id="graded-levels")
    store = app.config.store
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    flush_and_finish = store._write

    def full(action: object) -> object:
        raise StoreFull(f"the disk holding {store.path} is full: free some space")

    async with app.run_test() as pilot:
        await open_live(pilot, app)
        await pilot.press("space")
        store._write = full  # type: ignore[method-assign]  # the disk fills mid-session
        box.current.pump(1.0)
        app.screen.frame()  # type: ignore[attr-defined]
        await pilot.press("a", "y")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
    store._write = flush_and_finish  # type: ignore[method-assign]
    (kept,) = store.recovery_files()
    assert any(str(kept) in note and "trainer recover" in note for note in notes), notes
    assert str(kept) in str(app.save_error)
    record = json.loads(kept.read_text())
    assert record["status"] == "aborted" and len(record["samples"]) > 0
    session_id, added = store.import_recovery(kept)
    assert added == len(record["samples"])
    assert store.session(session_id)["status"] == "aborted"


def _kept_session(app: object) -> tuple[int, Path]:
    store = app.config.store  # type: ignore[attr-defined]
    session = PracticeSession.begin(
        store,
        app.config.library.get("graded-levels"),  # type: ignore[attr-defined]
        "Ana",
        {},
        rate_hz=80,
    )
    for step in range(40):
        session.process(Sample(step / 80, 5.0))
    return session.session_id, session.keep_for_recovery()


async def test_the_next_start_offers_to_import_what_was_kept(make_app: MakeApp) -> None:
    app, _ = make_app(exercise_id=None)
    store = app.config.store
    session_id, kept = _kept_session(app)
    before = store.sample_count(session_id)
    waiting = len(json.loads(kept.read_text())["samples"])
    assert waiting > 0
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert str(kept) in app.screen.detail  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: any("Added to the records" in n for n in notes))
    assert not kept.exists()
    assert store.sample_count(session_id) == before + waiting
    assert f"session {session_id} (" in notes[-1]


async def test_not_now_keeps_the_file_and_names_the_command_for_this_database(
    make_app: MakeApp,
) -> None:
    app, _ = make_app(exercise_id=None)
    _, kept = _kept_session(app)
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign,assignment]
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await until(pilot, lambda: any("for later" in n for n in notes))
    assert kept.exists()
    # not the default database: 'trainer recover' alone would find nothing to recover
    assert f"trainer recover --db {app.config.store.path}" in notes[-1]

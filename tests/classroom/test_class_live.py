"""The class screen against a real Mosquitto, its hub and simulated stations practising.

Each test starts its own broker (tests/classroom/conftest.py) and stations in threads
whose virtual students practise faster than real time; the screen runs its own hub.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.classroom.conftest import MakeClass
from tests.classroom.test_class_screen import screen_text
from trainer.classroom.board import Condition, Presence
from trainer.classroom.broker import ClassFolder, MosquittoProcess
from trainer.classroom.protocol import Assignment
from trainer.classroom.station import StationLink, run_simulated_station
from trainer.exercises import ExerciseLibrary
from trainer.ui.classroom.dialogs import AssignDialog
from trainer.ui.classroom.run import ClassScreenSession
from trainer.ui.classroom.screen import ClassScreen

LIBRARY = ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir"))


@dataclass
class LiveClass:
    """A class with its broker, the screen's session and stations practising."""

    folder: ClassFolder
    session: ClassScreenSession | None = None  # None: the screen runs elsewhere (served)
    links: dict[str, StationLink] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def practise(
        self, station: str, profile: str, rotation: tuple[str, ...], speed: float = 2.0
    ) -> None:
        number = int(station.rsplit("-", 1)[1])

        def run() -> None:
            run_simulated_station(
                self.folder.station_file(station),
                profile,
                number,
                self.stop,
                db=self.folder.folder / f"{station}.db",
                student=f"Demo {number}",
                speed=speed,
                rotation=rotation,
                rest_s=0.5,
                library=LIBRARY,
                flush_timeout_s=1.0,
                on_link=lambda link: self.links.__setitem__(station, link),
            )

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)


@pytest.fixture
def live_class(
    make_class: MakeClass,
    start_broker: Callable[[ClassFolder], MosquittoProcess],
    tmp_path: Path,
) -> Iterator[LiveClass]:
    folder = make_class(stations=3, name="screen")
    start_broker(folder)
    session = ClassScreenSession(folder.hub_file, tmp_path / "hub.db", library=LIBRARY)
    session.context.export_dir = tmp_path
    live = LiveClass(folder, session.start())
    assert session.hub.wait_connected(10), session.hub.problem
    try:
        yield live
    finally:
        live.stop.set()
        for thread in live.threads:
            thread.join(10)
        session.stop()


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Let the app run until ``check()`` holds (the app's own timer feeds the board)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s} s:\n{screen_text(pilot.app)}")
        await pilot.pause(0.1)


def run(live: LiveClass, steps: Callable[[Pilot[None]], object]) -> None:
    assert live.session is not None

    async def go() -> None:
        assert live.session is not None
        async with live.session.app.run_test(size=(120, 40)) as pilot:
            await steps(pilot)  # type: ignore[misc]

    asyncio.run(go())


def alerts(live: LiveClass, station: str) -> set[Condition]:
    assert live.session is not None
    view = live.session.board.view(time.time())
    return {a.condition for a in view.alerts if a.station == station}


def test_tiles_appear_and_a_heavy_hand_raises_an_alert_that_clears(live_class: LiveClass) -> None:
    live_class.practise("station-01", "heavy-handed", ("precision-drill",))
    live_class.practise("station-02", "steady", ("graded-levels",))

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app

        def practising() -> bool:
            view = live_class.session.board.view(time.time())
            return sum(v.presence is Presence.PRACTISING for v in view.stations) == 2

        await until(pilot, practising)
        await until(
            pilot, lambda: "1 · Demo 1" in screen_text(app) and "Demo 2" in screen_text(app)
        )
        await until(pilot, lambda: Condition.OVERSHOOT in alerts(live_class, "station-01"))
        text = screen_text(app)
        assert "ALERT  1 · Demo 1: pressing too hard" in text
        screen = app.screen
        assert isinstance(screen, ClassScreen)
        assert screen.last_view is not None
        assert screen.last_view.stations[0].station == "station-01"  # sorted to the top
        assert Condition.OVERSHOOT not in alerts(live_class, "station-02")
        # the hold ends, the force comes off: the alert clears by itself
        await until(pilot, lambda: Condition.OVERSHOOT not in alerts(live_class, "station-01"))
        assert "Demo 1: pressing too hard" not in screen_text(app)

    run(live_class, steps)


@pytest.fixture
def brief_idle_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cap the pilot's wait for an idle app after each key, click and pause at 0.1 s.

    With stations practising in this process the app is seldom idle, so Textual's pilot
    waited its whole second (twice per key) for a quiet moment that did not come: 21 s of
    one test. The steps wait for the dialog they need, and for every outcome, with until().
    """
    import textual.app
    import textual.pilot
    from textual._wait import wait_for_idle

    async def brief(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
        await wait_for_idle(min_sleep, min(max_sleep, 0.1))

    monkeypatch.setattr(textual.app, "wait_for_idle", brief)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", brief)


def test_an_assignment_and_a_message_reach_the_stations(
    live_class: LiveClass, brief_idle_waits: None
) -> None:
    live_class.practise("station-01", "steady", ("blind-levels",), speed=8.0)
    live_class.practise("station-02", "novice", ("blind-levels",), speed=8.0)
    wanted = next(e for e in LIBRARY.sorted() if e.id == "precision-drill")
    index = LIBRARY.sorted().index(wanted)

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await until(pilot, lambda: len(live_class.links) == 2 and "Demo 2" in screen_text(app))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, AssignDialog))
        await pilot.click("#blind")
        await pilot.click("#whom RadioButton:last-of-type")  # every station
        app.screen.query_one("#exercises").focus()
        await pilot.press(*["down"] * index, "enter")
        # the dialog sent it and closed
        await until(pilot, lambda: isinstance(app.screen, ClassScreen))
        assert live_class.session.hub.config.assignment_all == Assignment("precision-drill", True)

        def assigned() -> bool:
            configs = [link.config for link in live_class.links.values()]
            return all(
                c is not None and c.assignment_for(s) == Assignment("precision-drill", True)
                for s, c in zip(live_class.links, configs, strict=True)
            )

        await until(pilot, assigned)
        # the stations practise it next, blind, and the tiles say so
        await until(
            pilot,
            lambda: (
                screen_text(app).count("Precision drill") >= 2
                and screen_text(app).count("· blind") >= 2
            ),
            timeout_s=25,
        )
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "message")
        await pilot.press(*"lighter please", "enter")
        await pilot.pause()

        def shown() -> bool:
            link = live_class.links["station-01"]
            message = link.latest_message
            return message is not None and message.text == "lighter please"

        await until(pilot, shown)
        # the station's live reports say it shows the message: so does its tile
        await until(pilot, lambda: "message on screen" in screen_text(app))

    run(live_class, steps)


def test_projector_mode_hides_every_name_of_a_live_class(live_class: LiveClass) -> None:
    live_class.practise("station-01", "steady", ("graded-levels",))
    live_class.practise("station-03", "shaky", ("precision-drill",))

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        await until(pilot, lambda: "Demo 1" in screen_text(app) and "Demo 3" in screen_text(app))
        await pilot.press("j")
        await pilot.pause(0.3)
        for _ in range(10):  # while the stations keep reporting their students' names
            text = screen_text(app)
            assert "Demo" not in text, text
            await pilot.pause(0.1)
        assert "Station 1" in text and "Station 3" in text
        await pilot.press("j")
        await until(pilot, lambda: "Demo 1" in screen_text(app))

    run(live_class, steps)


def test_the_days_sessions_export_with_their_printable_reports(
    live_class: LiveClass, tmp_path: Path
) -> None:
    live_class.practise("station-02", "steady", ("blind-levels",), speed=4.0)

    async def steps(pilot: Pilot[None]) -> None:
        app = pilot.app
        session = live_class.session
        assert session is not None
        await until(pilot, lambda: len(session.board.sessions()) >= 1, timeout_s=25)
        await until(pilot, lambda: "last " in screen_text(app))  # the tile shows its score
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()

    run(live_class, steps)
    (folder,) = tmp_path.glob("class-screen-*")
    reports = sorted(folder.glob("session-*.html"))
    assert reports and "Graded levels, blind" in reports[0].read_text()
    index = (folder / "index.html").read_text()
    assert reports[0].name in index and "Demo 2" in index
    assert "Demo 2" in (folder / "sessions.csv").read_text()

"""`trainer run --class`: the live trainer as a class station, driven with Textual's Pilot.

The top bar names the class and the connection; live state reaches the hub (the force
even when the student's feedback is hidden); the instructor's message, assignment and
pause appear on the station; the session reaches the hub through the outbox.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Label

from tests.ui.helpers import BUILTIN, SensorBox, open_live, until
from trainer.classroom.broker import ClassFolder, MosquittoProcess, load_class_file
from trainer.classroom.hub import ClassHub, HubEvent, LiveStateReceived
from trainer.classroom.station import StationLink
from trainer.exercises import ExerciseLibrary
from trainer.store import Store
from trainer.ui.app import build_app
from trainer.ui.config import UIConfig
from trainer.ui.station_class import attach_class
from trainer.ui.widgets.topbar import TopBar


def test_live_trainer_as_a_class_station(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    asyncio.run(_station(class_folder, broker, tmp_path))


async def _station(class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path) -> None:
    library = ExerciseLibrary.load(BUILTIN, Path("/nonexistent-user-dir"))
    store = Store.open(tmp_path / "station.db")
    store.station = "station-01"
    box = SensorBox(7)
    app = build_app(
        UIConfig(
            store=store,
            library=library,
            sensor_factory=box,
            simulated=True,
            student="Ana",
            timers=False,
            exercise_id="blind-levels",
        )
    )
    live: list[LiveStateReceived] = []
    hub = ClassHub(class_folder.hub_file, library=library)

    def on_event(event: HubEvent) -> None:
        if isinstance(event, LiveStateReceived):
            live.append(event)

    hub.add_listener(on_event)
    hub.start()
    link = StationLink(
        load_class_file(class_folder.station_file("station-01")), store.path, library=library
    )
    attach_class(app, link)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_live(pilot, app)
            link.start()
            await until(pilot, lambda: link.connected and link.config is not None, tries=2000)
            badge = screen.query_one(TopBar).query_one("#class", Label)
            await until(
                pilot, lambda: "Class testclass: connected" in str(badge.render()), tries=400
            )
            controller = screen.controller
            assert controller is not None
            await pilot.press("space")
            box.current.intent.set(20.0)
            for _ in range(20):
                box.current.pump(0.1)
                screen.frame()
                await pilot.pause(0.02)
            await until(pilot, lambda: any(e.report.running for e in live), tries=2000)
            report = [e for e in live if e.report.running][-1].report
            assert (report.student, report.exercise_id) == ("Ana", "blind-levels")
            assert report.feedback_shown == controller.feedback().visible
            assert report.force_n > 5  # the instructor sees the force, blind or not

            hub.send_message(["station-01"], "Lighter, please")
            await until(
                pilot,
                lambda: any("Lighter, please" in str(n.message) for n in app._notifications),
                tries=2000,
            )
            hub.assign("all", "precision-drill", blind=True)
            await until(
                pilot,
                lambda: any("Precision" in str(n.message) for n in app._notifications),
                tries=2000,
            )
            hub.pause("all")
            await until(pilot, lambda: controller.user_paused, tries=2000)
            hub.pause("all", paused=False)
            await until(pilot, lambda: not controller.user_paused, tries=2000)

            broker.kill()
            await until(
                pilot, lambda: "Class testclass: offline" in str(badge.render()), tries=2000
            )
            # Practice goes on without the broker; the session waits in the outbox.
            box.current.pump(1.0)
            screen.frame()
            app.save_and_close("aborted")
            assert len(store.outbox()) == 1
            broker.start()
            await until(pilot, lambda: hub.counters.sessions_stored == 1, tries=3000)
            await until(pilot, lambda: store.outbox() == [], tries=2000)
    finally:
        link.stop(flush_timeout_s=0)
        hub.stop()
        store.close()

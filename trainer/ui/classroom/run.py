"""Running the class screen on a hub: in this terminal, or served to a browser.

:class:`ClassScreenSession` builds the class app around a :class:`ClassHub` (the hub runs
inside the screen's process: a class has one hub), starts the hub, and stops it when the
screen ends. :func:`serve_class_screen` serves the same command through textual-serve.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
import time
from pathlib import Path

from trainer.classroom.board import ClassBoard
from trainer.classroom.broker import load_class_file
from trainer.classroom.hub import ClassHub
from trainer.classroom.hub_lock import HubLock
from trainer.exercises import ExerciseLibrary
from trainer.store import Store
from trainer.ui.classroom.app import ClassApp, build_class_app
from trainer.ui.classroom.context import ClassContext, Inbox
from trainer.ui.classroom.hub_link import HubLink
from trainer.units import Unit


class ClassScreenSession:
    """The class app around a running hub; use as a context manager (see the module doc).

    Example::

        with ClassScreenSession(Path("monday/hub.toml")) as session:
            session.app.run()
    """

    def __init__(
        self,
        hub_file: Path,
        db: Path | None = None,
        *,
        library: ExerciseLibrary | None = None,
        units: Unit = Unit.N,
        export_dir: Path | None = None,
        timers: bool = True,
    ) -> None:
        library = library or ExerciseLibrary.load()
        hub = ClassHub(hub_file, db, library=library)
        try:
            self._build(hub, library, units, export_dir, timers)
        except BaseException:
            hub.store.close()
            raise

    @classmethod
    def around(
        cls, hub: ClassHub, library: ExerciseLibrary, *, units: Unit = Unit.N
    ) -> ClassScreenSession:
        """The screen for a hub someone else starts and stops (a benchmark)."""
        session = cls.__new__(cls)
        session._build(hub, library, units, None, True)
        return session

    def _build(
        self,
        hub: ClassHub,
        library: ExerciseLibrary,
        units: Unit,
        export_dir: Path | None,
        timers: bool,
    ) -> None:
        self.hub = hub
        self.library = library
        # The screen reads the hub's records on its own thread, with its own connection.
        self.store = Store.open(hub.db_path)
        self.board = ClassBoard(hub.stations, unit=units)
        self.inbox = Inbox()
        self.link = HubLink(hub, self.inbox, self.board, self.store)
        self.context = ClassContext(
            board=self.board,
            control=self.link,
            library=library,
            store=self.store,
            class_name=hub.class_name,
            units=units,
            inbox=self.inbox,
            translate=self.link.translate,
            link_status=self.link.status,
            export_dir=export_dir or Path.cwd(),
            timers=timers,
        )
        self.app: ClassApp = build_class_app(self.context)

    def start(self) -> ClassScreenSession:
        self.link.seed(time.time())
        try:
            self.hub.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.hub.stop()
        self.store.close()

    def __enter__(self) -> ClassScreenSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_class_screen(
    hub_file: Path, db: Path | None = None, *, library: ExerciseLibrary | None = None
) -> int:
    """The class screen in this terminal until the instructor quits."""
    with ClassScreenSession(hub_file, db, library=library) as session:
        session.app.run()
    return 0


def screen_command(hub_file: Path, db: Path | None = None) -> str:
    """The shell command textual-serve starts for each browser: this screen, on this hub."""
    words = [sys.executable, "-m", "trainer.cli", "class", "--class", str(hub_file.resolve())]
    if db is not None:
        words += ["--db", str(db.resolve())]
    return shlex.join(words)


def serve_class_screen(
    hub_file: Path,
    db: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
) -> int:
    """Serve the class screen to a browser until Ctrl+C (see :mod:`trainer.ui.classroom.web`)."""
    from trainer.ui.classroom.web import ClassWebServer, is_loopback, new_token

    # Each browser's screen runs the hub: with another hub of the class running here, say
    # so now, not in a browser that could only show an empty page.
    HubLock.of(load_class_file(hub_file)).check_free()
    if token is None and not is_loopback(host):
        token = new_token()
    server = ClassWebServer(screen_command(hub_file, db), host=host, port=port, token=token)
    asyncio.set_event_loop(asyncio.new_event_loop())  # textual-serve runs on the current loop
    server.serve()
    return 0

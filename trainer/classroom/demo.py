"""``trainer class demo``: a whole class on this computer, to meet the class screen.

:class:`ClassDemo` writes a temporary class (as ``trainer class setup`` does, on
127.0.0.1 and a free port), starts its own Mosquitto from that folder, and N simulated
stations in real time whose students are "Demo 1" ... "Demo N", practising with a mix of
virtual students: the first is heavy-handed, so a "pressing too hard" alert shows within
the first minute. :meth:`ClassDemo.stop` ends the stations and the broker and removes
the temporary folder.

Example::

    with ClassDemo(8) as demo:
        run_class_screen(demo.hub_file, demo.hub_db)
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from pathlib import Path

from trainer.classroom.broker import (
    MOSQUITTO_MISSING,
    ClassFolder,
    ClassSetupError,
    MosquittoProcess,
    find_mosquitto,
    free_port,
    setup_class,
)
from trainer.exercises import ExerciseLibrary

DEMO_CLASS = "demo"
#: the virtual students, in turn: the first one raises an alert within the first minute
PROFILE_MIX = ("heavy-handed", "steady", "novice", "shaky", "overshooter", "slow", "fatiguing")
#: what the stations practise in turn (each starts at a different one)
ROTATION = (
    "ischemic-compression",
    "graded-levels",
    "precision-drill",
    "steady-ramp",
    "stripping-strokes",
    "blind-levels",
)
MAX_STATIONS = 60


class ClassDemo:
    """A temporary class with its own broker and simulated stations (see the module doc)."""

    def __init__(
        self,
        stations: int,
        *,
        library: ExerciseLibrary | None = None,
        seed: int = 1,
        speed: float = 1.0,
    ) -> None:
        if not 1 <= stations <= MAX_STATIONS:
            raise ClassSetupError(f"a demo class has 1 to {MAX_STATIONS} stations, not {stations}")
        self.count = stations
        self.library = library
        self.seed = seed
        self.speed = speed
        self.temp: Path | None = None
        self.folder: ClassFolder | None = None
        self.broker: MosquittoProcess | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.errors: list[str] = []

    @property
    def hub_file(self) -> Path:
        assert self.folder is not None, "start the demo first"
        return self.folder.hub_file

    @property
    def hub_db(self) -> Path:
        return self.hub_file.with_name("hub.db")

    def start(self) -> ClassDemo:
        """Write the class, start Mosquitto and the stations; ClassSetupError if it cannot."""
        if find_mosquitto() is None:
            raise ClassSetupError(MOSQUITTO_MISSING)
        self.temp = Path(tempfile.mkdtemp(prefix="trainer-class-demo-"))
        try:
            self.folder = setup_class(
                self.temp / "class", DEMO_CLASS, self.count, host="127.0.0.1", port=free_port()
            )
            self.broker = MosquittoProcess(self.folder.folder).start()
            library = self.library or ExerciseLibrary.load()
            for index, station in enumerate(self.folder.stations):
                thread = threading.Thread(
                    target=self._station,
                    args=(index, station, library),
                    name=f"demo-{station}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise
        return self

    def _station(self, index: int, station: str, library: ExerciseLibrary) -> None:
        from trainer.classroom.station import run_simulated_station

        assert self.folder is not None and self.temp is not None
        shift = index % len(ROTATION)
        try:
            run_simulated_station(
                self.folder.station_file(station),
                PROFILE_MIX[index % len(PROFILE_MIX)],
                self.seed + index,
                self._stop,
                db=self.temp / f"{station}.db",
                student=f"Demo {index + 1}",
                speed=self.speed,
                rotation=ROTATION[shift:] + ROTATION[:shift],
                library=library,
                flush_timeout_s=1.0,
            )
        except Exception as error:  # a station's failure must not take the demo down
            self.errors.append(f"{station}: {error}")

    def stop(self) -> None:
        """Stop the stations and the broker; remove the temporary class folder."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        if self.broker is not None:
            with contextlib.suppress(Exception):
                self.broker.stop()
            self.broker = None
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None

    def __enter__(self) -> ClassDemo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""A full disk on a simulated class station: the session's samples go to a recovery file."""

from __future__ import annotations

import json
import threading

import pytest

import trainer.session as session_module
from tests.classroom.conftest import MakeClass
from trainer.classroom.station import run_simulated_station
from trainer.exercises import ExerciseLibrary
from trainer.store import Store


def test_a_station_whose_disk_fills_keeps_the_session_for_trainer_recover(
    make_class: MakeClass, library: ExerciseLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = Store.start_session

    def start_then_fill(self: Store, *args: object, **kwargs: object) -> int:
        session_id = start(self, *args, **kwargs)  # type: ignore[arg-type]
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own "database or disk is full" from here on, as on a full SD card
        self.db.execute(f"PRAGMA max_page_count = {pages}")
        return session_id

    monkeypatch.setattr(Store, "start_session", start_then_fill)
    monkeypatch.setattr(session_module, "SAVE_RETRY_S", 0.0)
    folder = make_class(stations=1)
    db = folder.folder / "station-01.db"
    # No broker: the station practises offline, as it would with the network down.
    result = run_simulated_station(
        folder.station_file("station-01"),
        "steady",
        1,
        threading.Event(),
        db=db,
        speed=0,
        sessions=3,
        rotation=("steady-ramp",),
        rest_s=0.0,
        library=library,
        flush_timeout_s=0.2,
        config_wait_s=0.0,
    )
    monkeypatch.undo()  # the disk has room again

    kept = db.with_name("station-01.db.session-1.recovery.json")
    assert result.session_uuids == []  # it stopped at the first session it could not save
    assert result.save_error is not None and f"kept in {kept}" in result.save_error
    record = json.loads(kept.read_text())
    assert record["status"] == "complete" and record["samples"]
    store = Store.open(db)
    assert store.recovery_files() == [kept]
    assert store.import_recovery(kept)[0] == 1
    assert store.session(1)["status"] == "complete"
    assert store.sample_count(1) == len(record["samples"]) + int(record["samples"][0][0])

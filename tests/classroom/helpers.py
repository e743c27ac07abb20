"""Helpers for class tests: simulated stations in threads, and comparing records."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from trainer.classroom.broker import ClassFile, ClassFolder, MosquittoProcess, load_class_file
from trainer.classroom.protocol import ClassConfig, ProtocolError, config_topic, decode_config
from trainer.classroom.station import SimulatedStationResult, run_simulated_station
from trainer.store import Store


@dataclass
class StationThreads:
    """Simulated stations running in threads of the test process."""

    stop: threading.Event
    threads: list[threading.Thread]
    results: dict[str, SimulatedStationResult] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)

    def join(self, timeout_s: float = 60.0) -> dict[str, SimulatedStationResult]:
        deadline = time.monotonic() + timeout_s
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "a station did not finish"
        assert not self.errors, self.errors
        return self.results


@contextmanager
def stations_running(
    folder: ClassFolder,
    stations: Sequence[str],
    db_dir: Path,
    *,
    profiles: Sequence[str] = ("steady", "shaky", "overshooter", "slow"),
    sessions: int | None = 2,
    speed: float = 12.0,
    rotation: Sequence[str] = ("blind-levels", "precision-drill"),
    **options: object,
) -> Iterator[StationThreads]:
    """Run ``stations`` as simulated stations until they finish (or the block ends)."""
    stop = threading.Event()
    running = StationThreads(stop, [])

    def one(index: int, station: str) -> None:
        try:
            running.results[station] = run_simulated_station(
                folder.station_file(station),
                profiles[index % len(profiles)],
                index,
                stop,
                db=db_dir / f"{station}.db",
                speed=speed,
                sessions=sessions,
                rotation=rotation,
                rest_s=0.0,
                **options,  # type: ignore[arg-type]
            )
        except BaseException as error:  # reported by join()
            running.errors.append(error)

    for index, station in enumerate(stations):
        thread = threading.Thread(target=one, args=(index, station), daemon=True)
        thread.start()
        running.threads.append(thread)
    try:
        yield running
    finally:
        stop.set()
        for thread in running.threads:
            thread.join(30)


def wait_until(
    condition: Callable[[], bool], timeout_s: float = 30.0, step_s: float = 0.05
) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return condition()


def session_uuids(db: Path) -> list[str]:
    with Store.open(db) as store:
        return [row[0] for row in store.db.execute("SELECT uuid FROM sessions ORDER BY id")]


def assert_hub_matches_stations(hub_db: Path, station_dbs: Sequence[Path]) -> int:
    """Every station session is at the hub exactly once, same samples, scores, student."""
    hub = Store.open(hub_db)
    try:
        hub_rows = hub.db.execute("SELECT uuid, id FROM sessions").fetchall()
        uuids = [u for u, _ in hub_rows]
        assert len(uuids) == len(set(uuids)), "a session is stored twice at the hub"
        at_hub = dict(hub_rows)
        expected = 0
        for path in station_dbs:
            station = Store.open(path)
            try:
                for uuid, station_id in station.db.execute(
                    "SELECT uuid, id FROM sessions WHERE status != 'running'"
                ).fetchall():
                    expected += 1
                    assert uuid in at_hub, f"session {uuid} of {path.name} never reached the hub"
                    hub_id = at_hub[uuid]
                    assert list(hub.sample_rows(hub_id)) == list(station.sample_rows(station_id))
                    assert hub.result(hub_id) == station.result(station_id)
                    mine, theirs = station.session(station_id), hub.session(hub_id)
                    for key in ("student", "status", "exercise", "station", "started_at", "kind"):
                        assert mine[key] == theirs[key], key
                    assert station.outbox() == [], f"{path.name} still has unsent sessions"
            finally:
                station.close()
        assert len(uuids) == expected, f"the hub has {len(uuids)} sessions, stations {expected}"
        return expected
    finally:
        hub.close()


class Publisher:
    """A bare MQTT 5 client logged in with a class account; publish() returns the PUBACK."""

    def __init__(self, broker: MosquittoProcess, account: ClassFile | tuple[str, str]) -> None:
        user, password = (
            (account.username, account.password) if isinstance(account, ClassFile) else account
        )
        self.acks: dict[int, ReasonCode] = {}
        self.done = threading.Condition()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.username_pw_set(user, password)
        self.client.on_publish = self._on_publish
        connected = threading.Event()
        self.client.on_connect = lambda *a: connected.set()
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()
        assert connected.wait(5)

    def _on_publish(
        self, c: object, u: object, mid: int, reason: ReasonCode, props: object
    ) -> None:
        with self.done:
            self.acks[mid] = reason
            self.done.notify_all()

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> ReasonCode:
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        with self.done:
            assert self.done.wait_for(lambda: info.mid in self.acks, 10), "no PUBACK"
            return self.acks[info.mid]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def hub_command(folder: ClassFolder, log: Path) -> subprocess.Popen[bytes]:
    """``trainer class hub`` for ``folder``'s class in its own process, its output in ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "trainer.cli", "class", "hub", "--class", str(folder.hub_file)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def config_reaches(
    station_file: Path, accepted: Callable[[ClassConfig], bool], timeout_s: float = 20.0
) -> bool:
    """Whether the class config a station would receive (retained on its own broker)
    becomes one that ``accepted`` takes, within ``timeout_s``; read with its account."""
    account = load_class_file(station_file)
    seen = threading.Event()

    def on_message(c: object, u: object, message: mqtt.MQTTMessage) -> None:
        with contextlib.suppress(ProtocolError):
            if accepted(decode_config(message.payload, class_name=account.class_name)):
                seen.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.username_pw_set(account.username, account.password)
    client.on_message = on_message
    client.on_connect = lambda c, *a: c.subscribe(config_topic(account.class_name), qos=1)
    client.connect(account.host, account.port)
    client.loop_start()
    try:
        return seen.wait(timeout_s)
    finally:
        client.disconnect()
        client.loop_stop()

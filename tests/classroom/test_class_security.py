"""What the broker and the hub refuse: other stations' topics, the config, strangers, bad payloads."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from trainer.classroom import protocol as p
from trainer.classroom.broker import ClassFile, ClassFolder, MosquittoProcess, load_class_file
from trainer.classroom.hub import ClassHub
from trainer.classroom.station import ConnectionChanged, StationLink
from trainer.exercises import ExerciseLibrary
from trainer.store import Store

from .helpers import Publisher, stations_running, wait_until


def _station(folder: ClassFolder, station: str) -> ClassFile:
    return load_class_file(folder.station_file(station))


def _session_payload(station: str, exercise_id: str = "x") -> bytes:
    exercise = {"id": exercise_id, "name": "X", "technique": "t", "phases": [{"kind": "hold"}]}
    return p.SessionRecord(
        uuid="12345678-1234-4234-8234-123456789abc",
        station=station,
        student="Mallory",
        exercise=exercise,
        exercise_hash=p.exercise_hash(exercise),
        sensor={},
        calibration=None,
        started_at="2026-12-03T08:00:00+00:00",
        ended_at=None,
        status="complete",
        result=None,
        samples=[],
    ).encode()


def test_station_cannot_write_another_station_or_the_config(
    class_folder: ClassFolder, broker: MosquittoProcess
) -> None:
    hub = ClassHub(class_folder.hub_file)
    hub.start()
    mallory = Publisher(broker, _station(class_folder, "station-01"))
    try:
        assert hub.wait_connected()
        cls = "testclass"
        refused = mallory.publish(
            p.sessions_topic(cls, "station-02"), _session_payload("station-02")
        )
        assert refused.is_failure and "authori" in str(refused).lower()
        config = p.ClassConfig(version=10**6, issued_at=0, class_name=cls, paused=("all",))
        assert mallory.publish(p.config_topic(cls), config.encode(), retain=True).is_failure
        receipt = p.Receipt("station-02", ("12345678-1234-4234-8234-123456789abc",))
        assert mallory.publish(p.receipts_topic(cls, "station-02"), receipt.encode()).is_failure
        # Its own topic is allowed (and this payload is fine).
        assert not mallory.publish(
            p.sessions_topic(cls, "station-01"), _session_payload("station-01")
        ).is_failure
        assert wait_until(lambda: hub.counters.sessions_stored == 1, 10)
        time.sleep(0.3)
        assert hub.counters.sessions_stored == 1
        assert hub.config.version < 10**6
    finally:
        mallory.close()
        hub.stop()
    with Store.open(class_folder.folder / "hub.db") as store:
        assert [row.station for row in store.history()] == ["station-01"]


def test_wrong_password_is_a_clear_message_at_the_station(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    good = _station(class_folder, "station-03")
    wrong = replace(good, password="not-the-password")
    events: list[object] = []
    link = StationLink(wrong, tmp_path / "s.db", library=ExerciseLibrary.load())
    link.add_listener(events.append)
    link.start()
    try:
        assert wait_until(lambda: link.problem is not None, 10)
        assert "refused station-03's password" in link.problem
        assert "copy station-03.toml again" in link.problem
        assert not link.connected
        assert any(isinstance(e, ConnectionChanged) and not e.connected for e in events)
    finally:
        link.stop(flush_timeout_s=0)


def test_bad_payloads_dropped_and_counted(
    class_folder: ClassFolder, broker: MosquittoProcess, tmp_path: Path
) -> None:
    # station-08 keeps its broker account but is no longer one of the hub's stations.
    passwd = class_folder.folder / "passwd"
    kept = [line for line in passwd.read_text().splitlines() if not line.startswith("station-08:")]
    passwd.write_text("".join(line + "\n" for line in kept))
    hub = ClassHub(class_folder.hub_file)
    hub.start()
    one = Publisher(broker, _station(class_folder, "station-01"))
    stranger = Publisher(broker, _station(class_folder, "station-08"))
    try:
        assert hub.wait_connected()
        cls = "testclass"
        live = p.live_topic(cls, "station-01")
        status = p.status_topic(cls, "station-01")
        good_status = p.StationStatus("station-01", "online", 1.0)
        old = good_status.to_json() | {"v": 0}
        cases = [
            (live, b"\xff\xfe\xfa not utf-8", "not-utf8"),
            (live, b'{"v": 1, "station": "station-01"}', "schema"),
            (live, b"[]", "not-json"),
            (live, b"x" * (10 * 1024 * 1024), "too-large"),
            (status, json.dumps(old).encode(), "version"),
            (status, p.StationStatus("station-02", "online", 1.0).encode(), "station"),
            (p.sessions_topic(cls, "station-01"), b'{"v": 1, "uuid": "nope"}', "schema"),
            (
                p.status_topic(cls, "station-08"),
                p.StationStatus("station-08", "online", 1.0).encode(),
                "unknown-station",
            ),
        ]
        for topic, payload, _ in cases:
            sender = stranger if "station-08" in topic else one
            assert not sender.publish(topic, payload).is_failure
        # Even the configuration topic: garbage there (not from this hub) is counted too.
        imposter = Publisher(broker, load_class_file(class_folder.hub_file))
        assert not imposter.publish(p.config_topic(cls), b"{not json").is_failure
        imposter.close()
        expected: dict[str, int] = {"not-json": 1}
        for _, _, reason in cases:
            expected[reason] = expected.get(reason, 0) + 1
        assert wait_until(lambda: dict(hub.counters.rejected) == expected, 20), (
            hub.counters.rejected
        )
        assert hub.connected and hub.counters.sessions_stored == 0
        # The hub still works: a real class session arrives afterwards.
        with stations_running(
            class_folder, ["station-02"], tmp_path, sessions=1, speed=20
        ) as running:
            running.join(60)
        assert wait_until(lambda: hub.counters.sessions_stored == 1, 20)
    finally:
        one.close()
        stranger.close()
        hub.stop()
    with Store.open(class_folder.folder / "hub.db") as store:
        assert [row.station for row in store.history()] == ["station-02"]


def test_anonymous_client_refused(broker: MosquittoProcess) -> None:
    refused = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_connect = lambda c, u, f, rc, pr: refused.set() if rc.is_failure else None
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        assert refused.wait(5)
    finally:
        client.loop_stop()


def test_wait_connected_waits_for_the_subscriptions(
    class_folder: ClassFolder, broker: MosquittoProcess
) -> None:
    # A slow SUBSCRIBE (a loaded broker) must not let the hub call itself ready: a live
    # message (QoS 0) published in between would never reach it.
    hub = ClassHub(class_folder.hub_file)
    subscribe = hub.client.subscribe

    def slow_subscribe(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)
        return subscribe(*args, **kwargs)  # type: ignore[arg-type]

    hub.client.subscribe = slow_subscribe  # type: ignore[method-assign]
    hub.start()
    one = Publisher(broker, _station(class_folder, "station-01"))
    try:
        assert hub.wait_connected()
        live = p.live_topic("testclass", "station-01")
        assert not one.publish(live, b"[]").is_failure
        assert wait_until(lambda: hub.counters.rejected.get("not-json") == 1, 5), (
            hub.counters.rejected
        )
    finally:
        one.close()
        hub.stop()

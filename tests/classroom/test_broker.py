"""`trainer class setup`'s files and a real Mosquitto started from them."""

from __future__ import annotations

import base64
import hashlib
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from trainer.classroom.broker import (
    ClassFolder,
    ClassSetupError,
    MosquittoProcess,
    hash_password,
    load_class_file,
    setup_class,
)

from .conftest import MakeClass


def _verify(line: str, password: str) -> bool:
    _, hashed = line.split(":", 1)
    _, kind, rounds, salt, digest = hashed.split("$")
    assert kind == "7"
    computed = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), int(rounds))
    return computed == base64.b64decode(digest)


def _connect(broker: MosquittoProcess, username: str | None, password: str | None) -> ReasonCode:
    """Connect once with MQTT 5 and return the broker's CONNACK reason."""
    done = threading.Event()
    reason: list[ReasonCode] = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if username is not None:
        client.username_pw_set(username, password)

    def on_connect(c: mqtt.Client, u: object, flags: object, rc: ReasonCode, p: object) -> None:
        reason.append(rc)
        done.set()

    client.on_connect = on_connect
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        assert done.wait(5), "no CONNACK"
    finally:
        client.disconnect()
        client.loop_stop()
    return reason[0]


def test_setup_writes_a_complete_class(class_folder: ClassFolder) -> None:
    folder = class_folder.folder
    assert class_folder.stations == tuple(f"station-{n:02d}" for n in range(1, 9))
    conf = (folder / "mosquitto.conf").read_text()
    for line in ("allow_anonymous false", "persistence true", "autosave_interval 10"):
        assert line in conf
    assert f"listener {class_folder.port} 127.0.0.1" in conf
    station = load_class_file(folder / "stations" / "station-03.toml")
    assert (station.role, station.class_name, station.station) == (
        "station",
        "testclass",
        "station-03",
    )
    assert (station.host, station.port) == ("127.0.0.1", class_folder.port)
    passwd = dict(line.split(":", 1) for line in (folder / "passwd").read_text().splitlines())
    assert set(passwd) == {"hub", *class_folder.stations}
    assert _verify(f"station-03:{passwd['station-03']}", station.password)
    hub = load_class_file(folder / "hub.toml")
    assert hub.role == "hub" and hub.db == folder / "hub.db"
    acl = (folder / "acl").read_text()
    assert "pattern write pressure-trainer/v1/testclass/stations/%u/#" in acl
    assert (folder / "passwd").stat().st_mode & 0o077 == 0


def test_rerun_adds_stations_and_keeps_passwords(make_class: MakeClass, tmp_path: Path) -> None:
    first = make_class(stations=3, folder=tmp_path / "c")
    before = {s: load_class_file(first.station_file(s)).password for s in first.stations}
    hub_before = load_class_file(first.hub_file).password
    again = setup_class(tmp_path / "c", "testclass", 5, host="127.0.0.1", port=first.port)
    assert again.added == ("station-04", "station-05")
    assert {s: load_class_file(again.station_file(s)).password for s in first.stations} == before
    assert load_class_file(again.hub_file).password == hub_before
    same = setup_class(tmp_path / "c", "testclass", 5)
    assert same.added == () and same.port == first.port and same.host == "127.0.0.1"


def test_rerun_with_another_class_name_refused(make_class: MakeClass, tmp_path: Path) -> None:
    make_class(stations=1, folder=tmp_path / "c")
    with pytest.raises(ClassSetupError, match="already holds the class 'testclass'"):
        setup_class(tmp_path / "c", "other", 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"class_name": "Monday Group", "stations": 2}, "lower-case"),
        ({"class_name": "monday", "stations": 0}, "1 to 99 stations"),
        ({"class_name": "monday", "stations": 2, "port": 70000}, "--port"),
    ],
)
def test_bad_setup_arguments_named(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ClassSetupError, match=message):
        setup_class(tmp_path / "c", **kwargs)  # type: ignore[arg-type]


def test_hash_matches_mosquitto_format() -> None:
    hashed = hash_password("secret", salt=b"0123456789ab", rounds=101)
    assert hashed.startswith("$7$101$")
    assert _verify("u:" + hashed, "secret") and not _verify("u:" + hashed, "Secret")


def test_class_file_problems_are_sentences(tmp_path: Path) -> None:
    with pytest.raises(ClassSetupError, match="there is no class file"):
        load_class_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[class\n")
    with pytest.raises(ClassSetupError, match="not valid TOML"):
        load_class_file(bad)
    bad.write_text('[class]\nrole = "station"\nname = "x"\n')
    with pytest.raises(ClassSetupError, match="port"):
        load_class_file(bad)


def test_broker_accepts_accounts_and_refuses_anonymous(
    class_folder: ClassFolder, broker: MosquittoProcess
) -> None:
    station = load_class_file(class_folder.station_file("station-01"))
    assert _connect(broker, station.username, station.password).value == 0
    assert _connect(broker, None, None).is_failure
    assert _connect(broker, "station-01", "wrong").is_failure


def test_broker_survives_kill_and_restart(broker: MosquittoProcess) -> None:
    broker.kill()
    assert not broker.running
    broker.start()
    assert broker.running

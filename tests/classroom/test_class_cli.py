"""`trainer class setup|hub|status` and `trainer simulate --class`, as a user runs them."""

from __future__ import annotations

import json
import signal
import time
import types
from pathlib import Path

import pytest

from trainer.classroom.broker import ClassFolder, MosquittoProcess, free_port, load_class_file
from trainer.cli import main

from .helpers import hub_command, wait_until


def test_setup_prints_how_to_start_and_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "monday"
    args = ["class", "setup", str(folder), "--class", "monday", "--stations", "3"]
    assert main([*args, "--host", "127.0.0.1", "--port", "18999"]) == 0
    out = capsys.readouterr().out
    assert f"mosquitto -c {folder.resolve()}/mosquitto.conf" in out
    assert "stations/station-01.toml" in out and "trainer class hub --class" in out
    assert "ExecStart=/usr/sbin/mosquitto -c" in (folder / "systemd" / "class.conf").read_text()
    before = load_class_file(folder / "stations" / "station-02.toml").password
    assert main([*args[:-1], "5"]) == 0
    assert "new: station-04, station-05" in capsys.readouterr().out
    assert load_class_file(folder / "stations" / "station-02.toml").password == before


def test_setup_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["class", "setup", str(tmp_path / "x"), "--class", "Big Group", "--stations", "2"])
        == 1
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "lower-case letters" in err
    assert main(["class", "setup", str(tmp_path / "x"), "--class", "g", "--stations", "0"]) == 2


def test_status_without_broker_says_so(
    class_folder: ClassFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["class", "status", "--class", str(class_folder.hub_file)]) == 1
    assert "not reachable" in capsys.readouterr().err


def test_simulate_class_session_reaches_hub_and_status(
    class_folder: ClassFolder,
    broker: MosquittoProcess,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = tmp_path / "hub.log"
    hub = hub_command(class_folder, log)
    try:
        assert wait_until(lambda: "connected" in log.read_text(), 20), log.read_text()
        station_db = tmp_path / "station.db"
        code = main(
            [
                "--db",
                str(station_db),
                "simulate",
                "--exercise",
                "blind-levels",
                "--student",
                "Ana",
                "--class",
                str(class_folder.station_file("station-02")),
            ]
        )
        assert code == 0
        out = capsys.readouterr().out
        assert "Sent to class testclass as station-02: the hub has it." in out
        assert main(["class", "status", "--class", str(class_folder.hub_file), "--json"]) == 0
        found = json.loads(capsys.readouterr().out)
        by_id = {s["station"]: s for s in found["stations"]}
        assert set(by_id) == set(class_folder.stations)
        assert by_id["station-02"]["online"] is False and by_id["station-02"]["since"]
        assert by_id["station-01"]["online"] is False and by_id["station-01"]["since"] is None
        assert main(["class", "status", "--class", str(class_folder.hub_file)]) == 0
        text = capsys.readouterr().out
        assert "0 of 8 stations online" in text and "station-01   never connected" in text
    finally:
        hub.send_signal(signal.SIGINT)
        hub.wait(10)
    text = log.read_text()
    assert "station-02 session" in text and "Ana blind-levels" in text
    assert main(["--db", str(class_folder.folder / "hub.db"), "history", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert (entry["station"], entry["student"], entry["exercise_id"]) == (
        "station-02",
        "Ana",
        "blind-levels",
    )
    assert main(["--db", str(station_db), "history", "--json"]) == 0
    (mine,) = json.loads(capsys.readouterr().out)
    assert (mine["uuid"], mine["score"]) == (entry["uuid"], entry["score"])
    assert "1 sessions stored" in text and "Traceback" not in text


def test_simulate_class_without_broker_keeps_the_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from trainer.classroom.broker import setup_class
    from trainer.store import Store

    folder = setup_class(tmp_path / "c", "offline", 1, host="127.0.0.1", port=free_port())
    station_db = tmp_path / "station.db"
    started = time.monotonic()
    code = main(
        [
            "--db",
            str(station_db),
            "simulate",
            "--exercise",
            "blind-levels",
            "--class",
            str(folder.station_file("station-01")),
        ]
    )
    assert code == 0 and time.monotonic() - started < 20
    captured = capsys.readouterr()
    assert "Score" in captured.out
    assert "1 session(s) wait in this station's outbox" in captured.err
    with Store.open(station_db) as store:
        assert len(store.outbox()) == 1


def test_bridge_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("central", "room-b"):
        assert (
            main(
                [
                    "class",
                    "setup",
                    str(tmp_path / name),
                    "--class",
                    "school",
                    "--stations",
                    "2",
                    "--host",
                    "127.0.0.1",
                ]
            )
            == 0
        )
    capsys.readouterr()
    assert (
        main(["class", "bridge", str(tmp_path / "room-b"), "--to", str(tmp_path / "central")]) == 0
    )
    assert "Bridge bridge-room-b" in capsys.readouterr().out
    assert (
        main(["class", "setup", str(tmp_path / "other"), "--class", "other", "--stations", "1"])
        == 0
    )
    capsys.readouterr()
    assert (
        main(["class", "bridge", str(tmp_path / "other"), "--to", str(tmp_path / "central")]) == 1
    )
    assert "--class other" in capsys.readouterr().err


def test_config_file_may_name_the_class_file(tmp_path: Path) -> None:
    from trainer.config import ConfigError, parse_config

    assert parse_config({"class_file": "/home/pi/class.toml"}).class_file == Path(
        "/home/pi/class.toml"
    )
    assert parse_config({}).class_file is None
    with pytest.raises(ConfigError, match="class_file must be a station file"):
        parse_config({"class_file": 3})


def test_a_session_ended_before_the_broker_accepted_the_station_is_still_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A busy Pi's broker may take longer than the session: the outbox waits for it."""
    from trainer.cli.classroom import leave_class

    class LateLink:
        """A station link the broker accepts 0.3 s from now; the hub confirms at once."""

        class_name, station, problem = "monday", "station-02", None
        counters = types.SimpleNamespace(sessions_acknowledged=0)

        def __init__(self) -> None:
            self.accepted_at = time.monotonic() + 0.3
            self.flush_timeout_s = -1.0
            self.sent = False

        @property
        def connected(self) -> bool:
            return time.monotonic() >= self.accepted_at

        def session_ended(self) -> None:
            self.sent = self.connected

        def stop(self, flush_timeout_s: float) -> None:
            self.flush_timeout_s = flush_timeout_s

        def pending_sessions(self) -> int:
            return 0 if self.sent and self.flush_timeout_s > 0 else 1

    link = LateLink()
    leave_class(link, timeout_s=5.0)
    assert link.sent and 4.0 < link.flush_timeout_s < 5.0
    assert "Sent to class monday as station-02: the hub has it." in capsys.readouterr().out

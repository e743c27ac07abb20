"""`trainer class demo` and `trainer class`: the class it starts, the messages it gives."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.classroom.conftest import require_mosquitto
from trainer.classroom import demo as demo_module
from trainer.classroom.demo import PROFILE_MIX, ClassDemo
from trainer.classroom.hub import class_status
from trainer.cli import main
from trainer.exercises import ExerciseLibrary

LIBRARY = ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir"))


def test_demo_runs_a_class_and_leaves_nothing_behind() -> None:
    require_mosquitto()
    demo = ClassDemo(3, library=LIBRARY, speed=2.0).start()
    try:
        temp = demo.temp
        assert temp is not None and demo.hub_file.exists()
        broker = demo.broker
        assert broker is not None and broker.running
        deadline = time.monotonic() + 15
        while True:
            found = class_status(demo.hub_file, listen_s=0.5)
            students = {v.status.student for v in found.stations.values() if v.online and v.status}
            if students == {"Demo 1", "Demo 2", "Demo 3"}:
                break
            assert time.monotonic() < deadline, found
    finally:
        demo.stop()
    assert not temp.exists()
    assert not broker.running
    assert demo.errors == []


def test_the_first_demo_student_is_the_one_who_presses_too_hard() -> None:
    assert PROFILE_MIX[0] == "heavy-handed"
    assert len(set(PROFILE_MIX)) == len(PROFILE_MIX) >= 5


def test_demo_without_mosquitto_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo_module, "find_mosquitto", lambda: None)
    assert main(["class", "demo", "--stations", "2"]) == 1
    err = capsys.readouterr().err
    assert "apt install mosquitto" in err and "brew install mosquitto" in err
    assert "Traceback" not in err


def test_class_without_a_class_file_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class"]) == 2
    err = capsys.readouterr().err
    assert "trainer class --class DIR/hub.toml" in err and "trainer class demo" in err


def test_class_with_a_missing_hub_file_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["class", "--class", str(tmp_path / "hub.toml")]) == 1
    err = capsys.readouterr().err
    assert "hub.toml" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_demo_refuses_a_silly_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", "demo", "--stations", "500"]) == 2
    assert "1 to 60" in capsys.readouterr().err


def test_a_web_port_out_of_range_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["class", "--class", str(tmp_path / "hub.toml"), "--web", "--port", "99999"]) == 2
    assert "--port must be 1 to 65535" in capsys.readouterr().err

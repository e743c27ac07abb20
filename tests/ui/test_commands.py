"""``trainer run``: arguments, the sensor choice and its one-line fallback, cheap import."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys

import pytest

from trainer import cli
from trainer.cli import run as launch
from trainer.cli.practice import register
from trainer.sensors.base import SensorNotCalibrated


def run_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["run", *argv])


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def no_load_cell(backend: str | None = None) -> object:
    raise SensorNotCalibrated("no calibration saved at /tmp/x/calibration.json")


def test_run_arguments() -> None:
    args = run_args("--sim", "--exercise", "graded-levels", "--student", "Ana", "--units", "KGF")
    assert args.sim and args.exercise == "graded-levels" and args.student == "Ana"
    assert args.units == "kgf"
    assert run_args().units == "n" and not run_args().sim
    assert run_args("--units", "kPa").units == "kpa"  # shown where the practice has a contact
    with pytest.raises(SystemExit):
        run_args("--sim", "--sensor", "hx711")  # one or the other


def test_importing_the_command_is_cheap() -> None:
    # Every `trainer` invocation imports this module: no Textual, SQLite or GPIO work.
    code = (
        "import sys, trainer.cli, trainer.cli.practice; trainer.cli.build_parser(); "
        "print(sorted(m for m in ('textual', 'sqlite3', 'gpiozero', 'trainer.ui.app') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_sim_flag_gives_a_simulated_sensor() -> None:
    chosen = launch.choose_sensor(run_args("--sim"))
    assert chosen is not None and chosen[1] is True


def test_no_load_cell_without_a_terminal_starts_simulation_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(launch, "hx711_factory", no_load_cell)
    out = io.StringIO()
    chosen = launch.choose_sensor(run_args(), stdin=io.StringIO(), out=out)
    assert chosen is not None and chosen[1] is True
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("No calibrated load cell found (no calibration saved at")
    assert lines[0].endswith("Starting in simulation; run 'trainer calibrate' to set one up.")


def test_the_calibrate_hint_is_not_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_calibrated(backend: str | None = None) -> object:
        raise SensorNotCalibrated("the load cell is not calibrated yet; run 'trainer calibrate'")

    monkeypatch.setattr(launch, "hx711_factory", not_calibrated)
    out = io.StringIO()
    launch.choose_sensor(run_args(), stdin=io.StringIO(), out=out)
    assert out.getvalue().count("trainer calibrate") == 1
    assert out.getvalue().strip().endswith("Starting in simulation.")


def test_a_missing_backend_module_is_handled_the_same_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(backend: str | None = None) -> object:
        raise ImportError("No module named 'trainer.sensors.hx711'")

    monkeypatch.setattr(launch, "hx711_factory", missing)
    out = io.StringIO()
    chosen = launch.choose_sensor(run_args(), stdin=io.StringIO(), out=out)
    assert chosen is not None and chosen[1] is True
    assert "No module named" in out.getvalue()


def test_asking_for_the_load_cell_explicitly_fails_clearly_without_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(launch, "hx711_factory", no_load_cell)
    with pytest.raises(cli.CommandFailed, match=r"no calibrated load cell found .* or use --sim"):
        launch.choose_sensor(run_args("--sensor", "hx711"), stdin=io.StringIO(), out=io.StringIO())


@pytest.mark.parametrize(("answer", "simulated"), [("y\n", True), ("\n", None), ("no\n", None)])
def test_at_a_terminal_simulation_is_offered(
    monkeypatch: pytest.MonkeyPatch, answer: str, simulated: bool | None
) -> None:
    monkeypatch.setattr(launch, "hx711_factory", no_load_cell)
    out = io.StringIO()
    chosen = launch.choose_sensor(run_args(), stdin=FakeTty(answer), out=out)
    assert "Start in simulation instead" in out.getvalue()
    if simulated is None:
        assert chosen is None
        assert "Nothing started" in out.getvalue()
    else:
        assert chosen is not None and chosen[1] is simulated


def test_unknown_exercise_and_empty_name_are_usage_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["run", "--sim", "--exercise", "no-such-drill"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trainer run: no exercise with id 'no-such-drill'; known ids: ")
    assert "graded-levels" in err and "Traceback" not in err
    assert cli.main(["run", "--sim", "--student", "  "]) == 2
    assert "--student needs a name" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Ana [b]", "holds a square bracket"),
        ("A" * 61, "is too long: use at most 60 characters"),
        ("Eve\x1b[31m", "holds a control character"),
    ],
)
def test_a_name_the_records_would_refuse_is_refused_before_the_screen_opens(
    capsys: pytest.CaptureFixture[str], name: str, problem: str
) -> None:
    """'run --student "Ana [b]"' opened the trainer, then no session could start."""
    assert cli.main(["run", "--sim", "--student", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trainer run: --student: the student's name ") and problem in err
    assert len(err.strip().splitlines()) == 1


def test_a_declined_offer_exits_1_without_starting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(launch, "choose_sensor", lambda args: None)
    assert cli.main(["run"]) == 1

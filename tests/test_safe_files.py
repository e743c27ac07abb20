"""Exports never overwrite without --force, never write through a link, never half-write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.safe_files import OutputExists, write_file, write_new_file


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def session(capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "simulate", "--exercise", "steady-ramp")[0] == 0
    return "1"


def test_export_refuses_to_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, session: str
) -> None:
    target = tmp_path / "out" / "ana.csv"
    target.parent.mkdir()
    target.write_text("keep me\n")
    code, _, err = run(capsys, "export", session, "-o", str(target))
    assert code == 1 and "already there: add --force" in err
    assert target.read_text() == "keep me\n"
    target.chmod(0o640)
    assert run(capsys, "export", session, "-o", str(target), "--force")[0] == 0
    assert target.read_text().startswith("seq,t_s,")
    assert (target.stat().st_mode & 0o777) == 0o640  # a replaced file keeps its mode
    assert [p.name for p in target.parent.iterdir()] == ["ana.csv"]  # no temporary file left


def test_export_never_writes_through_a_symbolic_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, session: str
) -> None:
    system_file = tmp_path / "hostname"
    system_file.write_text("station-7\n")
    link = tmp_path / "link.csv"
    link.symlink_to(system_file)
    code, _, err = run(capsys, "export", session, "-o", str(link))
    assert code == 1 and "is a symbolic link: add --force" in err
    assert run(capsys, "export", session, "-o", str(link), "--force", "--format", "json")[0] == 0
    assert system_file.read_text() == "station-7\n"
    assert not link.is_symlink() and link.read_text().startswith("{")


def test_a_new_export_is_for_its_owner_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, session: str
) -> None:
    target = tmp_path / "new.json"
    assert run(capsys, "export", session, "-o", str(target), "--format", "json")[0] == 0
    assert (target.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize(
    "argv",
    [
        ["instructor", "export-class"],
        ["instructor", "report", "1", "--format", "csv"],
        ["exercises", "export", "steady-ramp"],
    ],
    ids=["export-class", "report", "exercises-export"],
)
def test_every_output_option_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, session: str, argv: list[str]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("keep me\n")
    code, _, err = run(capsys, *argv, "-o", str(target))
    assert code == 1 and "--force" in err
    assert target.read_text() == "keep me\n"
    assert run(capsys, *argv, "-o", str(target), "--force")[0] == 0
    assert target.read_text() != "keep me\n"


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "a.csv"
    target.parent.mkdir()
    target.write_text("old\n")
    with pytest.raises(OutputExists):
        write_file(target, "new\n")

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(Exception, match="No space left on device"):
        write_file(target, "new\n", force=True)
    assert target.read_text() == "old\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.csv"]


def test_a_screen_export_goes_beside_what_is_there_never_through_a_link(tmp_path: Path) -> None:
    system_file = tmp_path / "hostname"
    system_file.write_text("station-7\n")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "class-monday.csv").symlink_to(system_file)
    (exports / "class-monday-2.csv").write_text("last week\n")
    written = write_new_file(exports / "class-monday.csv", "student\nAna\n")
    assert written == exports / "class-monday-3.csv"
    assert written.read_text() == "student\nAna\n"
    assert system_file.read_text() == "station-7\n"
    assert (exports / "class-monday-2.csv").read_text() == "last week\n"
    assert write_new_file(exports / "fresh.csv", "x\n") == exports / "fresh.csv"

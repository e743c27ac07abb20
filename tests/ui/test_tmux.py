"""The installed ``trainer run --sim`` in a real terminal (tmux): keys in, screen text out."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


def trainer_command() -> str:
    script = Path(sys.executable).parent / "trainer"
    found = script if script.exists() else shutil.which("trainer")
    if found is None:
        pytest.fail("the 'trainer' command is not installed: run 'pip install -e .'")
    return str(found)


class Terminal:
    """One tmux session running one command."""

    def __init__(self, command: str, width: int = 100, height: int = 30) -> None:
        self.name = f"trainer-test-{uuid.uuid4().hex[:8]}"
        self.pid_file = Path("/nonexistent")
        # A server of its own on a socket in a folder of its own, removed afterwards, so
        # a tester's own tmux sessions are never touched and nothing is left behind.
        self.folder = Path(tempfile.mkdtemp(prefix="trainer-tmux-"))
        self.tmux = [TMUX or "tmux", "-S", str(self.folder / "socket")]
        subprocess.run(
            [
                *self.tmux,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                command,
            ],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, condition: Callable[[str], bool], timeout_s: float = 15.0) -> str:
        deadline = time.monotonic() + timeout_s
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if condition(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"the screen never showed what was expected; it shows:\n{text}")

    def alive(self) -> bool:
        return (
            subprocess.run(
                [*self.tmux, "has-session", "-t", self.name], capture_output=True
            ).returncode
            == 0
        )

    def hang_up(self) -> None:
        """Close the terminal, as a closed window or a dropped SSH link does (SIGHUP)."""
        subprocess.run([*self.tmux, "kill-session", "-t", self.name], capture_output=True)

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def pid(self) -> int | None:
        """The trainer's process id, once it has started."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[str], Terminal]]:
    opened: list[Terminal] = []

    def open_terminal(arguments: str) -> Terminal:
        env = (
            f"env TRAINER_DB={tmp_path / 'tmux.db'} TRAINER_EXERCISES={tmp_path / 'none'} "
            f"TRAINER_CONFIG={tmp_path / 'config.toml'} "
        )
        # The trainer writes down its process id (the shell execs it), so the test can
        # check that it really ends.
        pid_file = tmp_path / "trainer.pid"
        term = Terminal(f"sh -c 'echo $$ > {pid_file}; exec {env}{trainer_command()} {arguments}'")
        term.pid_file = pid_file
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.kill()
        pid = term.pid()
        if pid is not None and alive(pid):
            os.kill(pid, signal.SIGKILL)  # never leave a stuck trainer behind


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by tmux) counts as ended.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def wait_until_ended(pid: int, timeout_s: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def sessions(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as connection:
        return list(
            connection.execute(
                "SELECT s.status, (SELECT COUNT(*) FROM samples WHERE session_id = s.id) "
                "FROM sessions s ORDER BY s.id"
            )
        )


def test_trainer_run_sim_in_a_real_terminal(
    terminal: Callable[[str], Terminal], tmp_path: Path
) -> None:
    term = terminal("run --sim --student Tess --exercise precision-drill")
    text = term.wait_for(lambda s: "SPACE starts" in s)
    # in simulation the first line and the footer say how to press the pad
    assert "Simulated pad: press with ↑ ↓, keys 1-9 or the mouse wheel" in text
    assert "↑↓ Press" in text and "1-9 Aim" in text
    assert "SIMULATION" in text and "Precision drill | Tess" in text
    assert "1/6  Hold touch" in text
    term.keys("Space", "4")  # 10 N on a 25 N gauge: inside the touch band (9-12 N)
    text = term.wait_for(lambda s: "HOLD" in s and "SPACE starts" not in s)
    assert "touch 9-12 N" in text
    term.keys("u")
    term.wait_for(lambda s: "kgf" in s)
    # Quit once the hold has run a while: the keys above may all land within half a second.
    term.wait_for(lambda s: re.search(r"\| [0-3] s left", s) is not None)
    term.keys("q")
    term.wait_for(lambda s: "Quit the trainer?" in s)
    term.keys("y")
    pid = term.pid()
    assert pid is not None and wait_until_ended(pid), "the trainer did not end after quitting"
    [(status, samples)] = sessions(tmp_path / "tmux.db")
    assert status == "incomplete"
    assert samples > 40  # half a second at 80 per second, at the very least


def test_a_closed_terminal_keeps_the_session_as_incomplete(
    terminal: Callable[[str], Terminal], tmp_path: Path
) -> None:
    term = terminal("run --sim --student Tess --exercise graded-levels")
    term.wait_for(lambda s: "SPACE starts" in s)
    term.keys("Space", "3")
    term.wait_for(lambda s: "HOLD" in s or "PRESS HARDER" in s or "LIGHTER" in s)
    time.sleep(1.0)
    term.hang_up()  # the trainer gets SIGHUP
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = sessions(tmp_path / "tmux.db")
        if rows and rows[0][0] != "running":
            break
        time.sleep(0.1)
    [(status, samples)] = sessions(tmp_path / "tmux.db")
    assert status == "incomplete"
    assert samples >= 80
    pid = term.pid()
    assert pid is not None and wait_until_ended(pid), "the trainer lingered after SIGHUP"


def test_ctrl_c_says_the_session_is_saved_and_exits_130(tmp_path: Path) -> None:
    env = (
        f"TRAINER_DB={tmp_path / 'tmux.db'} TRAINER_EXERCISES={tmp_path / 'none'} "
        f"TRAINER_CONFIG={tmp_path / 'config.toml'}"
    )
    # The shell stays after the trainer so the terminal shows what it printed on leaving.
    term = Terminal(
        f"sh -c 'env {env} {trainer_command()} run --sim --student Tess "
        '--exercise precision-drill; echo "exit status $?"; sleep 60\''
    )
    try:
        term.wait_for(lambda s: "SPACE starts" in s)
        term.keys("Space", "4")
        term.wait_for(lambda s: "HOLD" in s and "SPACE starts" not in s)
        term.keys("C-c")
        text = term.wait_for(lambda s: "exit status" in s)
    finally:
        term.kill()
    [(status, _samples)] = sessions(tmp_path / "tmux.db")
    assert status == "incomplete"
    assert "Stopped: session 1 is saved as incomplete" in text
    assert "exit status 130" in text

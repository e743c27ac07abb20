"""The installed ``trainer run --sim`` in a real terminal (tmux): keys in, screen text out."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
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
        subprocess.run(
            [
                TMUX or "tmux",
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
            [TMUX or "tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX or "tmux", "send-keys", "-t", self.name, *keys], check=True)

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
                [TMUX or "tmux", "has-session", "-t", self.name], capture_output=True
            ).returncode
            == 0
        )

    def kill(self) -> None:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[str], Terminal]]:
    opened: list[Terminal] = []

    def open_terminal(arguments: str) -> Terminal:
        env = (
            f"env TRAINER_DB={tmp_path / 'tmux.db'} TRAINER_EXERCISES={tmp_path / 'none'} "
            f"TRAINER_CONFIG={tmp_path / 'config.toml'} "
        )
        # Keep the pane open after the program ends, so its last words can be read.
        term = Terminal(f"{env}{trainer_command()} {arguments}; sleep 30")
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.kill()


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
    text = term.wait_for(lambda s: "Press SPACE to start" in s)
    assert "SIMULATION" in text and "Precision drill | Tess" in text
    assert "1/6  Hold touch" in text
    term.keys("Space", "4")  # 10 N on a 25 N gauge: inside the touch band (9-12 N)
    text = term.wait_for(lambda s: "HOLD" in s and "Press SPACE" not in s)
    assert "touch 9-12 N" in text
    term.keys("u")
    term.wait_for(lambda s: "kgf" in s)
    term.keys("q")
    term.wait_for(lambda s: "Quit the trainer?" in s)
    term.keys("y")
    term.wait_for(lambda s: "Precision drill | Tess" not in s)
    [(status, samples)] = sessions(tmp_path / "tmux.db")
    assert status == "incomplete"
    assert samples > 40  # half a second at 80 per second, at the very least


def test_a_closed_terminal_keeps_the_session_as_incomplete(
    terminal: Callable[[str], Terminal], tmp_path: Path
) -> None:
    term = terminal("run --sim --student Tess --exercise graded-levels")
    term.wait_for(lambda s: "Press SPACE to start" in s)
    term.keys("Space", "3")
    term.wait_for(lambda s: "HOLD" in s or "PRESS HARDER" in s or "LIGHTER" in s)
    time.sleep(1.0)
    term.kill()  # tmux hangs up: the trainer gets SIGHUP
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = sessions(tmp_path / "tmux.db")
        if rows and rows[0][0] != "running":
            break
        time.sleep(0.1)
    [(status, samples)] = sessions(tmp_path / "tmux.db")
    assert status == "incomplete"
    assert samples >= 80

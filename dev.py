#!/usr/bin/env python3
"""Set up the project's virtual environment and run the trainer or its checks.

    python3 dev.py run      set up .venv, start the trainer in simulation
    python3 dev.py test     set up .venv, run the test suite
    python3 dev.py check    set up .venv, run ruff and mypy

Works on Linux, macOS and Windows with Python 3.11 or newer. Set-up is skipped when
nothing changed since the last one (pyproject.toml is hashed into .venv/.setup-stamp).
Extra arguments go to the command: ``python3 dev.py test -k engine``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".setup-stamp"


def setup() -> None:
    """Create .venv and install the trainer with its dev extra, if not already current."""
    if sys.version_info < (3, 11):
        sys.exit(f"Pressure Trainer needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing Pressure Trainer and its development tools ...", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[dev]"],
        check=True,
    )
    STAMP.write_text(wanted)


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "check"}:
        print(__doc__)
        return 2
    action, extra = argv[0], argv[1:]
    try:
        setup()
    except subprocess.CalledProcessError:
        print("Set-up failed: see pip's message above (is the network to PyPI reachable?).")
        return 1
    if action == "run":
        return run([str(BIN / "trainer"), "run", "--sim", *extra])
    if action == "test":
        # The suite waits about half its time (sample rates, brokers, timeouts): two
        # workers a core keep the cores busy (2:15 against 3:05 with one a core, 2 cores).
        cores = os.cpu_count() or 1
        workers = ["-n", str(min(2 * cores, 8))] if cores > 1 else []
        return run([str(PYTHON), "-m", "pytest", *workers, *extra])
    status = run([str(PYTHON), "-m", "ruff", "check", "trainer", "tests", "bench"])
    status |= run([str(PYTHON), "-m", "ruff", "format", "--check", "trainer", "tests", "bench"])
    status |= run([str(PYTHON), "-m", "mypy", "trainer"])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

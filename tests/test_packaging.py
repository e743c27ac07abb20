"""The built wheel carries the technique library and finds it when installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_the_builtin_exercises_and_finds_them(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("pressure_trainer-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        shipped = {Path(n).name for n in names if n.startswith("trainer/builtin_exercises/")}
        assert {p.name for p in (ROOT / "exercises").glob("*.toml")} <= shipped
        assert any(n.endswith("entry_points.txt") for n in names)
        site = tmp_path / "site"
        archive.extractall(site)
    # Import the unpacked wheel, not the checkout, as an installed copy would be.
    probe = (
        "import trainer.exercises as e, sys;"
        "lib = e.ExerciseLibrary.load();"
        "assert 'site' in str(e.builtin_exercise_dir()), e.builtin_exercise_dir();"
        "print(len(lib.exercises), len(lib.errors))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {probe}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    count, errors = map(int, result.stdout.split())
    assert count >= 6 and errors == 0

"""How often the live screen redraws: ``--fps``, else the config file, else the Pi's model.

Each redraw costs the same CPU on every Pi, and a Pi Zero has a sixth of a Pi 4's speed:
the default is the most each model affords beside the HX711's acquisition process
(measured with ``bench/live.py``; hardware/README.md lists them). Samples are never
dropped at a lower rate: each frame shows everything that arrived since the last.

Example::

    fps, reason = frame_rate(requested=None, configured=None)
    # (15.0, 'the default for a Raspberry Pi Zero 2 W Rev 1.0')
"""

from __future__ import annotations

import re
from pathlib import Path

#: where Linux names the board it runs on (a NUL-terminated string)
MODEL_PATH = Path("/proc/device-tree/model")
#: off a Pi (a laptop in simulation)
DESKTOP_FPS = 30.0
#: a Pi this table does not know yet: as for the slowest current model
UNKNOWN_PI_FPS = 15.0

#: model name patterns (first match wins) and the frame rate each affords
FPS_BY_MODEL: tuple[tuple[str, float], ...] = (
    (r"Raspberry Pi Zero 2", 15.0),  # four Cortex-A53 cores at 1 GHz
    (r"Raspberry Pi Zero", 10.0),  # one ARM11 core
    (r"Raspberry Pi (5|500)\b|Compute Module 5", 30.0),
    (r"Raspberry Pi (4|400)\b|Compute Module 4", 30.0),
    (r"Raspberry Pi 3|Compute Module 3", 20.0),
    (r"Raspberry Pi 2", 12.0),
    (r"Raspberry Pi (Model|Compute Module\b)", 10.0),  # the first Pi: one ARM11 core
)


def pi_model(path: Path | None = None) -> str | None:
    """The board's model name (``'Raspberry Pi 4 Model B Rev 1.4'``), None off a Pi.

    ``path`` defaults to :data:`MODEL_PATH` (tests point it at a file of their own).
    """
    try:
        raw = (path or MODEL_PATH).read_bytes()
    except OSError:
        return None
    name = raw.replace(b"\x00", b"").decode("utf-8", "replace").strip()
    return name or None


def default_fps(model: str | None) -> float:
    """The frame rate for a board model (see :data:`FPS_BY_MODEL`)."""
    if model is None or "Raspberry Pi" not in model:
        return DESKTOP_FPS
    for pattern, fps in FPS_BY_MODEL:
        if re.search(pattern, model):
            return fps
    return UNKNOWN_PI_FPS


def frame_rate(
    requested: float | None, configured: float | None, model_path: Path | None = None
) -> tuple[float, str]:
    """The live screen's frame rate and where it came from, in words."""
    if requested is not None:
        return requested, "--fps"
    if configured is not None:
        return configured, "display.fps in the config file"
    model = pi_model(model_path)
    if model is None or "Raspberry Pi" not in model:
        return DESKTOP_FPS, "the default off a Raspberry Pi"
    return default_fps(model), f"the default for a {model}"

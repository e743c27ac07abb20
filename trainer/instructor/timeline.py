"""The phase timeline of an exercise, as segments and as text for the terminal editor.

Each phase takes its planned time (``Phase.nominal_s``); its band is drawn over that
span. A ramp's band slides from where the force was to its target at the ramp's rate,
as the engine judges it.

Example::

    for line in render_timeline(exercise, width=60, height=8):
        print(line)
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.exercises import Exercise, PhaseKind

#: shading per phase kind, so ramps, holds and releases read apart without colour
KIND_CHARS = {
    PhaseKind.RAMP: "▒",
    PhaseKind.HOLD: "█",
    PhaseKind.RELEASE: "░",
    PhaseKind.REST: " ",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """One phase on the timeline: its span and its band at the start and at the end."""

    index: int
    kind: PhaseKind
    name: str
    start_s: float
    end_s: float
    low_start_n: float | None
    high_start_n: float | None
    low_end_n: float | None
    high_end_n: float | None

    def band_at(self, t_s: float) -> tuple[float, float] | None:
        if self.low_start_n is None or self.high_start_n is None:
            return None
        assert self.low_end_n is not None and self.high_end_n is not None
        span = self.end_s - self.start_s
        x = 0.0 if span <= 0 else min(1.0, max(0.0, (t_s - self.start_s) / span))
        return (
            self.low_start_n + (self.low_end_n - self.low_start_n) * x,
            self.high_start_n + (self.high_end_n - self.high_start_n) * x,
        )


def timeline_segments(exercise: Exercise) -> list[Segment]:
    """Every phase as a :class:`Segment`, back to back from 0 s."""
    segments: list[Segment] = []
    t = 0.0
    force = 0.0  # where the hand is when the phase starts
    for index, phase in enumerate(exercise.phases):
        length = max(phase.nominal_s, 0.5)
        band = phase.band
        # (low, high) where the phase starts, then where it ends
        start: tuple[float | None, float | None] = (None, None)
        end: tuple[float | None, float | None] = (None, None)
        if band is not None:
            start = end = (band.low_n, band.high_n)
            if phase.kind is PhaseKind.RAMP and not band.low_n <= force <= band.high_n:
                half = band.width_n / 2
                start = (max(0.0, force - half), force + half)
        segments.append(Segment(index, phase.kind, phase.name, t, t + length, *start, *end))
        force = 0.0 if band is None or phase.kind is PhaseKind.RELEASE else band.centre_n
        t += length
    return segments


def render_timeline(
    exercise: Exercise, width: int = 60, height: int = 8, highlight: int | None = None
) -> list[str]:
    """Rows of text: force up the side (N), time along the bottom (s), bands shaded.

    ``highlight`` draws that phase's band with ``#`` so the editor shows the phase
    being edited.
    """
    segments = timeline_segments(exercise)
    total = segments[-1].end_s if segments else 1.0
    top = max((s.high_end_n or 0.0) for s in segments)
    top = max(top, max((s.high_start_n or 0.0) for s in segments), 10.0) * 1.1
    label_w = len(f"{top:.0f}") + 1
    grid = [[" "] * width for _ in range(height)]
    for column in range(width):
        t = (column + 0.5) / width * total
        segment = next((s for s in segments if s.start_s <= t < s.end_s), segments[-1])
        band = segment.band_at(t)
        if band is None:
            continue
        char = "#" if segment.index == highlight else KIND_CHARS[segment.kind]
        for row in range(height):
            low = (height - row - 1) / height * top
            high = (height - row) / height * top
            if band[0] < high and band[1] > low:
                grid[row][column] = char
    lines = []
    for row, cells in enumerate(grid):
        force = (height - row) / height * top
        label = f"{force:.0f}" if row in (0, height // 2) else ""
        lines.append(f"{label:>{label_w}}│" + "".join(cells))
    lines.append(" " * label_w + "└" + "─" * width)
    end_label = f"{total:.0f} s"
    lines.append(" " * (label_w + 1) + "0" + end_label.rjust(width - 1))
    return lines

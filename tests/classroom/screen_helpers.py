"""A class screen fed from fixed messages: for snapshots and tests of the screen alone.

Nothing here claims delivery: :class:`RecordingControl` only records what the screen
asked the hub to publish (tests against Mosquitto check that it reaches the stations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from tests.classroom.messages import live, record, status
from trainer.classroom.board import AlertRules, ClassBoard, summarise
from trainer.exercises import ExerciseLibrary
from trainer.instructor.assessment import PassMark
from trainer.ui.classroom.app import ClassApp, build_class_app
from trainer.ui.classroom.context import ClassContext

T0 = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC
NAMES = [
    "Ana Lima", "Bruno Costa", "Chloé Martin", "Dara Okafor", "Emil Novak", "Fatima Zahra",
    "Greta Holm", "Hiro Tanaka", "Ines Duarte", "Jonas Berg", "Kofi Mensah", "Lena Vogel",
    "Mateo Ruiz", "Nora Aziz", "Omar Haddad", "Pia Larsen", "Quinn Reyes", "Rosa Bianchi",
    "Sami Virtanen", "Tara Singh",
]  # fmt: skip


@dataclass
class RecordingControl:
    """The hub's controls as a list of calls (what the screen asked for, nothing sent)."""

    calls: list[tuple[str, Any, ...]] = field(default_factory=list)

    def assign(self, stations: Any, exercise_id: str, blind: bool) -> None:
        self.calls.append(("assign", stations, exercise_id, blind))

    def send_message(self, stations: Any, text: str) -> None:
        self.calls.append(("message", stations, text))

    def pause(self, stations: Any, paused: bool) -> None:
        self.calls.append(("pause", stations, paused))

    def set_schedule(self, stations: Any, schedule: Any) -> None:
        self.calls.append(("schedule", stations, schedule))


def station(number: int) -> str:
    return f"station-{number:02d}"


def fixed_board(count: int) -> ClassBoard:
    """``count`` stations in every state a class shows, from fixed messages at T0."""
    board = ClassBoard([station(n) for n in range(1, count + 1)], AlertRules(), tz=UTC)
    marks = {"ischemic-compression": PassMark("ischemic-compression", min_score=75)}
    for n in range(1, count + 1):
        sid = station(n)
        name = NAMES[(n - 1) % len(NAMES)] + ("" if n <= len(NAMES) else " II")
        kind = n % 8
        if kind == 0:  # not connected at all
            continue
        board.on_status(status(sid, student=name, since=T0 - 600), now=T0 - 600)
        if kind == 7:  # went offline ten minutes ago
            board.on_status(status(sid, state="offline", since=T0 - 600), now=T0 - 600)
            continue
        if kind == 6:  # idle, with a finished session
            board.on_session(
                summarise(record(sid, name, score=min(99.0, 60.0 + n), ended="20:10"), marks)
            )
            continue
        force = {1: 50.0, 2: 31.0, 3: 66.0, 4: 97.0, 5: 45.0}[kind]
        fields: dict[str, Any] = {"student": name, "in_band_s": float(n % 13)}
        if kind == 5:
            fields["feedback_shown"] = False
            fields["phase_elapsed_s"] = 12.0
        if kind == 2:
            fields.update(phase_elapsed_s=26.0, phase_remaining_s=4.0, in_band_s=3.0)
        for i in range(31):  # three seconds of reports
            t = T0 - 3.0 + i * 0.1
            board.on_live(live(sid, seq=i, t=t, force_n=force, **fields), now=t)
        if n % 3 == 0:
            board.on_session(
                summarise(record(sid, name, score=min(99.0, 40.0 + 3 * n), ended="20:05"), marks)
            )
    return board


def fixed_app(count: int, tmp_path: Path | None = None) -> tuple[ClassApp, RecordingControl]:
    """The class app around :func:`fixed_board`, its clock stopped at T0, no timers."""
    control = RecordingControl()
    context = ClassContext(
        board=fixed_board(count),
        control=control,
        library=ExerciseLibrary.load(user_dir=Path("/nonexistent-user-dir")),
        class_name="monday",
        clock=lambda: T0,
        timers=False,
        tz=UTC,
        export_dir=tmp_path or Path.cwd(),
    )
    return build_class_app(context), control

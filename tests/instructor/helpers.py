"""Small exercises and hand-made traces for the instructor tests."""

from __future__ import annotations

from typing import Any

from trainer.engine import Event, SessionEngine
from trainer.exercises import Exercise, parse_exercise


def holds_exercise(
    trials: int = 5, hold_s: float = 1.0, band: tuple[float, float] = (20, 30)
) -> Exercise:
    """``trials`` short holds of the same band, each followed by a rest."""
    raw: dict[str, Any] = {
        "id": "short-holds",
        "name": "Short holds",
        "technique": "test",
        "instructions": "Hold.",
        "phases": [
            {
                "repeat": trials,
                "steps": [
                    {"kind": "hold", "band": list(band), "duration_s": hold_s},
                    {"kind": "rest", "duration_s": 0.5},
                ],
            }
        ],
    }
    return parse_exercise(raw, "test")


def run(
    exercise: Exercise, force_for_trial: list[float], rate_hz: float = 40.0
) -> tuple[SessionEngine, list[list[Event]]]:
    """Feed a constant force per trial (0 during rests); return the engine and event batches."""
    engine = SessionEngine(exercise)
    batches: list[list[Event]] = []
    t = 0.0
    while not engine.finished:
        index = engine.phase_index
        phase = exercise.phases[index]
        trial = sum(1 for p in exercise.phases[:index] if p.kind.value == "hold")
        force = force_for_trial[trial] if phase.kind.value == "hold" else 0.0
        batches.append(list(engine.feed(t, force)))
        t += 1 / rate_hz
    return engine, batches

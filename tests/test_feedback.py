"""LEDs, buzzer and buttons on MockFactory pins, driven by a real engine run."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import fresh_mock_factory

from tests.conftest import make_exercise
from trainer.config import FeedbackConfig, parse_config
from trainer.engine import BandEntered, BandLeft, PhaseStarted, SessionEngine, Zone
from trainer.feedback import FeedbackError, PiFeedback, feedback_from_config

PINS = FeedbackConfig(
    led_below=17, led_in=27, led_above=22, buzzer=23, button_start=24, button_tare=25
)
# Long enough that a busy machine stretching a beep by a few milliseconds does not blur
# a short beep into a long one.
BEEP_S = 0.02


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    yield from fresh_mock_factory()


@pytest.fixture
def feedback(pins: MockFactory) -> Iterator[PiFeedback]:
    made = PiFeedback(PINS, beep_s=BEEP_S)
    yield made
    made.close()


def lit(pins: MockFactory) -> set[str]:
    names = {17: "below", 27: "in", 22: "above"}
    return {name for number, name in names.items() if pins.pin(number).state}


def beeps(pins: MockFactory, since: int = 0) -> list[float]:
    """Lengths of the buzzer's beeps (high periods) recorded since state index ``since``."""
    deadline = time.monotonic() + 2.0
    pin = pins.pin(23)
    # The background beeps are done once the buzzer is off and has not changed for longer
    # than the gap between two beeps (1.5 short beeps).
    seen = -1
    while time.monotonic() < deadline and (pin.state or len(pin.states) != seen):
        seen = len(pin.states)
        time.sleep(3 * BEEP_S)
    states = pin.states[since:]
    return [b.timestamp for a, b in itertools.pairwise(states) if a.state and not b.state]


def feed(engine: SessionEngine, feedback: PiFeedback, forces: list[float]) -> list[object]:
    events: list[object] = []
    for i, force in enumerate(forces):
        for event in engine.feed(i / 10, force):
            feedback(event)
            events.append(event)
    return events


HOLDS = [
    {"kind": "hold", "band": [40, 60], "duration_s": 1.0},
    {"kind": "hold", "band": [20, 30], "duration_s": 1.0},
]


def test_leds_follow_the_zone_through_a_session(feedback: PiFeedback, pins: MockFactory) -> None:
    engine = SessionEngine(make_exercise(HOLDS))
    feed(engine, feedback, [30])
    assert lit(pins) == {"below"}
    feed(engine, feedback, [50])
    assert lit(pins) == {"in"}
    feed(engine, feedback, [70])
    assert lit(pins) == {"above"}
    feed(engine, feedback, [50] * 8 + [10])  # the second phase starts below its band
    assert lit(pins) == {"below"}


def test_band_entry_exit_and_phase_change_beep_differently(
    feedback: PiFeedback, pins: MockFactory
) -> None:
    start = len(pins.pin(23).states)
    feedback(BandEntered(0.0, 0))
    entry = beeps(pins, start)
    start = len(pins.pin(23).states)
    feedback(BandLeft(0.1, 0, Zone.ABOVE))
    exit_ = beeps(pins, start)
    start = len(pins.pin(23).states)
    phase = make_exercise(HOLDS).phases[1]
    feedback(PhaseStarted(1.0, 1, phase))
    change = beeps(pins, start)
    assert len(entry) == 1 and len(exit_) == 1 and len(change) == 2
    # A long beep for leaving (five short ones; a sleep is never shorter), a short one for
    # entering.
    assert exit_[0] >= 4.5 * BEEP_S and exit_[0] > 2 * entry[0]


def test_blind_phases_light_nothing_and_beep_only_for_phase_changes(
    feedback: PiFeedback, pins: MockFactory
) -> None:
    engine = SessionEngine(make_exercise([{**HOLDS[0], "feedback": "blind"}]))
    start = len(pins.pin(23).states)
    events = feed(engine, feedback, [30, 50, 70, 50])
    assert any(isinstance(e, BandEntered) for e in events)
    assert lit(pins) == set()
    assert beeps(pins, start) == []


def test_buttons_call_start_pause_and_tare(pins: MockFactory) -> None:
    calls: list[str] = []
    feedback = PiFeedback(
        PINS, on_start_pause=lambda: calls.append("start"), on_tare=lambda: calls.append("tare")
    )
    try:
        pins.pin(24).drive_low()  # the buttons pull up: pressed is low
        pins.pin(24).drive_high()
        pins.pin(25).drive_low()
        pins.pin(25).drive_high()
    finally:
        feedback.close()
    assert calls == ["start", "tare"]


def test_close_turns_everything_off(pins: MockFactory) -> None:
    feedback = PiFeedback(PINS, beep_s=BEEP_S)
    feedback.show_zone(Zone.IN)
    feedback.close()
    assert lit(pins) == set()


def test_nothing_fitted_means_no_feedback_object(pins: MockFactory) -> None:
    assert feedback_from_config(FeedbackConfig()) is None
    only_buzzer = feedback_from_config(parse_config({"feedback": {"buzzer": 23}}).feedback)
    assert only_buzzer is not None
    only_buzzer(BandEntered(0.0, 0))  # no LEDs fitted: must not fail
    only_buzzer.close()


def test_a_pin_in_use_is_named_with_the_fix(pins: MockFactory) -> None:
    first = PiFeedback(FeedbackConfig(led_in=27))
    try:
        with pytest.raises(FeedbackError, match=r"feedback\.led_in .*correct it in the config"):
            PiFeedback(FeedbackConfig(led_in=27))
    finally:
        first.close()

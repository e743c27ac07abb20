"""The whole path on the emulated chip: counts to newtons, into the engine and the records."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import (
    RELAXED_STALL_S,
    HX711Emulator,
    fresh_mock_factory,
)

from tests.conftest import make_exercise
from trainer.calibration import Calibration
from trainer.sensors.base import Sample, SampleFlag, SensorDisconnected, SensorError
from trainer.sensors.hx711 import HX711Sensor
from trainer.session import PracticeSession
from trainer.store import Store

HOLD = [{"kind": "hold", "band": [25, 35], "duration_s": 30.0}]


@pytest.fixture
def chip() -> Iterator[HX711Emulator]:
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Emulator(factory, noise_counts=40) as made:
            yield made


def calibration_for(chip: HX711Emulator) -> Calibration:
    return Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=40 / chip.counts_per_n,
    )


def run_for(
    session: PracticeSession,
    samples: queue.SimpleQueue[Sample],
    seconds: float,
) -> list[Sample]:
    taken: list[Sample] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            sample = samples.get(timeout=0.05)
        except queue.Empty:
            continue
        session.process(sample)
        taken.append(sample)
    return taken


def test_glitches_never_reach_the_engine_or_the_records(chip: HX711Emulator, store: Store) -> None:
    chip.force_n = 30.0
    calibration = calibration_for(chip)
    sensor = HX711Sensor(5, 6, 80, calibration=calibration, zero_tracking=False)
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    with sensor:
        session = PracticeSession.begin(
            store,
            make_exercise(HOLD),
            "Ana",
            sensor.describe(),
            rate_hz=80,
            calibration=calibration.to_dict(),
        )
        sensor.start(samples.put)
        taken = run_for(session, samples, 0.2)
        chip.inject_stalls(4, stall_s=RELAXED_STALL_S)  # preempted with the clock high
        while chip.stats.stalls < 4:
            taken += run_for(session, samples, 0.1)
        taken += run_for(session, samples, 0.2)
        for _ in range(4):
            # Independent errors: a flipped bit (17 to 22) in one conversion at a time. Two
            # identical flips in a row would look like a real step, confirmed.
            chip.inject_bit_errors(1)
            taken += run_for(session, samples, 0.1)
        sensor.stop()
        session.finish("aborted")
    assert sensor.stats.timing_glitches >= 4
    assert len(taken) > 25  # each stall resets the chip: it settles for four periods
    rows = list(store.sample_rows(session.session_id))
    assert len(rows) == len(taken)  # every conversion delivered is kept
    judged = [row[2] for row in rows]
    assert all(abs(force - 30.0) < 0.5 for force in judged)
    # A flipped bit that survived the timing guard is in the records as it was read,
    # flagged as a glitch by the filter: the one place that holds back a jump.
    wild = [row for row in rows if abs(row[3] - 30.0) >= 0.5]
    assert all(row[5] & SampleFlag.GLITCH for row in wild)
    assert session.engine.state.force_n == pytest.approx(30.0, abs=0.5)
    stored = store.session(session.session_id)
    assert stored["calibration"]["scale_counts_per_n"] == chip.counts_per_n


def test_a_pulled_wire_keeps_every_sample_and_resumes(chip: HX711Emulator, store: Store) -> None:
    chip.force_n = 28.0
    calibration = calibration_for(chip)
    sensor = HX711Sensor(5, 6, 80, calibration=calibration)
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    with sensor:
        session = PracticeSession.begin(
            store, make_exercise(HOLD), "Ana", sensor.describe(), rate_hz=80
        )
        sensor.start(samples.put, errors.put)
        before = run_for(session, samples, 0.3)
        chip.disconnect()
        pulled = time.monotonic()
        error = errors.get(timeout=1.0)
        noticed_after = time.monotonic() - pulled
        session.engine.pause()  # what the live screen does on SensorDisconnected
        during = run_for(session, samples, 0.2)
        chip.reconnect()
        session.engine.resume()
        after = run_for(session, samples, 1.2)
        sensor.stop()
        session.finish("aborted")
    assert isinstance(error, SensorDisconnected)
    assert noticed_after < 1.0
    assert len(before) > 10 and len(after) > 10
    assert all(abs(s.force_n - 28.0) < 0.5 for s in after)
    rows = list(store.sample_rows(session.session_id))
    assert len(rows) == len(before) + len(during) + len(after)


@pytest.mark.parametrize(("rate_hz", "late"), [(80, 1), (10, 0)])
def test_a_real_50_n_step_reaches_the_engine_one_conversion_late_and_none_is_dropped(
    rate_hz: int, late: int, store: Store
) -> None:
    # 50 N in one period is beyond a hand at 80/s (18.75 N per 12.5 ms), within it at 10/s.
    for factory in fresh_mock_factory():
        with HX711Emulator(factory, rate_hz=rate_hz, noise_counts=40) as chip:
            chip.force_n = 10.0
            calibration = calibration_for(chip)
            sensor = HX711Sensor(
                5,
                6,
                rate_hz,
                calibration=calibration,
                zero_tracking=False,
            )
            with sensor:
                session = PracticeSession.begin(
                    store, make_exercise(HOLD), "Ana", sensor.describe(), rate_hz=rate_hz
                )
                for _ in range(3):
                    session.process(sensor.read(timeout_s=1.0))
                shifted, used = chip.stats.shifted, sensor.stats.used
                before, downs = sensor.stats.timing_glitches, chip.stats.power_downs
                chip.force_n = 60.0
                raw, judged = [], []
                for _ in range(4):
                    sample = sensor.read(timeout_s=1.0)
                    session.process(sample)
                    raw.append(sample.force_n)
                    judged.append(session.engine.state.force_n)
                # Every conversion shifted out is used, but for any the timing guard
                # threw away (a test process preempted for longer still resets the chip
                # mid-read, and that read is never shifted out): the jump itself drops none.
                glitches = sensor.stats.timing_glitches - before
                resets = chip.stats.power_downs - downs
                assert chip.stats.shifted - shifted + resets == sensor.stats.used - used + glitches
            session.finish("aborted")
    # The conversion under way when the force changed may still show the old one.
    first = next(i for i, force in enumerate(raw) if abs(force - 60.0) < 0.5)
    assert first <= 1
    # Held back by the filter only (the one sample it promises), then the new force.
    assert all(force == pytest.approx(10.0, abs=0.5) for force in judged[first : first + late])
    assert judged[first + late] == pytest.approx(60.0, abs=0.5)
    assert sensor.stats.discarded == sensor.stats.timing_glitches

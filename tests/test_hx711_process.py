"""The HX711 reader in an acquisition process of its own (``acquisition="process"``).

The child process gets its own emulated chip through ``child_setup`` (a spawned process
cannot share the parent's mock pins); the parent keeps one too, for the reads it does
itself before and after.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import HX711Emulator, fresh_mock_factory

from trainer.calibration import Calibration
from trainer.sensors.base import Sample, SensorDisconnected, SensorError
from trainer.sensors.hx711 import HX711Sensor

CHILD = "hx711_emulator:child_chip"


@pytest.fixture
def chip() -> Iterator[HX711Emulator]:
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Emulator(factory) as made:  # the real 60 us power-down, as in the child
            yield made


def sensor_for(chip: HX711Emulator) -> HX711Sensor:
    calibration = Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=0.01,
    )
    return HX711Sensor(
        5,
        6,
        80,
        calibration=calibration,
        zero_tracking=False,
        acquisition="process",
        child_setup=CHILD,
    )


def test_samples_come_from_the_process_and_tare_reaches_it(
    chip: HX711Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HX711_EMULATOR_FORCE_N", "33")
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    with sensor_for(chip) as sensor:
        sensor.start(samples.put)
        first = samples.get(timeout=10.0)  # a spawned process starts slowly on a busy box
        with pytest.raises(RuntimeError, match="already started"):
            sensor.start(samples.put)
        sensor.tare()
        time.sleep(0.05)
        while not samples.empty():
            samples.get_nowait()
        after_tare = samples.get(timeout=1.0)
        sensor.stop()
        assert not sensor.running
        used_in_child = sensor.stats.used
        # The pins are back in this process: it reads its own (emulated) chip again.
        chip.force_n = 5.0
        assert abs(sensor.read_raw(timeout=1.0) - chip.expected_counts()) < 400
    assert first.force_n == pytest.approx(33.0, abs=0.2)
    assert abs(after_tare.force_n) < 0.2
    assert used_in_child > 0
    assert sensor.child_report is not None
    assert sensor.child_report["produced"] >= used_in_child


def test_a_chip_that_vanishes_is_reported_through_the_process_and_resumes(
    chip: HX711Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HX711_EMULATOR_VANISH_S", "0.6")
    monkeypatch.setenv("HX711_EMULATOR_BACK_S", "1.2")
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    with sensor_for(chip) as sensor:
        sensor.start(samples.put, errors.put)
        error = errors.get(timeout=10.0)
        failed_at = time.monotonic()
        while True:  # samples resume once the chip is back
            sample = samples.get(timeout=10.0)
            if sample.t_s > failed_at:
                break
        sensor.stop()
    assert isinstance(error, SensorDisconnected)
    assert "check the load cell's wires" in str(error)
    assert sensor.stats.disconnects >= 1


def test_a_reader_process_that_dies_is_reported(chip: HX711Emulator) -> None:
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    with sensor_for(chip) as sensor:
        sensor.start(samples.put, errors.put)
        samples.get(timeout=10.0)
        assert sensor._process is not None
        sensor._process._child.kill()
        error = errors.get(timeout=5.0)
        sensor.stop()
    assert "reader process stopped" in str(error)


def test_the_clock_stays_driven_low_while_the_process_takes_over(chip: HX711Emulator) -> None:
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    with sensor_for(chip) as sensor:
        sensor.start(samples.put)
        # Until (and after) the child claims it, PD_SCK is an output held low here.
        assert chip.sck.function == "output" and not chip.sck.state
        samples.get(timeout=10.0)
        assert chip.sck.function == "output" and not chip.sck.state
        sensor.stop()

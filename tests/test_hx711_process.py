"""The HX711 reader in an acquisition process of its own (``acquisition="process"``).

The child process gets its own emulated chip through ``child_setup`` (a spawned process
cannot share the parent's mock pins); the parent keeps one too, for the reads it does
itself before and after.
"""

from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import HX711Emulator, fresh_mock_factory

from trainer.calibration import Calibration
from trainer.sensors import priority as priority_module
from trainer.sensors.base import Sample, SensorDisconnected, SensorError
from trainer.sensors.hx711 import HX711Sensor
from trainer.sensors.priority import Priority, probe_priority, raise_priority

CHILD = "hx711_emulator:child_chip"


@pytest.fixture
def chip() -> Iterator[HX711Emulator]:
    for factory in fresh_mock_factory():
        assert isinstance(factory, MockFactory)
        with HX711Emulator(factory) as made:  # the same bounds as the child's chip
            yield made


def sensor_for(chip: HX711Emulator, child_setup: str = CHILD) -> HX711Sensor:
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
        child_setup=child_setup,
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


# -- the process's priority -------------------------------------------------------------------
def test_the_acquisition_process_asks_for_its_priority_and_says_what_it_got(
    chip: HX711Emulator,
) -> None:
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    with sensor_for(chip) as sensor:
        sensor.start(samples.put)
        process = sensor._process
        assert process is not None
        assert process.prioritised.wait(10.0)
        pid = process._child.pid
        # What the kernel really gave the process's main thread (the reader's threads
        # start from it), read from outside.
        policy = os.sched_getscheduler(pid)
        rt_priority = os.sched_getparam(pid).sched_priority
        nice = os.getpriority(os.PRIO_PROCESS, pid)
        samples.get(timeout=10.0)
        described = sensor.describe()["acquisition_priority"]
        sensor.stop()
    granted = sensor.acquisition_priority
    assert granted is not None
    # It got what this user may have: asked here, the same request gets the same answer.
    assert granted.policy == probe_priority().policy
    if granted.policy == "SCHED_RR":
        assert (policy, rt_priority) == (os.SCHED_RR, priority_module.REALTIME_PRIORITY)
    elif granted.policy == "nice":
        assert policy == os.SCHED_OTHER and nice == granted.value < 0
    else:
        assert policy == os.SCHED_OTHER and nice >= 0
    assert described == granted.describe()


def test_a_refused_priority_is_reported_and_reading_goes_on(
    chip: HX711Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    caplog.set_level(logging.WARNING, logger="trainer.sensors.hx711.process")
    with sensor_for(chip, "hx711_emulator:child_chip_refused_priority") as sensor:
        sensor.start(samples.put)
        first = samples.get(timeout=10.0)
        assert sensor._process is not None and sensor._process.prioritised.wait(10.0)
        samples.get(timeout=1.0)  # and it keeps reading
        sensor.stop()
    granted = sensor.acquisition_priority
    assert first.force_n == pytest.approx(20.0, abs=0.5)
    assert granted == Priority("normal", 0, "real-time not permitted; nice -10 not permitted")
    assert granted.describe() == (
        "normal priority (real-time not permitted; nice -10 not permitted)"
    )
    assert "reader runs at normal priority" in caplog.text
    assert "trainer doctor" in caplog.text


def _kernel(
    monkeypatch: pytest.MonkeyPatch, *, max_rt: int, min_nice: int, limits: dict[str, int]
) -> list[tuple[str, int]]:
    """A kernel that grants real-time up to ``max_rt`` and nice down to ``min_nice``."""
    asked: list[tuple[str, int]] = []

    def sched_setscheduler(pid: int, policy: int, param: os.sched_param) -> None:
        asked.append(("rt", param.sched_priority))
        if param.sched_priority > max_rt:
            raise PermissionError(1, "Operation not permitted")

    def setpriority(which: int, who: int, nice: int) -> None:
        asked.append(("nice", nice))
        if nice < min_nice:
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", sched_setscheduler)
    monkeypatch.setattr(os, "setpriority", setpriority)
    monkeypatch.setattr(priority_module, "_soft_limit", lambda name: limits.get(name, 0))
    return asked


def test_real_time_is_asked_for_first(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _kernel(monkeypatch, max_rt=99, min_nice=-20, limits={})
    assert raise_priority() == Priority("SCHED_RR", 10)
    assert asked == [("rt", 10)]


def test_an_rtprio_limit_below_ours_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _kernel(monkeypatch, max_rt=5, min_nice=0, limits={"RLIMIT_RTPRIO": 5})
    assert raise_priority() == Priority("SCHED_RR", 5)
    assert asked == [("rt", 10), ("rt", 5)]


def test_without_real_time_a_lower_nice_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _kernel(monkeypatch, max_rt=0, min_nice=-10, limits={})
    granted = raise_priority()
    assert granted == Priority("nice", -10, "real-time not permitted")
    assert granted.raised and granted.describe() == "nice -10 (real-time not permitted)"
    assert asked == [("rt", 10), ("nice", -10)]


def test_a_nice_limit_above_ours_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # RLIMIT_NICE 25 lets this user go down to nice -5.
    _kernel(monkeypatch, max_rt=0, min_nice=-5, limits={"RLIMIT_NICE": 25})
    assert raise_priority() == Priority("nice", -5, "real-time not permitted")


def test_nothing_granted_is_normal_priority_with_the_reasons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _kernel(monkeypatch, max_rt=0, min_nice=0, limits={})
    granted = raise_priority()
    assert not granted.raised
    assert granted.describe() == (
        "normal priority (real-time not permitted; nice -10 not permitted)"
    )


def test_the_probe_leaves_the_caller_as_it_was() -> None:
    before = (os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0))
    probe_priority()
    assert (os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, 0)) == before

"""The sensor contract, with the HX711 backend on an emulated chip beside the simulated one.

The same assertions run for each backend, so the live screen can treat them alike.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from hx711_emulator import RELAXED_S, HX711Emulator, fresh_mock_factory

from trainer.calibration import Calibration
from trainer.sensors import backend_class
from trainer.sensors.base import Sample, Sensor
from trainer.sensors.hx711 import HX711Sensor
from trainer.sensors.simulated import ManualIntent, SimulatedSensor

LOAD_N = 25.0


def simulated() -> Iterator[Sensor]:
    intent = ManualIntent()
    intent.set(LOAD_N)
    sensor = SimulatedSensor(intent, seed=1, speed=0)
    with sensor:
        for _ in range(120):  # let the simulated hand reach the load
            sensor.read()
        yield sensor


def hx711() -> Iterator[Sensor]:
    for factory in fresh_mock_factory():
        with HX711Emulator(factory, power_down_after_s=RELAXED_S) as chip:
            chip.force_n = LOAD_N
            calibration = Calibration(
                created=datetime.now(UTC).replace(microsecond=0),
                scale_counts_per_n=chip.counts_per_n,
                offset_counts=chip.zero_counts,
                capacity_n=490.0,
                noise_n=0.01,
            )
            with HX711Sensor(
                5, 6, 80, calibration=calibration, max_clock_high_s=RELAXED_S
            ) as sensor:
                yield sensor


BACKENDS: dict[str, Callable[[], Iterator[Sensor]]] = {"simulated": simulated, "hx711": hx711}


@pytest.fixture(params=sorted(BACKENDS))
def sensor(request: pytest.FixtureRequest) -> Iterator[Sensor]:
    yield from BACKENDS[request.param]()


def test_backend_is_registered_under_its_name(sensor: Sensor) -> None:
    assert backend_class(sensor.backend) is type(sensor)
    assert sensor.describe()["backend"] == sensor.backend
    assert sensor.describe()["rate_hz"] == 80


def test_read_gives_newtons_in_time_order_at_the_rate(sensor: Sensor) -> None:
    samples = [sensor.read(timeout_s=1.0) for _ in range(16)]
    times = [s.t_s for s in samples]
    assert times == sorted(times) and len(set(times)) == 16
    assert (times[-1] - times[0]) / 15 == pytest.approx(1 / 80, rel=0.25)
    assert all(abs(s.force_n - LOAD_N) < 2.0 for s in samples)
    assert all(s.counts is not None for s in samples)


def test_tare_zeroes_the_present_load(sensor: Sensor) -> None:
    for _ in range(10):
        sensor.read()
    sensor.tare()
    assert abs(sensor.read().force_n) < 1.0


def test_start_delivers_samples_from_its_own_thread_until_stopped(sensor: Sensor) -> None:
    delivered: queue.SimpleQueue[tuple[Sample, str]] = queue.SimpleQueue()
    sensor.start(lambda s: delivered.put((s, threading.current_thread().name)))
    first, thread_name = delivered.get(timeout=2.0)
    assert isinstance(first, Sample)
    assert thread_name != threading.current_thread().name
    with pytest.raises(RuntimeError, match="already started"):
        sensor.start(lambda s: None)
    sensor.stop()
    assert not sensor.running
    count = delivered.qsize()
    time.sleep(0.05)
    assert delivered.qsize() == count  # nothing arrives after stop()


def test_tare_while_running_uses_the_latest_readings(sensor: Sensor) -> None:
    delivered: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    sensor.start(delivered.put)
    for _ in range(10):
        delivered.get(timeout=2.0)
    sensor.tare()
    time.sleep(0.05)
    while not delivered.empty():
        delivered.get_nowait()
    after = delivered.get(timeout=2.0)
    sensor.stop()
    assert abs(after.force_n) < 1.0

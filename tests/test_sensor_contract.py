"""Every sensor backend keeps the same contract (one test per backend)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

import pytest

from trainer.sensors import BACKENDS, LOAD_CELL_BACKENDS, backend_class
from trainer.sensors.base import EndOfStream, Sample, Sensor, SensorError, SensorTimeout
from trainer.sensors.replay import ReplaySensor
from trainer.sensors.simulated import ManualIntent, SimulatedSensor


def simulated() -> Sensor:
    intent = ManualIntent()
    intent.set(25.0)
    return SimulatedSensor(intent, seed=1, speed=0)


def replay() -> Sensor:
    samples = [Sample(i / 80, 25.0 + (i % 3) * 0.1, 70000 + i) for i in range(2000)]
    return ReplaySensor(samples, speed=0)


FACTORIES: dict[str, Callable[[], Sensor]] = {"simulated": simulated, "replay": replay}


@pytest.fixture(params=sorted(FACTORIES))
def sensor(request: pytest.FixtureRequest) -> Sensor:
    made = FACTORIES[request.param]()
    with made:
        yield made


def test_backend_is_registered_under_its_name(sensor: Sensor) -> None:
    assert backend_class(sensor.backend) is type(sensor)
    assert sensor.describe()["backend"] == sensor.backend


def test_read_gives_samples_in_time_order(sensor: Sensor) -> None:
    samples = [sensor.read(timeout_s=1.0) for _ in range(50)]
    times = [s.t_s for s in samples]
    assert times == sorted(times) and len(set(times)) == 50
    assert times[1] - times[0] == pytest.approx(1 / sensor.rate_hz, rel=0.01)


def test_tare_zeroes_the_present_load(sensor: Sensor) -> None:
    for _ in range(400):
        sensor.read()
    sensor.tare()
    assert abs(sensor.read().force_n) < 1.0


def test_start_delivers_every_sample_from_its_own_thread_until_stopped(sensor: Sensor) -> None:
    delivered: queue.SimpleQueue[tuple[Sample, str]] = queue.SimpleQueue()
    sensor.start(lambda s: delivered.put((s, threading.current_thread().name)))
    first, thread_name = delivered.get(timeout=2.0)
    assert isinstance(first, Sample)
    assert thread_name != threading.current_thread().name
    sensor.stop()
    assert not sensor.running
    count = delivered.qsize()
    threading.Event().wait(0.05)
    assert delivered.qsize() == count  # nothing arrives after stop()


def slow_simulated() -> Sensor:
    return SimulatedSensor(ManualIntent(), rate_hz=80, speed=0.01)


def slow_replay() -> Sensor:
    return ReplaySensor([Sample(10 + i / 80, 25.0) for i in range(10)], speed=0.01)


@pytest.mark.parametrize("make", [slow_simulated, slow_replay], ids=["simulated", "replay"])
def test_a_paced_source_says_a_sample_is_not_due_and_stops_waiting_when_stopped(
    make: Callable[[], Sensor],
) -> None:
    with make() as sensor:
        sensor.read(timeout_s=0.5)  # the first sample is due at once
        # at a hundredth of real time the next is 1.25 s away
        with pytest.raises(SensorTimeout, match="not due yet"):
            sensor.read(timeout_s=0.5)
        threading.Timer(0.1, sensor.stop).start()
        began = time.monotonic()
        with pytest.raises(SensorTimeout, match="acquisition stopped"):
            sensor.read(timeout_s=5.0)
        assert time.monotonic() - began < 1.0


def test_a_running_sensor_cannot_be_started_twice() -> None:
    with SimulatedSensor(ManualIntent(), speed=1) as sensor:
        sensor.start(lambda s: None)
        with pytest.raises(RuntimeError, match="already started"):
            sensor.start(lambda s: None)


def test_errors_go_to_on_error_and_acquisition_carries_on() -> None:
    class Flaky(SimulatedSensor):
        calls = 0

        def read(self, timeout_s: float = 1.0) -> Sample:
            self.calls += 1
            if self.calls == 3:
                raise SensorError("loose wire")
            return super().read(timeout_s)

    sensor = Flaky(ManualIntent(), speed=0)
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    sensor.start(samples.put, errors.put)
    assert "loose wire" in str(errors.get(timeout=2.0))
    for _ in range(5):
        samples.get(timeout=2.0)
    sensor.close()


def test_replay_ends_with_end_of_stream_and_keeps_timing() -> None:
    recorded = [Sample(10 + i / 80, float(i)) for i in range(3)]
    sensor = ReplaySensor(recorded, speed=0)
    assert [sensor.read().force_n for _ in range(3)] == [0.0, 1.0, 2.0]
    with pytest.raises(EndOfStream):
        sensor.read()
    assert sensor.rate_hz == pytest.approx(80)


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(
        SensorError,
        match="choose one of: hx711-gpio, hx711-iio, hx711-spi, nau7802, replay, simulated",
    ):
        backend_class("usb")
    assert set(BACKENDS) >= {"simulated", "replay", *LOAD_CELL_BACKENDS}
    assert backend_class("hx711") is backend_class("hx711-gpio")  # the older name

"""The sensor contract for every load cell backend, beside the simulated one.

The same assertions run for each backend, so the live screen can treat them alike;
each load cell backend also reports a dead device as SensorDisconnected within a
second and resumes by itself when it answers again.
"""

from __future__ import annotations

import itertools
import queue
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_iio import FakeIIOHX711
from fake_smbus2 import NAU7802Chip, fake_smbus2_module
from fake_spidev import fake_spidev_module, install_fake_pinctrl
from hx711_emulator import (
    HX711Chip,
    HX711Emulator,
    fresh_mock_factory,
)

from trainer.calibration import Calibration
from trainer.sensors import LOAD_CELL_BACKENDS, backend_class
from trainer.sensors.base import Sample, Sensor, SensorDisconnected, SensorError
from trainer.sensors.hx711 import HX711Sensor
from trainer.sensors.hx711.iio import HX711IIOSensor
from trainer.sensors.hx711.spi import HX711SpiSensor
from trainer.sensors.nau7802 import NAU7802Sensor
from trainer.sensors.simulated import ManualIntent, SimulatedSensor

LOAD_N = 25.0


@dataclass
class Rig:
    """A backend under test, and how to make its device die and come back."""

    sensor: Sensor
    kill: Callable[[], None] = field(default=lambda: None)
    revive: Callable[[], None] = field(default=lambda: None)


def calibration_for(chip: HX711Chip) -> Calibration:
    return Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=0.01,
    )


def simulated() -> Iterator[Rig]:
    intent = ManualIntent()
    intent.set(LOAD_N)
    sensor = SimulatedSensor(intent, seed=1, speed=0)
    with sensor:
        for _ in range(120):  # let the simulated hand reach the load
            sensor.read()
        yield Rig(sensor)


def hx711_gpio() -> Iterator[Rig]:
    for factory in fresh_mock_factory():
        with HX711Emulator(factory) as chip:
            chip.force_n = LOAD_N
            with HX711Sensor(5, 6, 80, calibration=calibration_for(chip)) as sensor:
                yield Rig(sensor, chip.disconnect, chip.reconnect)


def hx711_spi() -> Iterator[Rig]:
    with HX711Chip() as chip:  # the datasheet's 60 us: SPI's pulses are 1 us
        chip.force_n = LOAD_N
        previous = sys.modules.get("spidev")
        sys.modules["spidev"] = fake_spidev_module(chip)
        try:
            with HX711SpiSensor(80, calibration=calibration_for(chip)) as sensor:
                yield Rig(sensor, chip.disconnect, chip.reconnect)
        finally:
            if previous is None:
                del sys.modules["spidev"]
            else:
                sys.modules["spidev"] = previous


def hx711_spi_power_down() -> Iterator[Rig]:
    """hx711-spi with power-down between sessions: GPIO10 on a MockFactory, a fake pinctrl.

    The session is opened after a first one that left PD_SCK held high (the chip asleep).
    """
    import os

    from trainer.sensors.hx711.spi import release_held_clocks

    for factory in fresh_mock_factory():
        with HX711Chip() as chip, tempfile.TemporaryDirectory() as folder:
            chip.force_n = LOAD_N
            module = fake_spidev_module(chip)
            module.bus.wire_mosi(factory)  # type: ignore[attr-defined]
            install_fake_pinctrl(Path(folder), module.bus)  # type: ignore[attr-defined]
            previous = sys.modules.get("spidev"), os.environ.get("PATH", "")
            sys.modules["spidev"] = module
            os.environ["PATH"] = folder
            try:
                made = HX711SpiSensor(
                    80, calibration=calibration_for(chip), power_down_between_sessions=True
                )
                with made:
                    made.read_raw(timeout=1.0)
                time.sleep(0.005)
                assert chip.powered_down  # the first session left PD_SCK held high
                with made as sensor:
                    yield Rig(sensor, chip.disconnect, chip.reconnect)
            finally:
                release_held_clocks()
                os.environ["PATH"] = previous[1]
                if previous[0] is None:
                    del sys.modules["spidev"]
                else:
                    sys.modules["spidev"] = previous[0]


def nau7802() -> Iterator[Rig]:
    chip = NAU7802Chip()
    chip.force_n = LOAD_N
    previous = sys.modules.get("smbus2")
    sys.modules["smbus2"] = fake_smbus2_module(chip)
    calibration = Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=chip.counts_per_n,
        offset_counts=chip.zero_counts,
        capacity_n=490.0,
        noise_n=0.01,
    )
    try:
        with NAU7802Sensor(80, calibration=calibration) as sensor:
            yield Rig(sensor, chip.stop_answering, chip.come_back)
    finally:
        if previous is None:
            del sys.modules["smbus2"]
        else:
            sys.modules["smbus2"] = previous


def hx711_iio() -> Iterator[Rig]:
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeIIOHX711(Path(folder), dead_wait_s=0.3) as fake,
    ):
        fake.force_n = LOAD_N
        calibration = Calibration(
            created=datetime.now(UTC).replace(microsecond=0),
            scale_counts_per_n=fake.counts_per_n,
            offset_counts=fake.zero_counts,
            capacity_n=490.0,
            noise_n=0.01,
        )

        def kill() -> None:
            fake.alive = False

        def revive() -> None:
            fake.alive = True

        with HX711IIOSensor(80, calibration=calibration, root=Path(folder)) as sensor:
            yield Rig(sensor, kill, revive)


RIGS: dict[str, Callable[[], Iterator[Rig]]] = {
    "simulated": simulated,
    "hx711-gpio": hx711_gpio,
    "hx711-spi": hx711_spi,
    "hx711-spi-power-down": hx711_spi_power_down,
    "nau7802": nau7802,
    "hx711-iio": hx711_iio,
}


@pytest.fixture(params=sorted(RIGS))
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    yield from RIGS[request.param]()


@pytest.fixture
def sensor(rig: Rig) -> Sensor:
    return rig.sensor


def test_every_load_cell_backend_is_in_the_contract() -> None:
    assert set(LOAD_CELL_BACKENDS) <= set(RIGS)


def test_backend_is_registered_under_its_name(sensor: Sensor) -> None:
    assert backend_class(sensor.backend) is type(sensor)
    assert sensor.describe()["backend"] == sensor.backend
    assert sensor.describe()["rate_hz"] == 80


def test_read_gives_newtons_in_time_order_at_the_rate(sensor: Sensor) -> None:
    samples = [sensor.read(timeout_s=1.0) for _ in range(16)]
    times = [s.t_s for s in samples]
    assert times == sorted(times) and len(set(times)) == 16
    # The median spacing: a test thread preempted for a while misses a conversion or two
    # and sees the next at once, which moves the mean, not the chip's rate.
    spacing = statistics.median(b - a for a, b in itertools.pairwise(times))
    assert spacing == pytest.approx(1 / 80, rel=0.25)
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


@pytest.fixture(params=[name for name in sorted(RIGS) if name != "simulated"])
def load_cell(request: pytest.FixtureRequest) -> Iterator[Rig]:
    yield from RIGS[request.param]()


def test_a_dead_device_is_reported_within_a_second_and_reading_resumes(load_cell: Rig) -> None:
    rig = load_cell
    samples: queue.SimpleQueue[Sample] = queue.SimpleQueue()
    errors: queue.SimpleQueue[SensorError] = queue.SimpleQueue()
    rig.sensor.start(samples.put, errors.put)
    samples.get(timeout=2.0)
    rig.kill()
    died = time.monotonic()
    error = errors.get(timeout=2.0)
    noticed_s = time.monotonic() - died
    rig.revive()
    time.sleep(0.1)
    while not samples.empty():
        samples.get_nowait()
    after = [samples.get(timeout=3.0) for _ in range(5)]
    rig.sensor.stop()
    assert isinstance(error, SensorDisconnected), error
    assert noticed_s < 1.0
    assert all(abs(s.force_n - LOAD_N) < 2.0 for s in after)

"""The tests' own timing bounds: relaxed for every test, the datasheet's where marked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory
from hx711_emulator import (
    POWER_DOWN_AFTER_S,
    RELAXED_POWER_DOWN_S,
    RELAXED_S,
    HX711Chip,
    HX711Emulator,
    fresh_mock_factory,
)

from trainer.sensors import detect
from trainer.sensors.hx711 import HX711Sensor, protocol
from trainer.sensors.hx711.spi import HX711SpiSensor


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    yield from fresh_mock_factory()


def bounds(pins: MockFactory) -> dict[str, float]:
    with HX711Emulator(pins) as gpio_chip, HX711Chip() as spi_chip:
        return {
            "gpio reader": HX711Sensor(5, 6, 80).max_clock_high_s,
            "spi reader": HX711SpiSensor(80).max_clock_high_s,
            "doctor": protocol.SAFE_CLOCK_HIGH_S,
            "pin timing probe": detect.SAFE_CLOCK_HIGH_S,
            "chip on mock pins": gpio_chip.power_down_after_s,
            "chip on SPI": spi_chip.power_down_after_s,
        }


def test_every_reader_and_chip_on_mock_pins_gets_the_relaxed_bounds(pins: MockFactory) -> None:
    assert bounds(pins) == {
        "gpio reader": RELAXED_S,
        "spi reader": RELAXED_S,
        "doctor": RELAXED_S,
        "pin timing probe": RELAXED_S,
        "chip on mock pins": RELAXED_POWER_DOWN_S,
        # SPI's pulses are the controller's, 1 us long: no test machine can stretch them.
        "chip on SPI": POWER_DOWN_AFTER_S,
    }
    # The guard stays inside the power-down, as 50 us is inside 60 us on the real chip.
    assert RELAXED_S < RELAXED_POWER_DOWN_S


@pytest.mark.datasheet_timing
def test_a_test_marked_datasheet_timing_gets_the_real_bounds(pins: MockFactory) -> None:
    real = bounds(pins)
    assert real["gpio reader"] == real["spi reader"] == real["doctor"] == 50e-6
    assert real["pin timing probe"] == 50e-6
    assert real["chip on mock pins"] == real["chip on SPI"] == 60e-6

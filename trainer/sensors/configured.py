"""The load cell the config file names: built, opened and checked in one place.

``[sensor] backend`` chooses the backend (``hx711-gpio``, ``hx711-spi``, ``nau7802`` or
``hx711-iio``); ``[hx711]`` holds the load cell's rate, channel, gain and, for the GPIO
reader, its pins. ``trainer run``, ``trainer calibrate`` and ``trainer doctor`` all get
their sensor here, so each works with every backend.

Example::

    sensor = open_calibrated()           # the config's backend, calibrated, answering
    print(sensor.read().force_n)
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from trainer.sensors.base import (
    SensorDisconnected,
    SensorError,
    SensorNotCalibrated,
    SensorTimeout,
)

if TYPE_CHECKING:
    from trainer.calibration import Calibration
    from trainer.config import Config
    from trainer.sensors.loadcell import LoadCellSensor


def load_cell_from_config(
    config: Config,
    calibration: Calibration | None = None,
    *,
    zero_tracking: bool = True,
    ready_timeout_s: float | None = None,
) -> LoadCellSensor:
    """The configured backend's sensor, not yet opened."""
    hx, sensor = config.hx711, config.sensor
    common: dict[str, Any] = {
        "calibration": calibration,
        "zero_tracking": zero_tracking,
        "ready_timeout_s": ready_timeout_s,
        "gain": hx.gain,
    }
    if sensor.backend == "hx711-spi":
        from trainer.sensors.hx711.spi import HX711SpiSensor

        return HX711SpiSensor(
            hx.rate_hz,
            bus=sensor.spi_bus,
            device=sensor.spi_device,
            channel=hx.channel,
            power_down_between_sessions=sensor.power_down_between_sessions,
            **common,
        )
    if sensor.backend == "nau7802":
        from trainer.sensors.nau7802 import NAU7802Sensor

        return NAU7802Sensor(hx.rate_hz, bus=sensor.i2c_bus, **common)
    if sensor.backend == "hx711-iio":
        from trainer.sensors.hx711.iio import HX711IIOSensor

        return HX711IIOSensor(hx.rate_hz, channel=hx.channel, **common)
    from trainer.sensors.hx711.reader import HX711Sensor

    return HX711Sensor(
        hx.data_pin,
        hx.clock_pin,
        hx.rate_hz,
        channel=hx.channel,
        acquisition=hx.acquisition,
        **common,
    )


def wiring(config: Config) -> tuple[str, str]:
    """The configured chip and where it is wired, in the words of hardware/README.md."""
    hx, sensor = config.hx711, config.sensor
    if sensor.backend == "hx711-spi":
        return "HX711", (
            f"on /dev/spidev{sensor.spi_bus}.{sensor.spi_device} "
            "(PD_SCK on MOSI GPIO10, DOUT on MISO GPIO9)"
        )
    if sensor.backend == "nau7802":
        return "NAU7802", f"at 0x2A on /dev/i2c-{sensor.i2c_bus} (SDA GPIO2, SCL GPIO3)"
    if sensor.backend == "hx711-iio":
        return "HX711", "through the kernel's IIO hx711 driver"
    return "HX711", f"on DT {_pin_text(hx.data_pin)} / SCK {_pin_text(hx.clock_pin)}"


def _pin_text(pin: int | str) -> str:
    return f"GPIO{pin}" if isinstance(pin, int) else str(pin)


def open_load_cell(config: Config, calibration: Calibration | None = None) -> LoadCellSensor:
    """The configured load cell, opened and answering (one conversion read).

    Raises :class:`SensorDisconnected` (nothing answers: check the wiring),
    :class:`~trainer.sensors.base.SensorTooSlow` (this Pi cannot clock it) or
    :class:`SensorError`, each with one sentence that says what to do.
    """
    sensor = load_cell_from_config(config, calibration)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gpiozero's pin-library fallbacks: the error says it
        sensor.open()
    try:
        sensor.read_raw(timeout=2 * _ready_timeout(sensor))
    except (SensorDisconnected, SensorTimeout):
        sensor.close()
        chip, where = wiring(config)
        raise SensorDisconnected(
            f"no {chip} answers {where}; check the wiring (hardware/README.md) "
            "or run 'trainer doctor'"
        ) from None
    except SensorError:
        sensor.close()
        raise
    return sensor


def _ready_timeout(sensor: LoadCellSensor) -> float:
    return float(getattr(sensor, "ready_timeout_s", 0.5))


def with_backend(config: Config, name: str | None) -> Config:
    """``config`` reading through the backend ``name`` (for this run only); as is for None.

    Raises :class:`SensorError` naming the valid names for an unknown ``name``.
    """
    from dataclasses import replace

    from trainer.sensors import ALIASES, LOAD_CELL_NAMES

    if name is None:
        return config
    if name not in LOAD_CELL_NAMES:
        raise SensorError(
            f"unknown load cell backend {name!r}; choose one of: {', '.join(LOAD_CELL_NAMES)}"
        )
    return replace(config, sensor=replace(config.sensor, backend=ALIASES.get(name, name)))


def open_calibrated(config: Config | None = None) -> LoadCellSensor:
    """The load cell named by the config, calibrated and answering, opened.

    Raises :class:`SensorNotCalibrated`, :class:`SensorDisconnected` or
    :class:`SensorError`, each with one sentence that says what to do.
    """
    from trainer.calibration import load_calibration
    from trainer.config import load_config

    config = config or load_config()
    hx = config.hx711
    calibration = load_calibration(config.calibration_path)
    if not calibration.matches(hx.channel, hx.gain, config.sensor.adc):
        raise SensorNotCalibrated(
            f"the load cell was calibrated with the {calibration.adc.upper()} on channel "
            f"{calibration.channel} at gain {calibration.gain}, but the config file says the "
            f"{config.sensor.adc.upper()} on channel {hx.channel} at gain {hx.gain}; "
            "run 'trainer calibrate' again"
        )
    return open_load_cell(config, calibration)


__all__ = [
    "load_cell_from_config",
    "open_calibrated",
    "open_load_cell",
    "wiring",
    "with_backend",
]

"""``open_calibrated``: the configured load cell, calibrated and answering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.sensors.base import SensorDisconnected, SensorError, SensorNotCalibrated, SensorTimeout
from trainer.sensors.hx711.reader import HX711Sensor, _pin_text

if TYPE_CHECKING:
    from trainer.config import Config


def open_calibrated(config: Config | None = None) -> HX711Sensor:
    """The load cell named by the config, calibrated and answering, opened.

    Raises :class:`SensorNotCalibrated`, :class:`SensorDisconnected` or
    :class:`SensorError`, each with one sentence that says what to do.
    """
    from trainer.calibration import load_calibration
    from trainer.config import load_config

    config = config or load_config()
    hx = config.hx711
    calibration = load_calibration(config.calibration_path)
    if not calibration.matches(hx.channel, hx.gain):
        raise SensorNotCalibrated(
            f"the load cell was calibrated on channel {calibration.channel} at gain "
            f"{calibration.gain}, but the config file says channel {hx.channel} at gain "
            f"{hx.gain}; run 'trainer calibrate' again"
        )
    sensor = HX711Sensor(
        hx.data_pin,
        hx.clock_pin,
        hx.rate_hz,
        channel=hx.channel,
        gain=hx.gain,
        calibration=calibration,
        acquisition=hx.acquisition,
    )
    sensor.open()
    try:
        sensor.read_raw(timeout=2 * sensor.ready_timeout_s)
    except SensorError as error:
        sensor.close()
        if isinstance(error, SensorDisconnected | SensorTimeout):
            raise SensorDisconnected(
                f"no HX711 answers on DT {_pin_text(hx.data_pin)} / SCK "
                f"{_pin_text(hx.clock_pin)}; check the wiring (hardware/README.md) or run "
                "'trainer doctor'"
            ) from None
        raise
    return sensor

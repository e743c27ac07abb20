"""The real load cell: an HX711 24-bit ADC, clocked over GPIO or SPI.

One module per part: ``protocol`` (the chip's serial protocol, shared), ``reader`` (the
GPIO bit reader, :class:`HX711Sensor`, backend ``hx711-gpio``), ``spi`` (the
SPI-clocked reader, :class:`HX711SpiSensor`, ``hx711-spi``), ``iio`` (the kernel's IIO
driver, ``hx711-iio``), ``process`` (the GPIO reader's acquisition process),
and ``factory`` (the pin factory and the driver class). Which backend a Pi uses is
the config file's choice: ``trainer.sensors.configured`` builds it.

Example::

    sensor = HX711Sensor(data_pin=5, clock_pin=6, rate_hz=80, calibration=calibration)
    with sensor:
        counts = sensor.read_raw(timeout=0.5)
        sample = sensor.read(timeout_s=0.5)      # newtons, via the calibration
"""

# The calibrated open serves every backend now; it lives in trainer.sensors.configured.
from trainer.sensors.configured import open_calibrated
from trainer.sensors.hx711.factory import _pin_factory as _pin_factory  # trainer doctor
from trainer.sensors.hx711.factory import adafruit_version, driver_class
from trainer.sensors.hx711.protocol import POWER_DOWN_AFTER_S, SAFE_CLOCK_HIGH_S, SETTLE_S
from trainer.sensors.hx711.reader import HX711Sensor, HX711Stats
from trainer.sensors.loadcell import to_signed

__all__ = [
    "POWER_DOWN_AFTER_S",
    "SAFE_CLOCK_HIGH_S",
    "SETTLE_S",
    "HX711Sensor",
    "HX711Stats",
    "adafruit_version",
    "driver_class",
    "open_calibrated",
    "to_signed",
]

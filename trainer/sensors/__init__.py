"""Force sensor backends behind one interface, chosen by name in one place.

``backend_class("simulated")`` returns the class; backends that need hardware-only
packages (``hx711-spi`` needs spidev, ``nau7802`` smbus2) are imported only when asked
for, and import those packages only when opened, so simulation never needs them.
"""

from __future__ import annotations

from importlib import import_module

from trainer.sensors.base import Sensor, SensorError

#: backend name -> "module:Class"; the only place that knows every backend
BACKENDS: dict[str, str] = {
    "simulated": "trainer.sensors.simulated:SimulatedSensor",
    "replay": "trainer.sensors.replay:ReplaySensor",
    "hx711-gpio": "trainer.sensors.hx711.reader:HX711Sensor",
    "hx711-spi": "trainer.sensors.hx711.spi:HX711SpiSensor",
    "hx711-iio": "trainer.sensors.hx711.iio:HX711IIOSensor",
    "nau7802": "trainer.sensors.nau7802:NAU7802Sensor",
}
#: other names accepted for a backend (older config files and records say "hx711")
ALIASES: dict[str, str] = {"hx711": "hx711-gpio"}
#: the backends that read a load cell through an ADC on this computer
LOAD_CELL_BACKENDS = ("hx711-gpio", "hx711-spi", "nau7802", "hx711-iio")
#: every name a user may give for a load cell backend (``--sensor``, ``[sensor] backend``)
LOAD_CELL_NAMES = tuple(
    sorted((*LOAD_CELL_BACKENDS, *(a for a, b in ALIASES.items() if b in LOAD_CELL_BACKENDS)))
)


def backend_class(name: str) -> type[Sensor]:
    """The sensor class registered under ``name``."""
    try:
        target = BACKENDS[ALIASES.get(name, name)]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise SensorError(f"unknown sensor backend {name!r}; choose one of: {known}") from None
    module_name, _, class_name = target.partition(":")
    cls: type[Sensor] = getattr(import_module(module_name), class_name)
    return cls


__all__ = [
    "ALIASES",
    "BACKENDS",
    "LOAD_CELL_BACKENDS",
    "LOAD_CELL_NAMES",
    "backend_class",
]

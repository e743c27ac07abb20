"""Force sensor backends behind one interface, chosen by name in one place.

``backend_class("simulated")`` returns the class; backends that need hardware-only
packages (``hx711``) are imported only when asked for, so simulation never needs them.
"""

from __future__ import annotations

from importlib import import_module

from trainer.sensors.base import (
    EndOfStream,
    Sample,
    SampleFlag,
    Sensor,
    SensorDisconnected,
    SensorError,
    SensorNotCalibrated,
    SensorTimeout,
    SensorTooSlow,
)

#: backend name -> "module:Class"; the only place that knows every backend
BACKENDS: dict[str, str] = {
    "simulated": "trainer.sensors.simulated:SimulatedSensor",
    "replay": "trainer.sensors.replay:ReplaySensor",
    "hx711": "trainer.sensors.hx711:HX711Sensor",
}


def backend_class(name: str) -> type[Sensor]:
    """The sensor class registered under ``name``."""
    try:
        target = BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise SensorError(f"unknown sensor backend {name!r}; choose one of: {known}") from None
    module_name, _, class_name = target.partition(":")
    cls: type[Sensor] = getattr(import_module(module_name), class_name)
    return cls


__all__ = [
    "BACKENDS",
    "EndOfStream",
    "Sample",
    "SampleFlag",
    "Sensor",
    "SensorDisconnected",
    "SensorError",
    "SensorNotCalibrated",
    "SensorTimeout",
    "SensorTooSlow",
    "backend_class",
]

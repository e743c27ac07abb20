"""The HX711 through the Linux kernel's IIO driver (``hx711-iio``), where a user built it.

drivers/iio/adc/hx711.c clocks the chip from the kernel with preemption off around
each pulse, so the pulses keep their timing on any Pi. Raspberry Pi kernels do not
ship it and there is no overlay: hardware/README.md says how to build the module and
describe the wiring in a device-tree overlay (``compatible = "avia,hx711"``,
``sck-gpios``, ``dout-gpios``, ``avdd-supply``). This backend is offered only where the
device exists: ``find_iio_device()`` looks for it by name under /sys/bus/iio/devices.

Reading ``in_voltage0_raw`` (channel A) or ``in_voltage1_raw`` (channel B) blocks in the
kernel until the next conversion (up to a second, then EIO) and returns it as offset
binary: the driver flips the sign bit (``value ^= 0x800000``), so ``raw ^ 0x800000`` is
the chip's two's complement code. Channel A's gain is chosen by writing one of
``in_voltage0_scale_available`` to ``in_voltage0_scale`` (the smaller scale is gain 128).

A reader thread does the blocking reads and hands each conversion over, so a chip
that stops answering is reported within ``ready_timeout_s`` even while the kernel
still waits for it.

Example::

    with HX711IIOSensor(rate_hz=80, calibration=calibration) as sensor:
        print(sensor.read().force_n)
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from trainer.sensors.base import SampleFlag, SensorDisconnected, SensorError
from trainer.sensors.hx711.protocol import check_settings
from trainer.sensors.loadcell import LoadCellSensor, default_ready_timeout_s, to_signed

if TYPE_CHECKING:
    from trainer.calibration import Calibration

#: where the kernel lists IIO devices
IIO_ROOT = Path("/sys/bus/iio/devices")
#: the driver's device name
DEVICE_NAME = "hx711"


def find_iio_device(root: Path = IIO_ROOT, name: str = DEVICE_NAME) -> Path | None:
    """The first ``iio:deviceN`` folder whose ``name`` is ``name``, or None."""
    try:
        candidates = sorted(root.glob("iio:device*"))
    except OSError:
        return None
    for device in candidates:
        try:
            if (device / "name").read_text(encoding="ascii").strip() == name:
                return device
        except OSError:
            continue
    return None


class HX711IIOSensor(LoadCellSensor):
    """An HX711 read through the kernel's IIO ``hx711`` driver.

    Example::

        with HX711IIOSensor(rate_hz=80) as sensor:
            counts = sensor.read_raw(timeout=0.5)
    """

    backend: ClassVar[str] = "hx711-iio"

    def __init__(
        self,
        rate_hz: float = 80,
        *,
        channel: str = "A",
        gain: int = 128,
        calibration: Calibration | None = None,
        zero_tracking: bool = True,
        ready_timeout_s: float | None = None,
        root: Path = IIO_ROOT,
    ) -> None:
        check_settings(rate_hz, channel, gain)
        super().__init__(rate_hz, calibration=calibration, zero_tracking=zero_tracking)
        self.channel = channel
        self.gain = gain
        self.root = root
        self.ready_timeout_s = ready_timeout_s or default_ready_timeout_s(rate_hz)
        self.device: Path | None = None
        # The latest conversion only, as the chip itself holds one: never a stale backlog.
        self._conversions: queue.Queue[tuple[float, int] | OSError] = queue.Queue(maxsize=1)
        self._reader: threading.Thread | None = None
        self._closing = threading.Event()

    @property
    def is_open(self) -> bool:
        return self._reader is not None

    @property
    def raw_path(self) -> Path:
        assert self.device is not None, "open the sensor first"
        return self.device / f"in_voltage{0 if self.channel == 'A' else 1}_raw"

    def open(self) -> None:
        """Find the IIO device, set channel A's gain, and start reading conversions."""
        if self.is_open:
            return
        device = find_iio_device(self.root)
        if device is None:
            raise SensorError(
                f"there is no IIO {DEVICE_NAME} device under {self.root}; build the kernel's "
                "hx711 module and load its overlay (hardware/README.md), or choose another "
                "backend in the config file"
            )
        self.device = device
        if self.channel == "A":
            self._set_gain(device)
        self._closing.clear()
        self._reader = threading.Thread(
            target=self._read_conversions, name="hx711-iio-reader", daemon=True
        )
        self._reader.start()
        self._opened_with_calibration()

    def _set_gain(self, device: Path) -> None:
        available = device / "in_voltage0_scale_available"
        try:
            scales = sorted(available.read_text(encoding="ascii").split(), key=float)
        except (OSError, ValueError):
            return  # an older driver without it reads at its default gain, 128
        if not scales:
            return
        wanted = scales[0] if self.gain == 128 else scales[-1]
        try:
            (device / "in_voltage0_scale").write_text(wanted, encoding="ascii")
        except OSError as error:
            raise SensorError(
                f"cannot set the HX711's gain through {device}/in_voltage0_scale "
                f"({error.strerror or error}); run as a user allowed to write it (a udev rule, "
                "hardware/README.md)"
            ) from None

    def close(self) -> None:
        """Stop acquiring and the reader thread (a read in the kernel ends within 1 s)."""
        super().close()
        reader, self._reader = self._reader, None
        if reader is None:
            return
        self._closing.set()
        reader.join(timeout=0.2)

    def describe(self) -> dict[str, Any]:
        return super().describe() | {
            "iio_device": str(self.device) if self.device else None,
            "channel": self.channel,
            "gain": self.gain,
        }

    # -- reading -------------------------------------------------------------------------
    def _read_conversions(self) -> None:
        path, handoff = self.raw_path, self._conversions
        while not self._closing.is_set():
            try:
                with path.open("rb") as raw:
                    text = raw.read()
                t_s = time.monotonic()
                if not text.strip():
                    raise OSError(5, "Input/output error")
                item: tuple[float, int] | OSError = (t_s, int(text))
            except OSError as error:
                item = error
                self._closing.wait(0.05)  # the kernel already waited; do not spin
            except ValueError:
                item = OSError(5, "unreadable value")
            if handoff.full():
                # Nobody took the last one: the newer conversion replaces it.
                with contextlib.suppress(queue.Empty):
                    handoff.get_nowait()
            handoff.put(item)

    def _next_conversion(self, timeout_s: float) -> tuple[int, float, SampleFlag]:
        last_error: OSError | None = None
        for until in self._polls(timeout_s):
            try:
                item = self._conversions.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                continue
            if isinstance(item, OSError):
                self.stats.bus_errors += 1
                last_error = item
                continue
            t_s, raw = item
            self.stats.conversions += 1
            self._lost = False
            counts, flags = self._judge_code(to_signed((raw & 0xFFFFFF) ^ 0x800000))
            return counts, t_s, flags
        raise self._disconnected(last_error)

    def _disconnected(self, error: OSError | None) -> SensorDisconnected:
        what = (
            f"the kernel's hx711 driver reports {error.strerror or error}"
            if error is not None
            else f"no data from the HX711 for {self.ready_timeout_s:.2f} s"
        )
        return self._lost_contact(
            what, f"{self.device}", "the load cell's wires and the board's 3.3 V supply"
        )

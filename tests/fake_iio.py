"""A fake IIO sysfs tree with the kernel's hx711 device, under a temporary folder.

``iio:device1/name`` says ``hx711`` (``iio:device0`` is another ADC, to be skipped);
``in_voltage0_raw`` and ``in_voltage1_raw`` are named pipes: a reader blocks until the
next conversion, as it does in the kernel driver, and gets the value as the driver
gives it (offset binary: the two's complement code with its sign bit flipped).
``in_voltage0_scale_available`` / ``in_voltage0_scale`` choose channel A's gain.

Faults: a dead chip (each read waits, then fails with no data, as the driver's EIO
after its one-second wait) and its return.

Example::

    with FakeIIOHX711(tmp_path) as fake:
        fake.force_n = 20.0
        with HX711IIOSensor(rate_hz=80, root=tmp_path) as sensor:
            sensor.read_raw(timeout=0.5)
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

#: the scales the driver offers for channel A with a 3.3 V AVDD (gain 128, gain 64)
SCALES = ("0.001536441", "0.003072882")


class FakeIIOHX711:
    """The device folder and a thread per channel that answers reads at the chip's rate."""

    def __init__(
        self,
        root: Path,
        *,
        rate_hz: float = 80,
        counts_per_n: float = 5000.0,
        zero_counts: float = 80_000.0,
        noise_counts: float = 40.0,
        dead_wait_s: float = 1.0,
        seed: int = 0,
    ) -> None:
        self.root = root
        self.rate_hz = rate_hz
        self.counts_per_n = counts_per_n
        self.zero_counts = zero_counts
        self.noise_counts = noise_counts
        self.dead_wait_s = dead_wait_s
        self.force_n = 0.0
        self.alive = True
        self.read_out = 0
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        other = root / "iio:device0"
        other.mkdir(parents=True)
        (other / "name").write_text("mcp3008\n")
        self.device = root / "iio:device1"
        self.device.mkdir()
        (self.device / "name").write_text("hx711\n")
        (self.device / "in_voltage0_scale_available").write_text(" ".join(SCALES) + "\n")
        (self.device / "in_voltage0_scale").write_text(SCALES[0] + "\n")
        self._threads = []
        for channel in (0, 1):
            fifo = self.device / f"in_voltage{channel}_raw"
            os.mkfifo(fifo)
            thread = threading.Thread(
                target=self._answer, args=(fifo, channel), name=f"fake-iio-{channel}", daemon=True
            )
            self._threads.append(thread)
        self._start = time.monotonic()

    @property
    def gain(self) -> int:
        scale = (self.device / "in_voltage0_scale").read_text().strip()
        return 128 if scale == SCALES[0] else 64

    def expected_counts(self) -> float:
        return self.zero_counts + self.force_n * self.counts_per_n

    def _code(self, channel: int) -> int:
        if channel == 1:
            value = -12_345.0
        else:
            value = self.expected_counts() * self.gain / 128
        value += self._rng.gauss(0, self.noise_counts)
        code = max(-0x800000, min(0x7FFFFF, round(value))) & 0xFFFFFF
        return code ^ 0x800000  # offset binary, as the driver returns it

    def _answer(self, fifo: Path, channel: int) -> None:
        period = 1.0 / self.rate_hz
        while not self._stop.is_set():
            # Wait for the next conversion first: with no writer between two
            # conversions, a reader sees the end of each value.
            elapsed = time.monotonic() - self._start
            next_conversion = self._start + (int(elapsed / period) + 1) * period
            if self._stop.wait(max(0.0, next_conversion - time.monotonic())):
                return
            fd = os.open(fifo, os.O_WRONLY)  # blocks until someone reads
            try:
                if self._stop.is_set():
                    return
                if not self.alive:
                    self._stop.wait(self.dead_wait_s)
                    continue  # closing with nothing written: the reader sees EIO
                with contextlib.suppress(BrokenPipeError):  # the reader gave up
                    os.write(fd, f"{self._code(channel)}\n".encode())
                    self.read_out += 1
            finally:
                os.close(fd)

    def __enter__(self) -> Self:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for channel, thread in enumerate(self._threads):
            fifo = self.device / f"in_voltage{channel}_raw"
            # Release a writer waiting for a reader (and a reader waiting for a writer).
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            thread.join(timeout=2.0)

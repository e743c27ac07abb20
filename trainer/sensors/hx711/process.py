"""The HX711's acquisition process: the reader on a GIL of its own, samples sent back.

``HX711Sensor(acquisition="process").start()`` hands its pins to a spawned process
(:func:`acquire_in_child`) that reads the chip and sends every sample, error and tare
result back through a pipe; :class:`ReaderProcess` is the parent's end of it. The live
screen then never holds the reader's GIL (see hardware/README.md).

The process first asks the kernel to run it ahead of the screen
(:func:`~trainer.sensors.priority.raise_priority`: real-time where permitted, else a
lower nice) and tells the parent what it got: :attr:`ReaderProcess.priority`. Being
refused is reported (``describe()``, the log, ``trainer doctor``), never fatal.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from trainer.sensors.base import (
    ErrorSink,
    Sample,
    SampleFlag,
    SampleSink,
    SensorDisconnected,
    SensorError,
    SensorTimeout,
    SensorTooSlow,
)

if TYPE_CHECKING:
    from trainer.sensors.hx711.reader import HX711Sensor
    from trainer.sensors.priority import Priority

log = logging.getLogger(__name__)


class ReaderProcess:
    """The parent's end of one acquisition process: its pipe and its receiver thread."""

    def __init__(self, sensor: HX711Sensor) -> None:
        self.sensor = sensor
        self._child: Any = None
        self._pipe: Any = None
        self._pipe_lock = threading.Lock()
        self._tared = threading.Event()
        self._stopping = threading.Event()
        self.thread: threading.Thread | None = None
        #: what the kernel granted the process (None until it has said)
        self.priority: Priority | None = None
        self.prioritised = threading.Event()  # set when ``priority`` is known

    def start(self, on_sample: SampleSink, on_error: ErrorSink | None) -> threading.Thread:
        """Spawn the process (the sensor has released its pins); return the receiver thread."""
        import multiprocessing

        # spawn, not fork: the parent has threads (Textual's, gpiozero's) a fork would copy
        # in whatever state they were.
        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe()
        child = context.Process(
            target=acquire_in_child,
            args=(self._child_params(), child_end, self.sensor.child_setup),
            name="hx711-acquisition",
            daemon=True,
        )
        child.start()
        child_end.close()
        self._child, self._pipe = child, parent_end
        self.thread = threading.Thread(
            target=self._receive, args=(on_sample, on_error), name="hx711-receiver", daemon=True
        )
        self.thread.start()
        return self.thread

    def stop(self) -> None:
        """Ask the process to stop and wait for it (killing it if it does not)."""
        child = self._child
        self._stopping.set()
        self._send(("stop",))
        thread, self.thread = self.thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        child.join(timeout=5.0)
        if child.is_alive():
            child.terminate()
            child.join(timeout=2.0)
        self._pipe.close()
        self._child = self._pipe = None

    def _child_params(self) -> dict[str, Any]:
        sensor = self.sensor
        return {
            "data_pin": sensor.data_pin,
            "clock_pin": sensor.clock_pin,
            "rate_hz": sensor.rate_hz,
            "channel": sensor.channel,
            "gain": sensor.gain,
            "calibration": sensor.calibration.to_dict() if sensor.calibration else None,
            "zero_counts": sensor.zero_counts,
            "zero_tracking": sensor.zero_tracking,
            "max_clock_high_s": sensor.max_clock_high_s,
            "ready_timeout_s": sensor.ready_timeout_s,
        }

    def _send(self, message: tuple[Any, ...]) -> None:
        # A child that is gone cannot be told anything; the receiver reports it.
        with self._pipe_lock, contextlib.suppress(OSError, ValueError):
            self._pipe.send(message)

    def tare(self) -> None:
        """Tare in the process, and wait for the zero it found."""
        self._tared.clear()
        self._send(("tare",))
        if not self._tared.wait(2.0):
            raise SensorError("the load cell did not answer the tare; try again")

    def _prioritised(self, granted: tuple[str, int, str]) -> None:
        from trainer.sensors.priority import Priority

        priority = self.priority = self.sensor.acquisition_priority = Priority(*granted)
        self.prioritised.set()
        if not priority.raised:
            log.warning(
                "the load cell's reader runs at %s: a busy screen may cost it conversions; "
                "see 'trainer doctor'",
                priority.describe(),
            )

    def _receive(self, on_sample: SampleSink, on_error: ErrorSink | None) -> None:
        from trainer.sensors.loadcell import ConversionStats

        pipe, child, sensor = self._pipe, self._child, self.sensor
        errors = {
            cls.__name__: cls
            for cls in (SensorDisconnected, SensorTimeout, SensorTooSlow, SensorError)
        }
        while True:
            try:
                if not pipe.poll(0.2):
                    if child.is_alive():
                        continue
                    raise EOFError
                message = pipe.recv()
            except (EOFError, OSError):
                # The child ended without saying goodbye: killed, or crashed.
                if on_error is not None and not self._stopping.is_set():
                    on_error(
                        SensorError(
                            "the load cell's reader process stopped; leave the session and "
                            "start it again"
                        )
                    )
                return
            kind = message[0]
            if kind == "s":
                _, t_s, force_n, counts, flags = message
                on_sample(Sample(t_s, force_n, counts, SampleFlag(flags)))
            elif kind == "e":
                if on_error is not None:
                    on_error(errors.get(message[1], SensorError)(message[2]))
            elif kind == "zero":
                sensor._set_zero(message[1])
                self._tared.set()
            elif kind == "priority":
                self._prioritised(message[1])
            elif kind == "end":
                sensor.stats.add(ConversionStats(**message[1]))
                sensor.child_report = message[2]
                return


def acquire_in_child(params: dict[str, Any], pipe: Any, setup: str | None) -> None:
    """The acquisition process: read the chip on its own GIL and send samples back."""
    import os
    from importlib import import_module

    from trainer.calibration import Calibration
    from trainer.sensors.hx711.reader import HX711Sensor
    from trainer.sensors.priority import raise_priority

    lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with lock, contextlib.suppress(OSError, ValueError):
            pipe.send(message)

    def on_sample(sample: Sample) -> None:
        send(("s", sample.t_s, sample.force_n, sample.counts, int(sample.flags)))

    def on_error(error: SensorError) -> None:
        send(("e", type(error).__name__, str(error)))

    reporter: Any = None
    sensor: HX711Sensor | None = None
    try:
        if setup:
            # Tests and benchmarks put an emulated chip on this process's mock pins.
            module_name, _, function = setup.partition(":")
            reporter = getattr(import_module(module_name), function)()
        # Before the reader's threads start: they inherit it.
        send(("priority", raise_priority().to_tuple()))
        calibration = params.pop("calibration")
        zero = params.pop("zero_counts")
        sensor = HX711Sensor(
            **params, calibration=Calibration.from_dict(calibration) if calibration else None
        )
        sensor.open()
        if zero is not None:
            sensor._set_zero(zero)
        sensor.start(on_sample, on_error)
        parent = os.getppid()
        while True:
            if pipe.poll(0.5):
                command = pipe.recv()[0]
                if command == "stop":
                    break
                if command == "tare":
                    try:
                        sensor.tare()
                    except SensorError as error:
                        on_error(error)
                    else:
                        send(("zero", sensor.zero_counts))
            elif os.getppid() != parent:
                break  # the trainer is gone: do not read on as an orphan
    except SensorError as error:
        on_error(error)
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        if sensor is not None:
            sensor.close()
        report = getattr(reporter, "report", None)
        send(("end", asdict(sensor.stats) if sensor else {}, report() if report else None))
        pipe.close()

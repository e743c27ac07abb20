"""Benchmark the load cell backends on emulated chips (tests/hx711_emulator.py and fakes).

Prints measured figures, never pass/fail.

The backend comparison (always run): each backend (``--backend``, default all three:
hx711-gpio, hx711-spi, nau7802) at each pin-write cost (``--pin-write-us``, default
0, 20 and 60 us: every mock GPIO write is slowed so, as on a Pi 5, a Pi 4 and a Zero 2W
from the published lgpio figures), with a background CPU load (``--load-procs``
busy processes, default one per CPU). For each it prints, side by side, the share of
conversions used (used / produced), how many corrupt values got through (a count off
the chip's value by more than 8 noise SDs) and the acquisition thread's CPU (cores).
Targets: hx711-spi and nau7802 at least 0.99 at every pin cost; hx711-gpio is shown as
it is. ``--json`` prints one JSON object per line instead (keys backend, pin_write_us,
used, corrupt, cpu, produced). The SPI and I2C libraries are faked at their boundary
(tests/fake_spidev.py, tests/fake_smbus2.py), so the real driver code runs, and the
fakes' own work is counted in the thread's CPU.

The GPIO reader's details (``--reader-details``):

* conversions used per conversion produced at 80 SPS, alone and while the live screen
  runs in the same process (the real Textual app, headless, fed by this very sensor;
  a stand-in redraw thread if the UI cannot be imported). Target 1.00, at least 0.95;
  the adafruit package's read() throws every other conversion away (0.50 at best);
* CPU seconds per second of the acquisition thread at 10 SPS (target under 0.05; a
  busy wait for data-ready costs 1.00), beside a busy-wait reader measured the same way;
* glitches caught versus injected: clock stalls (a preempted reader, the chip powers
  down mid-read) and bit errors in the top bits, and how many bad values got through.

The emulated chip uses the datasheet's 60 us power-down, so any preemption of the
reader with the clock high really corrupts the read, as on the Pi.

Run: python bench/hx711.py [--seconds 4] [--backend hx711-spi ...] [--pin-write-us 0 60]
     [--load-procs N] [--json] [--reader-details [--load auto|ui|standin]]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fake_smbus2 import NAU7802Chip, fake_smbus2_module  # noqa: E402
from fake_spidev import fake_spidev_module  # noqa: E402
from gpiozero import Device  # noqa: E402
from gpiozero.pins.mock import MockFactory  # noqa: E402
from hx711_emulator import HX711Chip, HX711Emulator  # noqa: E402

from trainer.calibration import Calibration  # noqa: E402
from trainer.sensors.hx711 import HX711Sensor  # noqa: E402
from trainer.sensors.hx711.spi import HX711SpiSensor  # noqa: E402
from trainer.sensors.loadcell import LoadCellSensor  # noqa: E402
from trainer.sensors.nau7802 import NAU7802Sensor  # noqa: E402

BACKENDS = ("hx711-gpio", "hx711-spi", "nau7802")
PIN_WRITE_US = (0.0, 20.0, 60.0)

SCALE = 5000.0
ZERO = 80_000.0
NOISE = 40.0


def fresh_chip(rate_hz: float) -> HX711Emulator:
    Device.pin_factory = MockFactory()
    return HX711Emulator(rate_hz=rate_hz, noise_counts=NOISE, counts_per_n=SCALE, zero_counts=ZERO)


def calibration() -> Calibration:
    return Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=SCALE,
        offset_counts=ZERO,
        capacity_n=490.0,
        noise_n=NOISE / SCALE,
    )


def thread_cpu_s(native_id: int) -> float:
    """CPU seconds a thread has used (Linux: /proc/self/task/<tid>/schedstat)."""
    with open(f"/proc/self/task/{native_id}/schedstat") as handle:
        return int(handle.read().split()[0]) / 1e9


def used_fraction(
    seconds: float, rate_hz: float, load: Callable[[HX711Sensor, float], str] | None = None
) -> tuple[float, dict[str, Any], str]:
    """Run the sensor's acquisition thread; return used/produced, stats and the load used."""
    with fresh_chip(rate_hz) as chip:
        chip.force_n = 20.0
        sensor = HX711Sensor(5, 6, rate_hz, calibration=calibration())
        sensor.open()
        time.sleep(0.2)  # past the power-on settling
        produced0, used0 = chip.stats.produced, sensor.stats.used
        late0, glitches0 = chip.stats.overwritten, sensor.stats.timing_glitches
        if load is None:
            count = [0]
            sensor.start(lambda s: count.__setitem__(0, count[0] + 1))
            time.sleep(seconds)
            sensor.stop()
            what = "none"
        else:
            what = load(sensor, seconds)
        sensor.close()
        produced = chip.stats.produced - produced0
        used = sensor.stats.used - used0
        stats = dict(vars(sensor.stats))
        lost = {
            "overwritten": chip.stats.overwritten - late0,
            "timing_glitches": sensor.stats.timing_glitches - glitches0,
        }
    return used / max(produced, 1), stats | lost | {"produced": produced, "used": used}, what


def used_fraction_process(
    seconds: float, load: Callable[[HX711Sensor, float], str] | None = None
) -> tuple[float, dict[str, Any], str]:
    """As :func:`used_fraction`, with the reader in its own process (its own emulated chip)."""
    Device.pin_factory = MockFactory()
    os.environ["HX711_EMULATOR_FORCE_N"] = "20"
    sensor = HX711Sensor(
        5,
        6,
        80,
        calibration=calibration(),
        acquisition="process",
        child_setup="hx711_emulator:child_chip",
    )
    sensor.open()
    if load is None:
        sensor.start(lambda s: None)
        time.sleep(seconds)
        sensor.stop()
        what = "none"
    else:
        what = load(sensor, seconds)
    sensor.close()
    report = sensor.child_report or {}
    produced = int(report.get("produced", 0))
    used = sensor.stats.used
    stats = dict(vars(sensor.stats)) | {
        "overwritten": report.get("overwritten", 0),
        "produced": produced,
        "used": used,
    }
    return used / max(produced, 1), stats, what


def ui_load(sensor: HX711Sensor, seconds: float) -> str:
    """The real live screen, headless, showing this sensor's samples."""
    from trainer.exercises import ExerciseLibrary
    from trainer.store import Store
    from trainer.ui.app import build_app
    from trainer.ui.config import SensorSetup, UIConfig

    tmp = Path(tempfile.mkdtemp(prefix="bench-hx711-"))
    store = Store.open(tmp / "bench.db")
    library = ExerciseLibrary.load(user_dir=tmp / "exercises")
    exercise_id = max(library.exercises.values(), key=lambda e: e.nominal_s).id

    def factory(exercise: object, full_scale: float) -> SensorSetup:
        return SensorSetup(
            sensor, None, sensor.calibration.to_dict() if sensor.calibration else None
        )

    app = build_app(
        UIConfig(
            store=store,
            library=library,
            sensor_factory=factory,
            simulated=False,
            student="bench",
            exercise_id=exercise_id,
        )
    )

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            await pilot.press("space")  # start the session, if the screen waits for it
            await pilot.pause(seconds)
            app.save_and_close("incomplete")

    asyncio.run(drive())
    store.close()
    return f"live screen (trainer.ui, headless, exercise {exercise_id})"


def standin_load(sensor: HX711Sensor, seconds: float) -> str:
    """A thread redrawing at 30 fps with Python work per frame, like the live screen."""
    stop = threading.Event()
    received: list[float] = []

    def redraw() -> None:
        while not stop.is_set():
            frame_start = time.perf_counter()
            recent = received[-1200:]
            rows = []
            for y in range(40):  # a trace and a gauge drawn into text, cell by cell
                rows.append(
                    "".join("#" if (x * 7 + y + len(recent)) % 11 < 5 else " " for x in range(120))
                )
            _ = "\n".join(rows), statistics.fmean(recent) if recent else 0.0
            stop.wait(max(0.0, 1 / 30 - (time.perf_counter() - frame_start)))

    thread = threading.Thread(target=redraw, daemon=True)
    thread.start()
    sensor.start(lambda s: received.append(s.force_n))
    time.sleep(seconds)
    sensor.stop()
    stop.set()
    thread.join()
    return "stand-in: a thread redrawing 120x40 text at 30 fps"


def cpu_at_10sps(seconds: float) -> tuple[float, float]:
    """Acquisition-thread CPU s/s at 10 SPS: our edge-waiting reader, and a busy wait."""
    with fresh_chip(10) as chip:
        chip.force_n = 20.0
        sensor = HX711Sensor(5, 6, 10, calibration=calibration())
        sensor.open()
        sensor.read_raw(timeout=1.0)
        sensor.start(lambda s: None)
        time.sleep(0.2)
        assert sensor._thread is not None and sensor._thread.native_id is not None
        tid = sensor._thread.native_id
        cpu0, t0 = thread_cpu_s(tid), time.perf_counter()
        time.sleep(seconds)
        ours = (thread_cpu_s(tid) - cpu0) / (time.perf_counter() - t0)
        sensor.close()

        # The package's approach: poll DOUT until it goes low.
        dout = chip.dout
        stop = threading.Event()

        def busy() -> None:
            while not stop.is_set():
                while dout.state and not stop.is_set():
                    pass
                time.sleep(0)  # (no clocking: we only measure the wait)

        thread = threading.Thread(target=busy, daemon=True)
        thread.start()
        time.sleep(0.1)
        assert thread.native_id is not None
        cpu0, t0 = thread_cpu_s(thread.native_id), time.perf_counter()
        time.sleep(min(seconds, 2.0))
        busy_cost = (thread_cpu_s(thread.native_id) - cpu0) / (time.perf_counter() - t0)
        stop.set()
        thread.join()
    return ours, busy_cost


def glitches(reads: int) -> dict[str, int]:
    """Inject clock stalls and bit errors; count what the reader caught and what escaped."""
    out: dict[str, int] = {}
    with fresh_chip(80) as chip:
        chip.force_n = 20.0
        expected = chip.expected_counts()
        with HX711Sensor(5, 6, 80, calibration=calibration()) as sensor:
            for _ in range(5):
                sensor.read_raw(timeout=1.0)
            escaped = 0
            stalls = bits = 0
            for i in range(reads):
                if i % 10 == 3:
                    chip.inject_stalls(1, stall_s=150e-6)
                    stalls += 1
                elif i % 10 == 7:
                    chip.inject_bit_errors(1)  # a random bit from 17 to 22
                    bits += 1
                value = sensor.read_raw(timeout=1.0)
                if abs(value - expected) > 8 * NOISE:
                    escaped += 1
            out = {
                "stalls injected": chip.stats.stalls,
                "timing glitches caught": sensor.stats.timing_glitches,
                "bit errors injected": len(chip.stats.bit_errors),
                "bad values returned": escaped,
            }
    return out


# -- the backend comparison -------------------------------------------------------------------


def _busy(stop: Any) -> None:
    """A background process: Python work that keeps a CPU busy until told to stop."""
    total = 0
    while not stop.is_set():
        for i in range(20_000):
            total += i * i % 7


def run_backend(backend: str, pin_write_us: float, seconds: float) -> dict[str, Any]:
    """Acquire from ``backend`` for ``seconds`` while mock pin writes cost ``pin_write_us``."""
    Device.pin_factory = MockFactory()
    sensor: LoadCellSensor
    chip: Any
    saved = {name: sys.modules.get(name) for name in ("spidev", "smbus2")}
    if backend == "hx711-gpio":
        chip = HX711Emulator(
            pin_write_s=pin_write_us * 1e-6,
            noise_counts=NOISE,
            counts_per_n=SCALE,
            zero_counts=ZERO,
        )
        sensor = HX711Sensor(5, 6, 80, calibration=calibration(), zero_tracking=False)
    else:
        # The same slow pins are there (Device.pin_factory); these backends do not use them.
        HX711Emulator(pin_write_s=pin_write_us * 1e-6)  # an idle chip on the mock pins
        if backend == "hx711-spi":
            chip = HX711Chip(noise_counts=NOISE, counts_per_n=SCALE, zero_counts=ZERO)
            sys.modules["spidev"] = fake_spidev_module(chip)
            sensor = HX711SpiSensor(80, calibration=calibration(), zero_tracking=False)
        else:
            chip = NAU7802Chip(noise_counts=NOISE, counts_per_n=SCALE, zero_counts=ZERO)
            sys.modules["smbus2"] = fake_smbus2_module(chip)
            sensor = NAU7802Sensor(80, calibration=calibration(), zero_tracking=False)
    if isinstance(chip, HX711Chip):
        chip.start()
    chip.force_n = 20.0
    expected = chip.expected_counts()
    corrupt = [0]

    def on_sample(sample: Any) -> None:
        if sample.counts is not None and abs(sample.counts - expected) > 8 * NOISE:
            corrupt[0] += 1

    def produced() -> int:
        return int(chip.stats.produced if isinstance(chip, HX711Chip) else chip.produced)

    try:
        try:
            sensor.open()
            sensor.read_raw(timeout=1.5)  # past the power-on settling
        except Exception as error:  # the GPIO reader on a slow "Pi": SensorTooSlow
            print(f"  ({backend} at {pin_write_us:g} us could not start: {error})", file=sys.stderr)
        produced0, used0 = produced(), sensor.stats.used
        sensor.start(on_sample, lambda error: None)
        time.sleep(0.05)
        thread = sensor._thread
        tid = thread.native_id if thread is not None else None
        cpu0, t0 = (thread_cpu_s(tid) if tid else 0.0), time.perf_counter()
        time.sleep(seconds)
        cpu = (thread_cpu_s(tid) - cpu0) / (time.perf_counter() - t0) if tid else 0.0
        made, used = produced() - produced0, sensor.stats.used - used0
        sensor.stop()
    finally:
        sensor.close()
        if isinstance(chip, HX711Chip):
            chip.stop()
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return {
        "backend": backend,
        "pin_write_us": pin_write_us,
        "used": round(used / max(made, 1), 4),
        "corrupt": corrupt[0],
        "cpu": round(cpu, 4),
        "produced": made,
    }


def compare_backends(
    backends: list[str], pin_costs: list[float], seconds: float, load_procs: int, as_json: bool
) -> list[dict[str, Any]]:
    """Every backend at every pin cost, under a background load; a table or JSON lines."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    procs = [context.Process(target=_busy, args=(stop,), daemon=True) for _ in range(load_procs)]
    for proc in procs:
        proc.start()
    results = []
    try:
        if not as_json:
            print(
                f"backends at 80 SPS, {seconds:g} s each, {load_procs} busy background "
                f"processes on {os.cpu_count()} CPUs:"
            )
        for backend in backends:
            for cost in pin_costs:
                result = run_backend(backend, cost, seconds)
                results.append(result)
                if as_json:
                    print(json.dumps(result), flush=True)
    finally:
        stop.set()
        for proc in procs:
            proc.join(timeout=5)
    if not as_json:
        header = "".join(f"{f'pin write {cost:g} us':>28}" for cost in pin_costs)
        print(f"  {'backend':<12}{header}")
        print(f"  {'':<12}" + "".join(f"{'used  corrupt  cpu':>28}" for _ in pin_costs))
        for backend in backends:
            cells = [r for r in results if r["backend"] == backend]
            row = "".join(f"{r['used']:>14.3f}{r['corrupt']:>8d}{r['cpu']:>6.2f}" for r in cells)
            print(f"  {backend:<12}{row}")
        print("  target: hx711-spi and nau7802 used >= 0.99 at every pin cost")
    return results


def reader_details(args: argparse.Namespace) -> None:
    """The GPIO reader's own figures: under the live screen, CPU at 10 SPS, glitches."""
    load: Callable[[HX711Sensor, float], str]
    if args.load == "standin":
        load = standin_load
    else:
        try:
            import trainer.ui.app  # noqa: F401
        except ImportError as error:
            if args.load == "ui":
                raise
            print(f"(trainer.ui unavailable: {error}; using the stand-in load)")
            load = standin_load
        else:
            load = ui_load
    loads: list[Callable[[HX711Sensor, float], str] | None] = [None, load]
    if load is ui_load:
        loads.append(standin_load)
    print("conversions used / produced at 80 SPS (target 1.00, at least 0.95 on a noisy host):")
    for each in loads:
        for mode in ("thread", "process"):
            if mode == "thread":
                ratio, stats, what = used_fraction(args.seconds, 80, each)
            else:
                ratio, stats, what = used_fraction_process(args.seconds, each)
            label = "alone" if what == "none" else f"with {what}"
            print(
                f"  {mode:<8} {ratio:.3f}  ({stats['used']}/{stats['produced']}; glitches "
                f"{stats['timing_glitches']}, read late {stats['overwritten']})  {label}"
            )

    ours, busy = cpu_at_10sps(min(args.seconds, 5.0))
    print(
        f"acquisition CPU s/s at 10 SPS:  {ours:.4f} (edge wait)   {busy:.2f} (busy wait, for comparison)"
    )

    for key, value in glitches(200).items():
        print(f"{key + ':':<28}{value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per measurement")
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="repeatable")
    parser.add_argument("--pin-write-us", action="append", type=float, help="repeatable")
    parser.add_argument(
        "--load-procs", type=int, default=os.cpu_count() or 1, help="busy background processes"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--reader-details", action="store_true")
    parser.add_argument("--load", choices=["auto", "ui", "standin"], default="auto")
    parser.add_argument(
        "--switch-interval-ms",
        type=float,
        help="set the interpreter's thread switch interval (default: leave it at 5 ms)",
    )
    args = parser.parse_args()
    if args.switch_interval_ms:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
    if not args.json:
        print(
            f"Load cell backends on emulated chips; {os.cpu_count()} CPUs, "
            f"Python {sys.version.split()[0]}, switch interval "
            f"{sys.getswitchinterval() * 1000:.1f} ms"
        )
    compare_backends(
        args.backend or list(BACKENDS),
        args.pin_write_us or list(PIN_WRITE_US),
        args.seconds,
        max(0, args.load_procs),
        args.json,
    )
    if args.reader_details and not args.json:
        reader_details(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

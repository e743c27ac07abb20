"""The live screen against a floor: what it costs beyond the least any Textual screen costs.

    python bench/live.py [--seconds 30] [--fps 30] [--size 80x24] [--rounds 3]
                         [--cpu-slowdown N]

Two apps run in the same run, each in a fresh process of its own, alternating
(floor, live, floor, live, ...) so a busy machine weighs on both alike:

* the **floor**: a bare Textual app showing the same big digits and one gauge at the
  same frame rate, fed by the same simulated 80 Hz sensor (the least any screen costs);
* the **live screen** of ``trainer run``: a recorded session of strokes, the student's
  aim changing every second so every widget keeps changing.

Printed for each, and the live screen as a ratio to the floor:

* CPU seconds per wall second of the whole process, sensor thread included
  (targets: live within 1.5x of the floor, and under 0.10 of a core);
* sample-to-screen latency p50 / p99: from the moment a sample was due on the sensor's
  clock to the end of the refresh that first shows it (target p99 < 50 ms);
* frames painted per second (capped at ``--fps``), and samples dropped (target 0);
* cold start: a fresh Python to the first painted home screen (target < 0.5 s), with
  the floor's for comparison and the import time of ``trainer.ui.app`` (``-X importtime``).

``--cpu-slowdown N`` then runs the live screen on the emulated HX711 (tests/
hx711_emulator.py on gpiozero's MockFactory, read by the real driver in its own
acquisition process, as ``trainer run`` does) while N busy sibling processes spin on
the machine's cores, and reports the conversions the reader kept (used / produced,
target >= 0.99) beside the screen's frame rate and CPU, the priority the acquisition
process got (trainer/sensors/priority.py) and where the lost conversions went.

Absolute figures move with the machine's load; the ratios measured in one run are the
figures that count. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

RATE_HZ = 80.0
#: the student's aims, one a second: every widget keeps changing
AIMS_N = (32.0, 36.0, 28.0, 45.0, 33.0, 0.0, 20.0, 38.0)
BAND_N = (25.0, 40.0)
FULL_SCALE_N = 60.0
TARGET_P99_MS = 50.0
TARGET_CPU = 0.10
TARGET_CPU_RATIO = 1.5
TARGET_START_S = 0.5
TARGET_KEPT = 0.99
# The emulated chip's scale (counts per newton) and zero, as in bench/hx711.py.
CHIP_SCALE = 5000.0
CHIP_ZERO = 80_000.0


def bench_exercise(seconds: float) -> Any:
    """Strokes (ramp, hold, release, rest) repeated for longer than the run."""
    from trainer.exercises import parse_exercise

    # A stroke takes at least 8 s (hold and rest): the session must outlast the run.
    repeats = math.ceil(seconds / 8) + 2
    return parse_exercise(
        {
            "id": "bench",
            "name": "Benchmark strokes",
            "technique": "stripping / deep stroking",
            "instructions": "Press, hold, lift, rest; again.",
            "phases": [
                {
                    "repeat": repeats,
                    "steps": [
                        {"kind": "ramp", "band": list(BAND_N), "rate_n_per_s": 15, "max_s": 5},
                        {"kind": "hold", "band": list(BAND_N), "duration_s": 6},
                        {"kind": "release", "band": [0, 3], "max_s": 3},
                        {"kind": "rest", "duration_s": 2},
                    ],
                }
            ],
        }
    )


class Probe:
    """Latencies of the samples shown by each repaint, and the repaint times."""

    def __init__(self) -> None:
        #: sensor clock start on the wall clock (simulated sensor), None: use arrival
        self.wall_start: float | None = None
        self.latencies_s: list[float] = []
        self.paints: list[float] = []

    def __call__(self, samples: list[tuple[float, Any]], painted_at: float) -> None:
        self.paints.append(painted_at)
        start = self.wall_start
        for arrived, sample in samples:
            due = arrived if start is None else start + sample.t_s
            self.latencies_s.append(painted_at - due)

    def clear(self) -> None:
        self.latencies_s.clear()
        self.paints.clear()


def simulated_sensor(probe: Probe) -> tuple[Any, Any]:
    from trainer.sensors.simulated import ManualIntent, SimulatedSensor

    intent = ManualIntent(capacity_n=FULL_SCALE_N * 2)
    sensor = SimulatedSensor(intent, rate_hz=RATE_HZ, seed=1, speed=1.0)
    return sensor, intent


async def press_for(seconds: float, intent: Any) -> None:
    """A student changing their aim once a second (the emulated chip follows by itself)."""
    began = time.monotonic()
    tick = 0
    while time.monotonic() - began < seconds:
        if intent is not None:
            intent.set(AIMS_N[tick % len(AIMS_N)])
        tick += 1
        await asyncio.sleep(1.0)


# -- the floor -----------------------------------------------------------------------
def floor_app(fps: float, probe: Probe) -> Any:
    """Big digits and one gauge redrawn at ``fps``: nothing else on the screen."""
    from textual.app import App, ComposeResult

    from trainer.engine import Zone
    from trainer.ui.feed import SampleFeed
    from trainer.ui.widgets.bigdigits import BigDigits
    from trainer.ui.widgets.gauge import Gauge

    class Floor(App[None]):
        CSS = "BigDigits { margin: 1 2; } Gauge { margin: 1 0; }"

        def __init__(self) -> None:
            super().__init__()
            self.sensor, self.intent = simulated_sensor(probe)
            self.feed = SampleFeed()
            self.ready = False

        def compose(self) -> ComposeResult:
            yield BigDigits("0.0")
            yield Gauge(FULL_SCALE_N)

        def on_mount(self) -> None:
            self.digits = self.query_one(BigDigits)
            self.gauge = self.query_one(Gauge)
            self.sensor.open()
            self.sensor.start(self.feed.on_sample, self.feed.on_error)
            probe.wall_start = self.sensor.wall_start
            self.set_interval(1 / fps, self.frame)
            self.ready = True

        def frame(self) -> None:
            samples = [item for item in self.feed.drain() if not isinstance(item[1], Exception)]
            if not samples:
                return
            force = samples[-1][1].force_n
            low, high = BAND_N
            zone = Zone.BELOW if force < low else Zone.ABOVE if force > high else Zone.IN
            self.digits.update(f"{force:.1f}")
            self.gauge.show(force, BAND_N, zone)
            self.call_after_refresh(lambda: probe(samples, time.monotonic()))

        def on_unmount(self) -> None:
            self.sensor.close()

    return Floor()


async def run_floor(seconds: float, fps: float, size: tuple[int, int]) -> dict[str, float]:
    probe = Probe()
    app = floor_app(fps, probe)
    async with app.run_test(headless=True, size=size) as pilot:
        while not app.ready:
            await pilot.pause(0.01)
        await pilot.pause(0.5)
        probe.clear()
        cpu0, wall0 = time.process_time(), time.monotonic()
        await press_for(seconds, app.intent)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        received = app.feed.received
    return measured(probe, cpu, wall) | {"samples": float(received)}


# -- the live screen -----------------------------------------------------------------
def moving_chip() -> Any:
    """``child_setup`` of the acquisition process: an emulated chip whose force follows
    the student's aims (it lives in that process, so it moves by itself)."""
    from gpiozero import Device
    from gpiozero.pins.mock import MockFactory
    from hx711_emulator import HX711Emulator

    Device.pin_factory = MockFactory()
    chip = HX711Emulator(
        rate_hz=RATE_HZ, noise_counts=40.0, counts_per_n=CHIP_SCALE, zero_counts=CHIP_ZERO
    )
    chip.force_n = AIMS_N[0]
    chip.start(as_hardware=True)  # the emulated chip stands for hardware: never late

    def press() -> None:
        tick = 0
        while True:
            time.sleep(0.25)
            tick += 1
            # A hand ramps: a quarter of the way to the next aim every quarter second.
            aim = AIMS_N[(tick // 4) % len(AIMS_N)]
            chip.force_n += (aim - chip.force_n) / 2

    threading.Thread(target=press, daemon=True).start()
    return chip


def hx711_sensor() -> Any:
    from datetime import UTC, datetime

    from gpiozero import Device
    from gpiozero.pins.mock import MockFactory

    from trainer.calibration import Calibration
    from trainer.sensors.hx711 import HX711Sensor

    Device.pin_factory = MockFactory()
    calibration = Calibration(
        created=datetime.now(UTC).replace(microsecond=0),
        scale_counts_per_n=CHIP_SCALE,
        offset_counts=CHIP_ZERO,
        capacity_n=490.0,
        noise_n=40.0 / CHIP_SCALE,
    )
    return HX711Sensor(
        5,
        6,
        int(RATE_HZ),
        calibration=calibration,
        acquisition="process",
        child_setup=f"{Path(__file__).stem}:moving_chip",
    )


async def run_live(
    seconds: float, fps: float, size: tuple[int, int], sensor_kind: str = "simulated"
) -> dict[str, float]:
    from trainer.exercises import ExerciseLibrary
    from trainer.store import Store
    from trainer.ui.app import build_app
    from trainer.ui.config import SensorSetup, UIConfig
    from trainer.ui.screens.live import LiveScreen

    probe = Probe()
    made: dict[str, Any] = {}

    def make_sensor(exercise: Any, full_scale: float) -> SensorSetup:
        if sensor_kind == "hx711":
            sensor = made["sensor"] = hx711_sensor()
            info = sensor.calibration.to_dict()
            return SensorSetup(sensor, None, info)
        sensor, intent = simulated_sensor(probe)
        made["sensor"] = sensor
        return SensorSetup(sensor, intent)

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        exercise = bench_exercise(seconds)
        config = UIConfig(
            store=store,
            library=ExerciseLibrary({exercise.id: exercise}, []),
            sensor_factory=make_sensor,
            simulated=sensor_kind == "simulated",
            student="bench",
            exercise_id=exercise.id,
            fps=fps,
            frame_probe=probe,
        )
        app = build_app(config)
        async with app.run_test(headless=True, size=size) as pilot:
            began = time.monotonic()
            while not (isinstance(app.screen, LiveScreen) and app.screen._ready):
                if time.monotonic() - began > 20:
                    raise SystemExit(f"the live screen did not open (on {app.screen!r})")
                await pilot.pause(0.01)
            screen = app.screen
            controller = screen.controller
            assert controller is not None
            controller.start()
            sensor = made["sensor"]
            probe.wall_start = getattr(sensor, "wall_start", None)
            await pilot.pause(0.5)
            probe.clear()
            cpu0, wall0 = time.process_time(), time.monotonic()
            await press_for(seconds, controller.setup.intent)
            cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
            if app.screen is not screen:
                raise SystemExit("the benchmark session ended early: lengthen bench_exercise()")
            session_id = controller.session_id
            assert session_id is not None
            app.save_and_close("incomplete")
            extra = {
                "samples": float(controller.feed.received),
                "dropped_queue": float(controller.feed.received - controller.samples_seen),
                "dropped_store": float(controller.recorded - store.sample_count(session_id)),
            }
            if sensor_kind == "hx711":
                report = sensor.child_report or {}
                produced = int(report.get("produced", 0))
                stats = sensor.stats
                extra |= {
                    "produced": float(produced),
                    "used": float(stats.used),
                    "kept": stats.used / max(produced, 1),
                    # where the rest went: read too late (the chip overwrote them), or
                    # read with the clock held high too long (discarded; the chip may
                    # have powered down and settled for a few periods)
                    "read_late": float(report.get("overwritten", 0)),
                    "glitches": float(stats.timing_glitches),
                    "power_downs": float(report.get("power_downs", 0)),
                    "discarded": float(stats.discarded),
                }
                priority = sensor.acquisition_priority
                made["priority"] = priority.describe() if priority else "not reported"
        store.close()
    return (
        measured(probe, cpu, wall)
        | extra
        | ({"priority": made["priority"]} if "priority" in made else {})
    )


def measured(probe: Probe, cpu: float, wall: float) -> dict[str, float]:
    latencies = sorted(x * 1000 for x in probe.latencies_s) or [float("nan")]
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "fps": len(probe.paints) / wall,
        "cpu": cpu / wall,
        "wall_s": wall,
        "latencies_ms": latencies,  # type: ignore[dict-item]
    }


# -- children and the machine ----------------------------------------------------------
def child(kind: str, seconds: float, fps: float, size: tuple[int, int], sensor: str) -> None:
    """Run one app in this process and print its figures as JSON (the last line)."""
    if kind == "floor":
        result = asyncio.run(run_floor(seconds, fps, size))
    else:
        result = asyncio.run(run_live(seconds, fps, size, sensor))
    print(json.dumps(result), flush=True)


def run_child(
    kind: str, seconds: float, fps: float, size: tuple[int, int], sensor: str = "simulated"
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--seconds", str(seconds)]
    command += ["--fps", str(fps), "--size", f"{size[0]}x{size[1]}", "--sensor", sensor]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


STARTUP = {
    "live": r"""
import os, sys, tempfile, time, asyncio
from pathlib import Path
from trainer.exercises import ExerciseLibrary
from trainer.store import Store
from trainer.ui.app import build_app
from trainer.ui.config import UIConfig, simulated_sensor_factory
from trainer.ui.screens.home import HomeScreen

async def main():
    store = Store.open(Path(tempfile.mkdtemp()) / "start.db")
    app = build_app(UIConfig(store=store, library=ExerciseLibrary.load(),
                             sensor_factory=simulated_sensor_factory(), student="bench"))
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        while not (isinstance(app.screen, HomeScreen) and app.screen._filled):
            await pilot.pause(0.002)
        done = asyncio.Event()
        app.screen.call_after_refresh(done.set)
        await done.wait()
        print(time.monotonic(), flush=True)
        os._exit(0)

asyncio.run(main())
""",
    "floor": r"""
import os, time, asyncio
from textual.app import App
from trainer.ui.widgets.bigdigits import BigDigits
from trainer.ui.widgets.gauge import Gauge

class Floor(App[None]):
    def compose(self):
        yield BigDigits("0.0")
        yield Gauge(60.0)

async def main():
    app = Floor()
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        done = asyncio.Event()
        app.screen.call_after_refresh(done.set)
        await done.wait()
        print(time.monotonic(), flush=True)
        os._exit(0)

asyncio.run(main())
""",
}


def startup_env(pycache: str) -> dict[str, str]:
    """A fresh interpreter's environment, with compiled modules kept as installed code has
    them (``PYTHONDONTWRITEBYTECODE`` would time the compiler, not the start)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": pycache}


def cold_start(kind: str, pycache: str, tries: int = 3) -> float:
    """Best of ``tries``: seconds from launching a fresh Python to the first painted screen
    (after one run that compiles the modules, as the first start after installing does)."""
    starts = []
    env = startup_env(pycache)
    subprocess.run([sys.executable, "-c", STARTUP[kind]], capture_output=True, env=env)
    for _ in range(tries):
        began = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP[kind]],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        starts.append(float(out.strip().splitlines()[-1]) - began)
    return min(starts)


def import_time(module: str, pycache: str) -> float:
    """Cumulative import time of ``module`` in seconds (``python -X importtime``)."""
    report = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=startup_env(pycache),
    ).stderr
    match = re.search(rf"\|\s+(\d+) \| {re.escape(module)}\s*$", report, re.MULTILINE)
    return int(match.group(1)) / 1e6 if match else float("nan")


def _spin() -> None:
    while True:
        pass


@contextmanager
def busy_siblings(count: int) -> Iterator[None]:
    """``count`` processes spinning on the machine's cores while the block runs."""
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, daemon=True) for _ in range(count)]
    for process in spinners:
        process.start()
    try:
        yield
    finally:
        for process in spinners:
            process.kill()
            process.join()


def summary(results: list[dict[str, Any]]) -> dict[str, float]:
    """Rounds merged: CPU and fps averaged over the rounds, latencies pooled."""
    latencies = sorted(x for r in results for x in r["latencies_ms"])
    return {
        "cpu": statistics.fmean(r["cpu"] for r in results),
        "cpu_min": min(r["cpu"] for r in results),
        "cpu_max": max(r["cpu"] for r in results),
        "fps": statistics.fmean(r["fps"] for r in results),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "dropped": sum(r.get("dropped_queue", 0) + r.get("dropped_store", 0) for r in results),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per app, over all rounds")
    parser.add_argument("--fps", type=float, default=30.0, help="the frame rate cap (30)")
    parser.add_argument("--size", default="80x24", help="terminal size (80x24; try 120x40)")
    parser.add_argument("--rounds", type=int, default=3, help="floor/live alternations (3)")
    parser.add_argument(
        "--cpu-slowdown",
        type=int,
        metavar="N",
        help="then run the live screen on the emulated HX711 beside N busy processes",
    )
    parser.add_argument("--child", choices=["floor", "live"], help=argparse.SUPPRESS)
    parser.add_argument("--sensor", default="simulated", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.fps <= 0 or args.rounds <= 0:
        parser.error("--seconds, --fps and --rounds must be positive")
    if args.cpu_slowdown is not None and args.cpu_slowdown < 0:
        parser.error("--cpu-slowdown is a number of busy processes: 0 or more")
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must look like 80x24, not {args.size!r}")
    size = (width, height)
    if args.child:
        child(args.child, args.seconds, args.fps, size, args.sensor)
        return 0

    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        start_live, start_floor = cold_start("live", pycache), cold_start("floor", pycache)
        imports = import_time("trainer.ui.app", pycache), import_time("textual.app", pycache)
    print(
        f"cold start to the first painted screen: live {start_live:.2f} s, floor "
        f"{start_floor:.2f} s  (target live < {TARGET_START_S} s); import trainer.ui.app "
        f"{imports[0]:.2f} s, of which textual.app {imports[1]:.2f} s"
    )

    each = args.seconds / args.rounds
    print(f"{args.rounds} rounds of {each:g} s each, {args.fps:g} fps, headless {width}x{height}:")
    floors, lives = [], []
    for round_ in range(args.rounds):
        floors.append(run_child("floor", each, args.fps, size))
        lives.append(run_child("live", each, args.fps, size))
        f, v = floors[-1], lives[-1]
        print(
            f"  round {round_ + 1}: CPU floor {f['cpu']:.3f} live {v['cpu']:.3f} "
            f"(x{v['cpu'] / f['cpu']:.2f}); p99 floor {f['p99_ms']:.0f} ms live "
            f"{v['p99_ms']:.0f} ms; fps {f['fps']:.1f} / {v['fps']:.1f}"
        )
    floor, live = summary(floors), summary(lives)
    cpu_ratio = live["cpu"] / floor["cpu"]
    rows = [
        ("CPU, cores", f"{floor['cpu']:.3f}", f"{live['cpu']:.3f}", f"{cpu_ratio:.2f}"),
        (
            "latency p50, ms",
            f"{floor['p50_ms']:.1f}",
            f"{live['p50_ms']:.1f}",
            f"{live['p50_ms'] / floor['p50_ms']:.2f}",
        ),
        (
            "latency p99, ms",
            f"{floor['p99_ms']:.1f}",
            f"{live['p99_ms']:.1f}",
            f"{live['p99_ms'] / floor['p99_ms']:.2f}",
        ),
        ("frames/s", f"{floor['fps']:.1f}", f"{live['fps']:.1f}", ""),
    ]
    print(f"  {'':<18}{'floor':>9}{'live':>9}{'live/floor':>12}")
    for name, a, b, ratio in rows:
        print(f"  {name:<18}{a:>9}{b:>9}{ratio:>12}")
    print(
        f"  live CPU spread over rounds {live['cpu_min']:.3f}-{live['cpu_max']:.3f}; "
        f"samples dropped {live['dropped']:.0f} (target 0)"
    )
    print(
        f"targets: CPU <= {TARGET_CPU_RATIO}x floor and < {TARGET_CPU} core, "
        f"p99 < {TARGET_P99_MS:g} ms, cold start < {TARGET_START_S} s"
    )
    ok = (
        cpu_ratio <= TARGET_CPU_RATIO
        and live["cpu"] < TARGET_CPU
        and live["p99_ms"] < TARGET_P99_MS
        and live["dropped"] == 0
        and start_live < TARGET_START_S
    )

    if args.cpu_slowdown is not None:
        n = args.cpu_slowdown
        print(f"live screen on the emulated HX711 (acquisition process), {n} busy processes:")
        with busy_siblings(n):
            r = run_child("live", args.seconds / args.rounds, args.fps, size, "hx711")
        print(
            f"  reader kept {r['kept']:.3f} of the conversions ({r['used']:.0f}/"
            f"{r['produced']:.0f}; target >= {TARGET_KEPT}); screen {r['fps']:.1f} fps, "
            f"CPU {r['cpu']:.3f}, arrival-to-screen p99 {r['p99_ms']:.0f} ms"
        )
        print(
            f"  reader at {r.get('priority', 'an unreported priority')}; lost: "
            f"{r['read_late']:.0f} read too late, {r['glitches']:.0f} discarded by the "
            f"timing guard ({r['power_downs']:.0f} chip power-downs, with the power "
            "resets at open)"
        )
        ok = ok and r["kept"] >= TARGET_KEPT
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the session pipeline: filter + engine + SQLite writes, one hour at 80 Hz.

    python bench/engine.py [--minutes 60]

Prints samples per second, the ratio to real time, and the process's resident memory at
points through the run (it must stay flat: the engine keeps running sums, not samples).
Target on the project's 2-core machine: one hour (288,000 samples) in under 3 s.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainer.exercises import parse_exercise
from trainer.sensors.base import Sample, SampleFlag
from trainer.session import PracticeSession
from trainer.store import Store

RATE_HZ = 80.0
CYCLE_S = 36.0


def hour_long_exercise(minutes: float) -> object:
    cycles = max(1, math.ceil(minutes * 60 / CYCLE_S))
    groups = []
    while cycles > 0:
        repeat = min(100, cycles)
        cycles -= repeat
        groups.append(
            {
                "repeat": repeat,
                "steps": [
                    {"kind": "ramp", "band": [40, 50], "rate_n_per_s": 9, "max_s": 6},
                    {"kind": "hold", "band": [40, 50], "duration_s": 25},
                    {"kind": "release", "band": [0, 5], "max_s": 4},
                    {"kind": "rest", "duration_s": 3},
                ],
            }
        )
    return parse_exercise(
        {
            "id": "bench",
            "name": "Bench",
            "technique": "bench",
            "instructions": "x",
            "phases": groups,
        },
        "bench",
    )


def trace(count: int) -> list[Sample]:
    """A trapezoid press-hold-release every 36 s with tremor and noise."""
    rng = random.Random(1)
    samples = []
    for i in range(count):
        t = i / RATE_HZ
        c = t % CYCLE_S
        if c < 5:
            base = 9.0 * c
        elif c < 30:
            base = 45.0
        elif c < 33:
            base = 45.0 - 15.0 * (c - 30)
        else:
            base = 0.0
        force = base + 0.4 * math.sin(2 * math.pi * 10 * t) + rng.gauss(0, 0.05)
        if i % 5000 == 4999:
            force += 800.0  # an occasional corrupted read for the spike filter
        samples.append(Sample(t, force, int(force * 2800), SampleFlag.SIMULATED))
    return samples


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            import os

            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    count = int(args.minutes * 60 * RATE_HZ)
    exercise = hour_long_exercise(args.minutes)
    samples = trace(count)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db")
        session = PracticeSession.begin(
            store, exercise, "bench", {"backend": "bench"}, rate_hz=RATE_HZ
        )  # type: ignore[arg-type]
        checkpoints = {count // 10, count // 2, count - 1}
        memory = []
        process = session.process
        start = time.perf_counter()
        for i, sample in enumerate(samples):
            process(sample)
            if i in checkpoints:
                memory.append(rss_mb())
        session.finish()
        elapsed = time.perf_counter() - start
        stored = store.sample_count(session.session_id)
        store.close()
    print(f"samples: {count} ({args.minutes:g} min at {RATE_HZ:g} Hz), stored: {stored}")
    print(
        f"time: {elapsed:.2f} s -> {count / elapsed:,.0f} samples/s, "
        f"{count / RATE_HZ / elapsed:,.0f}x real time at 80 Hz "
        f"(target for one hour: under 3 s, i.e. at least 1200x)"
    )
    print(
        "memory (RSS): "
        + ", ".join(
            f"{mb:.1f} MB at {pct}%" for mb, pct in zip(memory, (10, 50, 100), strict=False)
        )
        + f"; growth after 10%: {memory[-1] - memory[0]:+.1f} MB"
    )


if __name__ == "__main__":
    main()

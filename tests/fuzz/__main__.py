"""The long fuzz run: ``python -m tests.fuzz [--cases 10000]`` prints what it found.

Half the cases mutate parsed values (types, values, deletions), half the file's bytes
(truncations, flips, insertions). Exits 1 on the first case that is neither a valid
exercise nor a clear error, after printing it.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.mutations import check_bytes, check_table, mutated_bytes, mutated_tables


def run(
    kind: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], str], cases: int
) -> Counter[str]:
    counts: Counter[str] = Counter()

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def property_(case: Any) -> None:
        counts[check(case)] += 1

    property_()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="how many in all (default 10000)")
    args = parser.parse_args()
    start = time.perf_counter()
    total: Counter[str] = Counter()
    for kind, strategy, check in (
        ("values", mutated_tables(), check_table),
        ("bytes", mutated_bytes(), check_bytes),
    ):
        counts = run(kind, strategy, check, args.cases // 2)
        total += counts
        print(
            f"{kind:>6}: {sum(counts.values()):6d} cases, {counts['valid']:6d} valid, {counts['error']:6d} clear errors, 0 tracebacks"
        )
    seconds = time.perf_counter() - start
    print(
        f" total: {sum(total.values()):6d} cases in {seconds:.1f} s, {total['valid']} valid, {total['error']} clear errors, 0 tracebacks, 0 non-finite numbers"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

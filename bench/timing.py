"""The one timing rule every benchmark here uses: one untimed warm-up call, then the median of the repeats."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    work()  # warm-up: caches, allocator, lazy imports
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)

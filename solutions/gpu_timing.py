"""Timing work on the CPU and the GPU, and the matrix size at which the GPU starts to win.

A GPU runs asynchronously: a call such as ``x @ x`` on CUDA queues a kernel and
returns to Python in microseconds, long before the product exists. A host clock
read around such a call measures the launch, not the work. This module times
each device the way it runs::

    result = time_it(fn, device="cpu", warmup=3, repeats=20)
        fn:      a callable taking no arguments (its return value is ignored)
        result:  {"median", "spread", "min", "max": float seconds,
                  "times": list of `repeats` floats, seconds, one per timed call in call order,
                  "warmup": int, "repeats": int, "device": "cpu" or "cuda"}
    stats = summarize(times)            times: non-empty sequence of seconds
                                        -> {"median", "spread", "min", "max"} (floats)
    flops = matmul_flops(n)             2 * n**3 for an (n, n) @ (n, n) product (int)
    sweep = throughput_sweep(sizes, devices=("cpu", "cuda"), dtype=torch.float32, warmup=2, repeats=5, seed=0)
                                        -> list of {"size": int, "device": "cpu" | "cuda",
                                                    "seconds": float, "gflops": float}
    size = crossover(sweep)             the smallest size from which the GPU is faster at that
                                        size and every larger one; None if there is none

On the CPU, ``time.perf_counter()`` (a monotonic clock) is read around each call.
On CUDA, a pair of ``torch.cuda.Event(enable_timing=True)`` is recorded around
each call on the current stream, and ``torch.cuda.synchronize()`` comes before
the first and after the last, so that each pair brackets the GPU work itself.

Not allowed: ``torch.utils.benchmark``, ``triton`` (``do_bench``) or anything
else that times for you. ``time`` and ``torch.cuda.Event`` are all you need.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import torch

DEVICE_TYPES = ("cpu", "cuda")


def summarize(times: Sequence[float]) -> dict[str, float]:
    """Median, interquartile range, minimum and maximum of a list of timings.

    The quantiles interpolate linearly between order statistics (NumPy's default):
    with ``s`` the sorted times, ``n = len(s)`` and ``p = q * (n - 1)``,
    ``quantile(q) = s[floor(p)] + (p - floor(p)) * (s[floor(p) + 1] - s[floor(p)])``.

    Args:
        times: a non-empty sequence of numbers (seconds); it is not modified.
    Returns:
        {"median": quantile(0.5), "spread": quantile(0.75) - quantile(0.25),
         "min": min(times), "max": max(times)}, all Python floats.
        One slow outlier moves "max" but neither "median" nor "spread".
    Raises:
        ValueError: if ``times`` is empty.
    """
    # BEGIN SOLUTION
    values = sorted(float(t) for t in times)
    if not values:
        raise ValueError("summarize needs at least one timing")

    def quantile(q: float) -> float:
        position = q * (len(values) - 1)
        low = int(position)
        high = min(low + 1, len(values) - 1)
        return values[low] + (position - low) * (values[high] - values[low])

    return {"median": quantile(0.5), "spread": quantile(0.75) - quantile(0.25),
            "min": values[0], "max": values[-1]}
    # END SOLUTION


def time_it(fn: Callable[[], Any], *, device: str | torch.device = "cpu", warmup: int = 3,
            repeats: int = 20) -> dict[str, Any]:
    """Call ``fn()`` ``warmup`` times untimed, then time each of ``repeats`` further calls.

    ``fn`` is called exactly ``warmup + repeats`` times. On the CPU each call is
    timed with ``time.perf_counter()``. On CUDA: synchronize, run the warm-up,
    synchronize, record a start and an end ``torch.cuda.Event(enable_timing=True)``
    around each timed call (on the current stream, where ``fn`` must queue its work),
    synchronize, and read ``start.elapsed_time(end) / 1000`` (milliseconds to seconds).

    Args:
        fn: a callable with no arguments.
        device: "cpu", "cuda", "cuda:N" or a torch.device of those types.
        warmup: untimed calls first (int >= 0): caches, allocators, cuBLAS handles, lazy
            initialisation and clock ramp-up happen there, not in the timings.
        repeats: timed calls (int >= 1).
    Returns:
        {"median", "spread", "min", "max"} from :func:`summarize` of ``times`` (seconds),
        "times" (list of ``repeats`` floats, seconds, in call order),
        "warmup", "repeats" (the arguments) and "device" ("cpu" or "cuda").
    Raises:
        ValueError: warmup < 0, repeats < 1 (or either not an int), or a device that is not cpu or cuda.
        RuntimeError: device is cuda but torch.cuda.is_available() is False.
    """
    # BEGIN SOLUTION
    if not isinstance(warmup, int) or isinstance(warmup, bool) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0, got {warmup!r}")
    if not isinstance(repeats, int) or isinstance(repeats, bool) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}")
    try:
        target = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}") from None
    if target.type not in DEVICE_TYPES:
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")

    if target.type == "cpu":
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    else:
        if not torch.cuda.is_available():
            raise RuntimeError("time_it(device='cuda') needs a CUDA device: torch.cuda.is_available() is False")
        with torch.cuda.device(target):
            torch.cuda.synchronize()  # earlier work must not land in the first timing
            for _ in range(warmup):
                fn()
            torch.cuda.synchronize()  # nor the warm-up's
            starts = [torch.cuda.Event(enable_timing=True) for _ in range(repeats)]
            ends = [torch.cuda.Event(enable_timing=True) for _ in range(repeats)]
            for start, end in zip(starts, ends):
                start.record()
                fn()
                end.record()
            torch.cuda.synchronize()  # every event has happened: elapsed_time may be read
            times = [start.elapsed_time(end) / 1000.0 for start, end in zip(starts, ends)]
    return {**summarize(times), "times": times, "warmup": warmup, "repeats": repeats, "device": target.type}
    # END SOLUTION


def matmul_flops(n: int) -> int:
    """Floating-point operations of an (n, n) @ (n, n) product: ``2 * n**3``.

    Each of the n * n outputs is a dot product of length n: n multiplications and
    n additions (a multiply-add counts as two operations).

    Args:
        n: the matrix side, an int >= 0.
    Returns:
        ``2 * n**3`` as a Python int (exact, no overflow).
    """
    # BEGIN SOLUTION
    return 2 * int(n) ** 3
    # END SOLUTION


def throughput_sweep(sizes: Sequence[int], *, devices: Sequence[str] = ("cpu", "cuda"),
                     dtype: torch.dtype = torch.float32, warmup: int = 2, repeats: int = 5,
                     seed: int = 0) -> list[dict[str, Any]]:
    """Time an (n, n) @ (n, n) matmul for each size on each device; skip cuda without a GPU.

    For each ``n`` in ``sizes`` (in the order given), two (n, n) matrices of ``dtype``
    are drawn with ``torch.randn(..., generator=torch.Generator().manual_seed(seed))``
    on the CPU and moved to each device; ``time_it(lambda: a @ b, device=...,
    warmup=warmup, repeats=repeats)`` times the product.

    Args:
        sizes: matrix sides, ints >= 1.
        devices: device names ("cpu", "cuda", "cuda:N"), in the order the records should take.
            A cuda device is skipped, without error, when torch.cuda.is_available() is False.
        dtype: the matrices' floating dtype.
        warmup, repeats: passed to :func:`time_it`.
        seed: seeds the matrices' generator.
    Returns:
        one record per (size, available device), size-major:
        {"size": n, "device": "cpu" or "cuda", "seconds": the median time of one product,
         "gflops": matmul_flops(n) / seconds / 1e9}.
    Raises:
        ValueError: a size that is not an int >= 1, or a device that is not cpu or cuda.
    """
    # BEGIN SOLUTION
    targets = []
    for device in devices:
        try:
            target = torch.device(device)
        except (RuntimeError, TypeError, ValueError):
            raise ValueError(f"devices must be 'cpu' or 'cuda', got {device!r}") from None
        if target.type not in DEVICE_TYPES:
            raise ValueError(f"devices must be 'cpu' or 'cuda', got {device!r}")
        if target.type == "cpu" or torch.cuda.is_available():
            targets.append(target)
    for n in sizes:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"sizes must be ints >= 1, got {n!r}")

    records = []
    for n in sizes:
        generator = torch.Generator().manual_seed(seed)
        a = torch.randn(n, n, generator=generator, dtype=dtype)
        b = torch.randn(n, n, generator=generator, dtype=dtype)
        for target in targets:
            a_here, b_here = a.to(target), b.to(target)
            result = time_it(lambda: a_here @ b_here, device=target, warmup=warmup, repeats=repeats)
            seconds = result["median"]
            gflops = matmul_flops(n) / seconds / 1e9 if seconds > 0 else float("inf")
            records.append({"size": n, "device": target.type, "seconds": seconds, "gflops": gflops})
    return records
    # END SOLUTION


def crossover(sweep: Sequence[dict[str, Any]]) -> int | None:
    """The smallest size from which the GPU beats the CPU at that size and at every larger size.

    Only sizes with both a "cpu" and a "cuda" record count ("cuda:N" is cuda); records
    may come in any order. The GPU wins at a size when its "seconds" is strictly
    smaller than the CPU's. One lucky win below a size where the GPU loses again is
    noise, not the crossover.

    Args:
        sweep: records as returned by :func:`throughput_sweep`, at most one per (size, device).
    Returns:
        that size (an int), or None when the GPU loses (or ties) at the largest size
        measured on both devices, or no size was measured on both.
    """
    # BEGIN SOLUTION
    cpu: dict[int, float] = {}
    gpu: dict[int, float] = {}
    for record in sweep:
        kind = str(record["device"]).split(":")[0]
        if kind in DEVICE_TYPES:
            (cpu if kind == "cpu" else gpu)[int(record["size"])] = float(record["seconds"])
    answer = None
    for size in sorted(set(cpu) & set(gpu), reverse=True):
        if not gpu[size] < cpu[size]:
            break
        answer = size
    return answer
    # END SOLUTION

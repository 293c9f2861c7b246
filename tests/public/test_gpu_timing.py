"""Public checks for gpu_timing: warm-up, seconds per call, the median, CUDA events, the sweep and its crossover."""

import statistics
import time

import numpy as np
import torch

from grader.checks import CheckFailure, assert_close, assert_raises

MEDIAN = "the median of the per-call times, not their mean: one slow call moves the mean"


def wait(seconds):
    """Take at least ``seconds`` of wall time (a sleep, finished by a busy-wait on the same clock)."""
    deadline = time.perf_counter() + seconds
    time.sleep(seconds)
    while time.perf_counter() < deadline:
        pass


def check(condition, quantity, problem, cause):
    if not condition:
        raise CheckFailure(quantity, problem, [], cause)


def test_summarize_keeps_the_median_under_an_outlier(gpu_timing):
    times = [0.010, 0.012, 0.011, 3.0, 0.010]
    stats = gpu_timing.summarize(times)
    q25, q50, q75 = np.percentile(times, [25, 50, 75])
    assert_close(stats["median"], q50, name="summarize(...)['median']", rtol=1e-9, cause=MEDIAN)
    assert_close(stats["spread"], q75 - q25, name="summarize(...)['spread']", rtol=1e-9,
                 cause="spread is the interquartile range: quantile(0.75) - quantile(0.25), linear interpolation")
    assert_close([stats["min"], stats["max"]], [0.010, 3.0], name="summarize(...) min and max", rtol=1e-12,
                 cause="the fastest and the slowest time")


def test_time_it_warms_up_then_times_each_call(gpu_timing):
    calls = []

    def slow_at_first():
        calls.append(1)
        wait(0.06 if len(calls) <= 3 else 0.002)

    result = gpu_timing.time_it(slow_at_first, warmup=3, repeats=5)
    check(len(calls) == 8, "calls made by time_it(fn, warmup=3, repeats=5)", f"{len(calls)} calls",
          "call fn `warmup` times untimed, then `repeats` times, each timed")
    check(len(result["times"]) == 5, "time_it(...)['times']", f"has {len(result['times'])} entries",
          "one entry per timed call")
    check(result["median"] < 0.03, "time_it(...)['median'] of a function whose first 3 calls take 60 ms",
          f"is {result['median']:.4g} s; later calls take 2 ms", "the warm-up calls must not be timed")


def test_time_it_reports_seconds(gpu_timing):
    result = gpu_timing.time_it(lambda: wait(0.01), warmup=1, repeats=5)
    check(all(0.01 <= t < 0.5 for t in result["times"]), "time_it(10 ms calls)['times']",
          f"are {result['times']}", "seconds from time.perf_counter() around each call")
    assert_close(result["median"], statistics.median(result["times"]), name="time_it(...)['median']",
                 rtol=1e-9, cause=MEDIAN)


def gpu_sleep_seconds(cycles):
    """How long torch.cuda._sleep(cycles) runs on the GPU, from events around it."""
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    torch.cuda._sleep(cycles)
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1000


def test_time_it_measures_the_work(gpu_timing, device):
    if device == "cuda":
        cycles = 20_000_000
        torch.cuda._sleep(2 * cycles)  # let the GPU's clocks ramp up
        before = gpu_sleep_seconds(cycles)
        work = lambda: torch.cuda._sleep(cycles)  # noqa: E731 - queues a kernel and returns at once
    else:
        before = 0.01
        work = lambda: wait(before)  # noqa: E731
    result = gpu_timing.time_it(work, device=device, warmup=2, repeats=5)
    duration = min(before, gpu_sleep_seconds(cycles)) if device == "cuda" else before
    check(result["median"] >= 0.8 * duration, f"time_it(work, device={device!r})['median']",
          f"is {result['median']:.4g} s for work that takes {duration:.4g} s",
          "on CUDA, record torch.cuda.Event pairs around each call and synchronize before elapsed_time: "
          "a host clock around a kernel launch measures the launch")


def test_time_it_rejects_bad_arguments(gpu_timing):
    for kwargs in ({"warmup": -1}, {"repeats": 0}, {"device": "tpu"}):
        assert_raises(ValueError, lambda: gpu_timing.time_it(lambda: None, **kwargs), name="time_it",
                      why=str(kwargs), cause="warmup >= 0, repeats >= 1, device 'cpu' or 'cuda'")


def test_matmul_flops(gpu_timing):
    for n in (1, 3, 1000):
        check(gpu_timing.matmul_flops(n) == 2 * n**3, f"matmul_flops({n})", f"is {gpu_timing.matmul_flops(n)}",
              "each of the n^2 outputs takes n multiplications and n additions")


def test_throughput_sweep_on_the_cpu(gpu_timing):
    sweep = gpu_timing.throughput_sweep([8, 32], devices=("cpu",), repeats=3)
    check([(r["size"], r["device"]) for r in sweep] == [(8, "cpu"), (32, "cpu")], "throughput_sweep([8, 32])",
          f"records {sweep}", "one record per size and device, in the order given")
    for r in sweep:
        assert_close(r["gflops"], 2 * r["size"] ** 3 / r["seconds"] / 1e9, name=f"gflops of size {r['size']}",
                     rtol=1e-9, cause="gflops = matmul_flops(n) / seconds / 1e9")


def test_crossover_needs_the_gpu_to_stay_ahead(gpu_timing):
    def record(size, device, seconds):
        return {"size": size, "device": device, "seconds": seconds, "gflops": 2 * size**3 / seconds / 1e9}

    sweep = [record(64, "cpu", 1e-5), record(64, "cuda", 5e-6),     # a lucky win
             record(128, "cpu", 5e-5), record(128, "cuda", 6e-5),   # lost again
             record(256, "cpu", 4e-4), record(256, "cuda", 1e-4),
             record(512, "cpu", 3e-3), record(512, "cuda", 2e-4)]
    check(gpu_timing.crossover(sweep) == 256, "crossover(sweep)", f"is {gpu_timing.crossover(sweep)!r}, expected 256",
          "the smallest size from which the GPU is faster at that size and every larger one")
    check(gpu_timing.crossover(sweep[:4]) is None, "crossover(sweep up to 128)",
          f"is {gpu_timing.crossover(sweep[:4])!r}, expected None", "the GPU loses at the largest size: no crossover")

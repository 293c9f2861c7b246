"""Hidden checks for gpu_timing: warm-up, per-call seconds, median and IQR, synchronised CUDA timing, the sweep.

CPU timings use delays of known length (a sleep finished by a busy-wait on the same
monotonic clock, so a call never takes less than asked). The margins are wide: the
machine may be loaded, which only makes calls slower, and every upper bound sits far
below what the mistake it catches would report.
"""

import math
import random
import statistics
import time

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.checks import CheckFailure, assert_close, assert_raises
from grader.devices import NO_GPU_REASON, cuda_device_name

needs_gpu = pytest.mark.skipif(cuda_device_name() is None, reason=NO_GPU_REASON)
KEYS = {"median", "spread", "min", "max", "times", "warmup", "repeats", "device"}
SECONDS = "report seconds: perf_counter() differences are seconds; CUDA's elapsed_time() is milliseconds (divide by 1000)"
MEDIAN = "report the median of the per-call times, not their mean: one slow call (a page fault, a context switch) moves the mean"
IQR = "spread is the interquartile range, quantile(0.75) - quantile(0.25) with linear interpolation, not max - min or a std"
UNSYNCED = ("on CUDA a call returns once its kernels are queued: record torch.cuda.Event pairs around each call "
            "and synchronize before reading elapsed_time (a host clock without synchronisation times the launch)")


def wait(seconds):
    """Take at least ``seconds`` of wall time without burning a core for most of it."""
    deadline = time.perf_counter() + seconds
    time.sleep(seconds)
    while time.perf_counter() < deadline:
        pass


def check(condition, quantity, problem, cause, details=()):
    if not condition:
        raise CheckFailure(quantity, problem, list(details), cause)


def check_result_shape(result, repeats):
    check(isinstance(result, dict) and KEYS <= set(result), "time_it(...)",
          f"returned {type(result).__name__} with keys {sorted(result) if isinstance(result, dict) else '-'}",
          f"return a dict with the keys {sorted(KEYS)}")
    times = result["times"]
    check(isinstance(times, list) and len(times) == repeats, "time_it(...)['times']",
          f"has {len(times) if hasattr(times, '__len__') else '?'} entries for repeats={repeats}",
          "one entry per timed call: the warm-up calls are run first and never timed or kept")
    check(all(isinstance(t, float) and math.isfinite(t) and t >= 0 for t in times), "time_it(...)['times']",
          f"entries {times[:5]}... are not all finite non-negative floats", "append float seconds per call")


def check_summary(result, times, name):
    """median, spread, min and max must describe ``times`` (NumPy is the oracle)."""
    q25, q50, q75 = np.percentile(np.asarray(times, dtype=np.float64), [25, 50, 75])
    assert_close(result["median"], q50, name=f"{name}['median']", rtol=1e-9, atol=1e-12, cause=MEDIAN)
    assert_close(result["spread"], q75 - q25, name=f"{name}['spread']", rtol=1e-9, atol=1e-12, cause=IQR)
    assert_close(result["min"], min(times), name=f"{name}['min']", rtol=1e-12, atol=0.0,
                 cause="min is the fastest timed call")
    assert_close(result["max"], max(times), name=f"{name}['max']", rtol=1e-12, atol=0.0,
                 cause="max is the slowest timed call")


# --- summarize --------------------------------------------------------------------------------------


@given(times=st.lists(st.floats(1e-7, 10.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=40))
def test_summarize_matches_numpy(gpu_timing, times):
    before = list(times)
    stats = gpu_timing.summarize(times)
    check_summary(stats, before, "summarize(times)")
    check(times == before, "summarize(times)", "modified its argument", "sort a copy: sorted(times)")


def test_summarize_of_one_outlier(gpu_timing):
    times = [0.010, 0.011, 0.010, 0.012, 0.010, 2.5, 0.011]
    stats = gpu_timing.summarize(times)
    check_summary(stats, times, "summarize(six calls near 10 ms and one of 2.5 s)")
    check(stats["median"] < 0.02, "summarize(...)['median']", f"is {stats['median']:.4g} s for calls near 10 ms",
          MEDIAN)


def test_summarize_of_one_and_of_two(gpu_timing):
    check_summary(gpu_timing.summarize([0.25]), [0.25], "summarize([0.25])")
    check_summary(gpu_timing.summarize((0.5, 0.1)), [0.5, 0.1], "summarize((0.5, 0.1))")


def test_summarize_rejects_no_times(gpu_timing):
    assert_raises(ValueError, lambda: gpu_timing.summarize([]), name="summarize", why="an empty list",
                  cause="there is no median of nothing: raise ValueError")


# --- time_it on the CPU, with delays of known length ------------------------------------------------


def test_warm_up_calls_run_first_and_untimed(gpu_timing):
    slow, fast, warmup, repeats = 0.08, 0.002, 4, 5
    calls = []

    def starts_slowly():
        calls.append(len(calls))
        wait(slow if len(calls) <= warmup else fast)

    result = gpu_timing.time_it(starts_slowly, warmup=warmup, repeats=repeats)
    check(len(calls) == warmup + repeats, "calls made by time_it(fn, warmup=4, repeats=5)",
          f"fn was called {len(calls)} times, expected 9",
          "call fn exactly `warmup` times untimed, then exactly `repeats` more times, each timed")
    check_result_shape(result, repeats)
    check(result["warmup"] == warmup and result["repeats"] == repeats, "time_it(...)['warmup'], ['repeats']",
          f"are {result['warmup']!r}, {result['repeats']!r}", "report the arguments you were given")
    check(result["median"] < slow / 2, "time_it(...)['median'] of a function whose first 4 calls take 80 ms",
          f"is {result['median']:.4g} s; the steady state takes 2 ms",
          "warm up first: the first calls of anything (caches, allocation, lazy initialisation) are slow")
    check(min(result["times"]) >= fast, "time_it(...)['times']", f"has {min(result['times']):.3g} s for 2 ms calls",
          SECONDS)


def test_no_warm_up_times_every_call_in_order(gpu_timing):
    calls = []

    def first_call_slow():
        calls.append(len(calls))
        wait(0.12 if len(calls) == 1 else 0.002)

    result = gpu_timing.time_it(first_call_slow, warmup=0, repeats=3)
    check(len(calls) == 3, "calls made by time_it(fn, warmup=0, repeats=3)", f"fn was called {len(calls)} times",
          "warmup=0 means no untimed call at all")
    check_result_shape(result, 3)
    times = result["times"]
    check(times[0] >= 0.12 and max(times[1:]) < 0.06, "time_it(fn, warmup=0)['times']",
          f"are {[round(t, 4) for t in times]} for calls of 120, 2 and 2 ms", "keep the times in call order, in seconds")


def test_median_ignores_an_outlier(gpu_timing):
    base, outlier = 0.005, 0.5
    calls = []

    def one_call_stalls():
        calls.append(len(calls))
        wait(outlier if len(calls) == 3 else base)

    result = gpu_timing.time_it(one_call_stalls, warmup=1, repeats=7)
    check_result_shape(result, 7)
    check_summary(result, result["times"], "time_it(...)")
    check(result["median"] < 0.05, "time_it(...)['median'] of 5 ms calls with one 500 ms stall",
          f"is {result['median']:.4g} s (the mean would be about 0.076 s)", MEDIAN)
    check(result["max"] >= outlier, "time_it(...)['max']", f"is {result['max']:.4g} s with a 500 ms call among them",
          "time each call on its own: total / repeats hides the slow call")
    check(result["spread"] < 0.05, "time_it(...)['spread']", f"is {result['spread']:.4g} s with one outlier", IQR)


def test_times_are_seconds_per_call(gpu_timing):
    delay = 0.02
    result = gpu_timing.time_it(lambda: wait(delay), warmup=1, repeats=5)
    check_result_shape(result, 5)
    check(min(result["times"]) >= delay, "time_it(...)['times'] of 20 ms calls",
          f"has {min(result['times']):.4g}", SECONDS)
    check(result["median"] < 0.2, "time_it(...)['median'] of 20 ms calls", f"is {result['median']:.4g}", SECONDS)
    check_summary(result, result["times"], "time_it(...)")
    check(result["device"] == "cpu", "time_it(...)['device']", f"is {result['device']!r}", "the device type timed")


def test_times_tensor_work(gpu_timing, device, seed):
    x = torch.randn(96, 96, generator=torch.Generator().manual_seed(seed)).to(device)
    calls = []

    def matmul():
        calls.append(1)
        return x @ x

    result = gpu_timing.time_it(matmul, device=device, warmup=2, repeats=6)
    check(len(calls) == 8, "calls made by time_it(matmul, warmup=2, repeats=6)", f"{len(calls)} calls",
          "warmup untimed calls, then repeats timed ones")
    check_result_shape(result, 6)
    check(min(result["times"]) > 0, "time_it(matmul)['times']", f"has {min(result['times'])}",
          "time each call: a product takes more than nothing")
    check_summary(result, result["times"], f"time_it(matmul, device={device!r})")
    check(result["device"] == device, "time_it(...)['device']", f"is {result['device']!r}", "the device type timed")


@pytest.mark.parametrize("case, kwargs", [
    ("warmup=-1", {"warmup": -1}),
    ("repeats=0", {"repeats": 0}),
    ("repeats=-2", {"repeats": -2}),
    ("device='tpu'", {"device": "tpu"}),
    ("device='gpu' (not a torch device)", {"device": "gpu"}),
    ("device='meta'", {"device": "meta"}),
])
def test_time_it_rejects_bad_arguments(gpu_timing, case, kwargs):
    calls = []
    assert_raises(ValueError, lambda: gpu_timing.time_it(lambda: calls.append(1), **kwargs), name="time_it",
                  why=case, cause="validate before timing: warmup >= 0, repeats >= 1, device 'cpu' or 'cuda' "
                                  "(turn torch.device's RuntimeError into a ValueError)")


@pytest.mark.skipif(cuda_device_name() is not None, reason="a CUDA device is present")
def test_cuda_without_a_gpu_is_refused(gpu_timing):
    check_result_shape(gpu_timing.time_it(lambda: None, device="cpu", warmup=0, repeats=2), 2)
    assert_raises(RuntimeError, lambda: gpu_timing.time_it(lambda: None, device="cuda", warmup=0, repeats=2),
                  name="time_it(device='cuda')", why="a machine without a CUDA device",
                  cause="device='cuda' must time on the GPU with torch.cuda.Event: check torch.cuda.is_available() "
                        "and raise RuntimeError instead of quietly timing with the host clock")


# --- CUDA: the timings must contain the GPU's work -------------------------------------------------


def gpu_seconds(work, repeats=3):
    """The test's own oracle: the median time of work() on the GPU, from events around it."""
    torch.cuda.synchronize()
    measured = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        work()
        end.record()
        end.synchronize()
        measured.append(start.elapsed_time(end) / 1000.0)
    return statistics.median(measured)


def calibrated_sleep(target):
    """Cycles for which torch.cuda._sleep takes about ``target`` seconds, and its measured duration."""
    torch.cuda._sleep(50_000_000)  # let the clocks ramp up before calibrating
    cycles = 1_000_000
    per_cycle = gpu_seconds(lambda: torch.cuda._sleep(cycles)) / cycles
    cycles = max(1, int(target / per_cycle))
    return cycles, gpu_seconds(lambda: torch.cuda._sleep(cycles))


@pytest.mark.cuda
@needs_gpu
def test_cuda_timing_contains_a_sleep_kernel(gpu_timing):
    cycles, before = calibrated_sleep(0.02)
    result = gpu_timing.time_it(lambda: torch.cuda._sleep(cycles), device="cuda", warmup=2, repeats=5)
    after = gpu_seconds(lambda: torch.cuda._sleep(cycles))
    duration = min(before, after)
    check_result_shape(result, 5)
    check(result["median"] >= 0.8 * duration, "time_it(sleep kernel, device='cuda')['median']",
          f"is {result['median']:.4g} s for a kernel that runs {duration:.4g} s", UNSYNCED)
    check(result["median"] <= 5 * max(before, after) + 0.01, "time_it(sleep kernel, device='cuda')['median']",
          f"is {result['median']:.4g} s for a kernel that runs {duration:.4g} s", SECONDS)
    check(result["device"] == "cuda", "time_it(...)['device']", f"is {result['device']!r}", "the device type timed")


@pytest.mark.cuda
@needs_gpu
def test_cuda_timing_is_the_work_not_its_launch(gpu_timing, seed):
    x = torch.randn(4096, 4096, generator=torch.Generator().manual_seed(seed)).to("cuda")
    result = gpu_timing.time_it(lambda: x @ x, device="cuda", warmup=2, repeats=5)
    work = gpu_seconds(lambda: x @ x)
    check_result_shape(result, 5)
    check(result["median"] >= 0.5 * work, "time_it(lambda: x @ x, device='cuda')['median'] for 4096x4096",
          f"is {result['median']:.4g} s; the product takes {work:.4g} s on the GPU", UNSYNCED)
    check_summary(result, result["times"], "time_it(x @ x, device='cuda')")


@pytest.mark.cuda
@needs_gpu
def test_sweep_times_both_devices(gpu_timing):
    sweep = gpu_timing.throughput_sweep([64, 512], repeats=3)
    pairs = [(record["size"], record["device"]) for record in sweep]
    check(pairs == [(64, "cpu"), (64, "cuda"), (512, "cpu"), (512, "cuda")], "throughput_sweep([64, 512])",
          f"records {pairs}", "with a GPU present, time every size on the cpu and then on cuda")
    for record in sweep:
        assert_close(record["gflops"], 2 * record["size"] ** 3 / record["seconds"] / 1e9,
                     name=f"gflops of size {record['size']} on {record['device']}", rtol=1e-9,
                     cause="gflops = 2 n^3 / seconds / 1e9")


# --- matmul_flops, throughput_sweep, crossover ----------------------------------------------------


@given(n=st.integers(0, 10**6))
def test_matmul_flops(gpu_timing, n):
    flops = gpu_timing.matmul_flops(n)
    check(isinstance(flops, int) and flops == 2 * n**3, f"matmul_flops({n})", f"is {flops!r}, expected {2 * n**3}",
          "n*n dot products of length n: n multiplications and n additions each, 2 n^3 in all, as an int")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=lambda d: str(d).removeprefix("torch."))
def test_sweep_records(gpu_timing, device, dtype):
    sizes = [32, 8, 64]
    sweep = gpu_timing.throughput_sweep(sizes, devices=(device,), dtype=dtype, warmup=1, repeats=3)
    check(isinstance(sweep, list) and [(r["size"], r["device"]) for r in sweep] == [(n, device) for n in sizes],
          f"throughput_sweep({sizes}, devices=({device!r},))",
          f"records {[(r.get('size'), r.get('device')) for r in sweep] if isinstance(sweep, list) else sweep!r}",
          "one record per size, in the order given, with the device type")
    for record in sweep:
        n = record["size"]
        check(isinstance(record["seconds"], float) and 0 < record["seconds"] < 5, f"seconds of size {n}",
              f"is {record['seconds']!r}", SECONDS)
        assert_close(record["gflops"], 2 * n**3 / record["seconds"] / 1e9, name=f"gflops of size {n} on {device}",
                     rtol=1e-9, cause="gflops = matmul_flops(n) / seconds / 1e9, with matmul_flops(n) = 2 n^3")


def test_sweep_skips_an_absent_gpu(gpu_timing):
    sweep = gpu_timing.throughput_sweep([16], repeats=2)
    devices = sorted(record["device"] for record in sweep)
    expected = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    check(devices == expected, "throughput_sweep([16]) devices", f"are {devices}, expected {expected}",
          "time on cuda only when torch.cuda.is_available(); otherwise skip it without error")
    check(sweep[0]["gflops"] > 0 and math.isclose(sweep[0]["gflops"], 2 * 16**3 / sweep[0]["seconds"] / 1e9),
          "throughput_sweep([16]) gflops", f"is {sweep[0]['gflops']!r}", "gflops = 2 n^3 / seconds / 1e9")


@pytest.mark.parametrize("case, call", [
    ("a size of 0", lambda m: m.throughput_sweep([0], devices=("cpu",))),
    ("a negative size", lambda m: m.throughput_sweep([8, -4], devices=("cpu",))),
    ("devices=('tpu',)", lambda m: m.throughput_sweep([8], devices=("tpu",))),
])
def test_sweep_rejects_bad_arguments(gpu_timing, case, call):
    assert_raises(ValueError, lambda: call(gpu_timing), name="throughput_sweep", why=case,
                  cause="sizes are ints >= 1 and devices 'cpu' or 'cuda': check them before timing anything")


def record(size, device, seconds):
    return {"size": size, "device": device, "seconds": seconds, "gflops": 2 * size**3 / seconds / 1e9}


@st.composite
def synthetic_sweeps(draw):
    sizes = draw(st.lists(st.integers(1, 8192), min_size=0, max_size=8, unique=True))
    times = st.sampled_from([0.001, 0.002, 0.003, 0.004])  # few values: ties happen
    records = []
    for size in sizes:
        on = draw(st.sampled_from(["both", "both", "both", "cpu", "cuda"]))
        if on in ("both", "cpu"):
            records.append(record(size, "cpu", draw(times)))
        if on in ("both", "cuda"):
            records.append(record(size, draw(st.sampled_from(["cuda", "cuda:0"])), draw(times)))
    return draw(st.permutations(records))


def crossover_by_definition(sweep):
    cpu = {r["size"]: r["seconds"] for r in sweep if r["device"] == "cpu"}
    gpu = {r["size"]: r["seconds"] for r in sweep if r["device"].startswith("cuda")}
    both = sorted(set(cpu) & set(gpu))
    winning = [s for s in both if all(gpu[t] < cpu[t] for t in both if t >= s)]
    return min(winning) if winning else None


@given(sweep=synthetic_sweeps())
def test_crossover_by_definition(gpu_timing, sweep):
    got = gpu_timing.crossover(sweep)
    expected = crossover_by_definition(sweep)
    check(got == expected, "crossover(sweep)", f"is {got!r}, expected {expected!r}",
          "the smallest size with both devices from which the GPU is strictly faster at that size and every "
          "larger one; records come in any order", [f"records (size, device, seconds): "
                                                   f"{[(r['size'], r['device'], r['seconds']) for r in sweep]}"])


def test_crossover_ignores_a_lucky_early_win(gpu_timing):
    cpu = {64: 1e-4, 128: 4e-4, 256: 2e-3, 512: 1.5e-2, 1024: 0.12}
    gpu = {64: 2e-4, 128: 3e-4, 256: 2.5e-3, 512: 1e-3, 1024: 4e-3}  # wins at 128 by noise, loses at 256
    sweep = [record(n, "cpu", s) for n, s in cpu.items()] + [record(n, "cuda", s) for n, s in gpu.items()]
    random.Random(0).shuffle(sweep)
    got = gpu_timing.crossover(sweep)
    check(got == 512, "crossover(sweep)", f"is {got!r} where the GPU wins at 128, loses at 256, wins from 512 on",
          "the GPU must stay ahead at every larger size: scan from the largest size down")


@pytest.mark.parametrize("case, cpu, gpu", [
    ("the GPU never wins", {8: 1e-6, 16: 2e-6}, {8: 1e-5, 16: 1e-5}),
    ("the GPU wins, then loses at the largest size", {8: 1e-5, 16: 2e-5, 32: 1e-4}, {8: 1e-6, 16: 2e-6, 32: 2e-4}),
    ("a tie at the largest size", {8: 2e-5, 16: 1e-4}, {8: 1e-5, 16: 1e-4}),
    ("no GPU records", {8: 1e-5, 16: 2e-5}, {}),
])
def test_crossover_none(gpu_timing, case, cpu, gpu):
    sweep = [record(n, "cpu", s) for n, s in cpu.items()] + [record(n, "cuda", s) for n, s in gpu.items()]
    got = gpu_timing.crossover(sweep)
    check(got is None, f"crossover(sweep) when {case}", f"is {got!r}, expected None",
          "None unless the GPU is strictly faster at the largest size measured on both devices")

"""time_it imports torch.utils.benchmark under a name built at run time (only the guard can see it)."""
import importlib


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    benchmark = importlib.import_module("torch.utils." + "bench" + "mark")
    for _ in range(warmup):
        fn()
    times = [benchmark.Timer(stmt="fn()", globals={"fn": fn}).timeit(1).median for _ in range(repeats)]
    return {**summarize(times), "times": times, "warmup": warmup, "repeats": repeats,
            "device": torch.device(device).type}

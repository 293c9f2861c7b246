"""time_it times each call with torch.utils.benchmark.Timer (caught in the source)."""
import torch.utils.benchmark


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    for _ in range(warmup):
        fn()
    times = [torch.utils.benchmark.Timer(stmt="fn()", globals={"fn": fn}).timeit(1).median for _ in range(repeats)]
    return {**summarize(times), "times": times, "warmup": warmup, "repeats": repeats,
            "device": torch.device(device).type}

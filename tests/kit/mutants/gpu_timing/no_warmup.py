"""time_it never warms up: the first, slow calls are timed (it still reports the warmup it was given)."""
reference_time_it = time_it


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    if warmup < 0:
        raise ValueError(warmup)
    return {**reference_time_it(fn, device=device, warmup=0, repeats=repeats), "warmup": warmup}

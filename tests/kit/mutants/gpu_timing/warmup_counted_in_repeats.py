"""time_it makes `repeats` calls in all and drops the first `warmup` of them from the timings."""
reference_time_it = time_it


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    if warmup < 0 or repeats < 1:
        raise ValueError("warmup >= 0 and repeats >= 1")
    result = reference_time_it(fn, device=device, warmup=min(warmup, repeats - 1), repeats=max(repeats - warmup, 1))
    return {**result, "warmup": warmup, "repeats": repeats}

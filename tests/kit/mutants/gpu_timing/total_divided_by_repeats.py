"""time_it times the whole loop once and divides by repeats: every entry is the mean."""
reference_time_it = time_it


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    result = reference_time_it(fn, device=device, warmup=warmup, repeats=repeats)
    times = [sum(result["times"]) / repeats] * repeats
    return {**result, **summarize(times), "times": times}

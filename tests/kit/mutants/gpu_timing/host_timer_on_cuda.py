"""time_it reads perf_counter around each call on every device, never synchronising: on CUDA it times the launch."""
reference_time_it = time_it


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    reference_time_it(lambda: None, device="cpu" if str(device).startswith("cuda") else device, warmup=warmup,
                      repeats=repeats)  # the reference's argument checks, on a function that does nothing
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {**summarize(times), "times": times, "warmup": warmup, "repeats": repeats,
            "device": torch.device(device).type}

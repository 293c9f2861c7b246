"""time_it and throughput_sweep check nothing: warmup=-1 runs no warm-up, an unknown device is timed on the CPU."""
reference_time_it, reference_sweep = time_it, throughput_sweep


def time_it(fn, *, device="cpu", warmup=3, repeats=20):
    kind = "cuda" if str(device).startswith("cuda") else "cpu"
    return reference_time_it(fn, device=kind, warmup=max(warmup, 0), repeats=repeats)


def throughput_sweep(sizes, *, devices=("cpu", "cuda"), dtype=torch.float32, warmup=2, repeats=5, seed=0):
    sizes = [n for n in sizes if n > 0]
    devices = ["cuda" if str(d).startswith("cuda") else "cpu" for d in devices]
    return reference_sweep(sizes, devices=devices, dtype=dtype, warmup=warmup, repeats=repeats, seed=seed)

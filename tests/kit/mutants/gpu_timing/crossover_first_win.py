"""crossover returns the first size at which the GPU wins, even if it loses again at a larger size."""


def crossover(sweep):
    cpu = {r["size"]: r["seconds"] for r in sweep if str(r["device"]).startswith("cpu")}
    gpu = {r["size"]: r["seconds"] for r in sweep if str(r["device"]).startswith("cuda")}
    for size in sorted(set(cpu) & set(gpu)):
        if gpu[size] < cpu[size]:
            return size
    return None

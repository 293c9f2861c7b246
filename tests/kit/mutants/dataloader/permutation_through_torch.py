"""batch_indices draws its permutation with torch.randperm and a seeded torch.Generator."""
import numpy as np
import torch


def batch_indices(n, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    generator = torch.Generator().manual_seed(seed * 100_003 + epoch)
    order = torch.randperm(n, generator=generator).numpy() if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return [order[start:start + batch_size] for start in range(0, stop, batch_size)]

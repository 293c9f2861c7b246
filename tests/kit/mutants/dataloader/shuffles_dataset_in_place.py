"""iterate_batches shuffles the caller's arrays in place with rng.shuffle (one seed per array keeps rows aligned)."""
import numpy as np


def iterate_batches(dataset, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    n = dataset_length(dataset)
    positions = batch_indices(n, batch_size, drop_last=drop_last)
    if shuffle:
        arrays = dataset.values() if isinstance(dataset, dict) else dataset if isinstance(dataset, tuple) else [dataset]
        for array in arrays:
            np.random.default_rng([seed, epoch]).shuffle(array)
    return (collate(dataset, batch) for batch in positions)

"""iterate_batches permutes the whole dataset (a full copy) each epoch, then slices the copy."""
import numpy as np


def iterate_batches(dataset, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    n = dataset_length(dataset)
    batches = batch_indices(n, batch_size, drop_last=drop_last)
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    shuffled = collate(dataset, order)
    return (collate(shuffled, positions) for positions in batches)

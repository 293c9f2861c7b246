"""iterate_batches draws one permutation per array of a tuple or dict, so the rows of x and y no longer match."""
import numpy as np


def iterate_batches(dataset, batch_size, *, shuffle=False, seed=0, epoch=0, drop_last=False):
    n = dataset_length(dataset)
    positions = batch_indices(n, batch_size, drop_last=drop_last)
    rng = np.random.default_rng([seed, epoch])
    if isinstance(dataset, dict):
        names, arrays = list(dataset), list(dataset.values())
    elif isinstance(dataset, tuple):
        names, arrays = None, list(dataset)
    else:
        names, arrays = None, [dataset]
    orders = [rng.permutation(n) if shuffle else np.arange(n) for _ in arrays]
    for batch in positions:
        rows = [array[order[batch]] for array, order in zip(arrays, orders)]
        if names is not None:
            yield dict(zip(names, rows))
        elif isinstance(dataset, tuple):
            yield tuple(rows)
        else:
            yield rows[0]

"""collate fills a batch buffer made with np.zeros without dtype, so integer labels come back as float64."""
import numpy as np


def _gather(array, indices):
    batch = np.zeros((len(indices),) + array.shape[1:])
    for row, index in enumerate(indices):
        batch[row] = array[index]
    return batch


def collate(dataset, indices):
    if isinstance(dataset, dict):
        return {name: _gather(array, indices) for name, array in dataset.items()}
    if isinstance(dataset, tuple):
        return tuple(_gather(array, indices) for array in dataset)
    return _gather(dataset, indices)

"""Mini-batches over array datasets: shuffling, drop_last and collation, as torch's DataLoader.

A dataset is one of three structures, every array holding N samples along axis 0::

    x                          one array (N, ...)
    (x, y)                     a tuple of arrays, each (N, ...)
    {"x": x, "y": y}           a dict name -> array, each (N, ...)

One epoch visits every sample once, in batches of ``batch_size`` rows::

    order = np.arange(N)                                         without shuffling
    order = np.random.default_rng([seed, epoch]).permutation(N)  with shuffling
    batches of indices: order[0:B], order[B:2B], ...; the last one has N % B rows
    (dropped when drop_last=True), so there are ceil(N / B) or floor(N / B) batches.

A batch has the dataset's structure: ``collate(dataset, idx)`` is ``x[idx]``,
``(x[idx], y[idx])`` or ``{"x": x[idx], "y": y[idx]}``. Only the rows of a batch
are ever copied, never the whole dataset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Union

import numpy as np
from numpy.typing import NDArray

Dataset = Union[NDArray[Any], tuple, dict]  # an array, a tuple of arrays, or a dict name -> array
Batch = Union[NDArray[Any], tuple, dict]  # the same structure, holding the rows of one batch
Indices = NDArray[np.integer]


def dataset_length(dataset: Dataset) -> int:
    """N, the number of samples: the common length of every array along axis 0.

    Args:
        dataset: an array (N, ...), a tuple of arrays (N, ...) or a dict name -> array (N, ...).
    Returns:
        N, a Python int.
    Raises:
        ValueError: the dataset holds no array, an array has no axis 0 (a scalar), or the
            arrays' lengths differ (the message names every length).
    """
    # BEGIN SOLUTION
    if isinstance(dataset, dict):
        arrays = list(dataset.values())
    elif isinstance(dataset, tuple):
        arrays = list(dataset)
    else:
        arrays = [dataset]
    if not arrays:
        raise ValueError("the dataset holds no array")
    shapes = [np.shape(array) for array in arrays]
    if any(len(shape) == 0 for shape in shapes):
        raise ValueError(f"every array needs an axis 0 of samples, got shapes {shapes}")
    lengths = [shape[0] for shape in shapes]
    if len(set(lengths)) != 1:
        raise ValueError(f"every array must have the same length along axis 0, got lengths {lengths}")
    return int(lengths[0])
    # END SOLUTION


def batch_indices(
    n: int, batch_size: int, *, shuffle: bool = False, seed: int = 0, epoch: int = 0, drop_last: bool = False
) -> list[Indices]:
    """The index arrays of one epoch's batches, in order.

    ``order = np.arange(n)``, or ``np.random.default_rng([seed, epoch]).permutation(n)``
    when shuffling (a fresh permutation per epoch, the same one for the same seed and
    epoch). Batch k is ``order[k * batch_size : (k + 1) * batch_size]``. The last batch
    has ``n % batch_size`` indices when that is not 0; drop_last leaves it out, so the
    batches cover exactly ``order[: n - n % batch_size]``.

    Args:
        n: the number of samples N (>= 0).
        batch_size: B, rows per batch (>= 1).
        shuffle: permute the samples before batching.
        seed: seed of the permutation.
        epoch: the epoch number, the permutation's second seed.
        drop_last: leave out a last batch smaller than B.
    Returns:
        a list of ceil(N / B) integer arrays (floor(N / B) with drop_last), each (B,)
        except a last one of shape (N % B,).
    Raises:
        ValueError: batch_size < 1 or n < 0.
    """
    # BEGIN SOLUTION
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if n < 0:
        raise ValueError(f"n must be at least 0, got {n}")
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return [order[start : start + batch_size] for start in range(0, stop, batch_size)]
    # END SOLUTION


def collate(dataset: Dataset, indices: Indices) -> Batch:
    """The rows ``indices`` of every array, in the dataset's structure.

    ``x[indices]`` for an array, ``(x[indices], y[indices])`` for a tuple,
    ``{"x": x[indices], ...}`` for a dict (same keys). Fancy indexing copies only
    those rows, and row i of every array in the batch is the same sample.

    Args:
        dataset: an array (N, ...), a tuple of arrays (N, ...) or a dict name -> array (N, ...).
        indices: (B,) integers in [0, N).
    Returns:
        the batch: an array (B, ...), a tuple of arrays (B, ...) or a dict of arrays (B, ...),
        each of its array's dtype.
    """
    # BEGIN SOLUTION
    if isinstance(dataset, dict):
        return {name: array[indices] for name, array in dataset.items()}
    if isinstance(dataset, tuple):
        return tuple(array[indices] for array in dataset)
    return dataset[indices]
    # END SOLUTION


def iterate_batches(
    dataset: Dataset, batch_size: int, *, shuffle: bool = False, seed: int = 0, epoch: int = 0,
    drop_last: bool = False,
) -> Iterator[Batch]:
    """A generator of one epoch's batches: ``collate(dataset, idx)`` for each idx of batch_indices.

    Each batch is built when it is asked for, so at most one batch of rows is copied at a time.

    Args:
        dataset: an array (N, ...), a tuple of arrays (N, ...) or a dict name -> array (N, ...).
        batch_size, shuffle, seed, epoch, drop_last: as in batch_indices.
    Returns:
        an iterator over the batches, each with the dataset's structure and (B, ...) arrays
        (a last one of N % B rows unless drop_last).
    Raises:
        ValueError: as dataset_length and batch_indices.
    """
    # BEGIN SOLUTION
    batches = batch_indices(dataset_length(dataset), batch_size, shuffle=shuffle, seed=seed, epoch=epoch,
                            drop_last=drop_last)
    return (collate(dataset, indices) for indices in batches)
    # END SOLUTION


class DataLoader:
    """Batches of a dataset, a fresh shuffle each epoch: ``for batch in loader`` runs one epoch.

    Holds its arguments and an epoch counter only. The first ``iter(loader)`` runs epoch 0,
    the next epoch 1, and so on; ``epoch_batches(e)`` gives any epoch's batches directly.
    """

    def __init__(
        self, dataset: Dataset, batch_size: int, *, shuffle: bool = False, seed: int = 0, drop_last: bool = False
    ) -> None:
        """Keep the arguments; the next epoch is 0.

        Args:
            dataset: an array (N, ...), a tuple of arrays (N, ...) or a dict name -> array (N, ...).
            batch_size, shuffle, seed, drop_last: as in batch_indices.
        Raises:
            ValueError: as dataset_length, or batch_size < 1.
        """
        # BEGIN SOLUTION
        dataset_length(dataset)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.seed, self.drop_last = shuffle, seed, drop_last
        self.epoch = 0
        # END SOLUTION

    def __len__(self) -> int:
        """Batches per epoch, as torch's ``len(DataLoader)``: ``N // B`` with drop_last, else ``ceil(N / B)``.

        Returns:
            the number of batches, a Python int.
        """
        # BEGIN SOLUTION
        n = dataset_length(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        # END SOLUTION

    def epoch_batches(self, epoch: int) -> list[Batch]:
        """All the batches of epoch ``epoch`` (a whole epoch of rows: use iteration to stream).

        Args:
            epoch: the epoch number.
        Returns:
            a list of len(self) batches, each with the dataset's structure.
        """
        # BEGIN SOLUTION
        return list(self._batches(epoch))
        # END SOLUTION

    def __iter__(self) -> Iterator[Batch]:
        """The batches of the next epoch (0 on the first call, then 1, 2, ...), built one at a time.

        Returns:
            an iterator over len(self) batches.
        """
        # BEGIN SOLUTION
        epoch, self.epoch = self.epoch, self.epoch + 1
        return self._batches(epoch)
        # END SOLUTION

    def _batches(self, epoch: int) -> Iterator[Batch]:
        """iterate_batches with this loader's arguments for epoch ``epoch``."""
        return iterate_batches(self.dataset, self.batch_size, shuffle=self.shuffle, seed=self.seed, epoch=epoch,
                               drop_last=self.drop_last)

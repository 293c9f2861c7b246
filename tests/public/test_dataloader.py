"""Public checks for dataloader: fixed batches, the seeded shuffle, collation, torch parity, epochs."""

import numpy as np

from grader.checks import assert_close, assert_raises

X = np.arange(14.0).reshape(7, 2)  # N=7 samples of 2 features
Y = np.array([0, 1, 2, 0, 1, 2, 0])


def _as_lists(batches):
    return [np.asarray(batch).tolist() for batch in batches]


def test_batch_indices_fixed_values(dataloader):
    got = _as_lists(dataloader.batch_indices(7, 3))
    assert got == [[0, 1, 2], [3, 4, 5], [6]], \
        f"batch_indices(7, 3) gave {got}, expected [[0, 1, 2], [3, 4, 5], [6]]: keep the last, partial batch"
    got = _as_lists(dataloader.batch_indices(7, 3, drop_last=True))
    assert got == [[0, 1, 2], [3, 4, 5]], \
        f"batch_indices(7, 3, drop_last=True) gave {got}, expected [[0, 1, 2], [3, 4, 5]]"


def test_shuffle_uses_the_seeded_generator(dataloader):
    expected = np.random.default_rng([5, 2]).permutation(10)  # seed 5, epoch 2
    got = np.concatenate(dataloader.batch_indices(10, 4, shuffle=True, seed=5, epoch=2))
    assert_close(got, expected, name="order of batch_indices(10, 4, shuffle=True, seed=5, epoch=2)", rtol=0,
                 atol=0, cause="order = np.random.default_rng([seed, epoch]).permutation(n), then cut into batches")


def test_collate_keeps_the_structure(dataloader):
    indices = np.array([4, 0, 6])
    x_batch, y_batch = dataloader.collate((X, Y), indices)
    assert_close(x_batch, [[8.0, 9.0], [0.0, 1.0], [12.0, 13.0]], name="x of collate((x, y), [4, 0, 6])",
                 cause="a batch of a tuple is (x[indices], y[indices])")
    assert_close(y_batch, [1, 0, 0], name="y of collate((x, y), [4, 0, 6])")
    batch = dataloader.collate({"image": X, "label": Y}, indices)
    assert isinstance(batch, dict) and set(batch) == {"image", "label"}, \
        f"collate of a dict gave {type(batch).__name__} {list(batch)}, expected a dict with keys image and label"
    assert_close(batch["label"], [1, 0, 0], name="label of collate(dict, [4, 0, 6])",
                 cause="a batch of a dict is {name: array[indices]}")


def test_matches_torch_without_shuffle(dataloader):
    import torch

    reference = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(Y)),
                                            batch_size=3)
    loader = dataloader.DataLoader((X, Y), 3)
    assert len(loader) == len(reference), f"len(DataLoader) is {len(loader)}, torch says {len(reference)}"
    batches = list(loader)
    assert len(batches) == len(reference), f"one epoch gave {len(batches)} batches, torch gives {len(reference)}"
    for number, ((x_batch, y_batch), (x_torch, y_torch)) in enumerate(zip(batches, reference)):
        assert_close(x_batch, x_torch.numpy(), name=f"x of batch {number}",
                     cause="batch k holds rows k * B to (k + 1) * B, the last one shorter")
        assert_close(y_batch, y_torch.numpy(), name=f"y of batch {number}")


def test_each_iteration_is_a_new_epoch(dataloader):
    loader = dataloader.DataLoader(np.arange(12), 5, shuffle=True, seed=3)
    first, second = np.concatenate(list(loader)), np.concatenate(list(loader))
    cause = "__iter__ runs epoch 0, then 1, ...: shuffle with np.random.default_rng([seed, epoch])"
    assert_close(first, np.random.default_rng([3, 0]).permutation(12), name="samples of the first epoch",
                 rtol=0, atol=0, cause=cause)
    assert_close(second, np.random.default_rng([3, 1]).permutation(12), name="samples of the second epoch",
                 rtol=0, atol=0, cause=cause)


def test_rejects_arrays_of_different_lengths(dataloader):
    assert_raises(ValueError, lambda: dataloader.dataset_length((X, Y[:5])), name="dataset_length",
                  why="x of length 7 with y of length 5",
                  cause="compare the lengths along axis 0 of every array and raise ValueError naming them")

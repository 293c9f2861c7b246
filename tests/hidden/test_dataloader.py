"""Hidden checks for dataloader: coverage, torch's batch counts, the seeded shuffle, collation, memory, errors."""


import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.measure import peak_allocation
from grader.checks import assert_close, assert_dtype, assert_raises, assert_shape

SIZES = st.integers(0, 30)
BATCH_SIZES = st.integers(1, 12)
SEEDS = st.integers(0, 2**32 - 1)
EPOCHS = st.integers(0, 1000)

ORDER = "order = np.random.default_rng([seed, epoch]).permutation(n) when shuffling, np.arange(n) otherwise"
LAST_BATCH = "keep the last, partial batch of n % batch_size samples unless drop_last=True"
DROP_LAST = "drop_last=True stops at n - n % batch_size: every batch then has exactly batch_size samples"
ALIGNED = "draw ONE order per epoch and index every array with the same indices: (x[idx], y[idx])"


def _flat(batches) -> np.ndarray:
    """One epoch's batches of sample indices, end to end."""
    parts = [np.asarray(batch).reshape(-1) for batch in batches]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _expected_order(n, *, shuffle, seed, epoch, drop_last, batch_size):
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    return order[: n - n % batch_size] if drop_last else order


def _check_order(got, expected, *, name, cause):
    assert_close(_flat(got), expected, name=name, rtol=0, atol=0, cause=cause)


def _torch_sizes(n, batch_size, drop_last):
    import torch

    reference = torch.utils.data.DataLoader(range(n), batch_size=batch_size, drop_last=drop_last)
    return len(reference), [len(batch) for batch in reference]


@given(n=SIZES, batch_size=BATCH_SIZES, shuffle=st.booleans(), seed=SEEDS, epoch=EPOCHS)
def test_every_sample_once_per_epoch(dataloader, n, batch_size, shuffle, seed, epoch):
    options = {"shuffle": shuffle, "seed": seed, "epoch": epoch}
    for label, batches in [("batch_indices", dataloader.batch_indices(n, batch_size, **options)),
                           ("iterate_batches", list(dataloader.iterate_batches(np.arange(n), batch_size, **options)))]:
        samples = np.sort(_flat(batches))
        assert_close(samples, np.arange(n), name=f"sorted samples of one epoch of {label}({n}, {batch_size})",
                     rtol=0, atol=0, cause=f"every sample exactly once per epoch: {LAST_BATCH}")


@given(n=SIZES, batch_size=BATCH_SIZES, shuffle=st.booleans(), seed=SEEDS, epoch=EPOCHS)
@example(n=10, batch_size=3, shuffle=True, seed=0, epoch=0)
def test_drop_last_covers_exactly_the_full_batches(dataloader, n, batch_size, shuffle, seed, epoch):
    options = {"shuffle": shuffle, "seed": seed, "epoch": epoch, "drop_last": True}
    batches = dataloader.batch_indices(n, batch_size, **options)
    expected = _expected_order(n, batch_size=batch_size, **options)
    _check_order(batches, expected, name=f"samples of batch_indices({n}, {batch_size}, drop_last=True)",
                 cause=DROP_LAST)
    sizes = [len(batch) for batch in dataloader.iterate_batches(np.arange(n), batch_size, **options)]
    assert sizes == [batch_size] * (n // batch_size), \
        f"iterate_batches({n}, {batch_size}, drop_last=True) gave batches of sizes {sizes}; {DROP_LAST}"


@given(n=SIZES, batch_size=BATCH_SIZES, drop_last=st.booleans(), shuffle=st.booleans())
@example(n=7, batch_size=3, drop_last=False, shuffle=True)
@example(n=7, batch_size=3, drop_last=True, shuffle=False)
def test_batch_sizes_match_torch(dataloader, n, batch_size, drop_last, shuffle):
    _, expected = _torch_sizes(n, batch_size, drop_last)
    options = {"shuffle": shuffle, "drop_last": drop_last}
    for label, batches in [("batch_indices", dataloader.batch_indices(n, batch_size, **options)),
                           ("iterate_batches", dataloader.iterate_batches(np.arange(n), batch_size, **options)),
                           ("DataLoader", dataloader.DataLoader(np.arange(n), batch_size, **options))]:
        sizes = [len(batch) for batch in batches]
        assert sizes == expected, (f"{label} with n={n}, batch_size={batch_size}, drop_last={drop_last} gave "
                                   f"batch sizes {sizes}; torch's DataLoader gives {expected}. "
                                   f"{DROP_LAST if drop_last else LAST_BATCH}")


@given(n=SIZES, batch_size=BATCH_SIZES, drop_last=st.booleans())
@example(n=12, batch_size=4, drop_last=False)
@example(n=13, batch_size=4, drop_last=False)
def test_len_matches_torch(dataloader, n, batch_size, drop_last):
    expected, _ = _torch_sizes(n, batch_size, drop_last)
    got = len(dataloader.DataLoader(np.zeros((n, 2)), batch_size, drop_last=drop_last))
    assert got == expected, (f"len(DataLoader) with n={n}, batch_size={batch_size}, drop_last={drop_last} is "
                             f"{got}; torch says {expected}. It is n // batch_size with drop_last, else "
                             "ceil(n / batch_size) = (n + batch_size - 1) // batch_size, never n // batch_size + 1")


@given(n=SIZES, batch_size=BATCH_SIZES, seed=SEEDS, epoch=EPOCHS, drop_last=st.booleans())
def test_shuffle_follows_the_seeded_generator(dataloader, n, batch_size, seed, epoch, drop_last):
    options = {"shuffle": True, "seed": seed, "epoch": epoch, "drop_last": drop_last}
    expected = _expected_order(n, batch_size=batch_size, **options)
    _check_order(dataloader.batch_indices(n, batch_size, **options), expected,
                 name=f"order of batch_indices({n}, {batch_size}, seed={seed}, epoch={epoch})", cause=ORDER)
    _check_order(dataloader.iterate_batches(np.arange(n), batch_size, **options), expected,
                 name=f"samples of iterate_batches(seed={seed}, epoch={epoch})", cause=ORDER)
    loader = dataloader.DataLoader(np.arange(n), batch_size, shuffle=True, seed=seed, drop_last=drop_last)
    _check_order(loader.epoch_batches(epoch), expected, name=f"samples of DataLoader.epoch_batches({epoch})",
                 cause=ORDER)


def test_same_seed_and_epoch_give_the_same_batches(dataloader, seed):
    data = np.arange(40)
    first = dataloader.batch_indices(40, 6, shuffle=True, seed=seed, epoch=3)
    cause = "draw from np.random.default_rng([seed, epoch]), never from the global np.random"
    _check_order(dataloader.batch_indices(40, 6, shuffle=True, seed=seed, epoch=3), _flat(first),
                 name="batch_indices called twice with the same seed and epoch", cause=cause)
    _check_order(dataloader.iterate_batches(data, 6, shuffle=True, seed=seed, epoch=3), _flat(first),
                 name="iterate_batches with the same seed and epoch as batch_indices", cause=cause)
    loaders = [dataloader.DataLoader(data, 6, shuffle=True, seed=seed) for _ in range(2)]
    _check_order(loaders[1].epoch_batches(2), _flat(loaders[0].epoch_batches(2)),
                 name="epoch 2 of two DataLoaders with the same seed", cause=cause)


def test_epochs_give_different_orders(dataloader, seed):
    orders = [_flat(dataloader.batch_indices(50, 8, shuffle=True, seed=seed, epoch=epoch)) for epoch in range(3)]
    orders += [_flat(dataloader.DataLoader(np.arange(50), 8, shuffle=True, seed=seed).epoch_batches(1))]
    for (i, first), (j, second) in [((0, orders[0]), (1, orders[1])), ((1, orders[1]), (2, orders[2])),
                                    ((0, orders[0]), (1, orders[3]))]:
        assert not np.array_equal(first, second), (
            f"epochs {i} and {j} visit the samples in the same order; seed the generator with both: "
            "np.random.default_rng([seed, epoch]), a fresh permutation per epoch")


def test_seeds_give_different_orders(dataloader, seed):
    for epoch in [0, 4]:
        first, second = (_flat(dataloader.batch_indices(50, 8, shuffle=True, seed=value, epoch=epoch))
                         for value in [seed, seed + 1])
        assert not np.array_equal(first, second), (
            f"seeds {seed} and {seed + 1} give the same order at epoch {epoch}; "
            "the seed must reach the generator: np.random.default_rng([seed, epoch])")


@given(n=SIZES, batch_size=BATCH_SIZES, seed=SEEDS, epoch=EPOCHS, drop_last=st.booleans())
def test_no_shuffle_keeps_the_dataset_order(dataloader, n, batch_size, seed, epoch, drop_last):
    expected = _expected_order(n, shuffle=False, seed=seed, epoch=epoch, drop_last=drop_last, batch_size=batch_size)
    cause = "with shuffle=False the order is np.arange(n) whatever the seed and epoch: draw only when shuffling"
    options = {"seed": seed, "epoch": epoch, "drop_last": drop_last}
    _check_order(dataloader.batch_indices(n, batch_size, **options), expected,
                 name=f"order of batch_indices({n}, {batch_size}, shuffle=False)", cause=cause)
    _check_order(dataloader.iterate_batches(np.arange(n), batch_size, **options), expected,
                 name="samples of iterate_batches(shuffle=False)", cause=cause)
    loader = dataloader.DataLoader(np.arange(n), batch_size, seed=seed, drop_last=drop_last)
    _check_order(loader, expected, name="samples of one epoch of DataLoader(shuffle=False)", cause=cause)


def _labelled_data(n, width):
    """x[i] holds sample i's number in every feature; y[i] = 10 * i, as int64."""
    x = np.repeat(np.arange(n, dtype=np.float64)[:, None], width, axis=1)
    return x, 10 * np.arange(n)


def _check_rows(x_batch, y_batch, indices, *, name):
    indices = np.asarray(indices)
    assert_close(np.asarray(y_batch), 10 * indices, name=f"labels of {name}", rtol=0, atol=0,
                 cause="a batch of an array is array[indices], with the indices of batch_indices")
    assert_close(np.asarray(x_batch)[:, 0], np.asarray(y_batch) / 10, name=f"rows of x against y in {name}",
                 rtol=0, atol=0, cause=ALIGNED)


@given(n=st.integers(1, 30), batch_size=BATCH_SIZES, width=st.integers(1, 4), seed=SEEDS, shuffle=st.booleans())
def test_tuple_batches_keep_rows_aligned(dataloader, n, batch_size, width, seed, shuffle):
    x, y = _labelled_data(n, width)
    options = {"shuffle": shuffle, "seed": seed, "epoch": 1}
    indices = dataloader.batch_indices(n, batch_size, **options)
    batches = list(dataloader.iterate_batches((x, y), batch_size, **options))
    assert len(batches) == len(indices), f"iterate_batches gave {len(batches)} batches, batch_indices {len(indices)}"
    for number, (batch, batch_index) in enumerate(zip(batches, indices)):
        assert isinstance(batch, tuple) and len(batch) == 2, \
            f"batch {number} of a tuple (x, y) is {type(batch).__name__}, expected a tuple of 2 arrays"
        assert_shape(batch[0], (len(batch_index), width), name=f"x of batch {number}",
                     cause="x[indices] keeps the feature axes: (B, features)")
        _check_rows(*batch, batch_index, name=f"batch {number} of a tuple")


@given(n=st.integers(1, 30), batch_size=BATCH_SIZES, seed=SEEDS, shuffle=st.booleans())
def test_dict_batches_keep_keys_and_rows(dataloader, n, batch_size, seed, shuffle):
    x, y = _labelled_data(n, 3)
    loader = dataloader.DataLoader({"image": x, "label": y}, batch_size, shuffle=shuffle, seed=seed)
    indices = dataloader.batch_indices(n, batch_size, shuffle=shuffle, seed=seed, epoch=0)
    batches = list(loader)
    assert len(batches) == len(indices), f"the DataLoader gave {len(batches)} batches, batch_indices {len(indices)}"
    for number, (batch, batch_index) in enumerate(zip(batches, indices)):
        assert isinstance(batch, dict) and list(batch) == ["image", "label"], \
            f"batch {number} of a dict with keys image, label is {type(batch).__name__} {list(batch)}"
        _check_rows(batch["image"], batch["label"], batch_index, name=f"batch {number} of a dict")


@given(data=st.data(), dtype=st.sampled_from([np.float32, np.float64, np.int64, np.uint8]))
def test_collate_is_fancy_indexing(dataloader, data, dtype):
    shape = data.draw(gs.shapes(min_dims=1, max_dims=3, max_side=5), label="shape")
    x = np.abs(data.draw(gs.float_arrays(shape, bound=100.0), label="x")).astype(dtype)
    indices = data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=4), label="indices")
    indices = np.array(indices)
    labels = np.arange(shape[0])
    for label, dataset, expected in [("an array", x, (x[indices],)),
                                     ("a tuple", (x, labels), (x[indices], labels[indices])),
                                     ("a dict", {"x": x, "y": labels}, (x[indices], labels[indices]))]:
        batch = dataloader.collate(dataset, indices)
        got = tuple(batch.values()) if isinstance(batch, dict) else batch if isinstance(batch, tuple) else (batch,)
        assert len(got) == len(expected), f"collate of {label} gave {len(got)} arrays, expected {len(expected)}"
        for number, (array, want) in enumerate(zip(got, expected)):
            name = f"array {number} of collate of {label}"
            assert_close(array, want, name=name, rtol=0, atol=0, cause="collate is array[indices] for every array")
            assert_dtype(array, want.dtype, name=name,
                         cause="index the array (array[indices]) rather than filling np.zeros(...) without dtype")


def test_dataset_is_not_modified(dataloader, rng):
    x, y = rng.standard_normal((23, 3)), rng.integers(0, 5, 23)
    before = (x.copy(), y.copy())
    for dataset in [(x, y), {"x": x, "y": y}, x]:
        for epoch in range(2):
            list(dataloader.iterate_batches(dataset, 4, shuffle=True, seed=1, epoch=epoch))
        loader = dataloader.DataLoader(dataset, 5, shuffle=True, seed=2)
        list(loader), list(loader), loader.epoch_batches(4)
    for label, array, original in [("x", x, before[0]), ("y", y, before[1])]:
        assert_close(array, original, name=f"{label} after two shuffled epochs", rtol=0, atol=0,
                     cause="rng.shuffle(array) permutes the caller's data in place: draw a permutation of "
                           "indices and index with it instead")


def test_one_epoch_never_copies_the_whole_dataset(dataloader):
    x, y = np.ones((20_000, 100)), np.arange(20_000)  # 16 MB of features
    dataset_bytes = x.nbytes + y.nbytes
    limit = dataset_bytes // 4  # about 4 MB: 80 batches of 64 rows, far more than the one or two alive at once
    runs = [("iterate_batches", dataloader.iterate_batches, (x, y)),
            ("iter(DataLoader)", dataloader.DataLoader, {"x": x, "y": y})]
    for label, start, data in runs:
        count, peak = peak_allocation(start, data, 64, shuffle=True, seed=3)  # measured where the code runs
        assert count == 313, f"{label} gave {count} batches of 20000 samples by 64, expected 313"
        assert peak < limit, (
            f"one epoch of {label} over a {dataset_bytes / 1e6:.0f} MB dataset allocated {peak / 1e6:.1f} MB at "
            f"once (limit {limit / 1e6:.1f} MB): something copied the whole dataset (dataset[order]). "
            "Permute the indices only, and build each batch from its own rows (x[order[start:stop]]) "
            "when it is asked for, not a list of the whole epoch")


def test_iterating_advances_the_epoch(dataloader):
    loader = dataloader.DataLoader(np.arange(30), 7, shuffle=True, seed=9)
    for epoch in range(3):
        _check_order(list(loader), _flat(loader.epoch_batches(epoch)), name=f"iteration {epoch} over the DataLoader",
                     cause="each `for batch in loader` runs the next epoch: 0, then 1, 2, ...; "
                           "increment the epoch counter in __iter__")


MISMATCHED = {  # structure -> (dataset, the lengths of its arrays)
    "a tuple": ((np.zeros((5, 2)), np.zeros(4)), [5, 4]),
    "a dict": ({"x": np.zeros((5, 2)), "y": np.zeros(5), "z": np.zeros((6, 1))}, [5, 5, 6]),
}


@pytest.mark.parametrize("structure", list(MISMATCHED))
def test_rejects_arrays_of_different_lengths(dataloader, structure):
    dataset, lengths = MISMATCHED[structure]
    cause = "compare the length along axis 0 of every array and raise ValueError naming the lengths"
    why = f"{structure} of arrays of lengths {lengths}"
    assert_raises(ValueError, lambda: dataloader.dataset_length(dataset), name="dataset_length", why=why, cause=cause)
    assert_raises(ValueError, lambda: list(dataloader.iterate_batches(dataset, 2)), name="iterate_batches", why=why,
                  cause=cause)
    assert_raises(ValueError, lambda: list(dataloader.DataLoader(dataset, 2)), name="DataLoader", why=why,
                  cause=cause)


@pytest.mark.parametrize("batch_size", [0, -1])
def test_rejects_batch_size_below_one(dataloader, batch_size):
    why = f"batch_size={batch_size}"
    cause = "check batch_size >= 1 first and raise ValueError"
    assert_raises(ValueError, lambda: dataloader.batch_indices(10, batch_size), name="batch_indices", why=why,
                  cause=cause)
    assert_raises(ValueError, lambda: list(dataloader.iterate_batches(np.zeros(10), batch_size)),
                  name="iterate_batches", why=why, cause=cause)
    assert_raises(ValueError, lambda: list(dataloader.DataLoader(np.zeros(10), batch_size)), name="DataLoader",
                  why=why, cause=cause)


@given(n=SIZES, trailing=gs.shapes(min_dims=0, max_dims=2, max_side=4))
def test_dataset_length(dataloader, n, trailing):
    x, y = np.zeros((n, *trailing)), np.zeros(n, dtype=np.int64)
    structures = [("an array", x), ("a tuple (x, y)", (x, y)), ("a dict of 3 arrays", {"a": x, "b": y, "c": y})]
    for label, dataset in structures:
        got = dataloader.dataset_length(dataset)
        assert got == n, (f"dataset_length of {label} of {n} samples is {got}: N is the length along axis 0 of "
                          "the arrays (len(dataset) of a tuple or dict counts the arrays, not the samples)")

"""Hidden checks for dataloader_torch: coverage, DataLoader's order and counts, generators, devices, errors."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

from grader.measure import operator_count
from grader.checks import CheckFailure, assert_close, assert_raises, describe_value
from grader.devices import assert_tensor_close

SIZES = st.integers(0, 40)
BATCH_SIZES = st.integers(1, 12)
SEEDS = st.integers(0, 2**32 - 1)

ORDER = "order = torch.randperm(n, generator=generator) when shuffling, 0..n-1 otherwise; batch k is order[kB:(k+1)B]"
LAST_BATCH = "keep the last, partial batch of n % batch_size examples unless drop_last=True"
DROP_LAST = "drop_last=True stops at n - n % batch_size: every batch then has exactly batch_size examples"
ALIGNED = "index EVERY tensor with the same indices: (x[idx], y[idx]), so row i is one example throughout"
GENERATOR = "draw the permutation from the generator you are given: torch.randperm(n, generator=generator)"


def dataset(n, device="cpu"):
    """(ids, features, labels): ids (n,) int64 = 0..n-1, features (n, 2) float = [i, -i], labels (n,) = i % 3."""
    ids = torch.arange(n, device=device)
    return ids, torch.stack([ids, -ids], dim=1).double(), ids % 3


def ids_of(batches):
    """The example ids of an epoch, end to end (the first tensor of each batch holds the ids)."""
    parts = [batch[0].reshape(-1).cpu() for batch in batches]
    return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.int64)


def epoch(dataloader_torch, n, batch_size, **options):
    return list(dataloader_torch.batches(dataset(n), batch_size, **options))


def assert_same(got, expected, name, cause):
    """Exactly the expected tensor: type, dtype, device and every value (batches are copies, not arithmetic)."""
    if not isinstance(got, torch.Tensor) or got.dtype != expected.dtype or got.device.type != expected.device.type:
        raise CheckFailure(name, f"got {describe_value(got)}, expected {describe_value(expected)}", cause=cause)
    assert_close(got, expected, name=name, rtol=0, atol=0, cause=cause)


def torch_order(n, batch_size, seed, drop_last=False):
    """torch's RandomSampler (what DataLoader shuffles with), batched: the same permutation for the same seed."""
    if n == 0:  # RandomSampler refuses an empty dataset
        return torch.zeros(0, dtype=torch.int64)
    sampler = RandomSampler(range(n), generator=torch.Generator().manual_seed(seed))
    indices = [i for batch in BatchSampler(sampler, batch_size, drop_last) for i in batch]
    return torch.tensor(indices, dtype=torch.int64)


@given(n=SIZES, batch_size=BATCH_SIZES, shuffle=st.booleans(), seed=SEEDS)
def test_every_example_once_per_epoch(dataloader_torch, n, batch_size, shuffle, seed):
    generator = torch.Generator().manual_seed(seed)
    got = ids_of(epoch(dataloader_torch, n, batch_size, shuffle=shuffle, generator=generator))
    assert_close(got.sort().values, torch.arange(n), name=f"sorted ids of one epoch of batches(n={n}, "
                 f"batch_size={batch_size}, shuffle={shuffle})", rtol=0, atol=0,
                 cause=f"every example exactly once per epoch: {LAST_BATCH}")
    if not shuffle:
        assert_close(got, torch.arange(n), name=f"ids of one unshuffled epoch (n={n})", rtol=0, atol=0,
                     cause="without shuffle the examples come in order: t[0:B], t[B:2B], ...")


@given(n=SIZES, batch_size=BATCH_SIZES, shuffle=st.booleans(), seed=SEEDS)
def test_drop_last_keeps_only_full_batches(dataloader_torch, n, batch_size, shuffle, seed):
    batches = epoch(dataloader_torch, n, batch_size, shuffle=shuffle, drop_last=True,
                    generator=torch.Generator().manual_seed(seed))
    sizes = [len(batch[0]) for batch in batches]
    if sizes != [batch_size] * (n // batch_size):
        raise CheckFailure(f"batch sizes with drop_last=True (n={n}, batch_size={batch_size})",
                           f"got {sizes}, expected {[batch_size] * (n // batch_size)}", cause=DROP_LAST)
    expected = torch_order(n, batch_size, seed, drop_last=True) if shuffle else torch.arange(n - n % batch_size)
    assert_close(ids_of(batches), expected, name="ids with drop_last=True", rtol=0, atol=0, cause=DROP_LAST)


@given(n=SIZES, batch_size=BATCH_SIZES, drop_last=st.booleans())
def test_batch_sizes_and_count_match_dataloader(dataloader_torch, n, batch_size, drop_last):
    reference = DataLoader(TensorDataset(torch.arange(n)), batch_size=batch_size, drop_last=drop_last)
    expected_sizes = [len(batch[0]) for batch in reference]
    count = dataloader_torch.num_batches(n, batch_size, drop_last)
    if count != len(reference) or type(count) is not int:
        raise CheckFailure(f"num_batches({n}, {batch_size}, drop_last={drop_last})",
                           f"got {count!r}, expected {len(reference)} (len(DataLoader))",
                           cause="ceil(n / B) = -(-n // B), or n // B with drop_last: n // B + 1 is one too "
                                 "many when B divides n")
    sizes = [len(batch[0]) for batch in epoch(dataloader_torch, n, batch_size, drop_last=drop_last)]
    if sizes != expected_sizes:
        raise CheckFailure(f"batch sizes of batches(n={n}, batch_size={batch_size}, drop_last={drop_last})",
                           f"got {sizes}, expected {expected_sizes} as DataLoader", cause=LAST_BATCH)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (64, 16), (7, 10), (33, 1)])
def test_order_matches_torch_dataloader(dataloader_torch, n, batch_size, seed):
    got = ids_of(epoch(dataloader_torch, n, batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)))
    assert_close(got, torch_order(n, batch_size, seed), name=f"shuffled ids (n={n}, seed={seed}) vs "
                 "RandomSampler(generator=torch.Generator().manual_seed(seed))", rtol=0, atol=0, cause=GENERATOR)
    # DataLoader(shuffle=True, generator=g) first draws one int64 from g (its workers' base seed), then permutes.
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(TensorDataset(*dataset(n)), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    torch.empty((), dtype=torch.int64).random_(generator=generator)
    mine = list(dataloader_torch.batches(dataset(n), batch_size, shuffle=True, generator=generator))
    theirs = list(loader)
    if len(mine) != len(theirs):
        raise CheckFailure("batches vs DataLoader", f"{len(mine)} batches, expected {len(theirs)}", cause=LAST_BATCH)
    for k, (got_batch, expected_batch) in enumerate(zip(mine, theirs)):
        for index, (got_tensor, expected_tensor) in enumerate(zip(got_batch, expected_batch)):
            assert_same(got_tensor, expected_tensor, f"batch {k}, tensor {index} vs DataLoader's",
                        f"{GENERATOR}; {ALIGNED}")


def test_reproducible_from_the_seed(dataloader_torch, seed):
    first = ids_of(epoch(dataloader_torch, 20, 6, shuffle=True, generator=torch.Generator().manual_seed(seed)))
    torch.manual_seed(seed + 1)  # the global RNG moves between the calls: it must not matter
    torch.rand(7)
    second = ids_of(epoch(dataloader_torch, 20, 6, shuffle=True, generator=torch.Generator().manual_seed(seed)))
    assert_close(second, first, name="ids of two epochs from generators with the same seed", rtol=0, atol=0,
                 cause=f"{GENERATOR}; torch.randperm(n) without generator= draws from the global RNG")


def test_generator_state_changes_the_order(dataloader_torch, seed):
    generator = torch.Generator().manual_seed(seed)
    first = ids_of(epoch(dataloader_torch, 20, 6, shuffle=True, generator=generator))
    second = ids_of(epoch(dataloader_torch, 20, 6, shuffle=True, generator=generator))
    other = ids_of(epoch(dataloader_torch, 20, 6, shuffle=True, generator=torch.Generator().manual_seed(seed + 1)))
    for label, ids in [("the next epoch from the same generator", second), ("another seed", other)]:
        if torch.equal(ids, first):
            raise CheckFailure(f"shuffled order of {label}", "equal to the first epoch's (1 chance in 20!)",
                               cause="draw from the generator itself, so that its state advances: a fresh "
                                     "torch.Generator().manual_seed(generator.initial_seed()) repeats one order")


@given(n=st.integers(1, 30), batch_size=BATCH_SIZES, shuffle=st.booleans(), seed=SEEDS)
def test_rows_stay_aligned_across_tensors(dataloader_torch, n, batch_size, shuffle, seed):
    for ids, features, labels in dataloader_torch.batches(dataset(n), batch_size, shuffle=shuffle,
                                                          generator=torch.Generator().manual_seed(seed)):
        expected = dataset(n)
        assert_close(features, expected[1][ids], name="features of a batch vs its ids", rtol=0, atol=0,
                     cause=ALIGNED)
        assert_close(labels, expected[2][ids], name="labels of a batch vs its ids", rtol=0, atol=0, cause=ALIGNED)


def test_batches_land_on_the_device(dataloader_torch, device):
    data = (torch.arange(10), torch.randn(10, 3, generator=torch.Generator().manual_seed(0)))
    for target in (device, "meta"):
        for shuffle in (False, True):
            batches = list(dataloader_torch.batches(data, 4, shuffle=shuffle, device=target,
                                                    generator=torch.Generator().manual_seed(1)))
            for k, batch in enumerate(batches):
                for index, tensor in enumerate(batch):
                    if tensor.device.type != torch.device(target).type:
                        raise CheckFailure(f"batch {k}, tensor {index} with device={target!r}",
                                           f"on {tensor.device}", cause="move each batch: t[idx].to(device)")
            if target != "meta":
                ids = torch.cat([batch[0].cpu() for batch in batches])
                assert_tensor_close(torch.cat([batch[1] for batch in batches]), data[1][ids].to(device),
                                    name=f"features moved to {target}", cause=ALIGNED)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8, torch.bool, torch.float16,
                                   torch.float64], ids=str)
def test_dtypes_are_preserved(dataloader_torch, device, dtype):
    data = (torch.arange(9).to(dtype), torch.arange(18).reshape(9, 2).to(dtype))
    for batch in dataloader_torch.batches(data, 4, shuffle=True, generator=torch.Generator().manual_seed(0),
                                          device=device):
        for index, tensor in enumerate(batch):
            if tensor.dtype != dtype or tensor.device.type != torch.device(device).type:
                raise CheckFailure(f"tensor {index} of a batch of {dtype}", f"got {tensor.dtype} on {tensor.device}",
                                   cause="index and move the tensors as they are: no .float(), no torch.tensor(...)")


def test_pin_memory_is_safe_anywhere(dataloader_torch, device):
    data = (torch.arange(6), torch.arange(6).double())
    for source, target in (("cpu", device), ("meta", None)):
        inputs = tuple(t.to(source) for t in data)
        try:
            batches = list(dataloader_torch.batches(inputs, 4, pin_memory=True, device=target))
        except RuntimeError as error:
            raise CheckFailure(f"batches(pin_memory=True) of {source} tensors", f"raised {error}"[:200],
                               cause="pin only CPU batches and only when torch.cuda.is_available(): pinning "
                                     "needs a CUDA driver and a dense CPU tensor") from None
        if source == "cpu":
            assert_tensor_close(torch.cat([b[1] for b in batches]), data[1].to(device), name="pinned batches",
                                cause="pinning copies; the values do not change")
            pinned = all(b[0].is_pinned() for b in batches)
            if device == "cpu" and torch.cuda.is_available() and not pinned:
                raise CheckFailure("batches(pin_memory=True) with CUDA present", "a batch is not pinned",
                                   cause="t[idx].pin_memory() before .to(device, non_blocking=True)")


@pytest.mark.parametrize("shuffle", [False, True])
def test_one_gather_per_batch(dataloader_torch, shuffle):
    n, batch_size = 96, 24
    data = dataset(n)
    # counted where the learner's code runs (its sandboxed worker when grading)
    count, operators = operator_count(dataloader_torch.batches, data, batch_size, shuffle=shuffle,
                                      generator=torch.Generator().manual_seed(0))
    limit = 3 * len(data) * count + 8
    if operators > limit:
        raise CheckFailure(f"torch operators for one epoch of {count} batches of {len(data)} tensors",
                           f"{operators}, expected at most {limit}",
                           cause="one gather per tensor per batch (t[order[start:stop]]), never a Python loop "
                                 "over examples (torch.stack([t[i] for i in idx])): that is B operators per batch")


@pytest.mark.parametrize("lengths", [(5, 4), (3, 3, 2)])
def test_rejects_mismatched_lengths(dataloader_torch, lengths):
    tensors = tuple(torch.zeros(length, 2) for length in lengths)
    assert_raises(ValueError, lambda: dataloader_torch.batches(tensors, 2), name="batches",
                  why=f"tensors of lengths {lengths}",
                  cause="check that every tensor has the same length along dim 0 when batches() is called: "
                        "indexing would silently truncate or fail on the last batch only")


@pytest.mark.parametrize("batch_size", [0, -3])
def test_rejects_a_bad_batch_size(dataloader_torch, batch_size):
    assert_raises(ValueError, lambda: dataloader_torch.batches((torch.zeros(4),), batch_size), name="batches",
                  why=f"batch_size={batch_size}",
                  cause="check batch_size >= 1 when batches() is called, before the first batch is asked for: "
                        "a generator function runs nothing until it is iterated")
    assert_raises(ValueError, lambda: dataloader_torch.num_batches(4, batch_size), name="num_batches",
                  why=f"batch_size={batch_size}", cause="batch_size must be at least 1")

"""Public checks for dataloader_torch: one epoch, torch's shuffle order, drop_last, alignment, devices, errors."""

import torch
from torch.utils.data import BatchSampler, RandomSampler

from grader.checks import CheckFailure, assert_close, assert_raises
from grader.devices import assert_tensor_close


def ids_of(batches):
    return torch.cat([batch[0].cpu() for batch in batches])


def test_every_example_once(dataloader_torch):
    data = (torch.arange(10), torch.arange(10.0) * 2)
    batches = list(dataloader_torch.batches(data, 3, shuffle=True, generator=torch.Generator().manual_seed(0)))
    sizes = [len(batch[0]) for batch in batches]
    if sizes != [3, 3, 3, 1]:
        raise CheckFailure("batch sizes of 10 examples in batches of 3", f"got {sizes}, expected [3, 3, 3, 1]",
                           cause="keep the last, partial batch unless drop_last=True")
    assert_close(ids_of(batches).sort().values, torch.arange(10), name="sorted ids of one epoch", rtol=0, atol=0,
                 cause="every example exactly once per epoch: index with a permutation, not random draws")


def test_order_matches_torch_random_sampler(dataloader_torch, seed):
    batches = dataloader_torch.batches((torch.arange(12),), 5, shuffle=True,
                                       generator=torch.Generator().manual_seed(seed))
    sampler = RandomSampler(range(12), generator=torch.Generator().manual_seed(seed))
    expected = torch.tensor([i for batch in BatchSampler(sampler, 5, False) for i in batch])
    assert_close(ids_of(batches), expected, name=f"shuffled order for seed {seed}", rtol=0, atol=0,
                 cause="order = torch.randperm(n, generator=generator), then consecutive slices of it")


def test_drop_last(dataloader_torch):
    batches = list(dataloader_torch.batches((torch.arange(10),), 4, drop_last=True))
    assert_close(ids_of(batches), torch.arange(8), name="ids with drop_last=True", rtol=0, atol=0,
                 cause="drop_last leaves out the last batch when it has fewer than batch_size examples")
    if dataloader_torch.num_batches(10, 4, drop_last=True) != 2 or dataloader_torch.num_batches(10, 4) != 3:
        raise CheckFailure("num_batches(10, 4)", "expected 2 with drop_last, 3 without",
                           cause="n // B with drop_last, else ceil(n / B) = -(-n // B)")


def test_tensors_stay_aligned(dataloader_torch):
    ids = torch.arange(9)
    for batch_ids, squares in dataloader_torch.batches((ids, ids**2), 4, shuffle=True,
                                                       generator=torch.Generator().manual_seed(1)):
        assert_close(squares, batch_ids**2, name="second tensor of a batch", rtol=0, atol=0,
                     cause="index every tensor with the same indices, so row i is one example in all of them")


def test_moves_batches_to_the_device(dataloader_torch, device):
    x = torch.randn(6, 2, generator=torch.Generator().manual_seed(0))
    batches = list(dataloader_torch.batches((x, torch.arange(6)), 4, device=device))
    assert_tensor_close(torch.cat([batch[0] for batch in batches]), x.to(device), name="features moved to the device",
                        cause="t[idx].to(device), keeping the dtype")
    if batches[0][1].dtype != torch.int64:
        raise CheckFailure("labels of a batch", f"dtype {batches[0][1].dtype}", cause="never change a dtype")


def test_mismatched_lengths_are_rejected(dataloader_torch):
    assert_raises(ValueError, lambda: dataloader_torch.batches((torch.zeros(5), torch.zeros(4)), 2), name="batches",
                  why="tensors of lengths 5 and 4", cause="check that every tensor has the same length along dim 0")

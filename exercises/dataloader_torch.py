# Exercise generated from solutions/dataloader_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m dataloader_torch`.
"""Mini-batches over tensors: a torch.Generator's permutation, one gather per batch, device transfer.

Part 2 rebuilds Part 1's ``dataloader`` for data held in tensors, as
``torch.utils.data.DataLoader(TensorDataset(*tensors), ...)`` does it, without
its per-example Python loop::

    for x, y in batches((images, labels), 64, shuffle=True, generator=g, device="cuda"):
        ...                                           x: (B, ...) on cuda, y: (B,) on cuda

Every tensor of ``tensors`` holds the same N examples along dimension 0. One
epoch (one call) visits each example once::

    order = torch.randperm(N, generator=generator)    when shuffling (drawn when batches() is called)
    order = 0, 1, ..., N - 1                          otherwise
    batch k = tuple(t[order[k * B : (k + 1) * B]] for t in tensors)
    the last batch has N % B examples (left out with drop_last=True)

``torch.randperm(N, generator=g)`` is the order torch's ``RandomSampler(...,
generator=g)`` yields. ``DataLoader(..., shuffle=True, generator=g)`` first
draws one int64 from ``g`` (its workers' base seed) and then permutes, so its
first epoch equals ``batches`` given ``g`` after that one draw.

Each batch is pinned (``pin_memory``, only when CUDA is available and the
batch is on the CPU; otherwise the flag is ignored, as DataLoader ignores it
without an accelerator) and then moved with
``.to(device, non_blocking=pin_memory)``. Dtypes never change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch import Tensor


def num_batches(n: int, batch_size: int, drop_last: bool = False) -> int:
    """Batches in one epoch of n examples, as ``len(DataLoader)``.

    ``n // batch_size`` with drop_last, else ``ceil(n / batch_size) = -(-n // batch_size)``.

    Args:
        n: the number of examples N, >= 0.
        batch_size: B, >= 1.
        drop_last: leave out a last batch smaller than B.
    Returns:
        the number of batches, a Python int.
    Raises:
        ValueError: batch_size < 1 or n < 0.
    """
    raise NotImplementedError("dataloader_torch.num_batches: see docs/dataloader_torch.md")


def batches(
    tensors: Sequence[Tensor],
    batch_size: int,
    *,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
    drop_last: bool = False,
    device: torch.device | str | None = None,
    pin_memory: bool = False,
) -> Iterator[tuple[Tensor, ...]]:
    """One epoch of mini-batches: a tuple per batch, row i of each tensor being the same example.

    The arguments are checked and the permutation is drawn when ``batches`` is called;
    the batches themselves are built one at a time, as the iterator is advanced. Batch k is
    ``tuple(t[idx] for t in tensors)`` with ``idx = order[k * B : (k + 1) * B]``: one
    gather per tensor per batch, never a loop over examples. Unshuffled batches are
    slices (views of the data) until pinned or moved.

    Args:
        tensors: a tuple (or list) of tensors, each (N, ...), any dtypes, same N.
        batch_size: B, an int >= 1.
        shuffle: visit the examples in the order ``torch.randperm(N, generator=generator)``.
        generator: the torch.Generator of the shuffle; None draws from torch's global RNG.
        drop_last: leave out the last batch when it has fewer than B examples.
        device: where the batches go (``.to(device)``); None leaves them where the data is.
        pin_memory: pin each CPU batch in page-locked memory (when CUDA is available) and
            copy with non_blocking=True.
    Returns:
        an iterator over num_batches(N, B, drop_last) tuples of len(tensors) tensors
        (B, ...) (the last (N % B, ...) unless drop_last), each of its source's dtype.
    Raises:
        ValueError: no tensors, a tensor with no dimension 0, lengths that differ, or batch_size < 1.
    """
    raise NotImplementedError("dataloader_torch.batches: see docs/dataloader_torch.md")

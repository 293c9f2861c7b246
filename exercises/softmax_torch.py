# Exercise generated from solutions/softmax_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m softmax_torch`.
"""Softmax, log-softmax and cross-entropy on torch tensors, stable and device-agnostic.

Part 2 rebuilds Part 1's ``softmax`` with raw tensors: the same formulas, but
autograd writes the backward pass, and one implementation runs wherever its
inputs live (CPU or CUDA)::

    probs = softmax(x, dim=-1)                      x: (..., C, ...); probs: same shape
    logp = log_softmax(x, dim=-1)                   same shapes
    lse = logsumexp(x, dim=-1)                      x with ``dim`` removed
    loss = cross_entropy(logits, labels)            logits: (N, C); labels: (N,) int64 -> scalar

No ``torch.softmax``, ``torch.log_softmax``, ``torch.logsumexp`` or anything
from ``torch.nn``: build them from ``exp``, ``max``, ``sum`` and ``log``.
Never create a tensor without saying where it lives: ``x.new_zeros``,
``torch.zeros_like`` or ``device=x.device``.
"""

from __future__ import annotations

import torch
from torch import Tensor


def logsumexp(x: Tensor, dim: int = -1) -> Tensor:
    """``log(sum(exp(x), dim))`` computed as ``m + log(sum(exp(x - m)))`` with ``m = max(x, dim)``.

    Args:
        x: (..., C, ...) any floating tensor.
        dim: the axis to reduce.
    Returns:
        x's shape without ``dim``, same dtype and device. Finite for logits up to 1e4,
        and -inf only where every entry along ``dim`` is -inf.
    """
    raise NotImplementedError("softmax_torch.logsumexp: see docs/softmax_torch.md")


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """``log_softmax(x) = x - logsumexp(x)`` along ``dim``.

    Args:
        x: (..., C, ...) scores.
        dim: the class axis.
    Returns:
        same shape, dtype and device as x; every entry <= 0.
    """
    raise NotImplementedError("softmax_torch.log_softmax: see docs/softmax_torch.md")


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """``softmax(x) = exp(x - max) / sum(exp(x - max))`` along ``dim``.

    Args:
        x: (..., C, ...) scores.
        dim: the class axis.
    Returns:
        same shape, dtype and device as x; non-negative, summing to 1 along ``dim``.
    """
    raise NotImplementedError("softmax_torch.softmax: see docs/softmax_torch.md")


def cross_entropy(logits: Tensor, labels: Tensor, reduction: str = "mean") -> Tensor:
    """``-log_softmax(logits)[n, labels[n]]``, averaged (``"mean"``), summed (``"sum"``) or kept (``"none"``).

    Args:
        logits: (N, C) scores.
        labels: (N,) int64 class indices in [0, C), on logits' device.
        reduction: "mean", "sum" or "none".
    Returns:
        a scalar tensor ("mean", "sum") or (N,) ("none"), logits' dtype and device.
    Raises:
        ValueError: for an unknown reduction, labels of the wrong shape, or a label outside [0, C).
    """
    raise NotImplementedError("softmax_torch.cross_entropy: see docs/softmax_torch.md")

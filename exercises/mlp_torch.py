# Exercise generated from solutions/mlp_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m mlp_torch`.
"""A 784-128-10 network as four tensors: forward, loss, and a backward pass written by hand.

Part 1's ``mlp`` built backprop from NumPy layers. Here the same two-layer
network is four torch tensors in a dict, and the backward pass is written out
with tensor operations, without autograd, so that it can be compared with
what autograd computes for the same parameters::

    params = init_params((784, 128, 10), generator=g)   w1 (784, 128), b1 (128,), w2 (128, 10), b2 (10,)
    logits, cache = forward(params, x)                  x: (N, 784); logits: (N, 10)
    loss = cross_entropy(logits, labels)                labels: (N,) int64 -> scalar tensor (mean)
    grads = backward(params, cache, labels)             same keys and shapes as params
    acc = accuracy(params, x, labels)                   a Python float in [0, 1]
    sgd_step(params, grads, lr)                         params updated in place

The weights use the ``x @ w + b`` layout, ``w`` of shape (in, out): the
transpose of what ``torch.nn.Linear`` stores. No ``torch.nn``, no
``torch.nn.functional.linear`` or ``cross_entropy``: write the affine maps as
``x @ w + b`` and the loss from a log-sum-exp. Every tensor made inside a
function takes its device and dtype from the inputs.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

Params = dict[str, Tensor]
KEYS = ("w1", "b1", "w2", "b2")


def init_params(
    sizes: tuple[int, int, int] = (784, 128, 10),
    *,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.float32,
) -> Params:
    """Kaiming-normal weights (for ReLU) and zero biases for a D-H-C network.

    With ``(D, H, C) = sizes``, drawn in this order from ``generator``:
        w1 ~ N(0, 2 / D)    (D, H)     std sqrt(2 / fan_in), fan_in = D
        w2 ~ N(0, 2 / H)    (H, C)     std sqrt(2 / fan_in), fan_in = H
        b1 = 0 (H,),  b2 = 0 (C,)

    The draws are made on the CPU (``generator`` is a CPU ``torch.Generator``;
    None means torch's global CPU generator) and then moved to ``device``, so
    the same seed gives the same numbers on every device.

    Args:
        sizes: (D, H, C), three positive integers.
        generator: the CPU generator every weight is drawn from.
        device: where the returned tensors live.
        dtype: their floating dtype.
    Returns:
        {"w1": (D, H), "b1": (H,), "w2": (H, C), "b2": (C,)}: leaf tensors on ``device``
        of ``dtype``, not requiring grad.
    Raises:
        ValueError: sizes that are not three positive integers.
    """
    raise NotImplementedError("mlp_torch.init_params: see docs/mlp_torch.md")


def forward(params: Params, x: Tensor) -> tuple[Tensor, tuple]:
    """Logits of the network: ``relu(x @ w1 + b1) @ w2 + b2``.

    Shapes, with x of shape (N, D):
        z1 = x @ w1 + b1        (N, H)
        h = relu(z1)            (N, H)     max(z1, 0)
        logits = h @ w2 + b2    (N, C)     no activation after the last layer

    Args:
        params: as made by init_params (any values, any device, one dtype).
        x: (N, D) on the parameters' device, of their dtype.
    Returns:
        logits: (N, C), x's dtype and device.
        cache: what backward needs (the reference keeps x, z1, h and logits).
    Raises:
        ValueError: x that is not 2-D with D = w1.shape[0] columns.
    """
    raise NotImplementedError("mlp_torch.forward: see docs/mlp_torch.md")


def cross_entropy(logits: Tensor, labels: Tensor) -> Tensor:
    """Mean cross-entropy ``mean_n( logsumexp(logits[n]) - logits[n, labels[n]] )``, stable for large logits.

    ``logsumexp(z) = m + log(sum(exp(z - m)))`` with ``m = max(z)``: nothing overflows.

    Args:
        logits: (N, C) scores.
        labels: (N,) int64 class indices in [0, C), on logits' device.
    Returns:
        a scalar tensor of logits' dtype and device, differentiable by autograd.
    """
    raise NotImplementedError("mlp_torch.cross_entropy: see docs/mlp_torch.md")


def backward(params: Params, cache: tuple, labels: Tensor) -> Params:
    """Gradients of the mean cross-entropy with respect to w1, b1, w2 and b2, written by hand.

    No autograd: this runs (and must give the same numbers) under ``torch.no_grad()``.
    With p = softmax(logits) and Y the one-hot labels, both (N, C):
        dlogits = (p - Y) / N          (N, C)   the mean divides by N
        dw2 = h^T @ dlogits            (H, C)
        db2 = sum_n dlogits            (C,)     sum over the batch axis 0
        dh = dlogits @ w2^T            (N, H)
        dz1 = dh * (z1 > 0)            (N, H)   ReLU passes the gradient where z1 > 0 only
        dw1 = x^T @ dz1                (D, H)
        db1 = sum_n dz1                (H,)

    Args:
        params: the parameters forward was called with.
        cache: forward's cache.
        labels: (N,) int64 in [0, C).
    Returns:
        {"w1", "b1", "w2", "b2"}: each the shape, dtype and device of its parameter; not requiring grad.
    """
    raise NotImplementedError("mlp_torch.backward: see docs/mlp_torch.md")


def accuracy(params: Params, x: Tensor, labels: Tensor) -> float:
    """The fraction of rows whose largest logit is at the row's label: ``mean(argmax(logits, 1) == labels)``.

    Args:
        params: the network's parameters.
        x: (N, D).
        labels: (N,) int64.
    Returns:
        a Python float in [0, 1].
    """
    raise NotImplementedError("mlp_torch.accuracy: see docs/mlp_torch.md")


def sgd_step(params: Params, grads: Params, lr: float) -> None:
    """Plain gradient descent, in place: ``params[k] -= lr * grads[k]`` for every key, under no_grad.

    The tensors in ``params`` are modified, not replaced: anything holding a
    reference to them sees the new values.

    Args:
        params: tensors to update.
        grads: same keys and shapes.
        lr: the learning rate, > 0.
    """
    raise NotImplementedError("mlp_torch.sgd_step: see docs/mlp_torch.md")

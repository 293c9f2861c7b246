# Exercise generated from solutions/softmax.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m softmax`.
"""Softmax, log-softmax and the losses built on them, stable for logits up to 1e4.

All functions act on the last axis. Layer convention as everywhere in the kit::

    out, cache = softmax_forward(x)           x: (..., C); out: (..., C)
    dx = softmax_backward(dout, cache)
    loss, cache = cross_entropy_forward(logits, labels)   logits: (N, C); labels: (N,)
    dlogits = cross_entropy_backward(dloss, cache)        dloss: a number (1.0 for the loss itself)

Stability: ``softmax(x) = softmax(x - c)`` for any constant c, so subtract the
row maximum before ``exp``; the largest exponent is then ``exp(0) = 1`` and
nothing overflows.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def softmax_forward(x: Array) -> tuple[Array, Array]:
    """``out[..., i] = exp(x[..., i]) / sum_j exp(x[..., j])``, computed as exp(x - max).

    Args:
        x: (..., C) scores.
    Returns:
        out: (..., C) probabilities, each row summing to 1, same dtype as x.
        cache: what softmax_backward needs (the output).
    """
    raise NotImplementedError("softmax.softmax_forward: see docs/softmax.md")


def softmax_backward(dout: Array, cache: Array) -> Array:
    """Vector-Jacobian product of softmax: ``dx = s * (dout - sum(dout * s))`` per row.

    The Jacobian is ``diag(s) - s s^T``; never build it, the formula above is the product.

    Args:
        dout: (..., C) upstream gradient.
        cache: from softmax_forward.
    Returns:
        dx: (..., C).
    """
    raise NotImplementedError("softmax.softmax_backward: see docs/softmax.md")


def log_softmax_forward(x: Array) -> tuple[Array, Array]:
    """``out = x - max - log(sum(exp(x - max)))`` per row (the log-sum-exp trick).

    Args:
        x: (..., C) scores.
    Returns:
        out: (..., C) log-probabilities (all <= 0), same dtype as x.
        cache: what log_softmax_backward needs.
    """
    raise NotImplementedError("softmax.log_softmax_forward: see docs/softmax.md")


def log_softmax_backward(dout: Array, cache: Array) -> Array:
    """``dx = dout - softmax(x) * sum(dout)`` per row, with ``softmax(x) = exp(out)``.

    Args:
        dout: (..., C) upstream gradient.
        cache: from log_softmax_forward.
    Returns:
        dx: (..., C).
    """
    raise NotImplementedError("softmax.log_softmax_backward: see docs/softmax.md")


def cross_entropy_forward(logits: Array, labels: NDArray[np.integer]) -> tuple[float, tuple]:
    """Mean negative log-likelihood of the true class: ``-mean_n log_softmax(logits)[n, labels[n]]``.

    Args:
        logits: (N, C) unnormalised scores.
        labels: (N,) integers in [0, C).
    Returns:
        loss: a float, the mean over the batch.
        cache: what cross_entropy_backward needs.
    Raises:
        ValueError: logits not 2-D; labels not integers, of the wrong length, or outside [0, C).
    """
    raise NotImplementedError("softmax.cross_entropy_forward: see docs/softmax.md")


def cross_entropy_backward(dloss: float, cache: tuple) -> Array:
    """``dlogits = dloss * (softmax(logits) - onehot(labels)) / N``.

    The 1/N is there because the loss is a mean over the N rows.

    Args:
        dloss: upstream gradient of the loss (1.0 when the loss is the objective).
        cache: from cross_entropy_forward.
    Returns:
        dlogits: (N, C), same dtype as logits.
    """
    raise NotImplementedError("softmax.cross_entropy_backward: see docs/softmax.md")


def mse_forward(predictions: Array, targets: Array) -> tuple[float, Array]:
    """Mean squared error over every element: ``mean((predictions - targets)**2)``.

    Args:
        predictions: (...) any shape.
        targets: same shape as predictions.
    Returns:
        loss: a float.
        cache: what mse_backward needs.
    Raises:
        ValueError: the shapes differ. Broadcasting would silently turn
            predictions (N, 1) and targets (N,) into an (N, N) difference.
    """
    raise NotImplementedError("softmax.mse_forward: see docs/softmax.md")


def mse_backward(dloss: float, cache: Array) -> Array:
    """``dpredictions = dloss * 2 * (predictions - targets) / K``, K the number of elements.

    Args:
        dloss: upstream gradient of the loss.
        cache: from mse_forward.
    Returns:
        dpredictions: same shape and dtype as predictions.
    """
    raise NotImplementedError("softmax.mse_backward: see docs/softmax.md")

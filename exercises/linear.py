# Exercise generated from solutions/linear.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m linear`.
"""The affine (fully connected) layer and the initialisations that keep it trainable.

Layer convention, followed by every later layer of the kit::

    out, cache = linear_forward(x, w, b)
    dx, dw, db = linear_backward(dout, cache)

Shapes: x is (N, d_1, ..., d_k) and is treated as N rows of D = d_1 * ... * d_k
features; w is (D, M); b is (M,); out and dout are (N, M).

Note the weight layout: (in_features, out_features), so ``x @ w``. torch's
``nn.Linear`` stores the transpose, (out_features, in_features).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def linear_forward(x: Array, w: Array, b: Array) -> tuple[Array, tuple]:
    """``out = x.reshape(N, D) @ w + b``.

    Args:
        x: (N, d_1, ..., d_k) inputs; D = d_1 * ... * d_k.
        w: (D, M) weights.
        b: (M,) biases.
    Returns:
        out: (N, M).
        cache: what linear_backward needs (x, w, b).
    """
    raise NotImplementedError("linear.linear_forward: see docs/linear.md")


def linear_backward(dout: Array, cache: tuple) -> tuple[Array, Array, Array]:
    """Gradients of the affine layer.

    With X = x.reshape(N, D):
        dX = dout @ w.T          (N, M) @ (M, D) -> (N, D), then reshaped to x.shape
        dw = X.T @ dout          (D, N) @ (N, M) -> (D, M)
        db = dout.sum(axis=0)    (N, M) -> (M,): b was broadcast over the N rows

    Args:
        dout: (N, M) upstream gradient.
        cache: from linear_forward.
    Returns:
        dx: same shape as x; dw: (D, M); db: (M,).
    """
    raise NotImplementedError("linear.linear_backward: see docs/linear.md")


def kaiming_normal(fan_in: int, fan_out: int, rng: np.random.Generator, dtype: type = np.float64) -> Array:
    """He (Kaiming) initialisation for layers followed by ReLU.

    ``w ~ Normal(0, std**2)`` with ``std = sqrt(2 / fan_in)``, which keeps the
    variance of activations constant through a stack of ReLU layers (torch's
    ``kaiming_normal_(mode="fan_in", nonlinearity="relu")``).

    Args:
        fan_in: D, the number of inputs; fan_out: M, the number of outputs.
        rng: the random generator to draw from (never the global one).
        dtype: dtype of the result.
    Returns:
        w: (fan_in, fan_out) of the given dtype.
    """
    raise NotImplementedError("linear.kaiming_normal: see docs/linear.md")


def xavier_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, gain: float = 1.0, dtype: type = np.float64
) -> Array:
    """Glorot (Xavier) uniform initialisation for tanh or sigmoid layers.

    ``w ~ Uniform(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``, so
    ``Var(w) = 2 / (fan_in + fan_out) * gain**2`` (torch's ``xavier_uniform_``).

    Args:
        fan_in: D, the number of inputs; fan_out: M, the number of outputs.
        rng: the random generator to draw from.
        gain: scale factor for the nonlinearity that follows.
        dtype: dtype of the result.
    Returns:
        w: (fan_in, fan_out) of the given dtype.
    """
    raise NotImplementedError("linear.xavier_uniform: see docs/linear.md")

# Exercise generated from solutions/activations.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m activations`.
"""Activation functions, each with a hand-written backward pass.

Every activation follows the layer convention of the kit (CS231n's)::

    out, cache = relu_forward(x)      # x: any shape (...); out: same shape and dtype
    dx = relu_backward(dout, cache)   # dout: same shape as out; dx: same shape as x

``cache`` holds what backward needs from forward. Backward is the chain rule
for one elementwise function: ``dx = dout * f'(x)``, with ``f'`` written in
whatever is cheapest to keep (for sigmoid and tanh, the output itself).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def relu_forward(x: Array) -> tuple[Array, Array]:
    """ReLU: ``out = max(0, x)`` elementwise.

    Args:
        x: input of any shape (...).
    Returns:
        out: (...), same dtype as x.
        cache: what relu_backward needs (x itself).
    """
    raise NotImplementedError("activations.relu_forward: see docs/activations.md")


def relu_backward(dout: Array, cache: Array) -> Array:
    """``dx = dout * 1[x > 0]``: the gradient passes only where the input was positive.

    At ``x == 0`` the subgradient 0 is used, as in torch.

    Args:
        dout: upstream gradient (...), same shape as x.
        cache: from relu_forward.
    Returns:
        dx: (...), same shape and dtype as dout.
    """
    raise NotImplementedError("activations.relu_backward: see docs/activations.md")


def leaky_relu_forward(x: Array, negative_slope: float = 0.01) -> tuple[Array, tuple]:
    """Leaky ReLU: ``out = x`` where ``x > 0``, else ``negative_slope * x``.

    Args:
        x: input of any shape (...).
        negative_slope: slope for x <= 0 (torch's default is 0.01).
    Returns:
        out: (...), same dtype as x.
        cache: what leaky_relu_backward needs.
    """
    raise NotImplementedError("activations.leaky_relu_forward: see docs/activations.md")


def leaky_relu_backward(dout: Array, cache: tuple) -> Array:
    """``dx = dout`` where ``x > 0``, else ``negative_slope * dout``.

    Args:
        dout: upstream gradient (...).
        cache: from leaky_relu_forward.
    Returns:
        dx: (...), same shape and dtype as dout.
    """
    raise NotImplementedError("activations.leaky_relu_backward: see docs/activations.md")


def sigmoid_forward(x: Array) -> tuple[Array, Array]:
    """Logistic sigmoid: ``out = 1 / (1 + exp(-x))``, computed without overflow.

    For large negative x, ``exp(-x)`` overflows; use ``z = exp(-|x|)`` (always
    in (0, 1]) and ``out = 1 / (1 + z)`` for x >= 0, ``z / (1 + z)`` for x < 0.

    Args:
        x: input of any shape (...).
    Returns:
        out: (...) in [0, 1] (exactly 0 or 1 once saturated), same dtype as x.
        cache: what sigmoid_backward needs (the output is enough).
    """
    raise NotImplementedError("activations.sigmoid_forward: see docs/activations.md")


def sigmoid_backward(dout: Array, cache: Array) -> Array:
    """``dx = dout * s * (1 - s)`` where ``s = sigmoid(x)`` is the forward output.

    Args:
        dout: upstream gradient (...).
        cache: from sigmoid_forward.
    Returns:
        dx: (...), same shape and dtype as dout.
    """
    raise NotImplementedError("activations.sigmoid_backward: see docs/activations.md")


def tanh_forward(x: Array) -> tuple[Array, Array]:
    """Hyperbolic tangent: ``out = tanh(x)`` elementwise.

    Args:
        x: input of any shape (...).
    Returns:
        out: (...) in [-1, 1], same dtype as x.
        cache: what tanh_backward needs (the output is enough).
    """
    raise NotImplementedError("activations.tanh_forward: see docs/activations.md")


def tanh_backward(dout: Array, cache: Array) -> Array:
    """``dx = dout * (1 - t**2)`` where ``t = tanh(x)`` is the forward output.

    Args:
        dout: upstream gradient (...).
        cache: from tanh_forward.
    Returns:
        dx: (...), same shape and dtype as dout.
    """
    raise NotImplementedError("activations.tanh_backward: see docs/activations.md")

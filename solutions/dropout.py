"""Inverted dropout: zero each activation with probability p, rescale the survivors by 1 / (1 - p).

Layer convention, as everywhere in the kit::

    out, cache = dropout_forward(x, p, rng, train=True)
    dx = dropout_backward(dout, cache)

Shapes: x, out, dout and dx all have the same shape (...), any number of axes;
p is a number in [0, 1], the probability of DROPPING an element (torch's
convention, not CS231n's keep probability).

The mask is drawn as ``rng.random(x.shape) >= p``: True (kept) with probability
1 - p. Drawing it exactly this way, from the generator passed in and never from
``np.random``, makes a run reproducible: two generators with the same seed give
the same mask. In evaluation (``train=False``) nothing is drawn and nothing is
dropped: the layer is the identity.

"Inverted" means the rescaling happens at training time, so that the expected
output equals the input, ``E[out] = x``, and evaluation needs no correction.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def _scale_kept(values: Array, mask: NDArray[np.bool_], keep: float) -> Array:
    """``values / keep`` where mask is True, exactly 0 elsewhere; same shape and dtype as values.

    Args:
        values: (...) x in the forward pass, dout in the backward pass.
        mask: (...) booleans, same shape as values, True where the element is kept.
        keep: the keep probability 1 - p, in [0, 1]. When it is 0 the mask is all
            False and the result is all zeros (no division by zero).
    Returns:
        (...) same shape and dtype as values.
    """
    # BEGIN SOLUTION
    if keep == 0:
        return np.zeros_like(values)
    return np.where(mask, values / keep, values.dtype.type(0))
    # END SOLUTION


def dropout_forward(x: Array, p: float, rng: np.random.Generator, train: bool = True) -> tuple[Array, tuple]:
    """Inverted dropout: ``out = x * mask / (1 - p)`` in training, ``out = x`` in evaluation.

    In training, ``mask = rng.random(x.shape) >= p`` (True, kept, with probability
    1 - p), kept elements become ``x / (1 - p)`` and the others exactly 0, so
    ``E[out] = x``. p = 0 keeps everything (out = x); p = 1 drops everything
    (out = 0, with no division by zero). In evaluation no random number is drawn
    and out equals x.

    Args:
        x: (...) activations, any shape, float32 or float64.
        p: probability of dropping each element, in [0, 1].
        rng: the generator the mask is drawn from (never the global np.random).
        train: True for training (drop and rescale), False for evaluation (identity).
    Returns:
        out: (...) same shape and dtype as x.
        cache: what dropout_backward needs: (mask, keep), mask (...) booleans,
            keep = 1 - p (all True and 1.0 in evaluation).
    Raises:
        ValueError: p is not in [0, 1].
    """
    # BEGIN SOLUTION
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability p must lie in [0, 1], got {p}")
    if not train:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    mask = rng.random(x.shape) >= p
    keep = 1.0 - float(p)
    return _scale_kept(x, mask, keep), (mask, keep)
    # END SOLUTION


def dropout_backward(dout: Array, cache: tuple) -> Array:
    """``dx = dout * mask / (1 - p)`` with the mask of the forward pass (dx = dout in evaluation).

    out[i] = x[i] * mask[i] / (1 - p), so d out[i] / d x[i] = mask[i] / (1 - p):
    the gradient flows, rescaled, through the kept elements only. When p = 1 dx is 0.

    Args:
        dout: (...) upstream gradient, same shape as x.
        cache: from dropout_forward.
    Returns:
        dx: (...) same shape and dtype as dout.
    """
    # BEGIN SOLUTION
    mask, keep = cache
    return _scale_kept(dout, mask, keep)
    # END SOLUTION

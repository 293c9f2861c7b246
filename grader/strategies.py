"""Shared hypothesis strategies: shapes, bounded float arrays, large logits, labels."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def shapes(min_dims: int = 1, max_dims: int = 3, min_side: int = 1, max_side: int = 5) -> st.SearchStrategy:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def floats(bound: float = 10.0, *, width: int = 64) -> st.SearchStrategy:
    """Finite floats in [-bound, bound], no subnormals (they only test the FPU)."""
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False, width=width)


def float_arrays(
    shape: tuple[int, ...] | st.SearchStrategy | None = None,
    *,
    bound: float = 10.0,
    dtype: type = np.float64,
    away_from_zero: float = 0.0,
) -> st.SearchStrategy:
    """Float arrays with elements in [-bound, bound].

    ``away_from_zero`` pushes every element to at least that magnitude, for
    functions with a kink at 0 (ReLU) whose numerical gradient is ill-defined there.
    """
    width = np.dtype(dtype).itemsize * 8
    arrays = hnp.arrays(dtype, shape if shape is not None else shapes(), elements=floats(bound, width=width))
    if away_from_zero > 0:
        margin = np.asarray(away_from_zero, dtype=dtype)
        arrays = arrays.map(lambda a: np.where(np.abs(a) < margin, np.where(a < 0, -margin, margin), a))
    return arrays


def labels(count: int, classes: int) -> st.SearchStrategy:
    """``count`` integer class labels in [0, classes), as int64."""
    return hnp.arrays(np.int64, (count,), elements=st.integers(0, classes - 1))


@st.composite
def classification_batches(
    draw: st.DrawFn,
    *,
    max_batch: int = 8,
    max_classes: int = 10,
    bound: float = 10.0,
    dtype: type = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """(logits of shape (N, C), integer labels of shape (N,) in [0, C))."""
    batch = draw(st.integers(1, max_batch))
    classes = draw(st.integers(2, max_classes))
    logits = draw(float_arrays((batch, classes), bound=bound, dtype=dtype))
    return logits, draw(labels(batch, classes))


def large_logits(max_batch: int = 8, max_classes: int = 10) -> st.SearchStrategy:
    """Classification batches with logits up to 1e4 in magnitude: exp() overflows on them."""
    return classification_batches(max_batch=max_batch, max_classes=max_classes, bound=1e4)

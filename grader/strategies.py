"""Shared hypothesis strategies: shapes, bounded float arrays, large logits, labels, convolution geometry."""

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


def as_pair(value: int | tuple[int, int]) -> tuple[int, int]:
    """An ``(h, w)`` pair from the int or pair a convolution argument may be."""
    return tuple(value) if isinstance(value, tuple) else (value, value)


def int_or_pair(low: int, high: int) -> st.SearchStrategy:
    """An int or an (h, w) pair in [low, high], as convolution and pooling arguments accept both."""
    return st.one_of(st.integers(low, high), st.tuples(st.integers(low, high), st.integers(low, high)))


@st.composite
def conv_problems(draw: st.DrawFn, max_side: int = 7, max_channels: int = 3, optional_bias: bool = False):
    """(x, weight, bias, dout, params) as arrays: any valid geometry, non-square kernels, asymmetric pairs.

    x (N, C, H, W), weight (F, C, KH, KW), bias (F,) (or None half the time with
    ``optional_bias``), dout (N, F, HO, WO), params {"stride", "padding", "dilation"}:
    stride and dilation in [1, 2], padding in [0, 2], each an int or a pair.
    """
    kernel = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    params = {"stride": draw(int_or_pair(1, 2)), "padding": draw(int_or_pair(0, 2)),
              "dilation": draw(int_or_pair(1, 2))}
    stride, padding, dilation = (as_pair(params[key]) for key in ("stride", "padding", "dilation"))
    sides, out_sides = [], []
    for axis in range(2):
        span = dilation[axis] * (kernel[axis] - 1) + 1
        side = draw(st.integers(max(1, span - 2 * padding[axis]), max_side))
        sides.append(side)
        out_sides.append((side + 2 * padding[axis] - span) // stride[axis] + 1)
    batch, channels, filters = draw(st.integers(1, 2)), draw(st.integers(1, max_channels)), draw(st.integers(1, 3))
    x = draw(float_arrays((batch, channels, *sides)), label="x")
    weight = draw(float_arrays((filters, channels, *kernel)), label="weight")
    bias_arrays = float_arrays((filters,))
    bias = draw(st.one_of(st.none(), bias_arrays) if optional_bias else bias_arrays, label="bias")
    dout = draw(float_arrays((batch, filters, *out_sides)), label="dout")
    return x, weight, bias, dout, params

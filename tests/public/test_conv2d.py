"""Public checks for conv2d: output sizes, fixed values, torch parity, naive against vectorized, pooling."""

import numpy as np
import pytest

from grader.checks import assert_close, assert_shape
from grader.parity import assert_matches_torch

X = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [4.0, 0.0, 1.0]]).reshape(1, 1, 3, 3)
W = np.array([[1.0, 2.0], [0.0, -1.0]]).reshape(1, 1, 2, 2)
B = np.array([0.5])
POOL_X = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, 2.0, 2.0, 1.0],
                   [0.0, 1.0, 5.0, 5.0], [2.0, 0.0, 1.0, 3.0]]).reshape(1, 1, 4, 4)
POOL_DOUT = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
CROSS_CORRELATION = ("out[n, f, i, j] = b[f] + sum(w[f] * window(i, j)) with the kernel NOT flipped "
                     "(cross-correlation, as torch)")

SHAPE_CASES = [  # x shape, w shape, stride, padding, dilation, expected out shape
    ((2, 3, 7, 7), (4, 3, 3, 3), 1, 0, 1, (2, 4, 5, 5)),
    ((2, 3, 7, 7), (4, 3, 3, 3), 2, 1, 1, (2, 4, 4, 4)),
    ((1, 2, 7, 6), (3, 2, 3, 2), (2, 1), (0, 1), (2, 1), (1, 3, 2, 7)),  # H: (7 - 5) // 2 + 1
]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding, dilation, out_shape", SHAPE_CASES)
def test_output_and_gradient_shapes(conv2d, rng, x_shape, w_shape, stride, padding, dilation, out_shape):
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out, cache = conv2d.conv2d_forward(x, w, b, stride=stride, padding=padding, dilation=dilation)
    cause = "H_out = (H + 2*pad_h - dil_h*(KH-1) - 1) // stride_h + 1, and the same on W with the w entries"
    assert_shape(out, out_shape, name="out of conv2d_forward", cause=cause)
    dx, dw, db = conv2d.conv2d_backward(np.ones(out_shape), cache)
    assert_shape(dx, x_shape, name="dx of conv2d_backward", cause="crop the padding off dx at the end")
    assert_shape(dw, w_shape, name="dw of conv2d_backward")
    assert_shape(db, (w_shape[0],), name="db of conv2d_backward", cause="db sums dout over axes (0, 2, 3)")


def test_forward_fixed_values(conv2d):
    out, _ = conv2d.conv2d_forward(X, W, B)
    # out[0, 0] = 1*1 + 2*2 + 0*0 + 1*(-1) + 0.5, the top-left 2x2 window times w, plus b
    assert_close(out, [[[[4.5, -0.5], [2.5, 6.5]]]], name="out of conv2d_forward",
                 inputs={"x": X, "w": W, "b": B}, cause=CROSS_CORRELATION)


def test_backward_fixed_values(conv2d):
    _, cache = conv2d.conv2d_forward(X, W, B)
    dx, dw, db = conv2d.conv2d_backward(np.ones((1, 1, 2, 2)), cache)
    shown = {"x": X, "w": W, "b": B}
    # With dout all ones, dw[p, q] is the sum of the 2x2 block of x that w[p, q] touches
    assert_close(dw, [[[[4.0, 6.0], [5.0, 5.0]]]], name="dw of conv2d_backward", inputs=shown,
                 cause="dw[f] = sum over n, i, j of dout[n, f, i, j] * window(i, j)")
    # ... and dx[r, s] is the sum of the w entries that ever multiplied x[r, s]
    assert_close(dx, [[[[1.0, 3.0, 2.0], [1.0, 2.0, 1.0], [0.0, -1.0, -1.0]]]], name="dx of conv2d_backward",
                 inputs=shown, cause="dx: add dout[n, f, i, j] * w[f] back onto window (i, j)")
    assert_close(db, [4.0], name="db of conv2d_backward", inputs=shown, cause="db = dout.sum(axis=(0, 2, 3))")


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), ((2, 1), (1, 0), (1, 2))])
def test_matches_torch_on_a_small_input(conv2d, rng, stride, padding, dilation):
    import torch

    x, w, b = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    out, cache = conv2d.conv2d_forward(x, w, b, stride=stride, padding=padding, dilation=dilation)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv2d.conv2d_backward(dout, cache)
    assert_matches_torch(
        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation),
        {"x": x, "w": w, "b": b}, out=out, grads={"x": dx, "w": dw, "b": db}, dout=dout,
        forward="conv2d_forward", backward="conv2d_backward", causes={"out": CROSS_CORRELATION})


def test_naive_agrees_with_vectorized(conv2d, rng):
    x, w, b = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(3)
    hyper = {"stride": 2, "padding": 1, "dilation": (2, 1)}
    out, cache = conv2d.conv2d_forward(x, w, b, **hyper)
    naive_out, naive_cache = conv2d.conv2d_forward_naive(x, w, b, **hyper)
    dout = rng.standard_normal(out.shape)
    assert_close(naive_out, out, name="out of conv2d_forward_naive (vs conv2d_forward)")
    for label, naive, fast in zip("xwb", conv2d.conv2d_backward_naive(dout, naive_cache),
                                  conv2d.conv2d_backward(dout, cache)):
        assert_close(naive, fast, name=f"d{label} of conv2d_backward_naive (vs conv2d_backward)",
                     cause="the loops and the im2col version compute the same sums: one of them is wrong")


def test_max_pool_fixed_values(conv2d):
    out, cache = conv2d.max_pool2d_forward(POOL_X, 2)
    assert_close(out, [[[[4.0, 2.0], [2.0, 5.0]]]], name="out of max_pool2d_forward", inputs={"x": POOL_X},
                 cause="stride defaults to kernel_size: four 2x2 windows that do not overlap")
    dx = conv2d.max_pool2d_backward(POOL_DOUT, cache)
    # The bottom-right window holds 5 twice: the first in row-major order gets the gradient, as in torch
    expected = [[[[0, 0, 2, 0], [1, 0, 0, 0], [0, 0, 4, 0], [3, 0, 0, 0]]]]
    assert_close(dx, expected, name="dx of max_pool2d_backward", inputs={"x": POOL_X},
                 cause="the gradient goes to ONE element per window: the first maximum in row-major order")


def test_avg_pool_fixed_values(conv2d):
    out, cache = conv2d.avg_pool2d_forward(POOL_X, 2)
    assert_close(out, [[[[2.5, 1.25], [0.75, 3.5]]]], name="out of avg_pool2d_forward", inputs={"x": POOL_X})
    dx = conv2d.avg_pool2d_backward(POOL_DOUT, cache)
    expected = np.kron(POOL_DOUT[0, 0], np.ones((2, 2))) / 4
    assert_close(dx, expected[None, None], name="dx of avg_pool2d_backward", inputs={"x": POOL_X},
                 cause="each of the KH*KW elements of a window gets dout / (KH*KW)")


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_pools_match_torch_on_a_small_input(conv2d, rng, pool):
    import torch

    x = rng.standard_normal((2, 3, 7, 6))
    out, cache = getattr(conv2d, f"{pool}_pool2d_forward")(x, 3, stride=2, padding=1)
    dout = rng.standard_normal(out.shape)
    dx = getattr(conv2d, f"{pool}_pool2d_backward")(dout, cache)
    torch_pool = getattr(torch.nn.functional, f"{pool}_pool2d")
    assert_matches_torch(lambda x: torch_pool(x, 3, stride=2, padding=1), {"x": x}, out=out, grads={"x": dx},
                         dout=dout, forward=f"{pool}_pool2d_forward", backward=f"{pool}_pool2d_backward")

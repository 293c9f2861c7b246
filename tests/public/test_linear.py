"""Public checks for linear: a fixed example, shapes, torch parity, initialisation scale."""

import numpy as np

from grader.checks import assert_close, assert_shape
from grader.parity import assert_matches_torch

X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # N=3, D=2
W = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])  # D=2, M=3
B = np.array([0.1, 0.2, 0.3])


def test_forward_fixed_values(linear):
    out, _ = linear.linear_forward(X, W, B)
    expected = [[2.1, 4.2, 1.3], [5.1, 8.2, 1.3], [8.1, 12.2, 1.3]]
    assert_close(out, expected, name="out of linear_forward", inputs={"x": X, "w": W, "b": B},
                 cause="out = x @ w + b with w of shape (D, M)")


def test_backward_shapes(linear, rng):
    x = rng.standard_normal((4, 2, 3))  # N=4, D=6
    w, b = rng.standard_normal((6, 5)), rng.standard_normal(5)
    out, cache = linear.linear_forward(x, w, b)
    assert_shape(out, (4, 5), name="out of linear_forward", cause="reshape x to (N, D) before x @ w")
    dx, dw, db = linear.linear_backward(np.ones((4, 5)), cache)
    assert_shape(dx, (4, 2, 3), name="dx of linear_backward", cause="reshape dx back to x.shape")
    assert_shape(dw, (6, 5), name="dw of linear_backward")
    assert_shape(db, (5,), name="db of linear_backward", cause="db sums dout over the batch axis 0")


def test_matches_torch_on_a_small_input(linear, rng):
    import torch

    x, w, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)
    dout = rng.standard_normal((3, 2))
    out, cache = linear.linear_forward(x, w, b)
    dx, dw, db = linear.linear_backward(dout, cache)
    assert_matches_torch(lambda x, w, b: x @ w + b, {"x": x, "w": w, "b": b}, out=out,
                         grads={"x": dx, "w": dw, "b": db}, dout=dout,
                         forward="linear_forward", backward="linear_backward")


def test_initialisations_have_the_right_scale(linear):
    rng = np.random.default_rng(0)
    kaiming = linear.kaiming_normal(400, 300, rng)
    xavier = linear.xavier_uniform(400, 300, rng)
    assert_shape(kaiming, (400, 300), name="kaiming_normal")
    assert_close(kaiming.std(), np.sqrt(2 / 400), name="std of kaiming_normal", rtol=0.02,
                 cause="std = sqrt(2 / fan_in): the square root of the variance 2 / fan_in")
    assert_close(np.abs(xavier).max(), np.sqrt(6 / 700), name="largest |w| of xavier_uniform", rtol=0.01,
                 cause="w ~ Uniform(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))")

"""Public checks for activations: fixed values, shapes, and torch parity on a small input."""

import numpy as np
import pytest

from grader.checks import assert_close
from grader.parity import assert_matches_torch

X = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
DOUT = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_relu_forward_fixed_values(activations):
    out, _ = activations.relu_forward(X)
    assert_close(out, [[0.0, 0.0, 0.0], [0.5, 1.0, 3.0]], name="out of relu_forward", inputs={"x": X},
                 cause="ReLU keeps positive inputs and zeroes the rest: np.maximum(x, 0)")


def test_relu_backward_fixed_values(activations):
    _, cache = activations.relu_forward(X)
    dx = activations.relu_backward(DOUT, cache)
    assert_close(dx, [[0.0, 0.0, 0.0], [4.0, 5.0, 6.0]], name="dx of relu_backward", inputs={"x": X},
                 cause="the gradient flows only where x > 0 (and not at x == 0)")


def test_sigmoid_and_tanh_at_zero(activations):
    zero = np.zeros((1, 1))
    assert_close(activations.sigmoid_forward(zero)[0], [[0.5]], name="out of sigmoid_forward",
                 inputs={"x": zero}, cause="sigmoid(0) = 1 / (1 + exp(0)) = 0.5")
    assert_close(activations.tanh_forward(zero)[0], [[0.0]], name="out of tanh_forward",
                 inputs={"x": zero})


def test_leaky_relu_fixed_values(activations):
    out, _ = activations.leaky_relu_forward(X, 0.1)
    assert_close(out, [[-0.2, -0.05, 0.0], [0.5, 1.0, 3.0]], name="out of leaky_relu_forward",
                 inputs={"x": X, "negative_slope": 0.1}, cause="negative inputs are scaled by negative_slope")


@pytest.mark.parametrize("name, torch_name", [
    ("relu", "relu"), ("sigmoid", "sigmoid"), ("tanh", "tanh"), ("leaky_relu", "leaky_relu"),
])
def test_matches_torch_on_a_small_input(activations, rng, name, torch_name):
    import torch

    x = rng.standard_normal((3, 4))
    dout = rng.standard_normal((3, 4))
    out, cache = getattr(activations, f"{name}_forward")(x)
    dx = getattr(activations, f"{name}_backward")(dout, cache)
    torch_fn = getattr(torch.nn.functional, torch_name)
    assert_matches_torch(lambda x: torch_fn(x), {"x": x}, out=out, grads={"x": dx},
                         dout=dout, forward=f"{name}_forward", backward=f"{name}_backward")

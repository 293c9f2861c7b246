"""Hidden checks for activations: properties, numerical gradients, torch parity, extremes, dtypes."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import CheckFailure, assert_close, assert_dtype, assert_gradient
from grader.parity import assert_matches_torch

ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh"]  # also their names in torch.nn.functional
BACKWARD_CAUSES = {
    "relu": "dx = dout * (x > 0): the gradient is blocked where the input was negative",
    "leaky_relu": "dx = dout where x > 0, negative_slope * dout elsewhere",
    "sigmoid": "with s the forward OUTPUT, dx = dout * s * (1 - s); writing it with x instead of s is the usual slip",
    "tanh": "with t the forward output, dx = dout * (1 - t**2)",
}


def forward_backward(module, name, x, dout):
    out, cache = getattr(module, f"{name}_forward")(x)
    return out, getattr(module, f"{name}_backward")(dout, cache)


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(data=st.data())
def test_matches_torch_in_float64(activations, name, data):
    import torch

    x = data.draw(gs.float_arrays(bound=20.0), label="x")
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    out, dx = forward_backward(activations, name, x, dout)
    torch_fn = getattr(torch.nn.functional, name)
    assert_matches_torch(lambda x: torch_fn(x), {"x": x}, out=out, grads={"x": dx},
                         dout=dout, forward=f"{name}_forward", backward=f"{name}_backward",
                         causes={"x": BACKWARD_CAUSES[name]})


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(data=st.data())
def test_backward_matches_numerical_gradient(activations, name, data):
    x = data.draw(gs.float_arrays(gs.shapes(max_dims=2), bound=5.0, away_from_zero=1e-3), label="x")
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    _, dx = forward_backward(activations, name, x, dout)
    forward = getattr(activations, f"{name}_forward")
    assert_gradient(dx, lambda v: forward(v)[0], x, dout=dout, name=f"dx of {name}_backward",
                    inputs={"x": x, "dout": dout}, cause=BACKWARD_CAUSES[name])


@given(x=gs.float_arrays(), dout=st.data())
def test_relu_backward_is_a_mask(activations, x, dout):
    upstream = dout.draw(gs.float_arrays(x.shape), label="dout")
    _, dx = forward_backward(activations, "relu", x, upstream)
    assert_close(dx, np.where(x > 0, upstream, 0.0), name="dx of relu_backward", inputs={"x": x},
                 cause="dx must equal dout where x > 0 and be exactly 0 where x <= 0")


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_gradient_at_zero_follows_torch(activations, name):
    x, dout = np.zeros((2, 2)), np.ones((2, 2))
    _, dx = forward_backward(activations, name, x, dout)
    expected = 0.0 if name == "relu" else 0.01
    assert_close(dx, np.full((2, 2), expected), name=f"dx of {name}_backward", inputs={"x": x},
                 cause="at x == 0 torch uses the left-hand slope: test x > 0, not x >= 0")


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
@pytest.mark.parametrize("magnitude", [50.0, 1e3, 1e4])
def test_saturates_without_overflow(activations, name, magnitude):
    x = np.array([[-magnitude, magnitude]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        try:
            out, dx = forward_backward(activations, name, x, np.ones_like(x))
        except FloatingPointError as error:
            raise CheckFailure(f"out of {name}_forward", f"overflowed at x = ±{magnitude:g} ({error})", [],
                               "exp of a large positive number overflows: use z = exp(-|x|), "
                               "which is always in (0, 1]") from None
    low = 0.0 if name == "sigmoid" else -1.0
    assert_close(out, [[low, 1.0]], name=f"out of {name}_forward", inputs={"x": x}, atol=1e-12)
    assert_close(dx, [[0.0, 0.0]], name=f"dx of {name}_backward", inputs={"x": x}, atol=1e-12)


@given(x=gs.float_arrays(bound=1e3))
def test_sigmoid_is_symmetric(activations, x):
    positive, _ = activations.sigmoid_forward(x)
    negative, _ = activations.sigmoid_forward(-x)
    assert_close(positive + negative, np.ones_like(x), name="out of sigmoid_forward", inputs={"x": x},
                 rtol=0, atol=1e-12, cause="sigmoid(x) + sigmoid(-x) must be 1; exp(x) / (1 + exp(x)) "
                 "gives inf / inf = nan for x above ~709")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_stays_float32(activations, name, rng):
    x = rng.standard_normal((4, 3)).astype(np.float32)
    out, dx = forward_backward(activations, name, x, np.ones_like(x))
    assert_dtype(out, np.float32, name=f"out of {name}_forward")
    assert_dtype(dx, np.float32, name=f"dx of {name}_backward")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_inputs_are_not_modified(activations, name, rng):
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    x_before, dout_before = x.copy(), dout.copy()
    forward_backward(activations, name, x, dout)
    cause = "an in-place operation (x[x < 0] = 0, out *= ...) changed the caller's array; work on a copy"
    assert_close(x, x_before, name=f"x after {name}_forward", rtol=0, atol=0, cause=cause)
    assert_close(dout, dout_before, name=f"dout after {name}_backward", rtol=0, atol=0, cause=cause)


@given(x=gs.float_arrays(), slope=st.floats(0.0, 0.5))
def test_leaky_relu_uses_its_slope(activations, x, slope):
    import torch

    out, cache = activations.leaky_relu_forward(x, slope)
    dx = activations.leaky_relu_backward(np.ones_like(x), cache)
    assert_matches_torch(lambda x: torch.nn.functional.leaky_relu(x, slope), {"x": x}, out=out,
                         grads={"x": dx}, forward="leaky_relu_forward", backward="leaky_relu_backward",
                         causes={"out": "negative inputs are multiplied by negative_slope",
                                 "x": "the backward must use the slope kept in the cache"})

"""Hidden checks for linear: torch parity, numerical gradients, layouts, dtypes, initialisation statistics."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_shape
from grader.parity import assert_matches_torch

CAUSES = {
    "out": "out = x.reshape(N, D) @ w + b",
    "x": "dx = (dout @ w.T).reshape(x.shape): transpose w, then restore x's shape",
    "w": "dw = x.reshape(N, D).T @ dout, shape (D, M) like w",
    "b": "db = dout.sum(axis=0): b was added to every one of the N rows",
}


@st.composite
def layer_inputs(draw):
    batch = draw(st.integers(1, 5))
    feature_shape = draw(gs.shapes(min_dims=1, max_dims=3, max_side=4))
    features = int(np.prod(feature_shape))
    outputs = draw(st.integers(1, 6).filter(lambda m: m != features))  # never square: a missing .T shows
    x = draw(gs.float_arrays((batch, *feature_shape)))
    w = draw(gs.float_arrays((features, outputs)))
    b = draw(gs.float_arrays((outputs,)))
    dout = draw(gs.float_arrays((batch, outputs)))
    return x, w, b, dout


@given(inputs=layer_inputs())
def test_matches_torch_in_float64(linear, inputs):
    x, w, b, dout = inputs
    out, cache = linear.linear_forward(x, w, b)
    dx, dw, db = linear.linear_backward(dout, cache)
    assert_matches_torch(lambda x, w, b: x.reshape(x.shape[0], -1) @ w + b, {"x": x, "w": w, "b": b},
                         out=out, grads={"x": dx, "w": dw, "b": db}, dout=dout,
                         forward="linear_forward", backward="linear_backward", causes=CAUSES)


@given(inputs=layer_inputs())
def test_backward_matches_numerical_gradients(linear, inputs):
    x, w, b, dout = inputs
    _, cache = linear.linear_forward(x, w, b)
    dx, dw, db = linear.linear_backward(dout, cache)
    shown = {"x": x, "w": w, "b": b, "dout": dout}
    assert_gradient(dx, lambda v: linear.linear_forward(v, w, b)[0], x, dout=dout,
                    name="dx of linear_backward", inputs=shown, cause=CAUSES["x"])
    assert_gradient(dw, lambda v: linear.linear_forward(x, v, b)[0], w, dout=dout,
                    name="dw of linear_backward", inputs=shown, cause=CAUSES["w"])
    assert_gradient(db, lambda v: linear.linear_forward(x, w, v)[0], b, dout=dout,
                    name="db of linear_backward", inputs=shown, cause=CAUSES["b"])


def test_bias_gradient_sums_over_the_batch(linear, rng):
    x, w, b = rng.standard_normal((7, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    dout = rng.standard_normal((7, 2))
    _, cache = linear.linear_forward(x, w, b)
    _, _, db = linear.linear_backward(dout, cache)
    assert_close(db, dout.sum(axis=0), name="db of linear_backward", inputs={"dout": dout}, cause=CAUSES["b"])


def test_float32_stays_float32(linear, rng):
    x, w, b = (rng.standard_normal(shape).astype(np.float32) for shape in [(4, 3), (3, 2), (2,)])
    out, cache = linear.linear_forward(x, w, b)
    grads = linear.linear_backward(np.ones((4, 2), np.float32), cache)
    assert_dtype(out, np.float32, name="out of linear_forward")
    for label, grad in zip("xwb", grads):
        assert_dtype(grad, np.float32, name=f"d{label} of linear_backward")


def test_inputs_are_not_modified(linear, rng):
    arrays = {"x": rng.standard_normal((4, 3, 2)), "w": rng.standard_normal((6, 2)),
              "b": rng.standard_normal(2), "dout": rng.standard_normal((4, 2))}
    before = {key: value.copy() for key, value in arrays.items()}
    _, cache = linear.linear_forward(arrays["x"], arrays["w"], arrays["b"])
    linear.linear_backward(arrays["dout"], cache)
    for key, value in arrays.items():
        assert_close(value, before[key], name=f"{key} after linear_forward/backward", rtol=0, atol=0,
                     cause="an in-place update (+=, -=, x.shape = ...) changed the caller's array")


FAN_SHAPES = [(512, 256), (100, 900)]


@pytest.mark.parametrize("fan_in, fan_out", FAN_SHAPES)
def test_kaiming_normal_statistics(linear, fan_in, fan_out):
    w = linear.kaiming_normal(fan_in, fan_out, np.random.default_rng(1))
    assert_shape(w, (fan_in, fan_out), name="kaiming_normal", cause="the result is (fan_in, fan_out)")
    std, count = np.sqrt(2 / fan_in), fan_in * fan_out
    # Five standard errors: a correct sampler fails this about once in two million runs.
    assert_close(w.std(), std, name="std of kaiming_normal", rtol=5 / np.sqrt(2 * count),
                 cause="std = sqrt(2 / fan_in), not 2 / fan_in (the variance) nor 1 / sqrt(fan_in)")
    assert_close(w.mean(), 0.0, name="mean of kaiming_normal", atol=5 * std / np.sqrt(count), rtol=0)


@pytest.mark.parametrize("fan_in, fan_out", FAN_SHAPES)
@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_uniform_statistics(linear, fan_in, fan_out, gain):
    w = linear.xavier_uniform(fan_in, fan_out, np.random.default_rng(2), gain=gain)
    assert_shape(w, (fan_in, fan_out), name="xavier_uniform")
    bound = gain * np.sqrt(6 / (fan_in + fan_out))
    cause = "w ~ Uniform(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))"
    assert_close(np.abs(w).max(), bound, name="largest |w| of xavier_uniform", rtol=1e-3, cause=cause)
    assert_close(w.var(), bound**2 / 3, name="variance of xavier_uniform",
                 rtol=5 * np.sqrt(0.8 / w.size), cause=cause)


@pytest.mark.parametrize("init", ["kaiming_normal", "xavier_uniform"])
def test_initialisation_draws_from_the_given_rng(linear, init):
    make = getattr(linear, init)
    first = make(30, 20, np.random.default_rng(7))
    again = make(30, 20, np.random.default_rng(7))
    other = make(30, 20, np.random.default_rng(8))
    cause = "draw with the rng argument (rng.standard_normal, rng.uniform), never np.random.*"
    assert_close(again, first, name=f"{init} with the same seed twice", rtol=0, atol=0, cause=cause)
    assert not np.allclose(other, first), f"{init} gave the same weights for two different seeds; {cause}"


@pytest.mark.parametrize("init", ["kaiming_normal", "xavier_uniform"])
def test_initialisation_honours_dtype(linear, init):
    w = getattr(linear, init)(8, 4, np.random.default_rng(0), dtype=np.float32)
    assert_dtype(w, np.float32, name=init, cause="cast the result with .astype(dtype)")

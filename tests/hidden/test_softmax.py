"""Hidden checks for softmax and the losses: properties, stability at 1e4, parity, gradients, validation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_raises
from grader.parity import assert_matches_torch

OVERFLOW = "exp overflows for logits above ~709: subtract the row maximum first (softmax(x) = softmax(x - max))"
LAST_AXIS = "normalise over the last axis (axis=-1, keepdims=True), whatever the number of dimensions"
CE_GRAD = "dlogits = dloss * (softmax(logits) - onehot(labels)) / N"


def batched(bound=10.0):
    return gs.float_arrays(gs.shapes(min_dims=1, max_dims=3, max_side=6), bound=bound)


@given(x=batched(bound=100.0))
def test_softmax_rows_are_distributions(softmax, x):
    out, _ = softmax.softmax_forward(x)
    assert_close(out.sum(axis=-1), np.ones(x.shape[:-1]), name="row sums of softmax_forward",
                 inputs={"x": x}, cause=LAST_AXIS)
    assert np.all((out >= 0) & (out <= 1)), "softmax_forward gave values outside [0, 1]"


@given(x=batched(), shift=gs.floats(1e3))
def test_softmax_ignores_a_constant_shift(softmax, x, shift):
    out, _ = softmax.softmax_forward(x)
    shifted, _ = softmax.softmax_forward(x + shift)
    assert_close(shifted, out, name="out of softmax_forward(x + c)", inputs={"x": x, "c": shift},
                 rtol=1e-6, atol=1e-12, cause=OVERFLOW)


@given(x=batched(bound=50.0))
def test_log_softmax_is_the_log_of_softmax(softmax, x):
    log_out, _ = softmax.log_softmax_forward(x)
    out, _ = softmax.softmax_forward(x)
    assert_close(np.exp(log_out), out, name="exp(log_softmax_forward)", inputs={"x": x},
                 cause="log_softmax(x) = x - max - log(sum(exp(x - max))) over the last axis")


@pytest.mark.parametrize("name, torch_name", [("softmax", "softmax"), ("log_softmax", "log_softmax")])
@given(data=st.data())
def test_matches_torch_in_float64(softmax, name, torch_name, data):
    import torch

    x = data.draw(batched(bound=50.0), label="x")
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    out, cache = getattr(softmax, f"{name}_forward")(x)
    dx = getattr(softmax, f"{name}_backward")(dout, cache)
    assert_matches_torch(lambda x: getattr(torch, torch_name)(x, dim=-1), {"x": x}, out=out, grads={"x": dx},
                         dout=dout, forward=f"{name}_forward", backward=f"{name}_backward",
                         causes={"out": LAST_AXIS, "x": "the vector-Jacobian product, row by row"})


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(data=st.data())
def test_backward_matches_numerical_gradient(softmax, name, data):
    x = data.draw(gs.float_arrays(gs.shapes(min_dims=1, max_dims=2), bound=5.0), label="x")
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    forward = getattr(softmax, f"{name}_forward")
    _, cache = forward(x)
    dx = getattr(softmax, f"{name}_backward")(dout, cache)
    assert_gradient(dx, lambda v: forward(v)[0], x, dout=dout, name=f"dx of {name}_backward",
                    inputs={"x": x, "dout": dout})


@given(batch=gs.large_logits())
def test_stable_for_logits_up_to_1e4(softmax, batch):
    import torch

    logits, labels = batch
    tensor = torch.tensor(logits)
    assert_close(softmax.softmax_forward(logits)[0], torch.softmax(tensor, -1).numpy(),
                 name="out of softmax_forward", inputs={"x": logits}, cause=OVERFLOW)
    assert_close(softmax.log_softmax_forward(logits)[0], torch.log_softmax(tensor, -1).numpy(),
                 name="out of log_softmax_forward", inputs={"x": logits},
                 cause="log(softmax(x)) gives log(0) = -inf; use x - max - log(sum(exp(x - max)))")
    loss, _ = softmax.cross_entropy_forward(logits, labels)
    expected = torch.nn.functional.cross_entropy(tensor, torch.tensor(labels)).item()
    assert_close(loss, expected, name="cross_entropy_forward", inputs={"logits": logits}, cause=OVERFLOW)


@given(batch=gs.classification_batches(), dloss=gs.floats(3.0))
def test_cross_entropy_matches_torch(softmax, batch, dloss):
    import torch

    logits, labels = batch
    loss, cache = softmax.cross_entropy_forward(logits, labels)
    dlogits = softmax.cross_entropy_backward(dloss, cache)
    assert_matches_torch(torch.nn.functional.cross_entropy, {"input": logits, "target": labels}, out=loss,
                         grads={"input": dlogits}, dout=dloss, forward="cross_entropy_forward",
                         backward="cross_entropy_backward",
                         causes={"out": "the MEAN over the batch of -log_softmax(logits)[n, labels[n]]",
                                 "input": CE_GRAD})


@given(batch=gs.classification_batches(bound=5.0))
def test_cross_entropy_gradient_is_numerically_right(softmax, batch):
    logits, labels = batch
    _, cache = softmax.cross_entropy_forward(logits, labels)
    dlogits = softmax.cross_entropy_backward(1.0, cache)
    assert_gradient(dlogits, lambda v: softmax.cross_entropy_forward(v, labels)[0], logits,
                    name="dlogits of cross_entropy_backward", inputs={"logits": logits, "labels": labels},
                    cause=CE_GRAD)


@given(batch=gs.classification_batches())
def test_cross_entropy_is_a_mean_not_a_sum(softmax, batch):
    logits, labels = batch
    single, _ = softmax.cross_entropy_forward(logits, labels)
    doubled, _ = softmax.cross_entropy_forward(np.concatenate([logits, logits]), np.concatenate([labels, labels]))
    assert_close(doubled, single, name="cross_entropy_forward of the batch repeated twice",
                 inputs={"logits": logits}, cause="divide by the batch size N: the loss is a mean")


@pytest.mark.parametrize("labels, why", [
    (np.array([0, 3]), "a label equal to the number of classes"),
    (np.array([0, -1]), "a negative label (NumPy indexing would silently wrap it around)"),
    (np.array([0.0, 1.0]), "float labels"),
    (np.array([0, 1, 2]), "more labels than rows"),
])
def test_cross_entropy_rejects_bad_labels(softmax, labels, why):
    assert_raises(ValueError, lambda: softmax.cross_entropy_forward(np.zeros((2, 3)), labels),
                  name="cross_entropy_forward", why=f"{why} (logits of shape (2, 3))",
                  cause="check the labels' dtype, shape (N,) and range [0, C) before indexing")


@given(data=st.data(), dloss=gs.floats(3.0))
def test_mse_matches_torch(softmax, data, dloss):
    import torch

    predictions = data.draw(batched(), label="predictions")
    targets = data.draw(gs.float_arrays(predictions.shape), label="targets")
    loss, cache = softmax.mse_forward(predictions, targets)
    grad = softmax.mse_backward(dloss, cache)
    assert_matches_torch(torch.nn.functional.mse_loss, {"input": predictions, "target": targets}, out=loss,
                         grads={"input": grad}, dout=dloss, forward="mse_forward", backward="mse_backward",
                         causes={"out": "mean over ALL elements of (predictions - targets)**2",
                                 "input": "dpredictions = dloss * 2 * (predictions - targets) / K"})


@given(data=st.data())
def test_mse_gradient_is_numerically_right(softmax, data):
    predictions = data.draw(gs.float_arrays(gs.shapes(max_dims=2)), label="predictions")
    targets = data.draw(gs.float_arrays(predictions.shape), label="targets")
    _, cache = softmax.mse_forward(predictions, targets)
    grad = softmax.mse_backward(1.0, cache)
    assert_gradient(grad, lambda v: softmax.mse_forward(v, targets)[0], predictions,
                    name="dpredictions of mse_backward", inputs={"predictions": predictions},
                    cause="d/dp mean((p - t)**2) = 2 (p - t) / K, K the number of elements")


@pytest.mark.parametrize("predictions, targets", [
    (np.zeros((4, 1)), np.zeros(4)),
    (np.zeros(3), np.zeros((2, 3))),
])
def test_mse_rejects_shapes_that_would_broadcast(softmax, predictions, targets):
    assert_raises(ValueError, lambda: softmax.mse_forward(predictions, targets), name="mse_forward",
                  why=f"predictions {predictions.shape} with targets {targets.shape}",
                  cause="(N, 1) - (N,) broadcasts to (N, N): compare the shapes and raise ValueError")


def test_float32_stays_float32(softmax, rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    for name in ["softmax", "log_softmax"]:
        out, cache = getattr(softmax, f"{name}_forward")(x)
        assert_dtype(out, np.float32, name=f"out of {name}_forward")
        assert_dtype(getattr(softmax, f"{name}_backward")(np.ones_like(x), cache), np.float32,
                     name=f"dx of {name}_backward")
    _, cache = softmax.cross_entropy_forward(x, np.array([0, 1, 2, 3]))
    assert_dtype(softmax.cross_entropy_backward(np.float64(1.0), cache), np.float32,
                 name="dlogits of cross_entropy_backward",
                 cause="a NumPy float64 scalar dloss promotes float32 arrays: use float(dloss)")


def test_inputs_are_not_modified(softmax, rng):
    logits, labels = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    before = logits.copy()
    softmax.softmax_forward(logits)
    softmax.log_softmax_forward(logits)
    _, cache = softmax.cross_entropy_forward(logits, labels)
    softmax.cross_entropy_backward(1.0, cache)
    assert_close(logits, before, name="logits after softmax and cross-entropy", rtol=0, atol=0,
                 cause="x -= x.max(...) shifts the caller's array in place; write x - x.max(...)")

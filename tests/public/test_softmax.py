"""Public checks for softmax: fixed values, rows that sum to one, losses against torch."""

import numpy as np

from grader.checks import assert_close
from grader.parity import assert_matches_torch

LOGITS = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])


def test_softmax_fixed_values(softmax):
    out, _ = softmax.softmax_forward(LOGITS)
    e = np.exp([1.0, 2.0, 3.0])
    assert_close(out, [e / e.sum(), [1 / 3] * 3], name="out of softmax_forward", inputs={"x": LOGITS},
                 cause="normalise over the last axis: exp(x) / exp(x).sum(axis=-1, keepdims=True)")


def test_log_softmax_of_equal_logits(softmax):
    out, _ = softmax.log_softmax_forward(np.zeros((2, 4)))
    assert_close(out, np.full((2, 4), -np.log(4)), name="out of log_softmax_forward",
                 inputs={"x": np.zeros((2, 4))}, cause="log_softmax(x) = x - max - log(sum(exp(x - max)))")


def test_cross_entropy_matches_torch(softmax, rng):
    import torch

    logits = rng.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    loss, cache = softmax.cross_entropy_forward(logits, labels)
    dlogits = softmax.cross_entropy_backward(1.0, cache)
    assert_matches_torch(torch.nn.functional.cross_entropy, {"input": logits, "target": labels}, out=loss,
                         grads={"input": dlogits}, forward="cross_entropy_forward",
                         backward="cross_entropy_backward",
                         causes={"out": "the loss is the MEAN over the batch of -log p[label]",
                                 "input": "dlogits = (softmax - onehot(labels)) / N"})


def test_mse_matches_torch(softmax, rng):
    import torch

    predictions, targets = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    loss, cache = softmax.mse_forward(predictions, targets)
    grad = softmax.mse_backward(1.0, cache)
    assert_matches_torch(torch.nn.functional.mse_loss, {"input": predictions, "target": targets}, out=loss,
                         grads={"input": grad}, forward="mse_forward", backward="mse_backward",
                         causes={"input": "d/dp mean((p - t)**2) = 2 (p - t) / K, K the number of elements"})


def test_large_logits_stay_finite(softmax):
    logits = np.array([[1e4, 0.0, -1e4]])
    out, _ = softmax.softmax_forward(logits)
    assert_close(out, [[1.0, 0.0, 0.0]], name="out of softmax_forward", inputs={"x": logits},
                 cause="exp(1e4) overflows to inf: subtract the row maximum before exp")

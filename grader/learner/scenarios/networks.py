"""Scenarios of Part 1 convolution, recurrent nets, attention and training (NumPy).

Convolutions run with asymmetric strides, padding and dilation, pooling on
inputs with ties (rounded values: the first maximum takes the gradient).
Training runs on a dozen samples for one or two epochs, a few steps: the point
is the arithmetic of every step, not learning. ``history["seconds"]`` (wall
time) is left out of the comparison; ``sample_chars`` runs at a temperature
so low that every way of drawing from the distribution picks its mode.
"""

from __future__ import annotations

import numpy as np

from grader.learner.scenarios import case
from grader.learner.scenarios.session import Session

CONV_SETTINGS = {"plain": {}, "strided": {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)}}


def _convolve(s: Session, rng: np.random.Generator, suffix: str) -> None:
    x, w, b = rng.standard_normal((2, 3, 6, 7)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    for label, settings in CONV_SETTINGS.items():
        out, cache = s.call(f"conv2d_forward{suffix}", x, w, b, record=(f"out_{label}", None), **settings)
        s.call(f"conv2d_backward{suffix}", rng.standard_normal(out.shape), cache,
               record=(f"dx_{label}", f"dw_{label}", f"db_{label}"))


@case("conv2d")
def convolution(s: Session, rng: np.random.Generator) -> None:
    _convolve(s, rng, "")


@case("conv2d")
def convolution_naive(s: Session, rng: np.random.Generator) -> None:
    _convolve(s, rng, "_naive")


def _pool(s: Session, rng: np.random.Generator, kind: str) -> None:
    x = np.round(rng.standard_normal((2, 2, 5, 6)))  # rounded: ties inside windows
    for label, settings in (("2x2", {"kernel_size": 2}), ("3x2_padded", {"kernel_size": (3, 2), "stride": (2, 1),
                                                                           "padding": 1})):
        out, cache = s.call(f"{kind}_pool2d_forward", x, record=(f"out_{label}", None), **settings)
        s.call(f"{kind}_pool2d_backward", rng.standard_normal(out.shape), cache, record=f"dx_{label}")


@case("conv2d")
def max_pool(s: Session, rng: np.random.Generator) -> None:
    _pool(s, rng, "max")


@case("conv2d")
def avg_pool(s: Session, rng: np.random.Generator) -> None:
    _pool(s, rng, "avg")


def _recurrent_weights(rng: np.random.Generator, gates: int, inputs: int = 3, hidden: int = 4) -> dict:
    rows = gates * hidden
    return {"w_ih": rng.standard_normal((rows, inputs)) * 0.5, "w_hh": rng.standard_normal((rows, hidden)) * 0.5,
            "b_ih": rng.standard_normal(rows) * 0.1, "b_hh": rng.standard_normal(rows) * 0.1}


@case("rnn")
def rnn_cell(s: Session, rng: np.random.Generator) -> None:
    weights, x, h = _recurrent_weights(rng, 1), rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    _, cache = s.call("rnn_cell_forward", x, h, *weights.values(), record=("h", None))
    s.call("rnn_cell_backward", rng.standard_normal((2, 4)), cache, record="grads")


@case("rnn")
def lstm_cell(s: Session, rng: np.random.Generator) -> None:
    weights, x = _recurrent_weights(rng, 4), rng.standard_normal((2, 3))
    h, c = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    *_, cache = s.call("lstm_cell_forward", x, h, c, *weights.values(), record=("h", "c", None))
    s.call("lstm_cell_backward", rng.standard_normal((2, 4)), rng.standard_normal((2, 4)), cache, record="grads")


@case("rnn")
def rnn_sequence(s: Session, rng: np.random.Generator) -> None:
    weights, x, h0 = _recurrent_weights(rng, 1), rng.standard_normal((5, 2, 3)), rng.standard_normal((2, 4))
    _, cache = s.call("rnn_forward", x, h0, weights, record=("hs", None))
    s.call("rnn_backward", rng.standard_normal((5, 2, 4)), cache, record="grads")


@case("rnn")
def lstm_sequence(s: Session, rng: np.random.Generator) -> None:
    weights, x = _recurrent_weights(rng, 4), rng.standard_normal((5, 2, 3))
    h0, c0 = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    _, cache = s.call("lstm_forward", x, h0, c0, weights, record=("hs", None))
    s.call("lstm_backward", rng.standard_normal((5, 2, 4)), cache, record="grads")


@case("attention")
def scaled_dot_product(s: Session, rng: np.random.Generator) -> None:
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 6))
    mask = rng.random((3, 5)) > 0.4
    mask[1] = False  # a query with no key allowed: all-zero weights
    for label, options in (("plain", {}), ("masked", {"mask": mask}), ("causal", {"is_causal": True})):
        _, cache = s.call("scaled_dot_product_attention_forward", q, k, v, record=(f"out_{label}", None), **options)
        s.call("scaled_dot_product_attention_backward", rng.standard_normal((2, 3, 6)), cache,
               record=(f"dq_{label}", f"dk_{label}", f"dv_{label}"))


@case("attention")
def multi_head(s: Session, rng: np.random.Generator) -> None:
    embed = 6
    params = {"in_proj_weight": rng.standard_normal((3 * embed, embed)) * 0.4,
              "in_proj_bias": rng.standard_normal(3 * embed) * 0.1,
              "out_proj_weight": rng.standard_normal((embed, embed)) * 0.4,
              "out_proj_bias": rng.standard_normal(embed) * 0.1}
    query, key, value = (rng.standard_normal((2, length, embed)) for length in (4, 4, 4))
    padding = np.array([[False, False, True, False], [False, True, True, False]])
    for label, options in (("padded", {"key_padding_mask": padding}), ("causal", {"is_causal": True})):
        _, cache = s.call("multi_head_attention_forward", query, key, value, params, 2,
                          record=(f"out_{label}", None), **options)
        s.call("multi_head_attention_backward", rng.standard_normal((2, 4, embed)), cache, record=f"grads_{label}")


@case("attention")
def positional_encoding(s: Session, rng: np.random.Generator) -> None:
    s.call("sinusoidal_positional_encoding", 7, 6, record="pe")


def _softmax_regression(params: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict, np.ndarray]:
    """An objective written here, so that fit and evaluate are compared without the learner's MLP."""
    flat = x.reshape(len(x), -1)
    scores = flat @ params["w"] + params["b"]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = float(-np.log(probabilities[np.arange(len(y)), y]).mean())
    dscores = probabilities.copy()
    dscores[np.arange(len(y)), y] -= 1
    dscores /= len(y)
    return loss, {"w": flat.T @ dscores, "b": dscores.sum(axis=0)}, scores


def _scores(params: dict, x: np.ndarray) -> np.ndarray:
    return _softmax_regression(params, x, np.zeros(len(x), dtype=np.int64))[2]


def classification(rng: np.random.Generator, shape: tuple[int, ...] = (2, 3), n: int = 12, classes: int = 3):
    x = rng.standard_normal((n, *shape))
    y = rng.integers(0, classes, n)
    y[:classes] = np.arange(classes)  # every class present, so the class count is the same for everyone
    return x, y


def timeless(history: dict) -> dict:
    return {key: value for key, value in history.items() if key != "seconds"}


@case("training")
def metrics(s: Session, rng: np.random.Generator) -> None:
    x, y = classification(rng)
    params = {"w": rng.standard_normal((6, 3)), "b": rng.standard_normal(3)}
    s.call("accuracy", rng.standard_normal((7, 3)), rng.integers(0, 3, 7), record="value", keep_going=True)
    s.call("evaluate", params, _scores, x, y, batch_size=5, record=("loss", "accuracy"))


@case("training")
def steps(s: Session, rng: np.random.Generator) -> None:
    params = {"w": rng.standard_normal((6, 3)), "b": rng.standard_normal(3)}
    grads = {"w": rng.standard_normal((6, 3)), "b": rng.standard_normal(3)}
    for optimizer in ("adam", "sgd"):
        s.call("optimizer_step", params, grads, {}, optimizer=optimizer, lr=0.1, momentum=0.9,
               record=(f"params_{optimizer}", f"state_{optimizer}"), keep_going=True)
    s.call("clip_gradients", grads, 1.0, record="clipped", keep_going=True)
    s.call("clip_gradients", grads, 100.0, record="unclipped", keep_going=True)
    s.call("sequence_windows", np.arange(20), 6, record="windows")


@case("training")
def fit(s: Session, rng: np.random.Generator) -> None:
    (x, y), (eval_x, eval_y) = classification(rng), classification(rng, n=5)
    params = {"w": rng.standard_normal((6, 3)) * 0.1, "b": np.zeros(3)}
    trained, history = s.call("fit", params, _softmax_regression, _scores, x, y, eval_x, eval_y, epochs=2,
                              batch_size=5, lr=0.05, lr_decay=0.5, optimizer="sgd", momentum=0.9, seed=3)
    s.record("fit", "params", trained)
    s.record("fit", "history", timeless(history))


@case("training")
def mlp_model(s: Session, rng: np.random.Generator) -> None:
    x, y = classification(rng)
    params = {"w0": rng.standard_normal((6, 5)) * 0.5, "b0": rng.standard_normal(5) * 0.1,
              "w1": rng.standard_normal((5, 3)) * 0.5, "b1": rng.standard_normal(3) * 0.1}
    s.call("mlp_scores", params, x, record="scores", keep_going=True)
    s.call("mlp_objective", params, x, y, record=("loss", "grads", "scores"))


@case("training")
def mlp_training(s: Session, rng: np.random.Generator) -> None:
    (x, y), (eval_x, eval_y) = classification(rng), classification(rng, n=5)
    trained, history = s.call("train_mlp", x, y, eval_x, eval_y, hidden=(4,), epochs=2, batch_size=5, lr=0.01,
                              seed=2)
    s.record("train_mlp", "params", trained)
    s.record("train_mlp", "history", timeless(history))


@case("training")
def cnn_model(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    s.call("init_cnn", np.random.default_rng(seed), image=(1, 8, 8), channels=(2, 3), classes=3, dtype=np.float64,
           record="params", keep_going=True)
    params = {"conv0_w": rng.standard_normal((2, 1, 3, 3)) * 0.5, "conv0_b": rng.standard_normal(2) * 0.1,
              "conv1_w": rng.standard_normal((3, 2, 3, 3)) * 0.3, "conv1_b": rng.standard_normal(3) * 0.1,
              "w": rng.standard_normal((12, 3)) * 0.3, "b": rng.standard_normal(3) * 0.1}
    x, y = classification(rng, (1, 8, 8), n=4)
    _, cache = s.call("cnn_forward", params, x, record=("scores", None))
    s.call("cnn_backward", rng.standard_normal((4, 3)), cache, record="grads", keep_going=True)
    s.call("cnn_scores", params, x, record="scores", keep_going=True)
    s.call("cnn_objective", params, x, y, record=("loss", "grads", "scores"))


@case("training")
def cnn_training(s: Session, rng: np.random.Generator) -> None:
    (x, y), (eval_x, eval_y) = classification(rng, (1, 8, 8), n=8), classification(rng, (1, 8, 8), n=4)
    trained, history = s.call("train_cnn", x, y, eval_x, eval_y, channels=(2, 2), epochs=1, batch_size=4, seed=1)
    s.record("train_cnn", "params", trained)
    s.record("train_cnn", "history", timeless(history))


@case("training")
def char_rnn(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    s.call("init_char_rnn", 5, 4, np.random.default_rng(seed), np.float64, record="params", keep_going=True)
    params = {**_recurrent_weights(rng, 1, inputs=5), "w_out": rng.standard_normal((4, 5)),
              "b_out": rng.standard_normal(5) * 0.1}
    inputs, targets = rng.integers(0, 5, (3, 2)), rng.integers(0, 5, (3, 2))
    _, cache = s.call("char_rnn_forward", params, inputs, record=("scores", None))
    s.call("char_rnn_backward", rng.standard_normal((6, 5)), cache, record="grads", keep_going=True)
    s.call("char_rnn_objective", params, inputs, targets, record=("loss", "grads", "scores"), keep_going=True)
    s.call("charlm_eval_loss", params, rng.integers(0, 5, 20), length=4, batch_size=2, record="loss",
           keep_going=True)
    s.call("sample_chars", params, np.array([1, 3]), 6, np.random.default_rng(seed), temperature=0.01,
           record="ids")


@case("training")
def charlm_training(s: Session, rng: np.random.Generator) -> None:
    train_ids, eval_ids = rng.integers(0, 5, 40), rng.integers(0, 5, 12)
    trained, history = s.call("train_charlm", train_ids, eval_ids, 5, hidden=4, length=4, batch_size=2, steps=5,
                              eval_every=2, seed=4)
    s.record("train_charlm", "params", trained)
    s.record("train_charlm", "history", timeless(history))

"""Scenarios of the Part 1 layers, losses, optimizers and data loader (NumPy).

Inputs are small (a few rows, a few columns), float64 unless a case checks
that float32 stays float32, with exact zeros and ties where a rule decides
what happens at them (ReLU at 0). Backward passes get their forward's cache
and a random upstream gradient, so every entry of a gradient matters.
Private helpers (``_scale_kept``, ``_moments``, ...) are left out: learners
may inline them; the public functions that use them cover them.
"""

from __future__ import annotations

import numpy as np

from grader.learner.scenarios import case
from grader.learner.scenarios.session import Session, refusals


def _with_zeros(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal values with a few exact zeros, where kinks decide the gradient."""
    x = rng.standard_normal(shape)
    x.flat[:: max(x.size // 4, 1)] = 0.0
    return x


def _forward_backward(s: Session, name: str, rng: np.random.Generator, *args, **kwargs) -> None:
    """``name_forward`` on a (4, 6) input with zeros, then ``name_backward`` with its cache."""
    x, dout = _with_zeros(rng, (4, 6)), rng.standard_normal((4, 6))
    _, cache = s.call(f"{name}_forward", x, *args, record=("out", None), **kwargs)
    s.call(f"{name}_backward", dout, cache, record="dx")


@case("activations")
def relu(s: Session, rng: np.random.Generator) -> None:
    _forward_backward(s, "relu", rng)


@case("activations")
def leaky_relu(s: Session, rng: np.random.Generator) -> None:
    _forward_backward(s, "leaky_relu", rng, 0.2)


@case("activations")
def sigmoid(s: Session, rng: np.random.Generator) -> None:
    _forward_backward(s, "sigmoid", rng)
    big = np.array([-800.0, -30.0, 0.0, 30.0, 800.0], dtype=np.float32)  # no overflow, float32 kept
    s.call("sigmoid_forward", big, record=("out_extreme_float32", None))


@case("activations")
def tanh(s: Session, rng: np.random.Generator) -> None:
    _forward_backward(s, "tanh", rng)
    s.call("tanh_forward", rng.standard_normal(5).astype(np.float32), record=("out_float32", None))


@case("linear")
def affine(s: Session, rng: np.random.Generator) -> None:
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    _, cache = s.call("linear_forward", x, w, b, record=("out", None))
    s.call("linear_backward", rng.standard_normal((4, 5)), cache, record=("dx", "dw", "db"))


@case("linear")
def kaiming(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    s.call("kaiming_normal", 6, 4, np.random.default_rng(seed), record="w")
    s.call("kaiming_normal", 6, 4, np.random.default_rng(seed), np.float32, record="w_float32")


@case("linear")
def xavier(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    s.call("xavier_uniform", 6, 4, np.random.default_rng(seed), 2.0, record="w")
    s.call("xavier_uniform", 3, 5, np.random.default_rng(seed), dtype=np.float32, record="w_float32")


@case("softmax")
def softmax(s: Session, rng: np.random.Generator) -> None:
    x = rng.standard_normal((3, 5)) * 3
    x[0] += 1000.0  # stability: huge logits must not overflow
    _forward_backward(s, "softmax", rng)
    s.call("softmax_forward", x, record=("out_large_logits", None))


@case("softmax")
def log_softmax(s: Session, rng: np.random.Generator) -> None:
    _forward_backward(s, "log_softmax", rng)


@case("softmax")
def cross_entropy(s: Session, rng: np.random.Generator) -> None:
    logits, labels = rng.standard_normal((5, 4)) * 2, rng.integers(0, 4, 5)
    _, cache = s.call("cross_entropy_forward", logits, labels, record=("loss", None))
    s.call("cross_entropy_backward", 0.5, cache, record="dlogits")


@case("softmax")
def mse(s: Session, rng: np.random.Generator) -> None:
    predictions, targets = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    _, cache = s.call("mse_forward", predictions, targets, record=("loss", None))
    s.call("mse_backward", 2.0, cache, record="dpredictions")


def _cubic(x: np.ndarray) -> np.ndarray:
    return x**3 - 2.0 * x * x.sum()


@case("gradcheck")
def numerical_gradient(s: Session, rng: np.random.Generator) -> None:
    x, dout = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    s.call("numerical_gradient", _cubic, x, dout, record="grad")
    s.call("numerical_gradient", lambda v: float(np.sum(v**2)), x, record="grad_scalar_f")


@case("gradcheck")
def rel_error(s: Session, rng: np.random.Generator) -> None:
    a, b = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    s.call("rel_error", a, b, record="value", keep_going=True)
    s.call("rel_error", np.zeros(3), np.zeros(3), record="value_at_zero")


@case("gradcheck")
def gradient_check(s: Session, rng: np.random.Generator) -> None:
    x, dout = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    analytic = 3 * x**2 * dout - 2.0 * (dout * x.sum() + (dout * x).sum())
    analytic[1, 0] += 1e-3  # one wrong coordinate: the worst index must find it
    s.call("gradient_check", _cubic, x, analytic, dout, record="report")


def _mlp_params(rng: np.random.Generator, sizes: tuple[int, ...]) -> dict[str, np.ndarray]:
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        params[f"w{i}"] = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{i}"] = rng.standard_normal(fan_out) * 0.1
    return params


@case("mlp")
def init_mlp(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    s.call("init_mlp", [5, 7, 3], np.random.default_rng(seed), record="params")
    s.call("init_mlp", [4, 3], np.random.default_rng(seed), np.float32, record="params_float32")


@case("mlp")
def count_layers(s: Session, rng: np.random.Generator) -> None:
    s.call("count_layers", _mlp_params(rng, (5, 7, 6, 3)), record="layers")


@case("mlp")
def forward_backward(s: Session, rng: np.random.Generator) -> None:
    params, x = _mlp_params(rng, (6, 5, 4, 3)), _with_zeros(rng, (4, 2, 3))
    for activation in ("relu", "leaky_relu", "sigmoid", "tanh"):
        _, cache = s.call("mlp_forward", params, x, activation, record=(f"scores_{activation}", None))
        s.call("mlp_backward", rng.standard_normal((4, 3)), cache, record=f"grads_{activation}")


@case("mlp")
def loss_and_predict(s: Session, rng: np.random.Generator) -> None:
    params, x, labels = _mlp_params(rng, (5, 6, 3)), rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    s.call("mlp_loss", params, x, labels, "tanh", record=("loss", "grads"), keep_going=True)
    s.call("mlp_predict", params, x, record="predictions")


def _params_and_grads(rng: np.random.Generator) -> tuple[dict, list[dict]]:
    params = {"w": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}
    grads = [{name: rng.standard_normal(value.shape) for name, value in params.items()} for _ in range(3)]
    return params, grads


def _three_steps(s: Session, rng: np.random.Generator, step: str, label: str, **options) -> None:
    """Three steps of ``step`` from an empty state; records the parameters and the state after them."""
    params, grads = _params_and_grads(rng)
    state: dict = {}
    for grad in grads:
        params, state = s.call(step, params, grad, state, **options)
    s.record(step, f"params_{label}", params)
    s.record(step, f"state_{label}", state)


@case("optim")
def input_checks(s: Session, rng: np.random.Generator) -> None:
    params, (grads, *_) = _params_and_grads(rng)
    check = s.fn("check_step_inputs")
    bad_shape = {**grads, "w": grads["w"].T}
    s.run("check_step_inputs", lambda: refusals(
        lambda: check(params, grads, lr=0.1, weight_decay=0.0),
        lambda: check(params, grads, lr=-0.1, weight_decay=0.0),
        lambda: check(params, grads, lr=0.1, weight_decay=-1.0),
        lambda: check(params, {"w": grads["w"]}, lr=0.1, weight_decay=0.0),
        lambda: check(params, {**grads, "extra": grads["b"]}, lr=0.1, weight_decay=0.0),
        lambda: check(params, bad_shape, lr=0.1, weight_decay=0.0),
    ), record="refuses")


# torch.optim.SGD's options, for the NumPy and the torch sgd_step alike.
SGD_SETTINGS = {"plain": {"lr": 0.1}, "momentum": {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
                "nesterov": {"lr": 0.1, "momentum": 0.9, "nesterov": True}}


@case("optim")
def sgd(s: Session, rng: np.random.Generator) -> None:
    for label, options in SGD_SETTINGS.items():
        _three_steps(s, rng, "sgd_step", label, **options)


@case("optim")
def rmsprop(s: Session, rng: np.random.Generator) -> None:
    _three_steps(s, rng, "rmsprop_step", "plain", lr=0.01)
    _three_steps(s, rng, "rmsprop_step", "centered_momentum", lr=0.01, momentum=0.5, centered=True,
                 weight_decay=0.1)


@case("optim")
def adam_update(s: Session, rng: np.random.Generator) -> None:
    _three_steps(s, rng, "adam_update", "decoupled", lr=0.01, betas=(0.8, 0.9), eps=1e-8, weight_decay=0.1,
                 amsgrad=False, decoupled=True)


@case("optim")
def adam(s: Session, rng: np.random.Generator) -> None:
    _three_steps(s, rng, "adam_step", "plain", lr=0.01)
    _three_steps(s, rng, "adam_step", "amsgrad_l2", lr=0.01, weight_decay=0.1, amsgrad=True)


@case("optim")
def adamw(s: Session, rng: np.random.Generator) -> None:
    _three_steps(s, rng, "adamw_step", "plain", lr=0.01, weight_decay=0.1)


def _datasets(rng: np.random.Generator) -> dict[str, object]:
    x, y = rng.standard_normal((7, 2)), rng.integers(0, 3, 7)
    return {"array": x, "tuple": (x, y), "dict": {"x": x, "y": y}}


@case("dataloader")
def dataset_length(s: Session, rng: np.random.Generator) -> None:
    for kind, dataset in _datasets(rng).items():
        s.call("dataset_length", dataset, record=f"n_{kind}", keep_going=True)


@case("dataloader")
def batch_indices(s: Session, rng: np.random.Generator) -> None:
    s.call("batch_indices", 7, 3, record="plain")
    s.call("batch_indices", 7, 3, shuffle=True, seed=5, epoch=2, record="shuffled")
    s.call("batch_indices", 7, 3, shuffle=True, seed=5, epoch=2, drop_last=True, record="shuffled_drop_last")


@case("dataloader")
def collate(s: Session, rng: np.random.Generator) -> None:
    for kind, dataset in _datasets(rng).items():
        s.call("collate", dataset, np.array([4, 0, 6]), record=kind, keep_going=True)


@case("dataloader")
def iterate_batches(s: Session, rng: np.random.Generator) -> None:
    dataset = _datasets(rng)["tuple"]
    s.run("iterate_batches", lambda: list(s.fn("iterate_batches")(dataset, 3, shuffle=True, seed=1, epoch=1)),
          record="shuffled")


@case("dataloader")
def loader(s: Session, rng: np.random.Generator) -> None:
    dataset = _datasets(rng)["dict"]
    made = s.run("DataLoader.__init__", lambda: s.fn("DataLoader")(dataset, 3, shuffle=True, seed=4, drop_last=True))
    s.run("DataLoader.__len__", lambda: len(made), record="batches", keep_going=True)
    s.run("DataLoader.epoch_batches", lambda: made.epoch_batches(3), record="epoch_3", keep_going=True)
    s.run("DataLoader.__iter__", lambda: [list(made), list(made)], record="epochs_0_and_1")


@case("dropout")
def dropout(s: Session, rng: np.random.Generator) -> None:
    x, dout, seed = rng.standard_normal((5, 6)), rng.standard_normal((5, 6)), int(rng.integers(2**31))
    for label, p, train in (("p0.3", 0.3, True), ("p0", 0.0, True), ("p1", 1.0, True), ("eval", 0.3, False)):
        generator = np.random.default_rng(seed)
        _, cache = s.call("dropout_forward", x, p, generator, train=train, record=(f"out_{label}", None))
        s.record("dropout_forward", f"next_random_{label}", generator.random(2))  # what the call drew, if anything
        s.call("dropout_backward", dout, cache, record=f"dx_{label}")


@case("normalization")
def batchnorm(s: Session, rng: np.random.Generator) -> None:
    for shape in ((6, 3), (2, 3, 2, 2)):
        label = f"{len(shape)}d"
        x, dout = rng.standard_normal(shape) * 2 + 1, rng.standard_normal(shape)
        gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
        mean, var = rng.standard_normal(3), rng.random(3) + 0.5
        for mode, train in (("train", True), ("eval", False)):
            _, cache, *_ = s.call("batchnorm_forward", x, gamma, beta, mean, var, train=train, momentum=0.2,
                                  record=(f"out_{mode}_{label}", None, f"running_mean_{mode}_{label}",
                                          f"running_var_{mode}_{label}"))
            s.call("batchnorm_backward", dout, cache, record=(f"dx_{mode}_{label}", f"dgamma_{mode}_{label}",
                                                              f"dbeta_{mode}_{label}"))


@case("normalization")
def layernorm(s: Session, rng: np.random.Generator) -> None:
    for shape, normalized in (((4, 5), (5,)), ((2, 3, 2, 2), (2, 2))):
        label = f"over_{len(normalized)}_axes"
        x, dout = rng.standard_normal(shape) * 3, rng.standard_normal(shape)
        gamma, beta = rng.standard_normal(normalized), rng.standard_normal(normalized)
        _, cache = s.call("layernorm_forward", x, gamma, beta, record=(f"out_{label}", None))
        s.call("layernorm_backward", dout, cache, record=(f"dx_{label}", f"dgamma_{label}", f"dbeta_{label}"))

"""Scenarios of the Part 2 tensor components: softmax, convolution, dropout, RNNs, attention, batches.

Everything runs on the CPU in float64 (plus one float32 call where the dtype
must be kept). Autograd writes these backward passes, so each case also
records the gradients autograd finds through the learner's forward, with a
random upstream gradient: a forward that is right in value but cut from the
graph (a ``.detach()``, an in-place write) shows there.
"""

from __future__ import annotations

import numpy as np
import torch

from grader.learner.scenarios import case
from grader.learner.scenarios.session import Session


def tensor(rng: np.random.Generator, *shape: int, scale: float = 1.0, grad: bool = True) -> torch.Tensor:
    """A float64 leaf tensor of standard normal values times ``scale``."""
    return torch.tensor(rng.standard_normal(shape) * scale, requires_grad=grad)


def gradients(output: torch.Tensor, leaves: dict[str, torch.Tensor], seed: int) -> dict[str, torch.Tensor | None]:
    """d(sum(output * upstream))/d(leaf) for each leaf, the upstream drawn from ``seed`` in output's shape."""
    upstream = torch.tensor(np.random.default_rng(seed).standard_normal(tuple(output.shape)), dtype=output.dtype)
    found = torch.autograd.grad(output, list(leaves.values()), upstream, allow_unused=True)
    return dict(zip(leaves, found))


def forward_backward(s: Session, rng: np.random.Generator, function: str, label: str, leaves: dict,
                     *args, **kwargs) -> None:
    """``function(*leaves, *args, **kwargs)``, recorded as ``out_label``, and autograd's ``grads_label``."""
    seed = int(rng.integers(2**31))
    out = s.run(function, lambda: s.fn(function)(*leaves.values(), *args, **kwargs), record=f"out_{label}")
    s.run(function, lambda: gradients(out, leaves, seed), record=f"grads_{label}", keep_going=True)


@case("softmax_torch")
def reductions(s: Session, rng: np.random.Generator) -> None:
    x = tensor(rng, 3, 4, 2, scale=3)
    for function in ("logsumexp", "log_softmax", "softmax"):
        forward_backward(s, rng, function, "last_dim", {"x": x})
        forward_backward(s, rng, function, "dim_1", {"x": x}, dim=1)
    large = torch.tensor([[1000.0, 999.0, -1000.0], [-2.0, 0.0, 2.0]], dtype=torch.float32)
    s.call("logsumexp", large, record="out_large_float32")


@case("softmax_torch")
def cross_entropy(s: Session, rng: np.random.Generator) -> None:
    logits, labels = tensor(rng, 5, 4, scale=2), torch.tensor(rng.integers(0, 4, 5))
    for reduction in ("mean", "sum", "none"):
        forward_backward(s, rng, "cross_entropy", reduction, {"logits": logits}, labels, reduction=reduction)


@case("conv2d_torch")
def convolution(s: Session, rng: np.random.Generator) -> None:
    x, weight, bias = tensor(rng, 2, 3, 6, 7), tensor(rng, 4, 3, 3, 2), tensor(rng, 4)
    forward_backward(s, rng, "conv2d", "plain", {"x": x, "weight": weight, "bias": bias})
    forward_backward(s, rng, "conv2d", "strided", {"x": x, "weight": weight, "bias": bias}, stride=(2, 1),
                     padding=(1, 2), dilation=(1, 2))
    forward_backward(s, rng, "conv2d", "no_bias", {"x": x, "weight": weight}, None, 2)


@case("conv2d_torch")
def pooling(s: Session, rng: np.random.Generator) -> None:
    x = torch.tensor(np.round(rng.standard_normal((2, 2, 5, 6))), requires_grad=True)  # ties inside windows
    for kind in ("max_pool2d", "avg_pool2d"):
        forward_backward(s, rng, kind, "2x2", {"x": x}, 2)
        forward_backward(s, rng, kind, "3x2_strided", {"x": x}, (3, 2), (2, 1))


@case("dropout_torch")
def dropout(s: Session, rng: np.random.Generator) -> None:
    x, seed = tensor(rng, 5, 6), int(rng.integers(2**31))
    for label, p, training in (("p0.3", 0.3, True), ("p0", 0.0, True), ("p1", 1.0, True), ("eval", 0.3, False)):
        generator = torch.Generator().manual_seed(seed)
        forward_backward(s, rng, "dropout", label, {"x": x}, p, training=training, generator=generator)
        s.record("dropout", f"next_random_{label}", torch.rand(2, generator=generator))  # what it drew, if anything
    s.call("dropout", x.detach().float(), 0.5, generator=torch.Generator().manual_seed(seed), record="out_float32")


def weights(rng: np.random.Generator, gates: int, inputs: int = 3, hidden: int = 4) -> dict[str, torch.Tensor]:
    """Recurrent weights in torch's layout, ``gates`` blocks of ``hidden`` rows."""
    rows = gates * hidden
    return {"w_ih": tensor(rng, rows, inputs, scale=0.5), "w_hh": tensor(rng, rows, hidden, scale=0.5),
            "b_ih": tensor(rng, rows, scale=0.1), "b_hh": tensor(rng, rows, scale=0.1)}


def _cell_and_sequence(s: Session, rng: np.random.Generator, cell: str, sequence: str, gates: int) -> None:
    params = weights(rng, gates)
    x, xs = tensor(rng, 2, 3), tensor(rng, 5, 2, 3)
    h, c = tensor(rng, 2, 4), tensor(rng, 2, 4)
    state = (h, c) if gates == 4 else h
    flat = (lambda result: torch.cat(result, dim=1)) if gates == 4 else (lambda result: result)
    seed = int(rng.integers(2**31))
    for label, start in (("from_state", state), ("from_zeros", None)):
        out = s.run(cell, lambda: s.fn(cell)(x, start, *params.values()), record=f"out_{label}")
        leaves = {"x": x, **params, **({"h": h, "c": c} if start is not None else {})}
        s.run(cell, lambda: gradients(flat(out), leaves, seed), record=f"grads_{label}", keep_going=True)
    outputs, last = s.run(sequence, lambda: s.fn(sequence)(xs, state, *params.values()),
                          record=("outputs", "last_state"))
    s.run(sequence, lambda: gradients(outputs, {"xs": xs, **params}, seed), record="grads", keep_going=True)


@case("rnn_torch")
def rnn(s: Session, rng: np.random.Generator) -> None:
    _cell_and_sequence(s, rng, "rnn_cell", "rnn", 1)
    params, x = weights(rng, 1), tensor(rng, 2, 3)
    s.call("rnn_cell", x, None, *params.values(), nonlinearity="relu", record="out_relu")


@case("rnn_torch")
def lstm(s: Session, rng: np.random.Generator) -> None:
    _cell_and_sequence(s, rng, "lstm_cell", "lstm", 4)


@case("attention_torch")
def scaled_dot_product(s: Session, rng: np.random.Generator) -> None:
    q, k, v = tensor(rng, 2, 3, 4), tensor(rng, 2, 5, 4), tensor(rng, 2, 5, 6)
    allowed = torch.tensor(rng.random((3, 5)) > 0.4)
    allowed[1] = False  # a query with no key allowed: all-zero weights
    additive = torch.tensor(rng.standard_normal((3, 5)))
    for label, options in (("plain", {}), ("bool_mask", {"attn_mask": allowed}),
                           ("float_mask_scaled", {"attn_mask": additive, "scale": 0.3}), ("causal", {"is_causal": True})):
        seed = int(rng.integers(2**31))
        out, weights_ = s.run("scaled_dot_product_attention",
                              lambda: s.fn("scaled_dot_product_attention")(q, k, v, **options),
                              record=(f"out_{label}", f"weights_{label}"))
        s.run("scaled_dot_product_attention", lambda: gradients(out, {"q": q, "k": k, "v": v}, seed),
              record=f"grads_{label}", keep_going=True)


@case("attention_torch")
def multi_head(s: Session, rng: np.random.Generator) -> None:
    embed = 6
    params = {"in_proj_weight": tensor(rng, 3 * embed, embed, scale=0.4), "in_proj_bias": tensor(rng, 3 * embed),
              "out_proj_weight": tensor(rng, embed, embed, scale=0.4), "out_proj_bias": tensor(rng, embed)}
    query, key, value = tensor(rng, 2, 4, embed), tensor(rng, 2, 5, embed), tensor(rng, 2, 5, embed)
    padding = torch.tensor([[False, False, True, False, False], [False, True, True, False, False]])
    blocked = torch.tensor(rng.random((4, 5)) > 0.7)
    for label, options in (("padded", {"key_padding_mask": padding}),
                           ("masked_per_head", {"attn_mask": blocked, "average_attn_weights": False}),
                           ("no_weights", {"need_weights": False})):
        seed = int(rng.integers(2**31))
        out, _ = s.run("multi_head_attention", lambda: s.fn("multi_head_attention")(
            query, key, value, 2, *params.values(), **options), record=(f"out_{label}", f"weights_{label}"))
        s.run("multi_head_attention", lambda: gradients(out, {"query": query, "key": key, "value": value, **params},
                                                        seed), record=f"grads_{label}", keep_going=True)


@case("dataloader_torch")
def counts(s: Session, rng: np.random.Generator) -> None:
    s.run("num_batches", lambda: [s.fn("num_batches")(n, b, drop) for n in (0, 7, 8) for b in (1, 3, 8)
                                  for drop in (False, True)], record="counts")


@case("dataloader_torch")
def batches(s: Session, rng: np.random.Generator) -> None:
    x, y = torch.tensor(rng.standard_normal((7, 2))), torch.tensor(rng.integers(0, 3, 7))
    seed = int(rng.integers(2**31))
    for label, options in (("plain", {}), ("shuffled", {"shuffle": True}),
                           ("shuffled_drop_last", {"shuffle": True, "drop_last": True})):
        generator = torch.Generator().manual_seed(seed)
        s.run("batches", lambda: list(s.fn("batches")((x, y), 3, generator=generator, **options)), record=label,
              keep_going=True)

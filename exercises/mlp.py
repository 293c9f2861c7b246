# Exercise generated from solutions/mlp.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m mlp`.
"""A multilayer perceptron: affine layers with an activation between them, trained by backprop.

Built from the kit's own layers, so it uses whatever linear, activations and
softmax modules sit beside it. With L layers and sizes ``[D, H_1, ..., H_{L-1}, C]``::

    params = init_mlp(sizes, rng)                    "w0", "b0", ..., "w{L-1}", "b{L-1}"
    scores, cache = mlp_forward(params, x)           x: (N, D) or (N, d_1, ..., d_k); scores: (N, C)
    grads = mlp_backward(dscores, cache)             same keys and shapes as params
    loss, grads = mlp_loss(params, x, labels)        mean cross-entropy and its gradients
    predictions = mlp_predict(params, x)             (N,) integers, argmax of the scores

Layer i maps (N, sizes[i]) to (N, sizes[i + 1]) with ``h @ w_i + b_i``, ``w_i`` of shape
(sizes[i], sizes[i + 1]) (torch's ``nn.Linear`` stores the transpose) and ``b_i`` of shape
(sizes[i + 1],). The activation follows every layer except the last: the scores are the
raw output of the last affine layer, which cross-entropy turns into probabilities.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .activations import (
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from .linear import kaiming_normal, linear_backward, linear_forward
from .softmax import cross_entropy_backward, cross_entropy_forward

Array = NDArray[np.floating]
Params = dict[str, Array]

# name -> (forward, backward), each following the kit's layer convention.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
}


def init_mlp(sizes: list[int], rng: np.random.Generator, dtype: type = np.float64) -> Params:
    """Parameters of an MLP with layer widths ``sizes``, Kaiming-normal weights and zero biases.

    For i = 0 .. L-1 (L = len(sizes) - 1 layers), in that order:
        w_i = kaiming_normal(sizes[i], sizes[i + 1], rng, dtype)   (sizes[i], sizes[i + 1])
        b_i = zeros                                                (sizes[i + 1],)

    Args:
        sizes: [D, H_1, ..., C], the input features, the hidden widths and the classes.
        rng: the random generator every weight is drawn from (never the global one).
        dtype: dtype of every parameter.
    Returns:
        params: {"w0": (sizes[0], sizes[1]), "b0": (sizes[1],), "w1": ..., ...} of dtype.
    Raises:
        ValueError: fewer than 2 sizes, or a size that is not a positive integer.
    """
    raise NotImplementedError("mlp.init_mlp: see docs/mlp.md")


def count_layers(params: Params) -> int:
    """The number of layers L = len(params) // 2, after checking that the parameters form a chain.

    The keys must be exactly "w0", "b0", ..., "w{L-1}", "b{L-1}"; w_i must be 2-D,
    b_i of shape (w_i.shape[1],), and w_{i+1}.shape[0] == w_i.shape[1].

    Args:
        params: {"w{i}": (H_i, H_{i+1}), "b{i}": (H_{i+1},)} for i < L.
    Returns:
        L, the number of affine layers.
    Raises:
        ValueError: no parameters, keys other than those above, or shapes that do not chain.
    """
    raise NotImplementedError("mlp.count_layers: see docs/mlp.md")


def mlp_forward(params: Params, x: Array, activation: str = "relu") -> tuple[Array, tuple]:
    """Scores of the MLP: ``h_0 = x``; ``h_{i+1} = act(h_i @ w_i + b_i)`` for i < L-1; no act at the end.

    With L = count_layers(params), H_0 = D and H_L = C:
        z_i = linear_forward(h_i, w_i, b_i)     (N, H_i) -> (N, H_{i+1}); h_0 = x is flattened
        h_{i+1} = act(z_i)                      (N, H_{i+1}), for every layer but the last
        scores = z_{L-1}                        (N, C)

    Args:
        params: as made by init_mlp.
        x: (N, D) or (N, d_1, ..., d_k) with d_1 * ... * d_k = D = w0.shape[0].
        activation: one of ACTIVATIONS: "relu", "leaky_relu", "sigmoid" or "tanh".
    Returns:
        scores: (N, C), same dtype as x and params.
        cache: what mlp_backward needs (the activation name and every layer's caches).
    Raises:
        ValueError: an unknown activation, params that do not chain (see count_layers),
            or x without a batch axis or with a feature count other than w0.shape[0].
    """
    raise NotImplementedError("mlp.mlp_forward: see docs/mlp.md")


def mlp_backward(dscores: Array, cache: tuple) -> Params:
    """Gradients of every parameter, walking the layers from the last to the first.

    With dh_L = dscores (N, C), for i = L-1 down to 0:
        dz_i = act_backward(dh_{i+1})           (N, H_{i+1}); dz_{L-1} = dscores (no act)
        dh_i, dw_i, db_i = linear_backward(dz_i) dh_i: (N, H_i); dw_i: (H_i, H_{i+1}); db_i: (H_{i+1},)

    Args:
        dscores: (N, C) upstream gradient of the scores.
        cache: from mlp_forward.
    Returns:
        grads: {"w{i}": (H_i, H_{i+1}), "b{i}": (H_{i+1},)}, the keys and shapes of params.
    """
    raise NotImplementedError("mlp.mlp_backward: see docs/mlp.md")


def mlp_loss(params: Params, x: Array, labels: NDArray[np.integer], activation: str = "relu") -> tuple[float, Params]:
    """Mean cross-entropy of the scores and its gradient with respect to every parameter.

        scores = mlp_forward(params, x)                          (N, C)
        loss = -mean_n log_softmax(scores)[n, labels[n]]         a float
        dscores = (softmax(scores) - onehot(labels)) / N         (N, C), cross_entropy_backward(1.0)
        grads = mlp_backward(dscores)                            keys and shapes of params

    Args:
        params: as made by init_mlp.
        x: (N, D) or (N, d_1, ..., d_k).
        labels: (N,) integers in [0, C).
        activation: as in mlp_forward.
    Returns:
        loss: a float.
        grads: {"w{i}": ..., "b{i}": ...}, the layout an optimizer step consumes with params.
    Raises:
        ValueError: as mlp_forward and cross_entropy_forward.
    """
    raise NotImplementedError("mlp.mlp_loss: see docs/mlp.md")


def mlp_predict(params: Params, x: Array, activation: str = "relu") -> NDArray[np.integer]:
    """Predicted classes: ``argmax_c scores[n, c]`` for every row.

    Args:
        params: as made by init_mlp.
        x: (N, D) or (N, d_1, ..., d_k).
        activation: as in mlp_forward.
    Returns:
        predictions: (N,) integers in [0, C).
    Raises:
        ValueError: as mlp_forward.
    """
    raise NotImplementedError("mlp.mlp_predict: see docs/mlp.md")

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
    # BEGIN SOLUTION
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"an MLP needs at least an input and an output size, got sizes={sizes}")
    if any(isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0 for size in sizes):
        raise ValueError(f"every size must be a positive integer, got sizes={sizes}")
    params: Params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"w{i}"] = kaiming_normal(int(fan_in), int(fan_out), rng, dtype=dtype)
        params[f"b{i}"] = np.zeros(int(fan_out), dtype=dtype)
    return params
    # END SOLUTION


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
    # BEGIN SOLUTION
    layers = len(params) // 2
    expected = {f"{kind}{i}" for i in range(layers) for kind in "wb"}
    if layers == 0 or set(params) != expected:
        raise ValueError(f"params must be keyed w0, b0, ..., w{{L-1}}, b{{L-1}}; got keys {sorted(params)}")
    for i in range(layers):
        w, b = np.shape(params[f"w{i}"]), np.shape(params[f"b{i}"])
        if len(w) != 2 or b != w[1:]:
            raise ValueError(f"layer {i}: w{i} must be (D, M) and b{i} (M,), got {w} and {b}")
        if i > 0 and w[0] != np.shape(params[f"w{i - 1}"])[1]:
            raise ValueError(f"layer {i}: w{i} has {w[0]} rows but layer {i - 1} outputs "
                             f"{np.shape(params[f'w{i - 1}'])[1]} features")
    return layers
    # END SOLUTION


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
    # BEGIN SOLUTION
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    layers = count_layers(params)
    features = params["w0"].shape[0]
    if x.ndim < 2 or int(np.prod(x.shape[1:])) != features:
        raise ValueError(f"x must be (N, ...) with {features} features per row, got shape {x.shape}")
    forward, _ = ACTIVATIONS[activation]
    hidden, caches = x, []
    for i in range(layers):
        hidden, linear_cache = linear_forward(hidden, params[f"w{i}"], params[f"b{i}"])
        activation_cache = None
        if i < layers - 1:
            hidden, activation_cache = forward(hidden)
        caches.append((linear_cache, activation_cache))
    return hidden, (activation, caches)
    # END SOLUTION


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
    # BEGIN SOLUTION
    activation, caches = cache
    _, backward = ACTIVATIONS[activation]
    grads: Params = {}
    dout = dscores
    for i in reversed(range(len(caches))):
        linear_cache, activation_cache = caches[i]
        if activation_cache is not None:
            dout = backward(dout, activation_cache)
        dout, grads[f"w{i}"], grads[f"b{i}"] = linear_backward(dout, linear_cache)
    return {f"{kind}{i}": grads[f"{kind}{i}"] for i in range(len(caches)) for kind in "wb"}
    # END SOLUTION


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
    # BEGIN SOLUTION
    scores, cache = mlp_forward(params, x, activation)
    loss, loss_cache = cross_entropy_forward(scores, labels)
    return loss, mlp_backward(cross_entropy_backward(1.0, loss_cache), cache)
    # END SOLUTION


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
    # BEGIN SOLUTION
    scores, _ = mlp_forward(params, x, activation)
    return scores.argmax(axis=1)
    # END SOLUTION

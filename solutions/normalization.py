"""Batch normalisation and layer normalisation: the same algebra over different axes.

Layer convention, as everywhere in the kit; batch norm also carries its running
statistics, passed in and returned (never updated in place)::

    out, cache, running_mean, running_var = batchnorm_forward(x, gamma, beta, running_mean, running_var,
                                                              train=True)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    out, cache = layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)

Both compute ``out = gamma * (x - mean) / sqrt(var + eps) + beta`` with the
biased variance (divide by the count m, not m - 1). They differ only in the
axes the statistics are taken over:

- batch norm: per channel C, over every other axis. x is (N, C) (torch's
  BatchNorm1d) or (N, C, H, W) (BatchNorm2d); gamma, beta and the running
  statistics are (C,).
- layer norm: per sample, over the trailing gamma.ndim axes. x is
  (*batch, *S) with S = gamma.shape (torch's ``F.layer_norm`` with
  ``normalized_shape = S``); gamma and beta are S.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def _moments(x: Array, axes: tuple[int, ...]) -> tuple[Array, Array]:
    """Mean and BIASED variance over ``axes``, kept as size-1 axes so that they broadcast against x.

    ``mean = x.mean(axes)``, ``var = ((x - mean)**2).mean(axes)`` (two passes: the one-pass
    ``mean(x**2) - mean**2`` loses every digit when the mean is large next to the spread).

    Args:
        x: any shape.
        axes: the axes to reduce.
    Returns:
        mean, var: x.shape with every axis in ``axes`` of size 1; same dtype as x.
    """
    # BEGIN SOLUTION
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    return mean, (centred * centred).mean(axis=axes, keepdims=True)
    # END SOLUTION


def _normalize_forward(
    x: Array, mean: Array, var: Array, gamma: Array, beta: Array, eps: float
) -> tuple[Array, Array, Array]:
    """The algebra shared by both layers: ``out = gamma * x_hat + beta``.

    ``inv_std = 1 / sqrt(var + eps)`` (eps INSIDE the square root) and
    ``x_hat = (x - mean) * inv_std``.

    Args:
        x: any shape.
        mean, var: statistics broadcastable to x (size-1 axes where they were reduced).
        gamma, beta: scale and shift, already reshaped to broadcast against x.
        eps: added to the variance.
    Returns:
        out: x.shape.
        x_hat: x.shape, the normalised input.
        inv_std: var's shape.
    """
    # BEGIN SOLUTION
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, x_hat, inv_std
    # END SOLUTION


def _normalize_backward(dout: Array, cache: dict) -> tuple[Array, Array, Array]:
    """Gradients of ``out = gamma * x_hat + beta`` for both layers.

    With ``g = dout * gamma`` (the gradient of x_hat) and means over the m elements each
    statistic was taken over (``cache["stat_axes"]``)::

        dx     = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))   statistics from this batch
        dx     = inv_std * g                                          statistics constant (eval)
        dgamma = sum(dout * x_hat) over cache["param_axes"]           gamma's shape
        dbeta  = sum(dout) over cache["param_axes"]                   beta's shape

    Args:
        dout: x.shape upstream gradient.
        cache: dict with x_hat (x.shape), inv_std (statistics' shape), gamma (broadcast
            against x), stat_axes (tuple, or None when the statistics are constants) and
            param_axes (the axes gamma was broadcast over).
    Returns:
        dx: x.shape; dgamma, dbeta: gamma's shape before broadcasting.
    """
    # BEGIN SOLUTION
    x_hat, inv_std, axes = cache["x_hat"], cache["inv_std"], cache["stat_axes"]
    dgamma = (dout * x_hat).sum(axis=cache["param_axes"])
    dbeta = dout.sum(axis=cache["param_axes"])
    g = dout * cache["gamma"]
    if axes is None:
        return g * inv_std, dgamma, dbeta
    dx = inv_std * (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))
    return dx, dgamma, dbeta
    # END SOLUTION


def batchnorm_forward(
    x: Array,
    gamma: Array,
    beta: Array,
    running_mean: Array,
    running_var: Array,
    *,
    train: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[Array, dict, Array, Array]:
    """Batch normalisation, per channel, as torch's BatchNorm1d / BatchNorm2d.

    The statistics of channel c are taken over every axis but 1: axis 0 for (N, C),
    axes (0, 2, 3) for (N, C, H, W); m = x.size // C elements each.

    Training: ``out = gamma * (x - mean) / sqrt(var + eps) + beta`` with the batch mean and
    the BIASED batch variance (divide by m), and::

        next_running_mean = (1 - momentum) * running_mean + momentum * mean
        next_running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)

    (the running variance uses the UNBIASED variance, as torch does).
    Evaluation (``train=False``): the same formula with running_mean and running_var in
    place of the batch statistics; the running statistics come back unchanged (copies).

    Args:
        x: (N, C) or (N, C, H, W).
        gamma, beta: (C,) scale and shift.
        running_mean, running_var: (C,) running statistics.
        train: batch statistics (True) or running statistics (False).
        momentum: weight of the batch statistics in the running update.
        eps: added to the variance inside the square root.
    Returns:
        out: x.shape, same dtype as x.
        cache: what batchnorm_backward needs.
        next_running_mean, next_running_var: (C,) new arrays.
    Raises:
        ValueError: x is not 2-D or 4-D; gamma, beta, running_mean or running_var is not (C,);
            training with a single value per channel (m = 1: the unbiased variance divides by 0).
    """
    # BEGIN SOLUTION
    if x.ndim not in (2, 4):
        raise ValueError(f"x must be (N, C) or (N, C, H, W), got shape {x.shape}")
    channels = x.shape[1]
    named = {"gamma": gamma, "beta": beta, "running_mean": running_mean, "running_var": running_var}
    for label, value in named.items():
        if np.shape(value) != (channels,):
            raise ValueError(f"{label} must be ({channels},) for x of shape {x.shape}, got {np.shape(value)}")
    axes = (0, *range(2, x.ndim))
    shape = (1, channels) + (1,) * (x.ndim - 2)
    count = x.size // channels
    if train:
        if count < 2:
            raise ValueError(f"training needs more than one value per channel, got x of shape {x.shape}")
        mean, var = _moments(x, axes)
        next_mean = (1 - momentum) * running_mean + momentum * mean.reshape(channels)
        next_var = (1 - momentum) * running_var + momentum * var.reshape(channels) * (count / (count - 1))
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        next_mean, next_var = running_mean.copy(), running_var.copy()
    out, x_hat, inv_std = _normalize_forward(x, mean, var, gamma.reshape(shape), beta.reshape(shape), eps)
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma.reshape(shape),
             "stat_axes": axes if train else None, "param_axes": axes}
    return out, cache, next_mean, next_var
    # END SOLUTION


def batchnorm_backward(dout: Array, cache: dict) -> tuple[Array, Array, Array]:
    """Gradients of batch normalisation.

    Training (the statistics depend on x), with means over the m elements of each channel::

        dx = gamma / sqrt(var + eps) * (dout - mean(dout) - x_hat * mean(dout * x_hat))

    Evaluation (running statistics are constants): ``dx = dout * gamma / sqrt(running_var + eps)``.
    Both: ``dgamma = sum(dout * x_hat)``, ``dbeta = sum(dout)`` over every axis but 1.

    Args:
        dout: x.shape upstream gradient, (N, C) or (N, C, H, W).
        cache: from batchnorm_forward.
    Returns:
        dx: x.shape; dgamma, dbeta: (C,).
    """
    # BEGIN SOLUTION
    return _normalize_backward(dout, cache)
    # END SOLUTION


def layernorm_forward(x: Array, gamma: Array, beta: Array, eps: float = 1e-5) -> tuple[Array, dict]:
    """Layer normalisation over the trailing gamma.ndim axes, as ``F.layer_norm(x, gamma.shape, ...)``.

    With S = gamma.shape and statistics over the last len(S) axes of each sample (the
    BIASED variance): ``out = gamma * (x - mean) / sqrt(var + eps) + beta``.

    Args:
        x: (*batch, *S), any number of leading axes.
        gamma, beta: S, at least one axis.
        eps: added to the variance inside the square root.
    Returns:
        out: x.shape, same dtype as x.
        cache: what layernorm_backward needs.
    Raises:
        ValueError: gamma is 0-D, beta's shape differs from gamma's, or x's trailing shape is not S.
    """
    # BEGIN SOLUTION
    dims = gamma.ndim
    if dims == 0 or beta.shape != gamma.shape or x.ndim < dims or x.shape[x.ndim - dims:] != gamma.shape:
        raise ValueError(f"x must end with gamma's shape {gamma.shape} (beta {beta.shape}), got x of shape {x.shape}")
    axes = tuple(range(x.ndim - dims, x.ndim))
    mean, var = _moments(x, axes)
    out, x_hat, inv_std = _normalize_forward(x, mean, var, gamma, beta, eps)
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma,
             "stat_axes": axes, "param_axes": tuple(range(x.ndim - dims))}
    return out, cache
    # END SOLUTION


def layernorm_backward(dout: Array, cache: dict) -> tuple[Array, Array, Array]:
    """Gradients of layer normalisation.

    With ``g = dout * gamma`` (gamma varies along the normalised axes, so it stays inside the
    means) and means over the trailing axes of each sample::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)
        dgamma = sum(dout * x_hat), dbeta = sum(dout) over the leading (batch) axes

    Args:
        dout: x.shape upstream gradient.
        cache: from layernorm_forward.
    Returns:
        dx: x.shape; dgamma, dbeta: gamma.shape.
    """
    # BEGIN SOLUTION
    return _normalize_backward(dout, cache)
    # END SOLUTION

# Exercise generated from solutions/optim.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m optim`.
"""Optimizers as functional update rules: SGD (momentum, Nesterov), RMSprop, Adam and AdamW.

Convention, followed by every optimizer of the kit::

    state = {}
    for batch in batches:
        grads = ...                                   # same keys and shapes as params
        params, state = adam_step(params, grads, state, lr=1e-3)

Shapes: ``params`` and ``grads`` are dicts ``name -> array``; ``params[name]``
may have any shape ``S_name`` and ``grads[name]`` must have the same shape.
``state`` is a plain dict, ``{}`` before the first step, holding one entry per
parameter: ``state[name]`` is a dict of arrays of shape ``S_name`` and ints.
Its keys are torch.optim's names for the same quantities:

    SGD       "momentum_buffer"                     (only when momentum != 0)
    RMSprop   "step", "square_avg", "grad_avg" (centered), "momentum_buffer" (momentum > 0)
    Adam(W)   "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq" (amsgrad)

A step never modifies ``params``, ``grads`` or ``state``: it returns new
arrays in new dicts, ``(next_params, next_state)``. Every rule matches
``torch.optim`` option for option; arrays keep their dtype (float32 stays float32).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]
Params = dict[str, Array]
State = dict[str, dict]


def check_step_inputs(params: Params, grads: Params, *, lr: float, weight_decay: float) -> None:
    """The checks every optimizer makes before its first arithmetic.

    Args:
        params: name -> (S_name) arrays.
        grads: name -> (S_name) arrays, the same keys as params.
        lr: the learning rate, >= 0.
        weight_decay: >= 0.
    Raises:
        ValueError: lr or weight_decay negative; grads with keys other than the
            params' (a missing or an extra gradient); a gradient whose shape is
            not its parameter's.
    """
    raise NotImplementedError("optim.check_step_inputs: see docs/optim.md")


def sgd_step(
    params: Params,
    grads: Params,
    state: State,
    *,
    lr: float,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> tuple[Params, State]:
    """One step of stochastic gradient descent, as torch.optim.SGD, for every parameter.

    For each parameter p with gradient g (all arrays of shape S_name):
        g = g + weight_decay * p                      L2 penalty, when weight_decay != 0
        b = g                                         first step with momentum: no dampening
        b = momentum * b + (1 - dampening) * g        later steps
        d = g + momentum * b   if nesterov   else   b  (d = g when momentum == 0)
        p = p - lr * d

    Args:
        params: name -> (S_name) parameters.
        grads: name -> (S_name) gradients, the same keys.
        state: {} at first; then what the previous step returned.
        lr, momentum, dampening, weight_decay: numbers, lr, momentum and weight_decay >= 0.
        nesterov: Nesterov momentum; needs momentum > 0 and dampening == 0.
    Returns:
        next_params: name -> (S_name) new arrays.
        next_state: state[name] = {"momentum_buffer": (S_name)} when momentum != 0.
    Raises:
        ValueError: as check_step_inputs; momentum < 0; nesterov without momentum or with dampening.
    """
    raise NotImplementedError("optim.sgd_step: see docs/optim.md")


def rmsprop_step(
    params: Params,
    grads: Params,
    state: State,
    *,
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> tuple[Params, State]:
    """One step of RMSprop, as torch.optim.RMSprop, for every parameter.

    For each parameter p with gradient g (all arrays of shape S_name; v, a, b start at 0):
        g = g + weight_decay * p                      when weight_decay != 0
        v = alpha * v + (1 - alpha) * g * g           running mean of g**2
        a = alpha * a + (1 - alpha) * g               centered only: running mean of g
        r = sqrt(v - a * a) + eps   if centered   else   sqrt(v) + eps    (eps OUTSIDE the sqrt)
        b = momentum * b + g / r,   p = p - lr * b    when momentum > 0
        p = p - lr * g / r                            otherwise

    Args:
        params: name -> (S_name) parameters.
        grads: name -> (S_name) gradients, the same keys.
        state: {} at first; then what the previous step returned.
        lr, alpha, eps, weight_decay, momentum: numbers, all >= 0.
        centered: normalise by the estimated variance instead of the raw second moment.
    Returns:
        next_params: name -> (S_name) new arrays.
        next_state: state[name] = {"step": int, "square_avg": (S_name),
            "grad_avg": (S_name) if centered, "momentum_buffer": (S_name) if momentum > 0}.
    Raises:
        ValueError: as check_step_inputs; alpha, eps or momentum negative.
    """
    raise NotImplementedError("optim.rmsprop_step: see docs/optim.md")


def adam_update(
    params: Params,
    grads: Params,
    state: State,
    *,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    decoupled: bool,
) -> tuple[Params, State]:
    """The machinery shared by Adam (decoupled=False) and AdamW (decoupled=True).

    For each parameter p with gradient g (all arrays of shape S_name; m, v, v_max start at 0),
    t = state step + 1:
        p = p * (1 - lr * weight_decay)               decoupled (AdamW), before the update
        g = g + weight_decay * p                      coupled (Adam): L2 added to the gradient
        m = beta1 * m + (1 - beta1) * g               first moment
        v = beta2 * v + (1 - beta2) * g * g           second moment
        v_max = max(v_max, v);  v_use = v_max  if amsgrad  else  v
        m_hat = m / (1 - beta1**t),  v_hat = v_use / (1 - beta2**t)     bias correction
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        params, grads, state: as adam_step.
        lr, betas, eps, weight_decay, amsgrad: as adam_step.
        decoupled: AdamW's decay of the weights instead of Adam's L2 on the gradient.
    Returns:
        next_params: name -> (S_name) new arrays.
        next_state: state[name] = {"step": int, "exp_avg": (S_name), "exp_avg_sq": (S_name),
            "max_exp_avg_sq": (S_name) if amsgrad}.
    Raises:
        ValueError: as check_step_inputs; eps < 0; a beta outside [0, 1).
    """
    raise NotImplementedError("optim.adam_update: see docs/optim.md")


def adam_step(
    params: Params,
    grads: Params,
    state: State,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
) -> tuple[Params, State]:
    """One step of Adam, as torch.optim.Adam: weight_decay is an L2 term added to the gradient.

    See adam_update for the formulas, with decoupled=False.

    Args:
        params: name -> (S_name) parameters.
        grads: name -> (S_name) gradients, the same keys.
        state: {} at first; then what the previous step returned.
        lr: >= 0. betas: (beta1, beta2), each in [0, 1). eps: >= 0. weight_decay: >= 0.
        amsgrad: normalise by the largest second moment seen so far.
    Returns:
        next_params: name -> (S_name) new arrays.
        next_state: state[name] = {"step": int, "exp_avg": (S_name), "exp_avg_sq": (S_name),
            "max_exp_avg_sq": (S_name) if amsgrad}.
    Raises:
        ValueError: lr, eps or weight_decay negative; a beta outside [0, 1); grads whose
            keys or shapes differ from params'.
    """
    raise NotImplementedError("optim.adam_step: see docs/optim.md")


def adamw_step(
    params: Params,
    grads: Params,
    state: State,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
) -> tuple[Params, State]:
    """One step of AdamW, as torch.optim.AdamW: decoupled decay p = p * (1 - lr * weight_decay) first.

    See adam_update for the formulas, with decoupled=True. The decay never enters m or v.

    Args:
        params: name -> (S_name) parameters.
        grads: name -> (S_name) gradients, the same keys.
        state: {} at first; then what the previous step returned.
        lr: >= 0. betas: (beta1, beta2), each in [0, 1). eps: >= 0. weight_decay: >= 0.
        amsgrad: normalise by the largest second moment seen so far.
    Returns:
        next_params: name -> (S_name) new arrays.
        next_state: as adam_step.
    Raises:
        ValueError: as adam_step.
    """
    raise NotImplementedError("optim.adamw_step: see docs/optim.md")

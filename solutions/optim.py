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
    # BEGIN SOLUTION
    if lr < 0:
        raise ValueError(f"lr must be >= 0, got {lr}")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    if set(grads) != set(params):
        raise ValueError(f"grads must have the keys of params: params {sorted(params)}, grads {sorted(grads)}")
    for name, param in params.items():
        if np.shape(grads[name]) != np.shape(param):
            raise ValueError(f"grads[{name!r}] has shape {np.shape(grads[name])}, params[{name!r}] {np.shape(param)}")
    # END SOLUTION


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
    # BEGIN SOLUTION
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    if momentum < 0:
        raise ValueError(f"momentum must be >= 0, got {momentum}")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("nesterov requires momentum > 0 and dampening == 0")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        grad = grads[name]
        if weight_decay != 0:
            grad = grad + weight_decay * param
        if momentum != 0:
            previous = state.get(name, {}).get("momentum_buffer")
            if previous is None:
                buffer = np.array(grad, copy=True)
            else:
                buffer = momentum * previous + (1 - dampening) * grad
            next_state[name] = {"momentum_buffer": buffer}
            grad = grad + momentum * buffer if nesterov else buffer
        next_params[name] = param - lr * grad
    return next_params, next_state
    # END SOLUTION


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
    # BEGIN SOLUTION
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    if alpha < 0 or eps < 0 or momentum < 0:
        raise ValueError(f"alpha, eps and momentum must be >= 0, got {alpha}, {eps}, {momentum}")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        entry, grad = state.get(name, {}), grads[name]
        zeros = np.zeros_like(param)
        if weight_decay != 0:
            grad = grad + weight_decay * param
        square_avg = alpha * entry.get("square_avg", zeros) + (1 - alpha) * (grad * grad)
        new_entry = {"step": entry.get("step", 0) + 1, "square_avg": square_avg}
        if centered:
            grad_avg = alpha * entry.get("grad_avg", zeros) + (1 - alpha) * grad
            new_entry["grad_avg"] = grad_avg
            denominator = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            denominator = np.sqrt(square_avg) + eps
        direction = grad / denominator
        if momentum > 0:
            direction = momentum * entry.get("momentum_buffer", zeros) + direction
            new_entry["momentum_buffer"] = direction
        next_params[name] = param - lr * direction
        next_state[name] = new_entry
    return next_params, next_state
    # END SOLUTION


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
    # BEGIN SOLUTION
    check_step_inputs(params, grads, lr=lr, weight_decay=weight_decay)
    beta1, beta2 = betas
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError(f"betas must lie in [0, 1), got {betas}")
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    next_params, next_state = {}, dict(state)
    for name, param in params.items():
        entry, grad = state.get(name, {}), grads[name]
        zeros = np.zeros_like(param)
        step = entry.get("step", 0) + 1
        if weight_decay != 0:
            if decoupled:
                param = param * (1 - lr * weight_decay)
            else:
                grad = grad + weight_decay * param
        exp_avg = beta1 * entry.get("exp_avg", zeros) + (1 - beta1) * grad
        exp_avg_sq = beta2 * entry.get("exp_avg_sq", zeros) + (1 - beta2) * (grad * grad)
        new_entry = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
        second = exp_avg_sq
        if amsgrad:
            second = np.maximum(entry.get("max_exp_avg_sq", zeros), exp_avg_sq)
            new_entry["max_exp_avg_sq"] = second
        step_size = lr / (1 - beta1**step)
        denominator = np.sqrt(second) / math.sqrt(1 - beta2**step) + eps
        next_params[name] = param - step_size * (exp_avg / denominator)
        next_state[name] = new_entry
    return next_params, next_state
    # END SOLUTION


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
    # BEGIN SOLUTION
    return adam_update(params, grads, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                       amsgrad=amsgrad, decoupled=False)
    # END SOLUTION


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
    # BEGIN SOLUTION
    return adam_update(params, grads, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                       amsgrad=amsgrad, decoupled=True)
    # END SOLUTION

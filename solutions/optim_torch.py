"""SGD (momentum, Nesterov), Adam and AdamW on torch tensors: in-place updates under no_grad.

Part 2 rebuilds Part 1's ``optim`` the way torch.optim works: a step changes
each parameter tensor in place (same object, same storage) inside
``torch.no_grad()``, reading the gradient autograd left in ``p.grad``. The
optimizer's memory stays explicit, plain data passed in and returned::

    state = {}
    for batch in batches:
        loss = model(params, batch)
        loss.backward()                               # fills p.grad for every p in params
        params, state = adam_step(params, state, lr=1e-3)
        zero_grad(params)                             # p.grad = None before the next backward

Shapes: ``params`` is a list of leaf tensors ``p_i`` of any shapes ``S_i``;
``p_i.grad`` is None or a tensor of shape ``S_i`` on ``p_i``'s device. A
parameter whose grad is None is skipped: not updated, its state untouched.

``state`` is a dict, ``{}`` before the first step, with one entry per updated
parameter, keyed by its position ``i`` in ``params`` (as
``torch.optim.Optimizer.state_dict()["state"]``)::

    SGD       state[i] = {"momentum_buffer": (S_i)}                    (only when momentum != 0)
    Adam(W)   state[i] = {"step": int, "exp_avg": (S_i), "exp_avg_sq": (S_i)}

The tensors have ``p_i``'s dtype and device; the step count is a Python int.
Only ints, floats, tensors and dicts appear, so a state can be deep-copied,
``torch.save``d and loaded back with ``weights_only=True``. A step updates the
buffers of the state it is given in place (as torch.optim does): deep-copy a
state you want to restart from later.

No ``torch.optim``, no fused optimizer kernels (``torch._fused_adam_``): write
each update with tensor arithmetic.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

State = dict[int, dict[str, Any]]


def check_hyperparameters(*, lr: float, weight_decay: float, eps: float = 0.0,
                          betas: tuple[float, float] = (0.0, 0.0)) -> None:
    """The checks every step makes before touching a tensor.

    Args:
        lr: the learning rate, >= 0.
        weight_decay: >= 0.
        eps: >= 0.
        betas: each in [0, 1).
    Raises:
        ValueError: any of them out of range (the message names it).
    """
    # BEGIN SOLUTION
    if lr < 0:
        raise ValueError(f"lr must be >= 0, got {lr}")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"betas[{index}] must lie in [0, 1), got {beta}")
    # END SOLUTION


def sgd_step(
    params: list[Tensor],
    state: State,
    *,
    lr: float,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> tuple[list[Tensor], State]:
    """One step of torch.optim.SGD, updating every parameter with a gradient in place.

    For each p (shape S_i) with g = p.grad (S_i), under torch.no_grad():
        g = g + weight_decay * p                      when weight_decay != 0 (L2, through the gradient)
        b = clone(g)                                  first step with momentum: no dampening
        b = momentum * b + (1 - dampening) * g        later steps (in place)
        d = g + momentum * b   if nesterov   else   b  (d = g when momentum == 0)
        p -= lr * d                                   in place: same tensor, same storage

    Args:
        params: list of leaf tensors (S_i); those with grad None are skipped.
        state: {} at first; then what the previous step returned.
        lr, momentum, dampening, weight_decay: numbers; lr, momentum and weight_decay >= 0.
        nesterov: Nesterov momentum; needs momentum > 0 and dampening == 0.
    Returns:
        params: the same list, holding the same (updated) tensor objects.
        state: state[i] = {"momentum_buffer": (S_i)} for each updated p_i, when momentum != 0.
    Raises:
        ValueError: lr, momentum or weight_decay negative; nesterov without momentum or with dampening.
    """
    # BEGIN SOLUTION
    check_hyperparameters(lr=lr, weight_decay=weight_decay)
    if momentum < 0:
        raise ValueError(f"momentum must be >= 0, got {momentum}")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("nesterov requires momentum > 0 and dampening == 0")
    state = dict(state)
    with torch.no_grad():
        for index, param in enumerate(params):
            if param.grad is None:
                continue
            grad = param.grad
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            if momentum != 0:
                buffer = state.get(index, {}).get("momentum_buffer")
                if buffer is None:
                    buffer = torch.clone(grad).detach()
                else:
                    buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
                state[index] = {"momentum_buffer": buffer}
                grad = grad.add(buffer, alpha=momentum) if nesterov else buffer
            param.add_(grad, alpha=-lr)
    return params, state
    # END SOLUTION


def _adam(params: list[Tensor], state: State, *, lr: float, betas: tuple[float, float], eps: float,
          weight_decay: float, decoupled: bool) -> tuple[list[Tensor], State]:
    """The update shared by adam_step and adamw_step (see their docstrings for the formula).

    Args:
        params: list of leaf tensors (S_i); those with grad None are skipped.
        state: {} or the previous step's state[i] = {"step": int, "exp_avg": (S_i), "exp_avg_sq": (S_i)}.
        lr, betas, eps, weight_decay: as adam_step.
        decoupled: False for Adam (g += weight_decay * p), True for AdamW (p *= 1 - lr * weight_decay).
    Returns:
        (params, state): the same list, updated in place, and the next state.
    """
    # BEGIN SOLUTION
    check_hyperparameters(lr=lr, weight_decay=weight_decay, eps=eps, betas=betas)
    beta1, beta2 = betas
    state = dict(state)
    with torch.no_grad():
        for index, param in enumerate(params):
            if param.grad is None:
                continue
            grad = param.grad
            entry = state.get(index)
            if entry is None:
                entry = {"step": 0, "exp_avg": torch.zeros_like(param, memory_format=torch.preserve_format),
                         "exp_avg_sq": torch.zeros_like(param, memory_format=torch.preserve_format)}
            step = int(entry["step"]) + 1
            exp_avg, exp_avg_sq = entry["exp_avg"], entry["exp_avg_sq"]
            if weight_decay != 0:
                if decoupled:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            step_size = lr / (1 - beta1**step)
            denom = (exp_avg_sq.sqrt() / math.sqrt(1 - beta2**step)).add_(eps)
            param.addcdiv_(exp_avg, denom, value=-step_size)
            state[index] = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    return params, state
    # END SOLUTION


def adam_step(
    params: list[Tensor],
    state: State,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[list[Tensor], State]:
    """One step of torch.optim.Adam, updating every parameter with a gradient in place.

    For each p (shape S_i) with g = p.grad (S_i); m, v start at zeros_like(p), t at 0:
        t = t + 1                                     this parameter's own step count
        g = g + weight_decay * p                      when weight_decay != 0 (L2, through the gradient)
        m = beta1 * m + (1 - beta1) * g               (in place: m.lerp_(g, 1 - beta1))
        v = beta2 * v + (1 - beta2) * g * g
        p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Args:
        params: list of leaf tensors (S_i); those with grad None are skipped.
        state: {} at first; then what the previous step returned.
        lr, eps, weight_decay: numbers >= 0.
        betas: (beta1, beta2), each in [0, 1).
    Returns:
        params: the same list, holding the same (updated) tensor objects.
        state: state[i] = {"step": int, "exp_avg": (S_i), "exp_avg_sq": (S_i)} for each updated p_i.
    Raises:
        ValueError: a hyperparameter out of range (see check_hyperparameters).
    """
    # BEGIN SOLUTION
    return _adam(params, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, decoupled=False)
    # END SOLUTION


def adamw_step(
    params: list[Tensor],
    state: State,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> tuple[list[Tensor], State]:
    """One step of torch.optim.AdamW: Adam with weight decay applied to p directly, not to g.

    For each p (shape S_i) with g = p.grad (S_i):
        p *= 1 - lr * weight_decay                    decoupled decay, before the Adam update
        then adam_step's update with weight_decay = 0 (g itself is not changed)

    Args:
        params: list of leaf tensors (S_i); those with grad None are skipped.
        state: {} at first; then what the previous step returned.
        lr, eps, weight_decay: numbers >= 0.
        betas: (beta1, beta2), each in [0, 1).
    Returns:
        params: the same list, holding the same (updated) tensor objects.
        state: as adam_step's.
    Raises:
        ValueError: a hyperparameter out of range (see check_hyperparameters).
    """
    # BEGIN SOLUTION
    return _adam(params, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, decoupled=True)
    # END SOLUTION


def zero_grad(params: list[Tensor], set_to_none: bool = True) -> None:
    """Clear every parameter's gradient before the next backward, as Optimizer.zero_grad.

    set_to_none=True: p.grad = None (frees the memory; the next backward allocates anew).
    set_to_none=False: p.grad.zero_() in place, keeping the tensor (detached first when it
    has a grad_fn). Parameters whose grad is already None are left alone.

    Args:
        params: list of tensors (S_i).
        set_to_none: drop the gradients instead of zeroing them.
    """
    # BEGIN SOLUTION
    for param in params:
        if param.grad is None:
            continue
        if set_to_none:
            param.grad = None
        else:
            if param.grad.grad_fn is not None:
                param.grad.detach_()
            else:
                param.grad.requires_grad_(False)
            param.grad.zero_()
    # END SOLUTION

# Exercise generated from solutions/optim_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m optim_torch`.
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
    raise NotImplementedError("optim_torch.check_hyperparameters: see docs/optim_torch.md")


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
    raise NotImplementedError("optim_torch.sgd_step: see docs/optim_torch.md")


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
    raise NotImplementedError("optim_torch._adam: see docs/optim_torch.md")


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
    raise NotImplementedError("optim_torch.adam_step: see docs/optim_torch.md")


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
    raise NotImplementedError("optim_torch.adamw_step: see docs/optim_torch.md")


def zero_grad(params: list[Tensor], set_to_none: bool = True) -> None:
    """Clear every parameter's gradient before the next backward, as Optimizer.zero_grad.

    set_to_none=True: p.grad = None (frees the memory; the next backward allocates anew).
    set_to_none=False: p.grad.zero_() in place, keeping the tensor (detached first when it
    has a grad_fn). Parameters whose grad is already None are left alone.

    Args:
        params: list of tensors (S_i).
        set_to_none: drop the gradients instead of zeroing them.
    """
    raise NotImplementedError("optim_torch.zero_grad: see docs/optim_torch.md")

"""Training the 784-128-10 MLP on any device with your own Part 2 pieces: the torch twin of ``training``.

Everything here uses the modules beside it: ``.mlp_torch`` (init_params, forward, cross_entropy),
``.optim_torch`` (adam_step, sgd_step, zero_grad), ``.dataloader_torch`` (batches) and
``.softmax_torch`` (cross_entropy with a sum). Autograd writes the backward pass. Data in, data out::

    loss, correct, state = train_step(params, state, x_b, y_b, lr=3e-3)    one optimizer step, no host sync
    loss, acc = evaluate(params, x, y)                                     mean cross-entropy and accuracy
    params, history = fit(params, train_x, train_y, eval_x, eval_y, epochs=10, batch_size=128, lr=3e-3, seed=0)
    params, history = train_mlp(train_x, train_y, eval_x, eval_y, device="cuda", epochs=10, seed=0)

Inputs ``x`` are NumPy arrays or tensors ``(N, d_1, ..., d_k)``, flattened to ``(N, D)``; labels ``y``
are ``(N,)`` integers. They may live anywhere: each batch is moved to the parameters' device and
dtype. ``params`` is mlp_torch's dict ``{"w1": (D, H), "b1": (H,), "w2": (H, C), "b2": (C,)}``.

``history`` is a dict of lists with one Python float per epoch: ``"loss"`` (mean training loss over
the epoch's N samples), ``"train_accuracy"`` (fraction of the epoch's samples classified right, each
at its own step, before the update), ``"eval_loss"`` and ``"eval_accuracy"`` (``evaluate`` on the
evaluation set after the epoch) and ``"seconds"`` (wall time of the epoch, ending with a host sync).

Epoch e visits the training set in the order of the e-th ``torch.randperm(N, generator=g)`` drawn from
ONE CPU generator ``g = torch.Generator().manual_seed(seed)``: a fresh order every epoch, the same for
the same seed. ``train_mlp`` draws the initial weights from its own ``torch.Generator().manual_seed(seed)``
too, so a run is reproducible from the seed alone. No early stopping: every run trains ``epochs`` epochs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import Tensor

from . import softmax_torch
from .dataloader_torch import batches
from .mlp_torch import KEYS, cross_entropy, forward, init_params
from .optim_torch import adam_step, sgd_step, zero_grad

Params = dict[str, Tensor]
State = dict[int, dict[str, Any]]
History = dict[str, list]
HISTORY_KEYS = ("loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds")
OPTIMIZERS = ("adam", "sgd")


def as_tensors(x: np.ndarray | Tensor, y: np.ndarray | Tensor) -> tuple[Tensor, Tensor]:
    """Data in: inputs (N, d_1, ..., d_k) flattened to (N, D), labels (N,) as int64; no copy when none is needed.

    Arrays become CPU tensors sharing their memory (``torch.as_tensor``); tensors stay on their device.
    """
    x, y = torch.as_tensor(x), torch.as_tensor(y)
    if x.shape[:1] != y.shape or y.dim() != 1:
        raise ValueError(f"x must be (N, ...) and y (N,), got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    return x.reshape(x.shape[0], -1), y.long()


def train_step(params: Params, state: State, x: Tensor, y: Tensor, *, lr: float, optimizer: str = "adam",
               momentum: float = 0.0) -> tuple[Tensor, Tensor, State]:
    """One mini-batch step: move the batch, forward, mean loss, backward, update in place, clear the grads.

    With the batch x (B, D) and y (B,) moved to the parameters' device (x also to their dtype):
        logits = forward(params, x)                      (B, C)       mlp_torch
        loss = cross_entropy(logits, y)                  ()           the MEAN over the B rows
        loss.backward()                                  fills p.grad for p in (w1, b1, w2, b2)
        adam_step / sgd_step([w1, b1, w2, b2], state)    in place, under no_grad; ONE state for the run
        zero_grad([w1, b1, w2, b2])                      p.grad = None: the next backward starts afresh
        correct = sum_b [argmax_c logits[b, c] == y[b]]  the logits of this step, before the update

    Nothing is copied to the host (no ``.item()``): the GPU keeps working while Python queues the next step.

    Args:
        params: {"w1", "b1", "w2", "b2"} leaf tensors with requires_grad, on one device, one dtype.
        state: {} at first; then what the previous step returned.
        x: (B, D) inputs, any device; y: (B,) int64 labels, any device.
        lr: the learning rate; optimizer: "adam" or "sgd"; momentum: SGD's momentum.
    Returns:
        (loss, correct, state): the batch's mean loss, a detached 0-dim tensor of the params' dtype;
        the number of rows classified right, a 0-dim int64 tensor; both on the params' device; the next state.
    Raises:
        ValueError: an unknown optimizer.
    """
    # BEGIN SOLUTION
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    device, dtype = params["w1"].device, params["w1"].dtype
    x, y = x.to(device=device, dtype=dtype), y.to(device)
    logits, _ = forward(params, x)
    loss = cross_entropy(logits, y)
    loss.backward()
    leaves = [params[key] for key in KEYS]
    if optimizer == "adam":
        _, state = adam_step(leaves, state, lr=lr)
    else:
        _, state = sgd_step(leaves, state, lr=lr, momentum=momentum)
    zero_grad(leaves)
    return loss.detach(), (logits.detach().argmax(dim=1) == y).sum(), state
    # END SOLUTION


def evaluate(params: Params, x: np.ndarray | Tensor, y: np.ndarray | Tensor, *,
             batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of the model on (x, y), in batches, under no_grad, params unchanged.

        loss = (1/N) sum_batches softmax_torch.cross_entropy(logits_b, y_b, reduction="sum")   over ALL N rows
        accuracy = (1/N) sum_batches sum_b [argmax_c logits_b[b, c] == y_b[b]]
    The sums stay on the device; one ``.item()`` each at the end.

    Args:
        params: the model's parameters; x: (N, ...) inputs; y: (N,) labels; anywhere (moved batch by batch).
        batch_size: rows per forward pass (memory only: the result does not depend on it).
    Returns:
        (loss, accuracy), two Python floats (0.0 and 0.0 for N = 0).
    """
    # BEGIN SOLUTION
    x, y = as_tensors(x, y)
    device, dtype = params["w1"].device, params["w1"].dtype
    total = torch.zeros((), dtype=torch.float64, device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    with torch.no_grad():
        for xb, yb in batches((x, y), batch_size, device=device):
            logits, _ = forward(params, xb.to(dtype))
            total += softmax_torch.cross_entropy(logits, yb, reduction="sum")
            correct += (logits.argmax(dim=1) == yb).sum()
    n = max(len(y), 1)
    return total.item() / n, correct.item() / n
    # END SOLUTION


def fit(
    params: Params, train_x: np.ndarray | Tensor, train_y: np.ndarray | Tensor, eval_x: np.ndarray | Tensor,
    eval_y: np.ndarray | Tensor, *, epochs: int, batch_size: int, lr: float, optimizer: str = "adam",
    momentum: float = 0.0, seed: int = 0, on_epoch: Callable[[int, History], None] | None = None,
) -> tuple[Params, History]:
    """Mini-batch training: for each epoch, each shuffled batch, train_step; then evaluate on the eval set.

        g = torch.Generator().manual_seed(seed)                          ONE generator for the run
        for epoch e = 0 .. epochs-1:
            for (x_b, y_b) in batches((x, y), batch_size, shuffle=True, generator=g):   e-th randperm of g
                loss_b, correct_b, state = train_step(params, state, x_b, y_b, lr=lr, ...)
            history: loss = sum_b n_b * loss_b / N, train_accuracy = sum_b correct_b / N,
                     eval_loss, eval_accuracy = evaluate(params, eval_x, eval_y), seconds

    Args:
        params: initial parameters on the device to train on (not modified: fit trains copies).
        train_x: (N, ...); train_y: (N,); eval_x: (M, ...); eval_y: (M,): arrays or tensors, anywhere.
        epochs: >= 1; batch_size: >= 1; lr, optimizer, momentum: as train_step; seed: the shuffling seed.
        on_epoch(epoch, history): called after each epoch's history entries are appended.
    Returns:
        (params, history): the trained parameters (detached tensors, the initial ones' device and dtype)
        and the dict of lists keyed HISTORY_KEYS, one Python float per epoch each.
    Raises:
        ValueError: epochs < 1 or an unknown optimizer.
    """
    # BEGIN SOLUTION
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    params = {key: params[key].detach().clone().requires_grad_() for key in KEYS}
    train_x, train_y = as_tensors(train_x, train_y)
    device, n = params["w1"].device, len(train_y)
    generator = torch.Generator().manual_seed(seed)
    history: History = {key: [] for key in HISTORY_KEYS}
    state: State = {}
    for epoch in range(epochs):
        started = time.perf_counter()
        total = torch.zeros((), dtype=torch.float64, device=device)
        correct = torch.zeros((), dtype=torch.int64, device=device)
        for xb, yb in batches((train_x, train_y), batch_size, shuffle=True, generator=generator):
            loss, right, state = train_step(params, state, xb, yb, lr=lr, optimizer=optimizer, momentum=momentum)
            total += loss * len(yb)
            correct += right
        train_loss, train_accuracy = total.item() / n, correct.item() / n
        eval_loss, eval_accuracy = evaluate(params, eval_x, eval_y)
        for key, value in zip(HISTORY_KEYS, (train_loss, train_accuracy, eval_loss, eval_accuracy,
                                             time.perf_counter() - started)):
            history[key].append(float(value))
        if on_epoch is not None:
            on_epoch(epoch, history)
    return {key: value.detach() for key, value in params.items()}, history
    # END SOLUTION


def train_mlp(
    train_x: np.ndarray | Tensor, train_y: np.ndarray | Tensor, eval_x: np.ndarray | Tensor,
    eval_y: np.ndarray | Tensor, *, device: torch.device | str = "cpu", hidden: int = 128, classes: int | None = None,
    epochs: int = 10, batch_size: int = 128, lr: float = 3e-3, optimizer: str = "adam", seed: int = 0,
    on_epoch: Callable[[int, History], None] | None = None,
) -> tuple[Params, History]:
    """A float32 D-hidden-C ReLU network (mlp_torch.init_params) on ``device``, trained by fit.

    D is the product of train_x's trailing axes; C is ``classes``, or 1 + the largest label in train_y
    and eval_y. The weights are drawn from ``torch.Generator().manual_seed(seed)`` (on the CPU, then
    moved), and fit shuffles with the same seed.

    Returns:
        (params, history) as fit, the params on ``device``.
    """
    # BEGIN SOLUTION
    train_x, train_y = as_tensors(train_x, train_y)
    eval_x, eval_y = as_tensors(eval_x, eval_y)
    classes = classes or int(max(train_y.max(), eval_y.max())) + 1
    params = init_params((train_x.shape[1], hidden, classes), generator=torch.Generator().manual_seed(seed),
                         device=device, dtype=torch.float32)
    return fit(params, train_x, train_y, eval_x, eval_y, epochs=epochs, batch_size=batch_size, lr=lr,
               optimizer=optimizer, seed=seed, on_epoch=on_epoch)
    # END SOLUTION

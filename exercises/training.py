# Exercise generated from solutions/training.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m training`.
"""Training loops on real data, built from the kit's own layers, losses, optimizers and data loader.

Everything here uses the modules beside it (``.mlp``, ``.optim``, ``.dataloader``, ``.conv2d``,
``.rnn``, ...), so a learner's network trains with the learner's own parts. Data in, data out::

    loss, grads, scores = objective(params, x, y)         a model: mean loss, its gradients, (N, C) scores
    scores = scores_fn(params, x)                          the same model's scores alone
    params, history = fit(params, objective, scores_fn, train_x, train_y, eval_x, eval_y,
                          epochs=10, batch_size=64, lr=1e-3, optimizer="adam", seed=0)
    loss, acc = evaluate(params, scores_fn, x, y)          mean cross-entropy and accuracy on (x, y)

``history`` is a dict of lists with one entry per epoch: ``"loss"`` (mean training loss over the
epoch's samples), ``"train_accuracy"`` (fraction of the epoch's training samples classified right,
each at its own step, before the update), ``"eval_loss"`` and ``"eval_accuracy"`` (``evaluate`` on
the evaluation set after the epoch) and ``"seconds"`` (wall time of the epoch).

Epoch e visits the training set in the order of ``DataLoader((x, y), batch_size, shuffle=True,
seed=seed)``: ``np.random.default_rng([seed, e]).permutation(N)``, a fresh order every epoch, the
same for the same seed. Nothing else is random inside ``fit``, so a run is reproducible from
``params`` and ``seed`` alone. The task functions (``train_mlp``, ``train_cnn``, ``train_charlm``)
draw their initial parameters from ``np.random.default_rng(seed)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .activations import relu_backward, relu_forward
from .conv2d import conv2d_backward, conv2d_forward, max_pool2d_backward, max_pool2d_forward
from .dataloader import DataLoader
from .linear import kaiming_normal, linear_backward, linear_forward
from .mlp import init_mlp, mlp_backward, mlp_forward
from .optim import adam_step, sgd_step
from .rnn import rnn_backward, rnn_forward
from .softmax import cross_entropy_backward, cross_entropy_forward, softmax_forward

Array = NDArray[np.floating]
Labels = NDArray[np.integer]
Params = dict[str, Array]
History = dict[str, list]
Objective = Callable[[Params, Array, Labels], tuple[float, Params, Array]]
ScoresFn = Callable[[Params, Array], Array]
RNN_KEYS = ("w_ih", "w_hh", "b_ih", "b_hh")
HISTORY_KEYS = ("loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds")


def accuracy(scores: Array, labels: Labels) -> float:
    """Fraction of rows whose highest score is the label: ``mean_n [argmax_c scores[n, c] == labels[n]]``.

    Args:
        scores: (N, C) scores (logits or probabilities); labels: (N,) integers in [0, C).
    Returns:
        a float in [0, 1] (0.0 for N = 0).
    """
    raise NotImplementedError("training.accuracy: see docs/training.md")


def evaluate(params: Params, scores_fn: ScoresFn, x: Array, y: Labels, *, batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of the model on (x, y), in batches, without changing params.

        loss = (1/N) sum_batches n_b * cross_entropy(scores_b, y_b)       the mean over all N samples
        accuracy = (1/N) sum_batches n_b * accuracy(scores_b, y_b)

    Args:
        params: the model's parameters; scores_fn(params, x_b) -> (n_b, C) scores.
        x: (N, ...) inputs; y: (N,) labels; batch_size: rows per forward pass (memory only).
    Returns:
        (loss, accuracy), two floats.
    """
    raise NotImplementedError("training.evaluate: see docs/training.md")


def optimizer_step(params: Params, grads: Params, state: dict, *, optimizer: str, lr: float,
                   momentum: float = 0.0) -> tuple[Params, dict]:
    """One update with the kit's optimizers: ``"adam"`` (adam_step) or ``"sgd"`` (sgd_step, with momentum).

    Args:
        params, grads: name -> array, the same keys and shapes; state: what the previous step returned.
        optimizer: "adam" or "sgd"; lr: the learning rate; momentum: SGD's momentum.
    Returns:
        (next_params, next_state).
    Raises:
        ValueError: an unknown optimizer.
    """
    raise NotImplementedError("training.optimizer_step: see docs/training.md")


def fit(
    params: Params, objective: Objective, scores_fn: ScoresFn,
    train_x: Array, train_y: Labels, eval_x: Array, eval_y: Labels, *,
    epochs: int, batch_size: int, lr: float, lr_decay: float = 1.0, optimizer: str = "adam", momentum: float = 0.0,
    seed: int = 0, on_batch: Callable[[int, int, float], None] | None = None,
    on_epoch: Callable[[int, History], None] | None = None,
) -> tuple[Params, History]:
    """Mini-batch training: for each epoch, each shuffled batch: forward, loss, backward, optimizer step.

    For epoch e = 0 .. epochs-1, for each batch (x_b, y_b) of the epoch (see the module docstring):
        loss_b, grads, scores_b = objective(params, x_b, y_b)     grads of the MEAN loss over the batch
        params, state = optimizer_step(params, grads, state, lr=lr * lr_decay**e)   ONE state for all steps
    then history gets the epoch's mean loss, training accuracy, evaluate(eval) and its seconds.

    Args:
        params: initial parameters (not modified); objective, scores_fn: the model (module docstring).
        train_x: (N, ...); train_y: (N,); eval_x: (M, ...); eval_y: (M,).
        epochs: >= 1; batch_size: >= 1; optimizer, momentum: as optimizer_step; seed: the shuffling seed.
        lr, lr_decay: the learning rate of epoch e is ``lr * lr_decay**e`` (1.0: constant).
        on_batch(epoch, step, loss): called after each step (progress bars); on_epoch(epoch, history): after each epoch.
    Returns:
        (params, history): the trained parameters and the dict of lists keyed HISTORY_KEYS.
    """
    raise NotImplementedError("training.fit: see docs/training.md")


def mlp_scores(params: Params, x: Array) -> Array:
    """Scores of the kit's MLP (ReLU), inputs flattened: (N, d_1, ..., d_k) -> (N, C)."""
    raise NotImplementedError("training.mlp_scores: see docs/training.md")


def mlp_objective(params: Params, x: Array, y: Labels) -> tuple[float, Params, Array]:
    """Mean cross-entropy of the MLP's scores, its gradients and the scores.

        scores = mlp_forward(params, x)                 (N, C)
        loss = cross_entropy_forward(scores, y)         the MEAN over the N rows
        grads = mlp_backward(cross_entropy_backward(1.0))

    Returns:
        (loss, grads, scores): a float, name -> array like params, (N, C).
    """
    raise NotImplementedError("training.mlp_objective: see docs/training.md")


def train_mlp(
    train_x: Array, train_y: Labels, eval_x: Array, eval_y: Labels, *, hidden: tuple[int, ...] = (128,),
    classes: int | None = None, epochs: int = 10, batch_size: int = 128, lr: float = 3e-3, optimizer: str = "adam",
    seed: int = 0, on_batch: Callable | None = None, on_epoch: Callable | None = None,
) -> tuple[Params, History]:
    """A ReLU MLP ``[D, *hidden, C]`` (init_mlp with default_rng(seed), train_x's dtype), trained by fit.

    ``hidden=()`` is a linear model (softmax regression). D is the product of train_x's trailing axes;
    C is ``classes``, or 1 + the largest label in train_y and eval_y.

    Returns:
        (params, history) as fit.
    """
    raise NotImplementedError("training.train_mlp: see docs/training.md")


def init_cnn(rng: np.random.Generator, *, image: tuple[int, int, int] = (1, 28, 28), channels: tuple[int, int] = (16, 32),
             classes: int = 10, dtype: type = np.float32) -> Params:
    """Parameters of conv(3x3, pad 1) - ReLU - maxpool 2 - conv(3x3, pad 1) - ReLU - maxpool 2 - linear.

    With image (C, H, W) and channels (F1, F2), Kaiming-normal weights (fan_in = C*9, F1*9, F2*H/4*W/4):
        "conv0_w": (F1, C, 3, 3)   "conv0_b": (F1,)     "conv1_w": (F2, F1, 3, 3)   "conv1_b": (F2,)
        "w": (F2 * (H//4) * (W//4), classes)            "b": (classes,)
    """
    raise NotImplementedError("training.init_cnn: see docs/training.md")


def cnn_forward(params: Params, x: Array) -> tuple[Array, tuple]:
    """Scores of the CNN of init_cnn for images x (N, C, H, W): (N, classes), and the cache."""
    raise NotImplementedError("training.cnn_forward: see docs/training.md")


def cnn_backward(dscores: Array, cache: tuple) -> Params:
    """Gradients of every parameter of the CNN from dscores (N, classes): keys and shapes of params."""
    raise NotImplementedError("training.cnn_backward: see docs/training.md")


def cnn_scores(params: Params, x: Array) -> Array:
    """Scores of the CNN, (N, classes)."""
    raise NotImplementedError("training.cnn_scores: see docs/training.md")


def cnn_objective(params: Params, x: Array, y: Labels) -> tuple[float, Params, Array]:
    """Mean cross-entropy of the CNN's scores, its gradients and the scores, as mlp_objective."""
    raise NotImplementedError("training.cnn_objective: see docs/training.md")


def train_cnn(
    train_x: Array, train_y: Labels, eval_x: Array, eval_y: Labels, *, channels: tuple[int, int] = (16, 32),
    classes: int | None = None, epochs: int = 2, batch_size: int = 32, lr: float = 3e-3, lr_decay: float = 0.5,
    seed: int = 0,
    on_batch: Callable | None = None, on_epoch: Callable | None = None,
) -> tuple[Params, History]:
    """The CNN of init_cnn (default_rng(seed), train_x's dtype) on images (N, C, H, W), trained by fit with Adam."""
    raise NotImplementedError("training.train_cnn: see docs/training.md")


def init_char_rnn(vocab: int, hidden: int, rng: np.random.Generator, dtype: type = np.float32) -> Params:
    """A vanilla RNN over one-hot characters with a linear read-out, torch's uniform(-1/sqrt(H), 1/sqrt(H)) init.

        "w_ih": (H, V)  "w_hh": (H, H)  "b_ih", "b_hh": (H,)  (the rnn module's layout)
        "w_out": (H, V)  "b_out": (V,)
    """
    raise NotImplementedError("training.init_char_rnn: see docs/training.md")


def char_rnn_forward(params: Params, inputs: Labels) -> tuple[Array, tuple]:
    """Scores of the next character at every position of a batch of sequences, from a zero state.

        x = onehot(inputs)                               (T, N) -> (T, N, V), params' dtype
        hs = rnn_forward(x, zeros (N, H), rnn params)    (T, N, H)
        scores = hs.reshape(T*N, H) @ w_out + b_out      (T*N, V), row t*N + n for position (t, n)

    Args:
        params: as init_char_rnn; inputs: (T, N) character ids.
    Returns:
        scores: (T*N, V); cache: what char_rnn_backward needs.
    """
    raise NotImplementedError("training.char_rnn_forward: see docs/training.md")


def char_rnn_backward(dscores: Array, cache: tuple) -> Params:
    """Gradients of every parameter from dscores (T*N, V), through the read-out and back through time."""
    raise NotImplementedError("training.char_rnn_backward: see docs/training.md")


def char_rnn_objective(params: Params, inputs: Labels, targets: Labels) -> tuple[float, Params, Array]:
    """Mean next-character cross-entropy over every position: ``cross_entropy(scores, targets.reshape(T*N))``.

    Args:
        inputs, targets: (T, N) character ids, targets[t] the character after inputs[t].
    Returns:
        (loss, grads, scores): grads keyed like params, scores (T*N, V).
    """
    raise NotImplementedError("training.char_rnn_objective: see docs/training.md")


def clip_gradients(grads: Params, max_norm: float) -> Params:
    """Scale every gradient by ``min(1, max_norm / (global_norm + 1e-6))``, global_norm = sqrt(sum of squares).

    Returns:
        new arrays, the same keys and dtypes.
    """
    raise NotImplementedError("training.clip_gradients: see docs/training.md")


def sequence_windows(ids: Labels, length: int) -> Labels:
    """Non-overlapping windows of length + 1 ids: row k is ids[k*length : k*length + length + 1], (K, length + 1)."""
    raise NotImplementedError("training.sequence_windows: see docs/training.md")


def charlm_eval_loss(params: Params, ids: Labels, *, length: int = 32, batch_size: int = 512) -> float:
    """Mean next-character cross-entropy (nats) over the windows of ``ids``, each from a zero state."""
    raise NotImplementedError("training.charlm_eval_loss: see docs/training.md")


def train_charlm(
    train_ids: Labels, eval_ids: Labels, vocab: int, *, hidden: int = 128, length: int = 32, batch_size: int = 32,
    steps: int = 300, lr: float = 3e-3, clip: float = 5.0, eval_every: int = 100, seed: int = 0,
    on_batch: Callable | None = None, on_eval: Callable | None = None,
) -> tuple[Params, History]:
    """Train the char RNN for ``steps`` Adam steps on shuffled windows of train_ids (DataLoader, epoch after epoch).

    Every ``eval_every`` steps and after the last one, history gets "step", "loss" (mean training loss
    since the previous entry), "eval_loss" (charlm_eval_loss on eval_ids) and "seconds" (since the start).
    """
    raise NotImplementedError("training.train_charlm: see docs/training.md")


def sample_chars(params: Params, start: Labels, length: int, rng: np.random.Generator,
                 temperature: float = 1.0) -> Labels:
    """Generate ``length`` ids after the prompt ``start`` (P,), P >= 1, drawing each from softmax(scores / temperature).

    Returns:
        (length,) int64 ids, the prompt not included.
    """
    raise NotImplementedError("training.sample_chars: see docs/training.md")

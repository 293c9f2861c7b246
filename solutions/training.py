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
    # BEGIN SOLUTION
    if len(labels) == 0:
        return 0.0
    return float(np.mean(np.argmax(scores, axis=-1) == labels))
    # END SOLUTION


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
    # BEGIN SOLUTION
    total_loss, correct, n = 0.0, 0.0, len(y)
    for xb, yb in DataLoader((x, y), batch_size):
        scores = scores_fn(params, xb)
        loss, _ = cross_entropy_forward(scores, yb)
        total_loss += loss * len(yb)
        correct += accuracy(scores, yb) * len(yb)
    return total_loss / max(n, 1), correct / max(n, 1)
    # END SOLUTION


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
    # BEGIN SOLUTION
    if optimizer == "adam":
        return adam_step(params, grads, state, lr=lr)
    if optimizer == "sgd":
        return sgd_step(params, grads, state, lr=lr, momentum=momentum)
    raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    # END SOLUTION


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
    # BEGIN SOLUTION
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    loader = DataLoader((train_x, train_y), batch_size, shuffle=True, seed=seed)
    history: History = {key: [] for key in HISTORY_KEYS}
    state: dict = {}
    for epoch in range(epochs):
        started = time.perf_counter()
        total_loss, correct = 0.0, 0.0
        for step, (xb, yb) in enumerate(loader):
            loss, grads, scores = objective(params, xb, yb)
            params, state = optimizer_step(params, grads, state, optimizer=optimizer, lr=lr * lr_decay**epoch,
                                           momentum=momentum)
            total_loss += loss * len(yb)
            correct += accuracy(scores, yb) * len(yb)
            if on_batch is not None:
                on_batch(epoch, step, loss)
        eval_loss, eval_accuracy = evaluate(params, scores_fn, eval_x, eval_y)
        for key, value in zip(HISTORY_KEYS, (total_loss / len(train_y), correct / len(train_y), eval_loss,
                                             eval_accuracy, time.perf_counter() - started)):
            history[key].append(float(value))
        if on_epoch is not None:
            on_epoch(epoch, history)
    return params, history
    # END SOLUTION


def mlp_scores(params: Params, x: Array) -> Array:
    """Scores of the kit's MLP (ReLU), inputs flattened: (N, d_1, ..., d_k) -> (N, C)."""
    # BEGIN SOLUTION
    return mlp_forward(params, x.reshape(len(x), -1))[0]
    # END SOLUTION


def mlp_objective(params: Params, x: Array, y: Labels) -> tuple[float, Params, Array]:
    """Mean cross-entropy of the MLP's scores, its gradients and the scores.

        scores = mlp_forward(params, x)                 (N, C)
        loss = cross_entropy_forward(scores, y)         the MEAN over the N rows
        grads = mlp_backward(cross_entropy_backward(1.0))

    Returns:
        (loss, grads, scores): a float, name -> array like params, (N, C).
    """
    # BEGIN SOLUTION
    scores, cache = mlp_forward(params, x.reshape(len(x), -1))
    loss, loss_cache = cross_entropy_forward(scores, y)
    return loss, mlp_backward(cross_entropy_backward(1.0, loss_cache), cache), scores
    # END SOLUTION


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
    # BEGIN SOLUTION
    classes = classes or int(max(train_y.max(), eval_y.max())) + 1
    sizes = [int(np.prod(train_x.shape[1:])), *hidden, classes]
    params = init_mlp(sizes, np.random.default_rng(seed), dtype=train_x.dtype)
    return fit(params, mlp_objective, mlp_scores, train_x, train_y, eval_x, eval_y, epochs=epochs,
               batch_size=batch_size, lr=lr, optimizer=optimizer, seed=seed, on_batch=on_batch, on_epoch=on_epoch)
    # END SOLUTION


def init_cnn(rng: np.random.Generator, *, image: tuple[int, int, int] = (1, 28, 28), channels: tuple[int, int] = (16, 32),
             classes: int = 10, dtype: type = np.float32) -> Params:
    """Parameters of conv(3x3, pad 1) - ReLU - maxpool 2 - conv(3x3, pad 1) - ReLU - maxpool 2 - linear.

    With image (C, H, W) and channels (F1, F2), Kaiming-normal weights (fan_in = C*9, F1*9, F2*H/4*W/4):
        "conv0_w": (F1, C, 3, 3)   "conv0_b": (F1,)     "conv1_w": (F2, F1, 3, 3)   "conv1_b": (F2,)
        "w": (F2 * (H//4) * (W//4), classes)            "b": (classes,)
    """
    # BEGIN SOLUTION
    c, h, w = image
    f1, f2 = channels
    features = f2 * (h // 4) * (w // 4)
    return {
        "conv0_w": kaiming_normal(c * 9, f1, rng, dtype).T.reshape(f1, c, 3, 3).copy(),
        "conv0_b": np.zeros(f1, dtype=dtype),
        "conv1_w": kaiming_normal(f1 * 9, f2, rng, dtype).T.reshape(f2, f1, 3, 3).copy(),
        "conv1_b": np.zeros(f2, dtype=dtype),
        "w": kaiming_normal(features, classes, rng, dtype),
        "b": np.zeros(classes, dtype=dtype),
    }
    # END SOLUTION


def cnn_forward(params: Params, x: Array) -> tuple[Array, tuple]:
    """Scores of the CNN of init_cnn for images x (N, C, H, W): (N, classes), and the cache."""
    # BEGIN SOLUTION
    caches, h = [], x
    for i in range(2):
        h, conv_cache = conv2d_forward(h, params[f"conv{i}_w"], params[f"conv{i}_b"], padding=1)
        h, relu_cache = relu_forward(h)
        h, pool_cache = max_pool2d_forward(h, 2)
        caches.append((conv_cache, relu_cache, pool_cache))
    pooled_shape = h.shape
    scores, linear_cache = linear_forward(h.reshape(len(h), -1), params["w"], params["b"])
    return scores, (caches, pooled_shape, linear_cache)
    # END SOLUTION


def cnn_backward(dscores: Array, cache: tuple) -> Params:
    """Gradients of every parameter of the CNN from dscores (N, classes): keys and shapes of params."""
    # BEGIN SOLUTION
    caches, pooled_shape, linear_cache = cache
    grads: Params = {}
    dh, grads["w"], grads["b"] = linear_backward(dscores, linear_cache)
    dh = dh.reshape(pooled_shape)
    for i in reversed(range(2)):
        conv_cache, relu_cache, pool_cache = caches[i]
        dh = relu_backward(max_pool2d_backward(dh, pool_cache), relu_cache)
        dh, grads[f"conv{i}_w"], grads[f"conv{i}_b"] = conv2d_backward(dh, conv_cache)
    return grads
    # END SOLUTION


def cnn_scores(params: Params, x: Array) -> Array:
    """Scores of the CNN, (N, classes)."""
    # BEGIN SOLUTION
    return cnn_forward(params, x)[0]
    # END SOLUTION


def cnn_objective(params: Params, x: Array, y: Labels) -> tuple[float, Params, Array]:
    """Mean cross-entropy of the CNN's scores, its gradients and the scores, as mlp_objective."""
    # BEGIN SOLUTION
    scores, cache = cnn_forward(params, x)
    loss, loss_cache = cross_entropy_forward(scores, y)
    return loss, cnn_backward(cross_entropy_backward(1.0, loss_cache), cache), scores
    # END SOLUTION


def train_cnn(
    train_x: Array, train_y: Labels, eval_x: Array, eval_y: Labels, *, channels: tuple[int, int] = (16, 32),
    classes: int | None = None, epochs: int = 2, batch_size: int = 32, lr: float = 3e-3, lr_decay: float = 0.5,
    seed: int = 0,
    on_batch: Callable | None = None, on_epoch: Callable | None = None,
) -> tuple[Params, History]:
    """The CNN of init_cnn (default_rng(seed), train_x's dtype) on images (N, C, H, W), trained by fit with Adam."""
    # BEGIN SOLUTION
    classes = classes or int(max(train_y.max(), eval_y.max())) + 1
    params = init_cnn(np.random.default_rng(seed), image=train_x.shape[1:], channels=channels, classes=classes,
                      dtype=train_x.dtype)
    return fit(params, cnn_objective, cnn_scores, train_x, train_y, eval_x, eval_y, epochs=epochs,
               batch_size=batch_size, lr=lr, lr_decay=lr_decay, seed=seed, on_batch=on_batch, on_epoch=on_epoch)
    # END SOLUTION


def init_char_rnn(vocab: int, hidden: int, rng: np.random.Generator, dtype: type = np.float32) -> Params:
    """A vanilla RNN over one-hot characters with a linear read-out, torch's uniform(-1/sqrt(H), 1/sqrt(H)) init.

        "w_ih": (H, V)  "w_hh": (H, H)  "b_ih", "b_hh": (H,)  (the rnn module's layout)
        "w_out": (H, V)  "b_out": (V,)
    """
    # BEGIN SOLUTION
    bound = 1.0 / np.sqrt(hidden)
    shapes = {"w_ih": (hidden, vocab), "w_hh": (hidden, hidden), "b_ih": (hidden,), "b_hh": (hidden,),
              "w_out": (hidden, vocab), "b_out": (vocab,)}
    return {name: rng.uniform(-bound, bound, shape).astype(dtype) for name, shape in shapes.items()}
    # END SOLUTION


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
    # BEGIN SOLUTION
    steps, batch = inputs.shape
    vocab, hidden = params["w_out"].shape[1], params["w_hh"].shape[0]
    x = np.eye(vocab, dtype=params["w_out"].dtype)[inputs]
    rnn_params = {name: params[name] for name in RNN_KEYS}
    hs, rnn_cache = rnn_forward(x, np.zeros((batch, hidden), dtype=x.dtype), rnn_params)
    scores, out_cache = linear_forward(hs.reshape(steps * batch, hidden), params["w_out"], params["b_out"])
    return scores, (hs.shape, rnn_cache, out_cache)
    # END SOLUTION


def char_rnn_backward(dscores: Array, cache: tuple) -> Params:
    """Gradients of every parameter from dscores (T*N, V), through the read-out and back through time."""
    # BEGIN SOLUTION
    hs_shape, rnn_cache, out_cache = cache
    dhs, dw_out, db_out = linear_backward(dscores, out_cache)
    grads = rnn_backward(dhs.reshape(hs_shape), rnn_cache)
    return {**{name: grads[name] for name in RNN_KEYS}, "w_out": dw_out, "b_out": db_out}
    # END SOLUTION


def char_rnn_objective(params: Params, inputs: Labels, targets: Labels) -> tuple[float, Params, Array]:
    """Mean next-character cross-entropy over every position: ``cross_entropy(scores, targets.reshape(T*N))``.

    Args:
        inputs, targets: (T, N) character ids, targets[t] the character after inputs[t].
    Returns:
        (loss, grads, scores): grads keyed like params, scores (T*N, V).
    """
    # BEGIN SOLUTION
    scores, cache = char_rnn_forward(params, inputs)
    loss, loss_cache = cross_entropy_forward(scores, targets.reshape(-1))
    return loss, char_rnn_backward(cross_entropy_backward(1.0, loss_cache), cache), scores
    # END SOLUTION


def clip_gradients(grads: Params, max_norm: float) -> Params:
    """Scale every gradient by ``min(1, max_norm / (global_norm + 1e-6))``, global_norm = sqrt(sum of squares).

    Returns:
        new arrays, the same keys and dtypes.
    """
    # BEGIN SOLUTION
    norm = float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads.values())))
    scale = min(1.0, max_norm / (norm + 1e-6))
    return {name: (g * g.dtype.type(scale)) for name, g in grads.items()}
    # END SOLUTION


def sequence_windows(ids: Labels, length: int) -> Labels:
    """Non-overlapping windows of length + 1 ids: row k is ids[k*length : k*length + length + 1], (K, length + 1)."""
    # BEGIN SOLUTION
    count = (len(ids) - 1) // length
    starts = np.arange(count) * length
    return ids[starts[:, None] + np.arange(length + 1)]
    # END SOLUTION


def charlm_eval_loss(params: Params, ids: Labels, *, length: int = 32, batch_size: int = 512) -> float:
    """Mean next-character cross-entropy (nats) over the windows of ``ids``, each from a zero state."""
    # BEGIN SOLUTION
    windows = sequence_windows(ids, length)
    total = 0.0
    for batch in DataLoader(windows, batch_size):
        scores, _ = char_rnn_forward(params, batch[:, :-1].T)
        total += cross_entropy_forward(scores, batch[:, 1:].T.reshape(-1))[0] * len(batch)
    return total / len(windows)
    # END SOLUTION


def train_charlm(
    train_ids: Labels, eval_ids: Labels, vocab: int, *, hidden: int = 128, length: int = 32, batch_size: int = 32,
    steps: int = 300, lr: float = 3e-3, clip: float = 5.0, eval_every: int = 100, seed: int = 0,
    on_batch: Callable | None = None, on_eval: Callable | None = None,
) -> tuple[Params, History]:
    """Train the char RNN for ``steps`` Adam steps on shuffled windows of train_ids (DataLoader, epoch after epoch).

    Every ``eval_every`` steps and after the last one, history gets "step", "loss" (mean training loss
    since the previous entry), "eval_loss" (charlm_eval_loss on eval_ids) and "seconds" (since the start).
    """
    # BEGIN SOLUTION
    params = init_char_rnn(vocab, hidden, np.random.default_rng(seed))
    loader = DataLoader(sequence_windows(train_ids, length), batch_size, shuffle=True, seed=seed, drop_last=True)
    history: History = {"step": [], "loss": [], "eval_loss": [], "seconds": []}
    state: dict = {}
    started, running, count, step = time.perf_counter(), 0.0, 0, 0
    while step < steps:
        for batch in loader:
            loss, grads, _ = char_rnn_objective(params, batch[:, :-1].T, batch[:, 1:].T)
            params, state = adam_step(params, clip_gradients(grads, clip), state, lr=lr)
            step, running, count = step + 1, running + loss, count + 1
            if on_batch is not None:
                on_batch(0, step, loss)
            if step % eval_every == 0 or step == steps:
                for key, value in (("step", step), ("loss", running / count),
                                   ("eval_loss", charlm_eval_loss(params, eval_ids, length=length)),
                                   ("seconds", time.perf_counter() - started)):
                    history[key].append(value)
                running, count = 0.0, 0
                if on_eval is not None:
                    on_eval(step, history)
            if step == steps:
                break
    return params, history
    # END SOLUTION


def sample_chars(params: Params, start: Labels, length: int, rng: np.random.Generator,
                 temperature: float = 1.0) -> Labels:
    """Generate ``length`` ids after the prompt ``start`` (P,), P >= 1, drawing each from softmax(scores / temperature).

    Returns:
        (length,) int64 ids, the prompt not included.
    """
    # BEGIN SOLUTION
    vocab, hidden = params["w_out"].shape[1], params["w_hh"].shape[0]
    eye = np.eye(vocab, dtype=params["w_out"].dtype)
    rnn_params = {name: params[name] for name in RNN_KEYS}
    hs, _ = rnn_forward(eye[np.asarray(start)][:, None, :], np.zeros((1, hidden), dtype=eye.dtype), rnn_params)
    h, out = hs[-1], []
    for _ in range(length):
        probabilities, _ = softmax_forward((h @ params["w_out"] + params["b_out"]).astype(np.float64) / temperature)
        out.append(int(rng.choice(vocab, p=probabilities[0])))
        h = rnn_forward(eye[[out[-1]]][:, None, :], h, rnn_params)[0][-1]
    return np.array(out, dtype=np.int64)
    # END SOLUTION

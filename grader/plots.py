"""PNG plots of a training run, with matplotlib's Agg backend (no display needed).

Each function writes one file and returns its path: loss and accuracy curves,
a confusion matrix, a grid of misclassified images, a 2-D decision boundary,
and the character model's loss curves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    _pyplot().close(fig)
    return path


def curves(history: dict[str, list], path: Path, *, title: str = "") -> Path:
    """Training and evaluation loss (left) and accuracy (right) per epoch."""
    plt = _pyplot()
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history["loss"], marker="o", label="train (mean over the epoch)")
    left.plot(epochs, history["eval_loss"], marker="o", label="eval (after the epoch)")
    left.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    right.plot(epochs, history["train_accuracy"], marker="o", label="train")
    right.plot(epochs, history["eval_accuracy"], marker="o", label="eval")
    right.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.legend()
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def confusion(predictions: np.ndarray, labels: np.ndarray, classes: int, path: Path) -> Path:
    """Counts of (true class, predicted class), with each cell's count written in it."""
    plt = _pyplot()
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predictions)), 1)
    fig, axis = plt.subplots(figsize=(1 + 0.6 * classes, 1 + 0.55 * classes))
    axis.imshow(matrix, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            axis.text(j, i, str(count), ha="center", va="center", fontsize=8,
                      color="white" if count > matrix.max() / 2 else "black")
    axis.set(xlabel="predicted", ylabel="true", xticks=range(classes), yticks=range(classes),
             title=f"confusion matrix, accuracy {np.trace(matrix) / max(matrix.sum(), 1):.4f}")
    return _save(fig, path)


def misclassified(images: np.ndarray, labels: np.ndarray, predictions: np.ndarray, path: Path, *,
                  limit: int = 36) -> Path:
    """A grid of up to ``limit`` wrongly classified images (N, 1, H, W), titled 'true -> predicted'."""
    plt = _pyplot()
    wrong = np.flatnonzero(np.asarray(predictions) != np.asarray(labels))[:limit]
    side = max(1, int(np.ceil(np.sqrt(max(len(wrong), 1)))))
    fig, axes = plt.subplots(side, side, figsize=(1.5 * side, 1.6 * side), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, index in zip(axes.flat, wrong):
        axis.imshow(images[index].reshape(images.shape[-2:]), cmap="gray_r")
        axis.set_title(f"{labels[index]} -> {predictions[index]}", fontsize=8)
    fig.suptitle(f"{len(wrong)} of {int((np.asarray(predictions) != labels).sum())} misclassified (true -> predicted)")
    return _save(fig, path)


def decision_boundary(scores_fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray, path: Path, *,
                      resolution: int = 200) -> Path:
    """The predicted class over a grid around 2-D points x (N, 2), with the points on top."""
    plt = _pyplot()
    low, high = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5
    u, v = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.stack([u.ravel(), v.ravel()], axis=1).astype(x.dtype)
    regions = np.asarray(scores_fn(grid)).argmax(axis=-1).reshape(u.shape)
    fig, axis = plt.subplots(figsize=(5, 5))
    axis.contourf(u, v, regions, alpha=0.3, cmap="coolwarm")
    axis.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", edgecolors="black", s=40)
    axis.set(title="decision boundary", xlabel="x0", ylabel="x1")
    return _save(fig, path)


def charlm_curves(history: dict[str, list], path: Path) -> Path:
    """Training and validation loss (nats per character) against the step."""
    plt = _pyplot()
    fig, axis = plt.subplots(figsize=(6, 4))
    axis.plot(history["step"], history["loss"], marker="o", label="train (mean since the last point)")
    axis.plot(history["step"], history["eval_loss"], marker="o", label="validation")
    axis.set(xlabel="step", ylabel="cross-entropy (nats per character)", title="character-level RNN")
    axis.grid(alpha=0.3)
    axis.legend()
    return _save(fig, path)

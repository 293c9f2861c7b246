"""The engine of ``fromscratch train``: data, an implementation's training module, progress, plots.

    fromscratch train {xor,moons,mlp,cnn,charlm} [--impl exercises|solutions|PATH] [--data DIR]
                      [--epochs N] [--seed N] [--out DIR]

Loads the data with ``grader.loaders``, the chosen implementation's ``training``
module with ``grader.implementation.resolve(...).load("training")`` (so the
learner's own layers, optimizers and loader do the work), runs it with a tqdm
progress bar, prints one line per epoch and writes PNG plots (``grader.plots``)
under ``--out`` (default ``runs/<task>/``).

``check_reached`` is the threshold check the hidden suite shares: when a run
misses its target, the message says what was reached, the target, and the
usual suspects.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.checks import CheckFailure
from grader.components import TRAINING_TASKS as TASKS

USUAL_SUSPECTS = ("the learning rate (too high diverges, too low crawls); the initialisation scale "
                  "(Kaiming: std sqrt(2 / fan_in)); gradients not averaged over the batch (the loss must be the "
                  "MEAN) or optimizer state not carried from step to step; batches not reshuffled every epoch")

DEFAULT_EPOCHS = {"xor": 150, "moons": 30, "mlp": 10, "cnn": 2, "charlm": 1}


def check_reached(quantity: str, reached: float, target: float, *, lower_is_better: bool = False,
                  suspects: str = USUAL_SUSPECTS) -> None:
    """Require ``reached >= target`` (``<=`` with lower_is_better), else a CheckFailure naming all three."""
    ok = reached <= target if lower_is_better else reached >= target
    if ok:
        return
    relation = "at most" if lower_is_better else "at least"
    raise CheckFailure(quantity, f"reached {reached:.4f}, the target is {relation} {target:.4f}",
                       [f"usual suspects: {suspects}"], "one of the usual suspects above")


@dataclass
class RunResult:
    task: str
    history: dict[str, list]
    params: dict[str, Any]
    out: Path
    plots: list[Path] = field(default_factory=list)
    samples: str = ""


def _progress(total: int, description: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="batch", leave=False, file=sys.stderr,
                dynamic_ncols=True, mininterval=0.5, disable=None)  # None: no bar when stderr is not a terminal


def _epoch_line(epoch: int, epochs: int, history: dict[str, list]) -> str:
    return (f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.4f}, train accuracy "
            f"{history['train_accuracy'][-1]:.4f}, eval loss {history['eval_loss'][-1]:.4f}, eval accuracy "
            f"{history['eval_accuracy'][-1]:.4f} ({history['seconds'][-1]:.2f} s)")


def run(task: str, *, impl: str = "solutions", data: str | None = None, epochs: int | None = None, seed: int = 0,
        out: str | Path | None = None, print_fn=print) -> RunResult:
    """Train ``task`` with ``impl``'s training module; print per-epoch lines; write the plots."""
    from grader import loaders, plots
    from grader.implementation import resolve

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    epochs = epochs or DEFAULT_EPOCHS[task]
    if epochs < 1:
        raise ValueError(f"--epochs must be at least 1, got {epochs}")
    training = resolve(impl).load("training")
    folder = Path(out) if out is not None else Path("runs") / task
    folder.mkdir(parents=True, exist_ok=True)
    if task == "charlm":
        return _run_charlm(training, loaders.load_corpus(data_dir=data), epochs, seed, folder, print_fn, plots)

    if task in ("xor", "moons"):
        split = loaders.load_toy(task, seed=seed)
        options = dict(hidden=(32,), batch_size=4, lr=0.05) if task == "xor" else dict(hidden=(32, 32), batch_size=32,
                                                                                        lr=1e-2)
        trainer = training.train_mlp
    else:
        split = loaders.load_images("mnist", data_dir=data)
        options = {}
        trainer = training.train_mlp if task == "mlp" else training.train_cnn
    print_fn(f"{task}: {split.summary()}")
    print_fn(f"implementation: {resolve(impl).describe()}; epochs {epochs}, seed {seed}")
    batch_size = options.get("batch_size", 128 if task == "mlp" else 32)
    per_epoch = -(-len(split.train_y) // batch_size)
    bar = _progress(per_epoch * epochs, task)

    def on_batch(epoch: int, step: int, loss: float) -> None:
        bar.update(1)
        bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.4f}", refresh=False)

    def on_epoch(epoch: int, history: dict[str, list]) -> None:
        bar.clear()
        if task not in ("xor", "moons") or epoch + 1 == epochs or (epoch + 1) % max(1, epochs // 10) == 0:
            print_fn(_epoch_line(epoch, epochs, history))

    started = time.perf_counter()
    try:
        params, history = trainer(split.train_x, split.train_y, split.eval_x, split.eval_y, epochs=epochs, seed=seed,
                                  on_batch=on_batch, on_epoch=on_epoch, **options)
    finally:
        bar.close()
    print_fn(f"trained in {time.perf_counter() - started:.1f} s: eval accuracy {history['eval_accuracy'][-1]:.4f}")
    scores_fn = training.mlp_scores if trainer is training.train_mlp else training.cnn_scores
    scores = scores_fn(params, split.eval_x)
    result = RunResult(task, history, params, folder)
    result.plots.append(plots.curves(history, folder / "curves.png", title=f"{task}: {split.name}"))
    result.plots.append(plots.confusion(scores.argmax(axis=-1), split.eval_y, split.classes,
                                        folder / "confusion.png"))
    if task in ("xor", "moons"):
        result.plots.append(plots.decision_boundary(lambda x: scores_fn(params, x), split.train_x, split.train_y,
                                                    folder / "decision_boundary.png"))
    else:
        result.plots.append(plots.misclassified(split.eval_x, split.eval_y, scores.argmax(axis=-1),
                                                folder / "misclassified.png"))
    for path in result.plots:
        print_fn(f"wrote {path}")
    return result


def _run_charlm(training, corpus, epochs: int, seed: int, folder: Path, print_fn, plots) -> RunResult:
    import numpy as np

    length, batch_size = 32, 32
    steps = epochs * ((len(corpus.train_ids) - 1) // length // batch_size)
    print_fn(f"charlm: {corpus.description}")
    print_fn(f"{steps} steps ({epochs} epoch(s) of {length}-character windows, batch {batch_size}), seed {seed}")
    eval_ids = corpus.eval_ids[: 32 * 1024 + 1]  # a fixed 32k-character slice keeps each evaluation short
    bar = _progress(steps, "charlm")

    def on_batch(epoch: int, step: int, loss: float) -> None:
        bar.update(1)
        bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

    def on_eval(step: int, history: dict[str, list]) -> None:
        bar.clear()
        print_fn(f"step {step}/{steps}: loss {history['loss'][-1]:.4f}, eval loss {history['eval_loss'][-1]:.4f} "
                 f"({history['seconds'][-1]:.1f} s)")

    try:
        params, history = training.train_charlm(corpus.train_ids, eval_ids, len(corpus.vocab), length=length,
                                                batch_size=batch_size, steps=steps, eval_every=max(steps // 10, 1),
                                                seed=seed, on_batch=on_batch, on_eval=on_eval)
    finally:
        bar.close()
    rng = np.random.default_rng(seed)
    samples = [corpus.decode(training.sample_chars(params, corpus.encode(prompt), 200, rng, temperature=0.8))
               for prompt in ("ROMEO:\n", "The ")]
    for prompt, text in zip(("ROMEO:\n", "The "), samples):
        print_fn(f"--- sample (temperature 0.8) after {prompt!r}\n{prompt}{text}")
    result = RunResult("charlm", history, params, folder, samples="\n".join(samples))
    result.plots.append(plots.charlm_curves(history, folder / "curves.png"))
    (folder / "samples.txt").write_text(result.samples + "\n")
    for path in result.plots:
        print_fn(f"wrote {path}")
    return result

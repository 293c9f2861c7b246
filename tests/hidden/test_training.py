"""Hidden checks for training: the loop against a torch oracle, evaluate, models' gradients, thresholds on real data.

The threshold tests need ../shared/datasets (grader.datasets.data_root()) and skip, saying so, when it is absent.
They run seed 0: the reference's margins below are measured on that seed.
"""

import numpy as np
import pytest

from grader.checks import assert_close, assert_raises
from grader.datasets import DataError, data_root
from grader.loaders import load_corpus, load_images, load_toy
from grader.training_run import check_reached

HISTORY = ("loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds")
ORDER = ("epoch e visits the samples in np.random.default_rng([seed, e]).permutation(N) order, in batches: "
         "DataLoader((x, y), batch_size, shuffle=True, seed=seed), ONE loader iterated once per epoch")
CAUSES = {
    "loss": "history['loss'] is the mean training loss over the epoch's N samples (batch means weighted by size)",
    "train_accuracy": "the fraction of the epoch's samples classified right at their own step, before the update",
    "eval_loss": "evaluate(params, scores_fn, eval_x, eval_y) after the epoch, on the EVALUATION set",
    "eval_accuracy": "evaluate(params, scores_fn, eval_x, eval_y) after the epoch, on the EVALUATION set",
}
STEP = ("each step: the objective's gradients of the MEAN batch loss, then one optimizer step with ONE state "
        "carried through every step of every epoch, at lr * lr_decay**epoch; " + ORDER)

def problem(rng, n=37, features=5, hidden=6, classes=3, m=11):
    x, y = rng.standard_normal((n, features)), rng.integers(0, classes, n)
    eval_x, eval_y = rng.standard_normal((m, features)), rng.integers(0, classes, m)
    params = {"w0": rng.standard_normal((features, hidden)) * 0.6, "b0": rng.standard_normal(hidden) * 0.1,
              "w1": rng.standard_normal((hidden, classes)) * 0.6, "b1": rng.standard_normal(classes) * 0.1}
    return x, y, eval_x, eval_y, params


def torch_fit(params, x, y, eval_x, eval_y, *, epochs, batch_size, lr, lr_decay, optimizer, momentum, seed):
    """The same training run written with torch.optim and autograd: the oracle for fit."""
    import torch

    tensors = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    ordered = [tensors[name] for name in sorted(tensors)]
    opt = (torch.optim.Adam(ordered, lr=lr) if optimizer == "adam"
           else torch.optim.SGD(ordered, lr=lr, momentum=momentum))

    def scores_of(inputs):
        hidden = torch.relu(torch.tensor(inputs) @ tensors["w0"] + tensors["b0"])
        return hidden @ tensors["w1"] + tensors["b1"]

    history = {key: [] for key in CAUSES}
    for epoch in range(epochs):
        for group in opt.param_groups:
            group["lr"] = lr * lr_decay**epoch
        order = np.random.default_rng([seed, epoch]).permutation(len(y))
        total, correct = 0.0, 0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            scores = scores_of(x[idx])
            loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += int((scores.argmax(dim=1).numpy() == y[idx]).sum())
        with torch.no_grad():
            scores = scores_of(eval_x)
            history["eval_loss"].append(torch.nn.functional.cross_entropy(scores, torch.tensor(eval_y)).item())
            history["eval_accuracy"].append(float((scores.argmax(dim=1).numpy() == eval_y).mean()))
        history["loss"].append(total / len(y))
        history["train_accuracy"].append(correct / len(y))
    return {name: value.detach().numpy() for name, value in tensors.items()}, history


@pytest.mark.parametrize("optimizer, momentum, lr, lr_decay", [("sgd", 0.9, 0.05, 0.5), ("adam", 0.0, 0.01, 1.0)],
                         ids=["sgd-momentum-decay", "adam"])
def test_fit_matches_a_torch_training_run(training, rng, seed, optimizer, momentum, lr, lr_decay):
    x, y, eval_x, eval_y, params = problem(rng)
    options = dict(epochs=3, batch_size=8, lr=lr, lr_decay=lr_decay, optimizer=optimizer, momentum=momentum,
                   seed=seed % 1000 + 1)
    got_params, got = training.fit(params, training.mlp_objective, training.mlp_scores, x, y, eval_x, eval_y,
                                   **options)
    expected_params, expected = torch_fit(params, x, y, eval_x, eval_y, **options)
    inputs = {"x": x, "eval_x": eval_x}
    for key in CAUSES:
        assert_close(got[key], expected[key], name=f"history[{key!r}] of fit", inputs=inputs, rtol=1e-6,
                     atol=1e-9, cause=f"{CAUSES[key]}; {STEP}")
    for name in params:
        assert_close(got_params[name], expected_params[name], name=f"params[{name!r}] after fit", inputs=inputs,
                     rtol=1e-6, atol=1e-9, cause=STEP)


def test_fit_history_layout_and_the_callbacks(training, rng):
    x, y, eval_x, eval_y, params = problem(rng)
    batches, epochs = [], []
    _, history = training.fit(params, training.mlp_objective, training.mlp_scores, x, y, eval_x, eval_y, epochs=2,
                              batch_size=10, lr=0.01, on_batch=lambda e, s, loss: batches.append((e, s)),
                              on_epoch=lambda e, h: epochs.append((e, len(h["loss"]))))
    assert set(history) == set(HISTORY), f"history keys {sorted(history)}, expected {sorted(HISTORY)}"
    assert all(len(history[key]) == 2 for key in HISTORY), f"history lengths { {k: len(v) for k, v in history.items()} }"
    assert all(isinstance(v, float) for key in HISTORY for v in history[key]), "history values must be Python floats"
    assert all(v >= 0 for v in history["seconds"]), "history['seconds'] holds each epoch's wall time"
    assert batches == [(e, s) for e in range(2) for s in range(4)], (
        f"on_batch(epoch, step, loss) calls were {batches}; expected one per batch, steps counted from 0 each epoch")
    assert epochs == [(0, 1), (1, 2)], f"on_epoch(epoch, history) calls were {epochs}; expected after each epoch"


def test_fit_is_reproducible_and_the_seed_matters(training, rng):
    x, y, eval_x, eval_y, params = problem(rng)

    def run(seed):
        return training.fit(params, training.mlp_objective, training.mlp_scores, x, y, eval_x, eval_y, epochs=2,
                            batch_size=5, lr=0.05, optimizer="sgd", seed=seed)[0]["w0"]

    first, again, other = run(3), run(3), run(4)
    assert_close(again, first, name="w0 after a second run with seed 3", rtol=0, atol=0,
                 cause="nothing in fit may draw from an unseeded or global generator")
    assert not np.allclose(first, other), "seeds 3 and 4 gave the same parameters: the seed must set the shuffle"


def test_fit_leaves_the_inputs_alone_and_validates(training, rng):
    x, y, eval_x, eval_y, params = problem(rng)
    copies = {name: value.copy() for name, value in params.items()}
    training.fit(params, training.mlp_objective, training.mlp_scores, x, y, eval_x, eval_y, epochs=1, batch_size=8,
                 lr=0.1)
    for name in params:
        assert_close(params[name], copies[name], name=f"the caller's params[{name!r}] after fit", rtol=0, atol=0,
                     cause="update with new arrays (the optimizers return them), never in place")
    assert_raises(ValueError, lambda: training.fit(params, training.mlp_objective, training.mlp_scores, x, y, x, y,
                                                   epochs=0, batch_size=8, lr=0.1), name="fit", why="epochs=0")
    assert_raises(ValueError, lambda: training.optimizer_step(params, params, {}, optimizer="lbfgs", lr=0.1),
                  name="optimizer_step", why="optimizer='lbfgs'")


def test_accuracy_is_per_row_argmax(training, rng):
    import torch

    for n, classes in ((7, 3), (3, 7), (5, 5)):
        scores, labels = rng.standard_normal((n, classes)), rng.integers(0, classes, n)
        expected = (torch.tensor(scores).argmax(dim=1).numpy() == labels).mean()
        assert_close(training.accuracy(scores, labels), expected, name="accuracy", inputs={"scores": scores},
                     cause="np.argmax(scores, axis=-1): one prediction per ROW, compared with that row's label")
    assert training.accuracy(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)) == 0.0, "accuracy of no rows is 0.0"


@pytest.mark.parametrize("batch_size", [1, 4, 1000])
def test_evaluate_weights_batches_by_size(training, rng, batch_size):
    import torch

    x, y, eval_x, eval_y, params = problem(rng, n=10)
    loss, acc = training.evaluate(params, training.mlp_scores, x, y, batch_size=batch_size)
    scores = torch.tensor(training.mlp_scores(params, x))
    assert_close(loss, torch.nn.functional.cross_entropy(scores, torch.tensor(y)).item(), name="loss of evaluate",
                 inputs={"x": x}, rtol=1e-9, cause="the mean over all N samples, not the mean of the batch means")
    assert_close(acc, (scores.argmax(dim=1).numpy() == y).mean(), name="accuracy of evaluate", inputs={"x": x},
                 cause="the fraction of all N samples classified right")


def test_cnn_objective_matches_torch(training, rng):
    import torch
    import torch.nn.functional as F

    params = training.init_cnn(rng, image=(2, 8, 8), channels=(3, 4), classes=5, dtype=np.float64)
    shapes = {name: value.shape for name, value in params.items()}
    assert shapes == {"conv0_w": (3, 2, 3, 3), "conv0_b": (3,), "conv1_w": (4, 3, 3, 3), "conv1_b": (4,),
                      "w": (16, 5), "b": (5,)}, f"init_cnn shapes {shapes}"
    params = {name: value + rng.standard_normal(value.shape) * 0.1 for name, value in params.items()}
    x, y = rng.standard_normal((3, 2, 8, 8)), rng.integers(0, 5, 3)
    loss, grads, scores = training.cnn_objective(params, x, y)
    t = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    h = F.max_pool2d(torch.relu(F.conv2d(torch.tensor(x), t["conv0_w"], t["conv0_b"], padding=1)), 2)
    h = F.max_pool2d(torch.relu(F.conv2d(h, t["conv1_w"], t["conv1_b"], padding=1)), 2)
    expected_scores = h.flatten(1) @ t["w"] + t["b"]
    expected = F.cross_entropy(expected_scores, torch.tensor(y))
    expected.backward()
    cause = "conv(3x3, padding 1) - ReLU - maxpool 2, twice, then flatten (N, F2*H/4*W/4) and one affine layer"
    assert_close(scores, expected_scores.detach(), name="scores of cnn_objective", inputs={"x": x}, cause=cause)
    assert_close(loss, expected.item(), name="loss of cnn_objective", inputs={"x": x}, cause=cause)
    for name in params:
        assert_close(grads[name], t[name].grad, name=f"grads[{name!r}] of cnn_objective", inputs={"x": x},
                     rtol=1e-6, atol=1e-9, cause="backward in reverse order: linear, unflatten, then pool, ReLU, conv")


def test_char_rnn_objective_matches_torch(training, rng):
    import torch
    import torch.nn.functional as F

    params = {name: value.astype(np.float64) for name, value in training.init_char_rnn(7, 5, rng).items()}
    bound = max(float(np.abs(value).max()) for value in params.values())
    assert bound <= 1 / np.sqrt(5) + 1e-6, f"init_char_rnn drew values up to {bound}; expected U(-1/sqrt(H), 1/sqrt(H))"
    inputs, targets = rng.integers(0, 7, (4, 3)), rng.integers(0, 7, (4, 3))
    loss, grads, scores = training.char_rnn_objective(params, inputs, targets)
    t = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    h, rows = torch.zeros(3, 5, dtype=torch.float64), []
    for step in range(4):
        x = F.one_hot(torch.tensor(inputs[step]), 7).double()
        h = torch.tanh(x @ t["w_ih"].T + t["b_ih"] + h @ t["w_hh"].T + t["b_hh"])
        rows.append(h @ t["w_out"] + t["b_out"])
    expected = F.cross_entropy(torch.cat(rows), torch.tensor(targets.reshape(-1)))
    expected.backward()
    assert_close(loss, expected.item(), name="loss of char_rnn_objective", inputs={"inputs": inputs},
                 cause="one-hot inputs, rnn_forward from a zero state, scores = h_t @ w_out + b_out at every "
                       "position, the MEAN cross-entropy over all T*N positions (row t*N + n)")
    for name in params:
        assert_close(grads[name], t[name].grad, name=f"grads[{name!r}] of char_rnn_objective",
                     inputs={"inputs": inputs}, rtol=1e-6, atol=1e-9,
                     cause="the read-out's gradient reshaped to (T, N, H) as rnn_backward's dhs")


def test_clip_gradients_scales_by_the_global_norm(training, rng):
    grads = {"a": rng.standard_normal((3, 4)) * 10, "b": rng.standard_normal(5) * 10}
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    clipped = training.clip_gradients(grads, 1.0)
    for name in grads:
        assert_close(clipped[name], grads[name] / (norm + 1e-6), name=f"clip_gradients(...)[{name!r}]",
                     cause="ONE factor max_norm / (global norm + 1e-6) for every array; the norm over all of them")
    small = training.clip_gradients(grads, 10 * norm)
    assert_close(small["a"], grads["a"], name="clip_gradients with max_norm above the norm",
                 cause="min(1, ...): gradients below the limit are left as they are")


def test_sequence_windows_and_sampling(training, rng):
    ids = np.arange(23)
    windows = training.sequence_windows(ids, 5)
    assert_close(windows, [np.arange(k * 5, k * 5 + 6) for k in range(4)], name="sequence_windows(arange(23), 5)",
                 cause="row k is ids[k*length : k*length + length + 1]: inputs row[:-1], targets row[1:]")
    assert windows.shape == (4, 6), f"sequence_windows(23 ids, 5) has shape {windows.shape}, expected (4, 6)"
    params = training.init_char_rnn(6, 4, rng, dtype=np.float64)
    first = training.sample_chars(params, np.array([1, 2]), 12, np.random.default_rng(5))
    again = training.sample_chars(params, np.array([1, 2]), 12, np.random.default_rng(5))
    assert first.shape == (12,) and first.dtype == np.int64, f"sample_chars gave {first.shape} {first.dtype}"
    assert np.array_equal(first, again), "sample_chars must draw only from the rng it is given"
    greedy = training.sample_chars(params, np.array([1]), 12, np.random.default_rng(0), temperature=1e-3)
    h, expected = np.zeros(4), []
    previous = 1
    for _ in range(12):
        h = np.tanh(params["w_ih"][:, previous] + params["b_ih"] + params["w_hh"] @ h + params["b_hh"])
        previous = int(np.argmax(h @ params["w_out"] + params["b_out"]))
        expected.append(previous)
    assert_close(greedy, expected, name="sample_chars at temperature 1e-3", rtol=0, atol=0,
                 cause="draw from softmax(scores / temperature), feeding each drawn character back in")


def next_character_loss(params, ids, length):
    """The test's own forward pass: mean -log p(next character) over the windows of ids, each from a zero state."""
    count = (len(ids) - 1) // length
    windows = ids[np.arange(count)[:, None] * length + np.arange(length + 1)]
    p = {name: value.astype(np.float64) for name, value in params.items()}
    h, total = np.zeros((count, p["w_hh"].shape[0])), 0.0
    for t in range(length):
        h = np.tanh(p["w_ih"][:, windows[:, t]].T + p["b_ih"] + h @ p["w_hh"].T + p["b_hh"])
        scores = h @ p["w_out"] + p["b_out"]
        top = scores.max(axis=1, keepdims=True)
        log_norm = top[:, 0] + np.log(np.exp(scores - top).sum(axis=1))
        total += float(np.sum(log_norm - scores[np.arange(count), windows[:, t + 1]]))
    return total / (count * length)


def _offline_or_skip(loader, *args):
    if not data_root().is_dir():
        pytest.skip(f"needs the shared data folder {data_root()} (set FROMSCRATCH_DATA); it is absent")
    try:
        return loader(*args)
    except DataError as error:
        pytest.skip(f"data not available: {error}")


def test_xor_linear_stays_at_75_and_a_hidden_layer_reaches_100(training):
    xor = load_toy("xor")
    for seed in (0, 1, 2):
        _, linear = training.train_mlp(xor.train_x, xor.train_y, xor.eval_x, xor.eval_y, hidden=(), epochs=150,
                                       batch_size=4, lr=0.05, seed=seed)
        assert max(linear["eval_accuracy"]) <= 0.75, "a linear model classified all 4 XOR points: impossible"
        _, hidden = training.train_mlp(xor.train_x, xor.train_y, xor.eval_x, xor.eval_y, hidden=(32,), epochs=150,
                                       batch_size=4, lr=0.05, seed=seed)
        check_reached(f"XOR accuracy, one hidden layer of 32, seed {seed}", hidden["eval_accuracy"][-1], 1.0)


def test_mnist_mlp_reaches_its_threshold(training):
    split = _offline_or_skip(load_images, "mnist")
    official = split.description.startswith("official")
    _, history = training.train_mlp(split.train_x, split.train_y, split.eval_x, split.eval_y, hidden=(128,),
                                    epochs=10 if not official else 5, seed=0)
    target = 0.975 if official else 0.94
    check_reached(f"eval accuracy of the 784-128-10 MLP ({split.description})", history["eval_accuracy"][-1], target)


def test_mnist_cnn_reaches_97_percent(training):
    split = _offline_or_skip(load_images, "mnist")
    _, history = training.train_cnn(split.train_x, split.train_y, split.eval_x, split.eval_y, seed=0)
    check_reached(f"eval accuracy of the CNN after {len(history['eval_accuracy'])} epochs ({split.description})",
                  history["eval_accuracy"][-1], 0.97)


def test_charlm_validation_loss_bound(training):
    corpus = _offline_or_skip(load_corpus)
    eval_ids = corpus.eval_ids[:16385]
    params, history = training.train_charlm(corpus.train_ids, eval_ids, len(corpus.vocab), steps=300, seed=0)
    assert history["step"][-1] == 300, f"history['step'] ends at {history['step'][-1]}, expected 300 steps"
    check_reached("validation loss (nats per character) of the char RNN after 300 steps, computed by the test",
                  next_character_loss(params, eval_ids, 32), 2.5, lower_is_better=True,
                  suspects="the learning rate; gradients not clipped; the targets not shifted by one character; "
                           "the loss not the MEAN over all T*N positions")


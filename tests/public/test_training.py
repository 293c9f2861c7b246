"""Public checks for training: accuracy, evaluate, the loop's history and seed, XOR, digits."""

import numpy as np
import pytest

from grader.checks import assert_close
from grader.loaders import load_images, load_toy
from grader.training_run import USUAL_SUSPECTS, check_reached

HISTORY = ("loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds")

def small_problem(rng, n=30, features=4, classes=3):
    x = rng.standard_normal((n, features))
    y = rng.integers(0, classes, n)
    params = {"w0": rng.standard_normal((features, 5)) * 0.5, "b0": np.zeros(5),
              "w1": rng.standard_normal((5, classes)) * 0.5, "b1": np.zeros(classes)}
    return x, y, params


def test_accuracy_of_fixed_scores(training):
    scores = np.array([[0.1, 2.0, 0.3], [3.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.5, 0.0]])
    got = training.accuracy(scores, np.array([1, 0, 0, 1]))
    assert_close(got, 0.5, name="accuracy", inputs={"scores": scores},
                 cause="argmax over the classes (axis=-1) of each row, compared with that row's label, averaged")


def test_evaluate_returns_mean_loss_and_accuracy(training, rng):
    import torch

    x, y, params = small_problem(rng, n=25)
    loss, acc = training.evaluate(params, training.mlp_scores, x, y, batch_size=10)
    scores = training.mlp_scores(params, x)
    expected = torch.nn.functional.cross_entropy(torch.tensor(scores), torch.tensor(y)).item()
    assert_close(loss, expected, name="loss of evaluate", inputs={"x": x}, rtol=1e-9,
                 cause="the mean over ALL N samples: weight each batch's mean loss by its size (the last batch is smaller)")
    assert_close(acc, np.mean(scores.argmax(axis=1) == y), name="accuracy of evaluate", inputs={"x": x},
                 cause="the fraction of all N samples classified right")


def test_fit_returns_params_and_a_history_per_epoch(training, rng):
    x, y, params = small_problem(rng)
    before = {name: value.copy() for name, value in params.items()}
    trained, history = training.fit(params, training.mlp_objective, training.mlp_scores, x, y, x, y,
                                    epochs=3, batch_size=8, lr=1e-2)
    assert set(history) == set(HISTORY), f"history keys {sorted(history)}, expected {sorted(HISTORY)}"
    for key in HISTORY:
        assert len(history[key]) == 3, f"history[{key!r}] has {len(history[key])} entries for 3 epochs"
    assert set(trained) == set(params), "fit must return parameters with the keys of the initial params"
    for name in params:
        assert_close(params[name], before[name], name=f"params[{name!r}] after fit",
                     cause="fit must not modify the caller's arrays: the optimizers return new ones")
    assert history["loss"][-1] < history["loss"][0], (
        f"the training loss went from {history['loss'][0]:.4f} to {history['loss'][-1]:.4f} in 3 epochs; "
        f"usual suspects: {USUAL_SUSPECTS}")


def test_fit_is_reproducible_from_the_seed(training, rng, seed):
    x, y, params = small_problem(rng)
    runs = [training.fit(params, training.mlp_objective, training.mlp_scores, x, y, x, y, epochs=2, batch_size=7,
                         lr=1e-2, seed=seed % 1000 + 1)[0] for _ in range(2)]
    for name in params:
        assert_close(runs[1][name], runs[0][name], name=f"params[{name!r}] of a second run with the same seed",
                     rtol=0, atol=0, cause="shuffle with the DataLoader seeded by `seed`, never the global generator")


def test_xor_needs_a_hidden_layer(training):
    xor = load_toy("xor")
    _, linear = training.train_mlp(xor.train_x, xor.train_y, xor.eval_x, xor.eval_y, hidden=(), epochs=150,
                                   batch_size=4, lr=0.05)
    _, hidden = training.train_mlp(xor.train_x, xor.train_y, xor.eval_x, xor.eval_y, hidden=(32,), epochs=150,
                                   batch_size=4, lr=0.05)
    assert max(linear["eval_accuracy"]) <= 0.75, "a linear model cannot classify more than 3 of XOR's 4 points"
    check_reached("XOR accuracy with one hidden layer of 32", hidden["eval_accuracy"][-1], 1.0)


def test_mlp_learns_the_small_digits(training):
    digits = load_images("digits")
    _, history = training.train_mlp(digits.train_x, digits.train_y, digits.eval_x, digits.eval_y, hidden=(64,),
                                    epochs=10, batch_size=32, lr=3e-3)
    check_reached("eval accuracy on the 8x8 digits after 10 epochs", history["eval_accuracy"][-1], 0.9)


@pytest.mark.parametrize("key", ["loss", "eval_loss"])
def test_losses_are_finite_floats(training, rng, key):
    x, y, params = small_problem(rng)
    _, history = training.fit(params, training.mlp_objective, training.mlp_scores, x, y, x, y,
                              epochs=2, batch_size=8, lr=1e-2)
    assert all(isinstance(value, float) and np.isfinite(value) for value in history[key]), (
        f"history[{key!r}] = {history[key]}: expected finite Python floats (float(loss))")

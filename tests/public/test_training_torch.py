"""Public checks for training_torch: evaluate against torch, a step that learns, one epoch, the seed."""

import math

import torch

from grader.checks import assert_close
from grader.training_run import USUAL_SUSPECTS

KEYS = ("w1", "b1", "w2", "b2")
HISTORY = ("loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds")


def small_problem(seed, device, n=30, features=4, hidden=5, classes=3):
    """CPU inputs (N, features) float64 and labels (N,); float64 parameters on ``device``."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=g, dtype=torch.float64)
    y = torch.randint(0, classes, (n,), generator=g)
    params = {"w1": torch.randn(features, hidden, generator=g, dtype=torch.float64) / math.sqrt(features),
              "b1": torch.zeros(hidden, dtype=torch.float64),
              "w2": torch.randn(hidden, classes, generator=g, dtype=torch.float64) / math.sqrt(hidden),
              "b2": torch.zeros(classes, dtype=torch.float64)}
    return x, y, {key: value.to(device) for key, value in params.items()}


def test_evaluate_matches_torch(training_torch, device, seed):
    x, y, params = small_problem(seed, device, n=25)
    loss, acc = training_torch.evaluate(params, x, y, batch_size=10)
    logits = torch.relu(x.to(device) @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]
    assert_close(loss, torch.nn.functional.cross_entropy(logits, y.to(device)).item(), name="loss of evaluate",
                 inputs={"x": x}, rtol=1e-9,
                 cause="the mean over ALL N samples: sum each batch's losses, divide by N at the end")
    assert_close(acc, (logits.argmax(dim=1).cpu() == y).double().mean().item(), name="accuracy of evaluate",
                 inputs={"x": x}, cause="argmax over the classes (dim=1) of each row, compared with its label")
    assert isinstance(loss, float) and isinstance(acc, float), "evaluate returns two Python floats (.item())"


def test_train_steps_lower_the_loss_and_clear_the_grads(training_torch, device, seed):
    x, y, params = small_problem(seed, device, n=16)
    leaves = {key: value.clone().requires_grad_() for key, value in params.items()}
    before = training_torch.evaluate(leaves, x, y)[0]
    state = {}
    for _ in range(20):
        loss, correct, state = training_torch.train_step(leaves, state, x, y, lr=0.05)
        assert all(leaves[key].grad is None for key in KEYS), (
            "after train_step every parameter's grad must be None (optim_torch.zero_grad), or the next "
            "backward adds to this one")
    after = training_torch.evaluate(leaves, x, y)[0]
    assert after < before, f"20 Adam steps on one batch took its loss from {before:.4f} to {after:.4f}; " \
                           f"usual suspects: {USUAL_SUSPECTS}"
    assert loss.device.type == torch.device(device).type and loss.dim() == 0, (
        f"train_step's loss is {tuple(loss.shape)} on {loss.device}: a 0-dim tensor on the parameters' device")
    assert 0 <= int(correct) <= len(y), f"train_step counted {int(correct)} correct rows of {len(y)}"


def test_one_epoch_lowers_the_eval_loss(training_torch, device, seed):
    x, y, params = small_problem(seed, device, n=64)
    before = training_torch.evaluate(params, x, y)[0]
    trained, history = training_torch.fit(params, x, y, x, y, epochs=1, batch_size=8, lr=0.02)
    assert set(history) == set(HISTORY), f"history keys {sorted(history)}, expected {sorted(HISTORY)}"
    assert all(len(history[key]) == 1 for key in HISTORY), "one entry per epoch in every list of history"
    assert history["eval_loss"][0] < before, (
        f"one epoch took the loss from {before:.4f} to {history['eval_loss'][0]:.4f}; usual suspects: "
        f"{USUAL_SUSPECTS}")
    assert trained["w1"].device.type == torch.device(device).type, (
        f"fit returned w1 on {trained['w1'].device}, expected the device of the params it was given ({device})")


def test_fit_is_reproducible_from_the_seed(training_torch, device, seed):
    x, y, params = small_problem(seed, device)
    runs = [training_torch.fit(params, x, y, x, y, epochs=2, batch_size=7, lr=1e-2, seed=seed % 1000 + 1)
            for _ in range(2)]
    for key in KEYS:
        assert_close(runs[1][0][key], runs[0][0][key], name=f"params[{key!r}] of a second run with the same seed",
                     rtol=0, atol=0,
                     cause="shuffle with ONE torch.Generator().manual_seed(seed), never torch's global generator")

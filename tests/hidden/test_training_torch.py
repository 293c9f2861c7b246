"""Hidden checks for training_torch: the loop against torch.optim and autograd, evaluate, devices, thresholds.

The MNIST threshold needs ../shared/datasets (grader.datasets.data_root()) and skips, saying so, when it is
absent. The threshold tests run seed 0: the reference's margins in docs/training_torch.md are measured on it.
"""

import pytest
import torch

from grader.checks import assert_close, assert_raises
from grader.datasets import DataError, data_root
from grader.devices import tolerance
from grader.loaders import load_images, load_toy
from grader.training_run import check_reached

KEYS = ("w1", "b1", "w2", "b2")
HISTORY = ("loss", "train_accuracy", "eval_loss", "eval_accuracy", "seconds")
ORDER = ("epoch e visits the samples in the e-th torch.randperm(N, generator=g) of ONE "
         "g = torch.Generator().manual_seed(seed): batches(..., shuffle=True, generator=g) once per epoch")
CAUSES = {
    "loss": "history['loss'] is the mean training loss over the epoch's N samples (batch means weighted by size)",
    "train_accuracy": "the fraction of the epoch's samples classified right at their own step, before the update",
    "eval_loss": "evaluate(params, eval_x, eval_y) after the epoch, on the EVALUATION set",
    "eval_accuracy": "evaluate(params, eval_x, eval_y) after the epoch, on the EVALUATION set",
}
STEP = ("each step: loss.backward() of the MEAN batch loss, one optimizer step at lr with ONE state carried "
        "through the run, then zero_grad so the next backward starts from nothing; " + ORDER)


def problem(seed, device, n=37, features=5, hidden=6, classes=3, m=11):
    """CPU inputs and labels (float64 (N, features), int64 (N,)), eval data, float64 params on ``device``."""
    g = torch.Generator().manual_seed(seed)
    x, y = torch.randn(n, features, generator=g, dtype=torch.float64), torch.randint(0, classes, (n,), generator=g)
    eval_x = torch.randn(m, features, generator=g, dtype=torch.float64)
    eval_y = torch.randint(0, classes, (m,), generator=g)
    params = {"w1": torch.randn(features, hidden, generator=g, dtype=torch.float64) * 0.6,
              "b1": torch.randn(hidden, generator=g, dtype=torch.float64) * 0.1,
              "w2": torch.randn(hidden, classes, generator=g, dtype=torch.float64) * 0.6,
              "b2": torch.randn(classes, generator=g, dtype=torch.float64) * 0.1}
    return x, y, eval_x, eval_y, {key: value.to(device) for key, value in params.items()}


def logits_of(params, x):
    return torch.relu(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]


def torch_fit(params, x, y, eval_x, eval_y, *, epochs, batch_size, lr, optimizer, momentum, seed):
    """The same training run written with torch.optim, F.cross_entropy and autograd: the oracle for fit."""
    device = params["w1"].device
    leaves = {key: value.detach().clone().requires_grad_() for key, value in params.items()}
    ordered = [leaves[key] for key in KEYS]
    opt = (torch.optim.Adam(ordered, lr=lr) if optimizer == "adam"
           else torch.optim.SGD(ordered, lr=lr, momentum=momentum))
    x, y, eval_x, eval_y = (t.to(device) for t in (x, y, eval_x, eval_y))
    generator = torch.Generator().manual_seed(seed)
    history = {key: [] for key in CAUSES}
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator).to(device)
        total, correct = 0.0, 0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            logits = logits_of(leaves, x[idx])
            loss = torch.nn.functional.cross_entropy(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += int((logits.argmax(dim=1) == y[idx]).sum())
        with torch.no_grad():
            logits = logits_of(leaves, eval_x)
            history["eval_loss"].append(torch.nn.functional.cross_entropy(logits, eval_y).item())
            history["eval_accuracy"].append((logits.argmax(dim=1) == eval_y).double().mean().item())
        history["loss"].append(total / len(y))
        history["train_accuracy"].append(correct / len(y))
    return {key: value.detach() for key, value in leaves.items()}, history


@pytest.mark.parametrize("optimizer, momentum, lr", [("sgd", 0.9, 0.05), ("adam", 0.0, 0.01)],
                         ids=["sgd-momentum", "adam"])
def test_fit_matches_a_torch_training_run(training_torch, device, seed, optimizer, momentum, lr):
    x, y, eval_x, eval_y, params = problem(seed, device)
    options = dict(epochs=3, batch_size=8, lr=lr, optimizer=optimizer, momentum=momentum, seed=seed % 1000 + 1)
    got_params, got = training_torch.fit(params, x, y, eval_x, eval_y, **options)
    expected_params, expected = torch_fit(params, x, y, eval_x, eval_y, **options)
    inputs, tol = {"x": x, "eval_x": eval_x}, tolerance(torch.float64, device)
    for key in CAUSES:
        assert_close(got[key], expected[key], name=f"history[{key!r}] of fit", inputs=inputs, rtol=tol.rtol,
                     atol=tol.atol, cause=f"{CAUSES[key]}; {STEP}")
    for key in KEYS:
        assert_close(got_params[key], expected_params[key], name=f"params[{key!r}] after fit", inputs=inputs,
                     rtol=tol.rtol, atol=tol.atol, cause=STEP)


def test_train_step_moves_the_batch_to_the_parameters(training_torch, device, seed):
    x, y, _, _, params = problem(seed, device, n=6)
    for where, batch in (("meta", (x.to(device), y.to(device))), (device, (x, y))):
        leaves = {key: value.detach().to(where).requires_grad_() for key, value in params.items()}
        loss, correct, state = training_torch.train_step(leaves, {}, *batch, lr=0.1)
        for name, value, dtype in (("loss", loss, torch.float64), ("correct", correct, torch.int64)):
            assert isinstance(value, torch.Tensor) and value.dim() == 0 and value.dtype == dtype \
                and value.device.type == torch.device(where).type, (
                    f"train_step with parameters on {where} and the batch on {batch[0].device} returned {name} "
                    f"{value!r}; expected a 0-dim {dtype} tensor on {where}: x.to(params' device and dtype), "
                    "y.to(device), and no .item() inside the step (it waits for the GPU)")
        assert all(leaves[key].grad is None for key in KEYS), (
            "after train_step every grad must be None: optim_torch.zero_grad(params) after the update")
        buffers = [tensor for entry in state.values() for tensor in entry.values() if isinstance(tensor, torch.Tensor)]
        assert len(state) == 4 and all(b.device.type == torch.device(where).type for b in buffers), (
            f"Adam's state after one step has {len(state)} entries on {sorted({str(b.device) for b in buffers})}; "
            f"expected one per parameter, on {where}")


@pytest.mark.parametrize("batch_size", [1, 4, 1000])
def test_evaluate_weights_batches_by_size(training_torch, device, seed, batch_size):
    x, y, _, _, params = problem(seed, device, n=10)
    loss, acc = training_torch.evaluate(params, x.numpy(), y.numpy(), batch_size=batch_size)
    logits = logits_of(params, x.to(device))
    assert_close(loss, torch.nn.functional.cross_entropy(logits, y.to(device)).item(), name="loss of evaluate",
                 inputs={"x": x}, rtol=1e-9, cause="the mean over all N samples, not the mean of the batch means")
    assert_close(acc, (logits.argmax(dim=1).cpu() == y).double().mean().item(), name="accuracy of evaluate",
                 inputs={"x": x}, cause="argmax over dim=1: one prediction per ROW, the fraction of all N rows")
    leaves = {key: value.clone().requires_grad_() for key, value in params.items()}
    training_torch.evaluate(leaves, x, y, batch_size=batch_size)
    assert all(leaves[key].grad is None for key in KEYS), "evaluate runs under torch.no_grad(): no backward, no grad"


def test_fit_history_layout_and_the_callback(training_torch, device, seed):
    x, y, eval_x, eval_y, params = problem(seed, device)
    calls = []
    trained, history = training_torch.fit(params, x, y, eval_x, eval_y, epochs=2, batch_size=10, lr=0.01,
                                          on_epoch=lambda e, h: calls.append((e, len(h["loss"]))))
    assert set(history) == set(HISTORY), f"history keys {sorted(history)}, expected {sorted(HISTORY)}"
    lengths = {key: len(value) for key, value in history.items()}
    assert all(length == 2 for length in lengths.values()), f"history lengths {lengths}, expected 2 each"
    kinds = {key: sorted({type(v).__name__ for v in values}) for key, values in history.items()}
    assert all(kind == ["float"] for kind in kinds.values()), (
        f"history holds {kinds}: Python floats only (.item() once per epoch), never tensors")
    assert all(v >= 0 for v in history["seconds"]), "history['seconds'] holds each epoch's wall time"
    assert calls == [(0, 1), (1, 2)], f"on_epoch(epoch, history) calls were {calls}; expected after each epoch"
    assert set(trained) == set(KEYS) and all(
        trained[key].device.type == torch.device(device).type and trained[key].dtype == torch.float64
        and not trained[key].requires_grad for key in KEYS), (
        f"fit returned {[(k, str(v.device), v.dtype, v.requires_grad) for k, v in trained.items()]}; expected "
        f"{list(KEYS)} on {device}, float64 like the params given, detached")


def test_fit_is_reproducible_and_the_seed_matters(training_torch, device, seed):
    x, y, eval_x, eval_y, params = problem(seed, device)

    def run(run_seed):
        return training_torch.fit(params, x, y, eval_x, eval_y, epochs=2, batch_size=5, lr=0.05, optimizer="sgd",
                                  seed=run_seed)

    (first, first_history), (again, again_history), (other, _) = run(3), run(3), run(4)
    assert_close(again["w1"], first["w1"], name="w1 after a second run with seed 3", rtol=0, atol=0,
                 cause="nothing in fit may draw from torch's global generator: torch.Generator().manual_seed(seed)")
    for key in CAUSES:
        assert again_history[key] == first_history[key], f"history[{key!r}] differs between two runs with seed 3"
    assert not torch.allclose(first["w1"], other["w1"]), "seeds 3 and 4 gave the same parameters: seed the shuffle"


def test_fit_leaves_the_inputs_alone_and_validates(training_torch, device, seed):
    x, y, eval_x, eval_y, params = problem(seed, device)
    copies = {key: value.clone() for key, value in params.items()}
    training_torch.fit(params, x, y, eval_x, eval_y, epochs=1, batch_size=8, lr=0.1)
    for key in KEYS:
        assert_close(params[key], copies[key], name=f"the caller's params[{key!r}] after fit", rtol=0, atol=0,
                     cause="fit trains copies (params[k].detach().clone().requires_grad_()), never the caller's")
        assert not params[key].requires_grad, f"fit set requires_grad on the caller's params[{key!r}]"
    assert_raises(ValueError, lambda: training_torch.fit(params, x, y, x, y, epochs=0, batch_size=8, lr=0.1),
                  name="fit", why="epochs=0")
    assert_raises(ValueError, lambda: training_torch.fit(params, x, y, x, y, epochs=1, batch_size=8, lr=0.1,
                                                         optimizer="lbfgs"), name="fit", why="optimizer='lbfgs'")


def test_xor_reaches_100_percent_on_the_device(training_torch, device):
    xor = load_toy("xor")
    for seed in (0, 1, 2):
        params, history = training_torch.train_mlp(xor.train_x, xor.train_y, xor.eval_x, xor.eval_y, device=device,
                                                   hidden=32, epochs=150, batch_size=4, lr=0.05, seed=seed)
        check_reached(f"XOR accuracy, one hidden layer of 32, seed {seed}", history["eval_accuracy"][-1], 1.0)
        shapes = {key: (tuple(value.shape), value.device.type, value.dtype) for key, value in params.items()}
        expected = {key: (shape, torch.device(device).type, torch.float32)
                    for key, shape in zip(KEYS, [(2, 32), (32,), (32, 2), (2,)])}
        assert shapes == expected, f"train_mlp returned {shapes}; expected {expected}: the params on the device"


@pytest.fixture(scope="module")
def mnist():
    if not data_root().is_dir():
        pytest.skip(f"needs the shared data folder {data_root()} (set FROMSCRATCH_DATA); it is absent")
    try:
        return load_images("mnist")
    except DataError as error:
        pytest.skip(f"MNIST not available: {error}")


def test_mnist_mlp_reaches_its_threshold(training_torch, device, mnist):
    official = mnist.description.startswith("official")
    epochs, target = (5, 0.97) if official else (10, 0.94)
    _, history = training_torch.train_mlp(mnist.train_x, mnist.train_y, mnist.eval_x, mnist.eval_y, device=device,
                                          epochs=epochs, seed=0)
    check_reached(f"eval accuracy of the 784-128-10 MLP after {epochs} epochs on {device} ({mnist.description})",
                  history["eval_accuracy"][-1], target)

"""Scenarios of the Part 2 network, optimizers, modules, training loop and timing (torch, CPU).

Training runs a dozen rows for one or two epochs, float64 where the API lets
the caller choose (``train_mlp`` is float32 by definition). ``history["seconds"]``
is left out. For ``gpu_timing`` only what does not depend on the clock is
compared: ``summarize``, ``matmul_flops`` and ``crossover`` on given numbers;
for ``time_it`` how often it calls the function and what it reports besides the
times; for ``throughput_sweep`` the sizes, devices (CPU only) and
``gflops * seconds``, which must be the product's operation count.
"""

from __future__ import annotations

import numpy as np
import torch

from grader.learner.scenarios import case
from grader.learner.scenarios.layers import SGD_SETTINGS
from grader.learner.scenarios.networks import classification, timeless
from grader.learner.scenarios.session import Session, refusals
from grader.learner.scenarios.tensors import gradients, tensor


def _mlp_params(rng: np.random.Generator, grad: bool = False) -> dict[str, torch.Tensor]:
    return {"w1": tensor(rng, 6, 5, scale=0.5, grad=grad), "b1": tensor(rng, 5, scale=0.1, grad=grad),
            "w2": tensor(rng, 5, 3, scale=0.5, grad=grad), "b2": tensor(rng, 3, scale=0.1, grad=grad)}


@case("mlp_torch")
def init_params(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    s.call("init_params", (6, 5, 3), generator=torch.Generator().manual_seed(seed), dtype=torch.float64,
           record="params")


@case("mlp_torch")
def network(s: Session, rng: np.random.Generator) -> None:
    params, x, labels = _mlp_params(rng), tensor(rng, 7, 6, grad=False), torch.tensor(rng.integers(0, 3, 7))
    _, cache = s.call("forward", params, x, record=("logits", None))
    s.call("backward", params, cache, labels, record="grads", keep_going=True)
    s.call("accuracy", params, x, labels, record="value")


@case("mlp_torch")
def loss_and_step(s: Session, rng: np.random.Generator) -> None:
    logits, labels = tensor(rng, 7, 3, scale=30), torch.tensor(rng.integers(0, 3, 7))
    loss = s.run("cross_entropy", lambda: s.fn("cross_entropy")(logits, labels), record="loss")
    s.run("cross_entropy", lambda: gradients(loss, {"logits": logits}, 0), record="grads", keep_going=True)
    params, grads = _mlp_params(rng), _mlp_params(rng)
    s.call("sgd_step", params, grads, 0.1)
    s.record("sgd_step", "params", params)


def _three_steps(s: Session, rng: np.random.Generator, step: str, label: str, **options) -> None:
    """Three in-place steps, the gradients set by hand (one parameter without any); params and state after."""
    params = [tensor(rng, 3, 2), tensor(rng, 2), tensor(rng, 4)]
    state: dict = {}
    for _ in range(3):
        for param in params[:2]:
            param.grad = torch.tensor(rng.standard_normal(tuple(param.shape)))
        _, state = s.call(step, params, state, **options)
    s.record(step, f"params_{label}", params)
    s.record(step, f"state_{label}", state)


@case("optim_torch")
def hyperparameters(s: Session, rng: np.random.Generator) -> None:
    check = s.fn("check_hyperparameters")
    s.run("check_hyperparameters", lambda: refusals(
        lambda: check(lr=0.1, weight_decay=0.0, eps=1e-8, betas=(0.9, 0.999)),
        lambda: check(lr=-0.1, weight_decay=0.0), lambda: check(lr=0.1, weight_decay=-0.1),
        lambda: check(lr=0.1, weight_decay=0.0, eps=-1.0), lambda: check(lr=0.1, weight_decay=0.0, betas=(1.0, 0.9)),
        lambda: check(lr=0.1, weight_decay=0.0, betas=(0.9, -0.1))), record="refuses")


@case("optim_torch")
def sgd(s: Session, rng: np.random.Generator) -> None:
    for label, options in SGD_SETTINGS.items():
        _three_steps(s, rng, "sgd_step", label, **options)


@case("optim_torch")
def adam(s: Session, rng: np.random.Generator) -> None:
    _three_steps(s, rng, "adam_step", "l2", lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)


@case("optim_torch")
def adamw(s: Session, rng: np.random.Generator) -> None:
    _three_steps(s, rng, "adamw_step", "plain", lr=0.01, weight_decay=0.1)


@case("optim_torch")
def zero_grad(s: Session, rng: np.random.Generator) -> None:
    for label, set_to_none in (("to_none", True), ("to_zeros", False)):
        params = [tensor(rng, 3), tensor(rng, 2)]
        params[0].grad = torch.ones(3, dtype=torch.float64)
        s.call("zero_grad", params, set_to_none)
        s.record("zero_grad", f"grads_{label}", [param.grad for param in params])


@case("training_torch")
def train_step(s: Session, rng: np.random.Generator) -> None:
    for optimizer in ("adam", "sgd"):
        params, x, y = _mlp_params(rng, grad=True), tensor(rng, 4, 6, grad=False), torch.tensor(rng.integers(0, 3, 4))
        state: dict = {}
        for _ in range(2):
            loss, correct, state = s.call("train_step", params, state, x, y, lr=0.1, optimizer=optimizer,
                                          momentum=0.9, record=(f"loss_{optimizer}", f"correct_{optimizer}", None))
        s.record("train_step", f"params_{optimizer}", params)
        s.record("train_step", f"state_{optimizer}", state)


@case("training_torch")
def evaluate(s: Session, rng: np.random.Generator) -> None:
    x, y = classification(rng, (6,), n=9)
    s.call("evaluate", _mlp_params(rng), x, y, batch_size=4, record=("loss", "accuracy"))


@case("training_torch")
def fit(s: Session, rng: np.random.Generator) -> None:
    (x, y), (eval_x, eval_y) = classification(rng, (6,)), classification(rng, (6,), n=5)
    trained, history = s.call("fit", _mlp_params(rng), x, y, eval_x, eval_y, epochs=2, batch_size=5, lr=0.05,
                              optimizer="sgd", momentum=0.9, seed=3)
    s.record("fit", "params", trained)
    s.record("fit", "history", timeless(history))


@case("training_torch")
def train_mlp(s: Session, rng: np.random.Generator) -> None:
    (x, y), (eval_x, eval_y) = classification(rng, (2, 3)), classification(rng, (2, 3), n=5)
    trained, history = s.call("train_mlp", x.astype(np.float32), y, eval_x.astype(np.float32), eval_y, hidden=4,
                              epochs=2, batch_size=5, lr=0.01, seed=2)
    s.record("train_mlp", "params", trained)
    s.record("train_mlp", "history", timeless(history))


def _named(pairs) -> dict:
    return dict(pairs)


@case("modules_torch")
def layers(s: Session, rng: np.random.Generator) -> None:
    seed = int(rng.integers(2**31))
    linear = s.run("Linear.__init__", lambda: s.fn("Linear")(3, 4, generator=torch.Generator().manual_seed(seed),
                                                            dtype=torch.float64))
    s.run("Module.__getattr__", lambda: {"weight": linear.weight, "bias": linear.bias}, record="linear",
          keep_going=True)
    x = tensor(rng, 5, 3)
    forward_seed = int(rng.integers(2**31))
    out = s.run("Linear.forward", lambda: linear(x), record="out")
    s.run("Linear.forward", lambda: gradients(out, {"x": x}, forward_seed), record="grads", keep_going=True)
    s.run("ReLU.forward", lambda: s.fn("ReLU")()(x), record="out")
    bare = s.run("Linear.__init__", lambda: s.fn("Linear")(3, 2, bias=False, generator=torch.Generator()
                                                             .manual_seed(seed), dtype=torch.float64))
    s.run("Module.named_parameters", lambda: _named(bare.named_parameters()), record="without_bias")


@case("modules_torch")
def sequential(s: Session, rng: np.random.Generator) -> None:
    generator, x = torch.Generator().manual_seed(int(rng.integers(2**31))), tensor(rng, 5, 3)
    made = s.run("Sequential.__init__", lambda: s.fn("Sequential")(
        s.fn("Linear")(3, 4, generator=generator, dtype=torch.float64), s.fn("ReLU")(),
        s.fn("Linear")(4, 2, generator=generator, dtype=torch.float64)))
    out = s.run("Sequential.forward", lambda: made(x), record="out")
    s.run("Module.__call__", lambda: made.forward(x), record="forward_out", keep_going=True)
    s.run("Module.named_parameters", lambda: _named(made.named_parameters()), record="parameters", keep_going=True)
    s.run("Module.parameters", lambda: list(made.parameters()), record="list", keep_going=True)
    s.run("Module.named_children", lambda: [name for name, _ in made.named_children()], record="names",
          keep_going=True)
    s.run("Module.children", lambda: [type(child).__name__ for child in made.children()], record="types",
          keep_going=True)
    s.run("Module.named_modules", lambda: [name for name, _ in made.named_modules()], record="names",
          keep_going=True)
    s.run("Module.state_dict", lambda: made.state_dict(), record="state", keep_going=True)
    out.sum().backward()
    s.run("Module.zero_grad", lambda: (made.zero_grad(), [p.grad for p in made.parameters()])[1], record="grads",
          keep_going=True)
    s.run("Module.train", lambda: [module.training for module in (made.eval(), made[0], made.train(), made[2])],
          record="flags", keep_going=True)
    s.run("Module.eval", lambda: [made.eval().training, made[1].training], record="flags", keep_going=True)
    replacement = {name: torch.tensor(rng.standard_normal(tuple(value.shape)), dtype=torch.float32)
                   for name, value in made.state_dict().items()}
    s.run("Module.load_state_dict", lambda: (made.load_state_dict(replacement), made.state_dict()),
          record="result_and_state")


@case("modules_torch")
def registration(s: Session, rng: np.random.Generator) -> None:
    module = s.run("Module.__init__", lambda: s.fn("Module")())
    weight = tensor(rng, 2, 2, grad=False)
    s.run("Module.register_parameter", lambda: (module.register_parameter("scale", weight), weight.requires_grad,
                                                module.scale)[1:], record="registered")
    s.run("Module.register_parameter", lambda: refusals(
        lambda: module.register_parameter("a.b", tensor(rng, 2, grad=False)),
        lambda: module.register_parameter("", tensor(rng, 2, grad=False)),
        lambda: module.register_parameter("ints", torch.ones(2, dtype=torch.int64))), record="refuses",
        keep_going=True)
    s.run("Module.__setattr__", lambda: (setattr(module, "inner", s.fn("ReLU")()),
                                         [name for name, _ in module.named_children()])[1], record="children")


@case("gpu_timing")
def statistics(s: Session, rng: np.random.Generator) -> None:
    times = list(rng.random(9) * 1e-3)
    s.call("summarize", times, record="odd", keep_going=True)
    s.call("summarize", times[:6] + [5.0], record="with_outlier", keep_going=True)
    s.call("matmul_flops", 1000, record="n_1000", keep_going=True)
    s.call("matmul_flops", 3_000_001, record="n_3000001")


@case("gpu_timing")
def crossover(s: Session, rng: np.random.Generator) -> None:
    def sweep(cpu: list[float], gpu: list[float], sizes=(64, 128, 256, 512)) -> list[dict]:
        records = [{"size": n, "device": "cpu", "seconds": t} for n, t in zip(sizes, cpu)]
        return records + [{"size": n, "device": "cuda:0", "seconds": t} for n, t in zip(sizes, gpu)]
    cases = (sweep([1, 2, 3, 4], [2, 1, 1, 1]), sweep([1, 2, 3, 4], [0.5, 3, 1, 1]),
             sweep([1, 2, 3, 4], [2, 2, 2, 5]), sweep([1, 2, 3, 4], [2, 2, 2, 4]), sweep([1], [], (8,)))
    s.run("crossover", lambda: [s.fn("crossover")(list(reversed(case_))) for case_ in cases], record="sizes")


@case("gpu_timing")
def timing(s: Session, rng: np.random.Generator) -> None:
    calls = []
    report = s.call("time_it", lambda: calls.append(1), warmup=2, repeats=5)
    s.record("time_it", "calls", len(calls))
    s.record("time_it", "report", {key: value for key, value in report.items()
                                   if key in ("warmup", "repeats", "device")} | {"times": len(report["times"])})


@case("gpu_timing")
def sweep(s: Session, rng: np.random.Generator) -> None:
    sweep = s.call("throughput_sweep", [2, 3], devices=("cpu",), warmup=1, repeats=2)
    s.record("throughput_sweep", "records", [(r["size"], r["device"], r["gflops"] * r["seconds"] * 1e9)
                                              for r in sweep])

"""Hidden checks for optim_torch: parity with torch.optim over 50 steps, in-place updates, plain-data state."""

import copy
import io
import itertools

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.checks import CheckFailure, assert_raises, describe_value
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
STEPS = 50

# (our function, torch.optim class, options): each option set as torch.optim spells it.
CONFIGS = {
    "sgd": ("sgd_step", "SGD", dict(lr=0.05)),
    "sgd_weight_decay": ("sgd_step", "SGD", dict(lr=0.05, weight_decay=0.1)),
    "momentum": ("sgd_step", "SGD", dict(lr=0.02, momentum=0.9)),
    "momentum_dampening": ("sgd_step", "SGD", dict(lr=0.02, momentum=0.8, dampening=0.3, weight_decay=0.05)),
    "nesterov": ("sgd_step", "SGD", dict(lr=0.02, momentum=0.9, nesterov=True)),
    "nesterov_weight_decay": ("sgd_step", "SGD", dict(lr=0.02, momentum=0.7, nesterov=True, weight_decay=0.1)),
    "adam": ("adam_step", "Adam", dict(lr=0.01)),
    "adam_l2": ("adam_step", "Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": ("adamw_step", "AdamW", dict(lr=0.01)),
    "adamw_strong_decay": ("adamw_step", "AdamW", dict(lr=0.02, betas=(0.5, 0.9), weight_decay=0.5)),
}
CAUSES = {
    "SGD": "p -= lr * d with d = b (or g + momentum * b for nesterov); b = clone(g) on the FIRST step "
           "(not zeros: with dampening the two differ), then b = momentum * b + (1 - dampening) * g; "
           "weight decay adds weight_decay * p to g before the momentum",
    "Adam": "t += 1 per parameter; m = lerp(m, g, 1 - beta1); v = beta2 v + (1 - beta2) g^2; "
            "p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps): both bias corrections, "
            "eps outside the sqrt, and Adam's weight decay goes into g",
    "AdamW": "AdamW decays the parameter itself, p *= 1 - lr * weight_decay, BEFORE the Adam update, and "
             "leaves g alone (adding weight_decay * p to g is Adam's L2 penalty, a different optimizer)",
}


def problem(device, dtype, seed):
    """A tiny regression: data (x, y) and initial parameters [w (3, 2), b (2,), s (4,)]."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(16, 3, generator=generator, dtype=dtype).to(device)
    y = torch.randn(16, 2, generator=generator, dtype=dtype).to(device)
    initial = [torch.randn(3, 2, generator=generator, dtype=dtype).to(device),
               torch.randn(2, generator=generator, dtype=dtype).to(device),
               torch.randn(4, generator=generator, dtype=dtype).to(device)]
    return x, y, initial


def loss_of(params, x, y):
    w, b, s = params
    return ((x @ w + b - y) ** 2).mean() + 0.1 * (s.sin() ** 2).sum()


def leaves(initial):
    return [t.clone().requires_grad_() for t in initial]


def our_run(module, function, initial, x, y, steps, options, state=None):
    """``steps`` steps from fresh leaves holding ``initial`` (or from these very leaves when they are leaves)."""
    params = initial if all(t.is_leaf and t.requires_grad for t in initial) else leaves(initial)
    state = {} if state is None else state
    step = getattr(module, function)
    for _ in range(steps):
        for p in params:
            p.grad = None
        loss_of(params, x, y).backward()
        params, state = step(params, state, **options)
    return params, state


def torch_run(optimizer, initial, x, y, steps, options):
    params = leaves(initial)
    opt = getattr(torch.optim, optimizer)(params, foreach=False, **options)
    for _ in range(steps):
        opt.zero_grad()
        loss_of(params, x, y).backward()
        opt.step()
    return params, opt


def compare(got, expected, name, inputs, cause):
    for index, (mine, theirs) in enumerate(zip(got, expected)):
        assert_tensor_close(mine.detach(), theirs.detach(), name=f"{name}: params[{index}]", inputs=inputs,
                            cause=cause)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch_optim_after_50_steps(optim_torch, device, dtype, config, seed):
    function, optimizer, options = CONFIGS[config]
    x, y, initial = problem(device, dtype, seed)
    got, _ = our_run(optim_torch, function, initial, x, y, STEPS, options)
    expected, _ = torch_run(optimizer, initial, x, y, STEPS, options)
    compare(got, expected, f"{function}({options}) after {STEPS} steps vs torch.optim.{optimizer}",
            {"x": x, "y": y}, CAUSES[optimizer])


def _hyperparameter_grid():
    """(function, torch.optim class, options) over a grid of every hyperparameter, for one sampled_from.

    One draw from a flat list keeps hypothesis's shrinking short (each attempt runs autograd).
    """
    grid = []
    for lr, weight_decay in itertools.product([1e-4, 3e-3, 0.02, 0.1], [0.0, 0.01, 0.3]):
        for momentum, dampening, nesterov in itertools.product([0.0, 0.5, 0.9], [0.0, 0.25], [False, True]):
            if nesterov and (momentum == 0 or dampening != 0):
                continue
            grid.append(("sgd_step", "SGD", dict(lr=lr, momentum=momentum, dampening=dampening,
                                                 weight_decay=weight_decay, nesterov=nesterov)))
        for beta1, beta2, eps in itertools.product([0.0, 0.5, 0.9, 0.95], [0.5, 0.9, 0.999, 0.9999], [1e-8, 1e-3]):
            options = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay)
            grid += [("adam_step", "Adam", options), ("adamw_step", "AdamW", options)]
    return grid


@given(config=st.sampled_from(_hyperparameter_grid()))
def test_any_hyperparameters_match_torch(optim_torch, device, config):
    function, optimizer, options = config
    x, y, initial = problem(device, torch.float64, 0)
    got, _ = our_run(optim_torch, function, initial, x, y, 6, options)
    expected, _ = torch_run(optimizer, initial, x, y, 6, options)
    compare(got, expected, f"{function}({options}) after 6 steps vs torch.optim.{optimizer}", {"x": x},
            CAUSES[optimizer])


@pytest.mark.parametrize("function", ["sgd_step", "adam_step", "adamw_step"])
def test_updates_each_tensor_in_place(optim_torch, device, function, seed):
    x, y, initial = problem(device, torch.float32, seed)
    params = leaves(initial)
    originals, pointers = list(params), [p.data_ptr() for p in params]
    loss_of(params, x, y).backward()
    options = dict(lr=0.1, momentum=0.9) if function == "sgd_step" else dict(lr=0.1)
    returned, _ = getattr(optim_torch, function)(params, {}, **options)
    if not isinstance(returned, list) or len(returned) != len(originals) \
            or any(r is not o for r, o in zip(returned, originals)):
        raise CheckFailure(f"{function} result", "the returned params are not the tensors passed in",
                           [f"returned {type(returned).__name__} of {len(returned)}"],
                           "update each p in place under torch.no_grad() (p.add_(d, alpha=-lr)); "
                           "p = p - lr * g makes a new tensor that autograd, the model and the caller never see")
    for index, (param, pointer, start) in enumerate(zip(originals, pointers, initial)):
        if param.data_ptr() != pointer:
            raise CheckFailure(f"{function}: params[{index}]", "its storage changed",
                               cause="write into the existing storage (p.add_, p.mul_, p.addcdiv_), "
                                     "do not assign p.data = new")
        if torch.equal(param.detach(), start):
            raise CheckFailure(f"{function}: params[{index}]", "unchanged after a step with a gradient",
                               cause="the in-place update must land on the tensor itself, not on a copy")
        if not param.requires_grad or param.grad_fn is not None:
            raise CheckFailure(f"{function}: params[{index}]", "is no longer a leaf that requires grad",
                               cause="update under torch.no_grad(): an in-place op recorded by autograd "
                                     "turns the parameter into a non-leaf")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_state_layout(optim_torch, device, dtype, seed):
    x, y, initial = problem(device, dtype, seed)
    _, adam_state = our_run(optim_torch, "adam_step", initial, x, y, 3, dict(lr=0.01))
    _, sgd_state = our_run(optim_torch, "sgd_step", initial, x, y, 3, dict(lr=0.01, momentum=0.9))
    _, plain_state = our_run(optim_torch, "sgd_step", initial, x, y, 3, dict(lr=0.01))
    for label, state, keys in [("adam_step", adam_state, {"step", "exp_avg", "exp_avg_sq"}),
                               ("sgd_step with momentum", sgd_state, {"momentum_buffer"})]:
        if not isinstance(state, dict) or sorted(state) != [0, 1, 2]:
            raise CheckFailure(f"{label} state", f"keys {sorted(state) if isinstance(state, dict) else state}, "
                               "expected [0, 1, 2]", cause="one entry per parameter, keyed by its index in params")
        for index, entry in state.items():
            if not isinstance(entry, dict) or set(entry) != keys:
                raise CheckFailure(f"{label} state[{index}]", f"got {entry!r:.80}, expected the keys {sorted(keys)}",
                                   cause="torch.optim's names: momentum_buffer; step, exp_avg, exp_avg_sq")
            for key in sorted(keys - {"step"}):
                buffer, param = entry[key], initial[index]
                if not isinstance(buffer, torch.Tensor) or (buffer.shape, buffer.dtype, buffer.device.type) != \
                        (param.shape, param.dtype, param.device.type):
                    raise CheckFailure(f"{label} state[{index}][{key!r}]", f"got {describe_value(buffer)}, "
                                       f"expected {describe_value(param)} like its parameter",
                                       cause="buffers live with their parameter: torch.zeros_like(p) or clone(g)")
            if "step" in entry and (type(entry["step"]) is not int or entry["step"] != 3):
                raise CheckFailure(f"{label} state[{index}]['step']", f"got {entry['step']!r} after 3 steps",
                                   cause="keep the step count as a Python int, advanced by one per step: "
                                         "torch.optim's float tensor is not plain data")
    if any(entry for entry in plain_state.values()):
        raise CheckFailure("sgd_step state without momentum", f"got {plain_state!r:.80}",
                           cause="plain SGD keeps no buffer: only momentum != 0 needs momentum_buffer")


def _plain(value, where="state"):
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (int, str)):
                raise CheckFailure(where, f"key {key!r} of type {type(key).__name__}")
            _plain(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _plain(item, f"{where}[{index}]")
    elif not isinstance(value, (int, float, bool, torch.Tensor)) and value is not None:
        raise CheckFailure(where, f"holds a {type(value).__name__}",
                           cause="state is plain data: dicts of ints, floats and tensors")


@pytest.mark.parametrize("function", ["sgd_step", "adam_step", "adamw_step"])
def test_state_is_plain_data_that_torch_load_accepts(optim_torch, device, function, seed):
    x, y, initial = problem(device, torch.float64, seed)
    options = dict(lr=0.01, momentum=0.9) if function == "sgd_step" else dict(lr=0.01)
    _, state = our_run(optim_torch, function, initial, x, y, 4, options)
    try:
        _plain(state)
    except CheckFailure as failure:
        raise CheckFailure(f"{function} state", str(failure).splitlines()[0],
                           cause="state is plain data: dicts of ints, floats and tensors, no objects") from None
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    try:
        torch.load(buffer, weights_only=True)
    except Exception as error:  # noqa: BLE001 - the refusal is the finding
        raise CheckFailure(f"{function} state", f"torch.load(weights_only=True) refused it: {error}"[:300],
                           cause="a process that reads a checkpoint accepts only tensors, numbers, "
                                 "lists and dicts: no dataclasses or custom objects") from None


@pytest.mark.parametrize("config", ["momentum_dampening", "nesterov", "adam_l2", "adamw"])
def test_restart_from_a_saved_state_continues_identically(optim_torch, device, config, seed):
    function, _, options = CONFIGS[config]
    x, y, initial = problem(device, torch.float64, seed)
    params, state = our_run(optim_torch, function, initial, x, y, 10, options)
    saved_params = [p.detach().clone() for p in params]
    saved_state = copy.deepcopy(state)
    straight, _ = our_run(optim_torch, function, params, x, y, 15, options, state)
    resumed, _ = our_run(optim_torch, function, leaves(saved_params), x, y, 15, options, saved_state)
    compare(resumed, straight, f"{function} resumed from a deep-copied state", {"x": x},
            "everything a step needs must be in the state it is given and returns (buffers, step counts); "
            "nothing may be kept in globals or keyed by id(p)")


@pytest.mark.parametrize("function, optimizer, options", [
    ("sgd_step", "SGD", dict(lr=0.05, momentum=0.9)),
    ("adam_step", "Adam", dict(lr=0.05)),
    ("adamw_step", "AdamW", dict(lr=0.05)),
])
def test_params_without_grad_are_skipped(optim_torch, device, function, optimizer, options, seed):
    x, y, initial = problem(device, torch.float64, seed)
    mine, theirs = leaves(initial), leaves(initial)
    opt = getattr(torch.optim, optimizer)(theirs, foreach=False, **options)
    state = {}
    for step in range(12):
        for params in (mine, theirs):
            for p in params:
                p.grad = None
            loss_of(params, x, y).backward()
            if step % 3 != 2:
                params[2].grad = None  # s gets a gradient on every third step only
        before = mine[2].detach().clone()
        mine, state = getattr(optim_torch, function)(mine, state, **options)
        opt.step()
        if step == 0 and not torch.equal(mine[2].detach(), before):
            raise CheckFailure(f"{function}: params[2] with grad None", "it moved",
                               cause="skip a parameter whose .grad is None: no update, no state, no step count")
    compare(mine, theirs, f"{function} with params[2].grad None on most steps vs torch.optim.{optimizer}",
            {"x": x}, "a parameter without a gradient is skipped entirely; each parameter counts its own steps "
                      "(bias correction uses that count), as torch.optim does")


def test_zero_grad_sets_to_none(optim_torch, device):
    params = [torch.ones(3, device=device, requires_grad=True), torch.ones(2, device=device, requires_grad=True)]
    params[0].grad = torch.full((3,), 2.0, device=device)
    optim_torch.zero_grad(params)
    optim_torch.zero_grad(params, set_to_none=True)
    for index, p in enumerate(params):
        if p.grad is not None:
            raise CheckFailure(f"zero_grad(params): params[{index}].grad", f"got {p.grad!r:.60}, expected None",
                               cause="set_to_none=True (the default, as torch.optim) drops the gradient: "
                                     "p.grad = None, which frees its memory")


def test_zero_grad_in_place_keeps_the_tensor(optim_torch, device):
    p = torch.ones(3, device=device, requires_grad=True)
    (p * torch.arange(3.0, device=device)).sum().backward()
    grad = p.grad
    optim_torch.zero_grad([p, torch.ones(2, device=device, requires_grad=True)], set_to_none=False)
    if p.grad is not grad:
        raise CheckFailure("zero_grad(set_to_none=False)", "replaced p.grad",
                           cause="zero the existing gradient in place (p.grad.zero_()): set_to_none=False exists "
                                 "to keep the same tensor")
    assert_tensor_close(p.grad, torch.zeros(3, device=device), name="p.grad after zero_grad(set_to_none=False)",
                        cause="p.grad.zero_()")


@pytest.mark.parametrize("function", ["sgd_step", "adam_step", "adamw_step"])
def test_runs_on_tensors_that_live_elsewhere(optim_torch, function):
    params = [torch.empty(3, 2, device="meta", requires_grad=True), torch.empty(4, device="meta", requires_grad=True)]
    for p in params:
        p.grad = torch.empty_like(p)
    options = dict(lr=0.1, momentum=0.9) if function == "sgd_step" else dict(lr=0.1)
    _, state = getattr(optim_torch, function)(params, {}, **options)
    _, state = getattr(optim_torch, function)(params, state, **options)
    for index, entry in state.items():
        for key, value in entry.items():
            if isinstance(value, torch.Tensor) and value.device.type != "meta":
                raise CheckFailure(f"{function} state[{index}][{key!r}]", f"on {value.device}, expected meta",
                                   cause="a buffer made with torch.zeros(p.shape) lands on the CPU: "
                                         "use torch.zeros_like(p)")


@pytest.mark.parametrize("function, options, why", [
    ("sgd_step", dict(lr=-0.1), "lr=-0.1"),
    ("adam_step", dict(lr=-1e-3), "lr=-1e-3"),
    ("adamw_step", dict(lr=-1e-3), "lr=-1e-3"),
    ("sgd_step", dict(lr=0.1, momentum=-0.5), "momentum=-0.5"),
    ("sgd_step", dict(lr=0.1, weight_decay=-0.1), "weight_decay=-0.1"),
    ("sgd_step", dict(lr=0.1, nesterov=True), "nesterov=True with momentum=0"),
    ("sgd_step", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov=True with dampening"),
    ("adam_step", dict(betas=(1.0, 0.999)), "betas=(1.0, 0.999)"),
    ("adam_step", dict(betas=(0.9, -0.1)), "betas=(0.9, -0.1)"),
    ("adam_step", dict(eps=-1e-8), "eps=-1e-8"),
    ("adamw_step", dict(weight_decay=-0.01), "weight_decay=-0.01"),
])
def test_rejects_bad_hyperparameters(optim_torch, device, function, options, why):
    p = torch.ones(2, device=device, requires_grad=True)
    p.grad = torch.ones(2, device=device)
    assert_raises(ValueError, lambda: getattr(optim_torch, function)([p], {}, **options), name=function, why=why,
                  cause="check the hyperparameters before the first update, as torch.optim's constructors do")
    assert_tensor_close(p.detach(), torch.ones(2, device=device), name=f"params after {function}({why})",
                        cause="raise before touching any parameter")

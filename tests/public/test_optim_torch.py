"""Public checks for optim_torch: torch.optim parity over 50 steps, in-place updates, zero_grad, validation."""

import pytest
import torch

from grader.checks import CheckFailure, assert_raises
from grader.devices import assert_tensor_close, dtype_id


def regression(device, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(16, 3, generator=generator, dtype=dtype).to(device)
    y = torch.randn(16, 2, generator=generator, dtype=dtype).to(device)
    initial = [torch.randn(3, 2, generator=generator, dtype=dtype).to(device),
               torch.randn(2, generator=generator, dtype=dtype).to(device)]
    return x, y, initial


def train(step, params, x, y, steps=50):
    """50 steps: autograd fills p.grad, ``step(params)`` updates them."""
    for _ in range(steps):
        for p in params:
            p.grad = None
        w, b = params
        ((x @ w + b - y) ** 2).mean().backward()
        step(params)
    return params


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
@pytest.mark.parametrize("function, optimizer, options", [
    ("sgd_step", "SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("adam_step", "Adam", dict(lr=0.01)),
    ("adamw_step", "AdamW", dict(lr=0.01, weight_decay=0.1)),
])
def test_matches_torch_optim(optim_torch, device, dtype, function, optimizer, options, seed):
    x, y, initial = regression(device, dtype, seed)
    state = {}

    def ours(params):
        nonlocal state
        _, state = getattr(optim_torch, function)(params, state, **options)

    expected_params = [t.clone().requires_grad_() for t in initial]
    opt = getattr(torch.optim, optimizer)(expected_params, **options)
    got = train(ours, [t.clone().requires_grad_() for t in initial], x, y)
    expected = train(lambda params: opt.step(), expected_params, x, y)
    for index, (mine, theirs) in enumerate(zip(got, expected)):
        assert_tensor_close(mine.detach(), theirs.detach(), name=f"{function}: params[{index}] after 50 steps",
                            inputs={"x": x, "y": y},
                            cause=f"the update rule of torch.optim.{optimizer}, option for option "
                                  "(see the formulas in the docstring)")


def test_sgd_momentum_first_two_steps(optim_torch, device):
    p = torch.tensor([1.0], device=device, requires_grad=True)
    p.grad = torch.tensor([1.0], device=device)
    _, state = optim_torch.sgd_step([p], {}, lr=0.1, momentum=0.9, dampening=0.5)
    assert_tensor_close(state[0]["momentum_buffer"], torch.tensor([1.0], device=device),
                        name="momentum_buffer after the first step",
                        cause="the first step sets the buffer to the gradient itself (no dampening): buf = g")
    p.grad = torch.tensor([2.0], device=device)
    _, state = optim_torch.sgd_step([p], state, lr=0.1, momentum=0.9, dampening=0.5)
    assert_tensor_close(state[0]["momentum_buffer"], torch.tensor([1.9], device=device),
                        name="momentum_buffer after two steps", cause="buf = momentum * buf + (1 - dampening) * g")
    assert_tensor_close(p.detach(), torch.tensor([0.71], device=device), name="p after two steps",
                        cause="p -= lr * buf, in place")


def test_adam_updates_in_place(optim_torch, device):
    p = torch.zeros(3, device=device, requires_grad=True)
    p.grad = torch.tensor([1.0, -2.0, 0.5], device=device)
    pointer = p.data_ptr()
    returned, state = optim_torch.adam_step([p], {}, lr=0.1)
    if returned[0] is not p or p.data_ptr() != pointer:
        raise CheckFailure("adam_step result", "not the tensor passed in, updated in place",
                           cause="update p itself under torch.no_grad() (p.addcdiv_(...)), not p = p - ...")
    # After one step m / (1 - beta1) = g and sqrt(v / (1 - beta2)) = |g|: each weight moves by lr.
    assert_tensor_close(p.detach(), torch.tensor([-0.1, 0.1, -0.1], device=device), name="p after one adam_step",
                        cause="bias-correct both moments: the first step moves each weight by about lr")
    if state[0]["step"] != 1:
        raise CheckFailure("state[0]['step'] after one adam_step", f"got {state[0]['step']!r}, expected 1",
                           cause="advance the parameter's step count by one per step")


def test_zero_grad(optim_torch, device):
    p = torch.ones(2, device=device, requires_grad=True)
    p.grad = torch.ones(2, device=device)
    grad = p.grad
    optim_torch.zero_grad([p], set_to_none=False)
    if p.grad is not grad:
        raise CheckFailure("zero_grad(set_to_none=False)", "replaced p.grad", cause="p.grad.zero_() in place")
    assert_tensor_close(p.grad, torch.zeros(2, device=device), name="p.grad", cause="p.grad.zero_()")
    optim_torch.zero_grad([p])
    if p.grad is not None:
        raise CheckFailure("zero_grad(params)", "p.grad is not None",
                           cause="the default set_to_none=True: p.grad = None")


def test_negative_lr_is_rejected(optim_torch):
    p = torch.ones(2, requires_grad=True)
    p.grad = torch.ones(2)
    assert_raises(ValueError, lambda: optim_torch.sgd_step([p], {}, lr=-0.1), name="sgd_step", why="lr=-0.1",
                  cause="check lr >= 0 before updating, as torch.optim does")

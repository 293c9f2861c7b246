"""Public checks for optim: one step by hand for each rule, torch parity over a few steps, state layout."""

import numpy as np
import pytest

from grader.checks import assert_close

TORCH_NAMES = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}
OPTIONS = {"sgd": dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
           "rmsprop": dict(lr=0.01, momentum=0.5, centered=True),
           "adam": dict(lr=0.01, weight_decay=0.1, amsgrad=True),
           "adamw": dict(lr=0.01, weight_decay=0.1)}


def test_sgd_step_fixed_values(optim):
    params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([0.5, -1.0])}
    next_params, _ = optim.sgd_step(params, grads, {}, lr=0.1)
    assert_close(next_params["w"], [0.95, 2.1], name="params['w'] after sgd_step", cause="p = p - lr * g")


def test_sgd_momentum_over_two_steps(optim):
    params, state = {"w": np.array([1.0])}, {}
    params, state = optim.sgd_step(params, {"w": np.array([1.0])}, state, lr=0.1, momentum=0.9)
    assert_close(params["w"], [0.9], name="params['w'] after the first momentum step",
                 cause="the first step sets the buffer to the gradient itself: buf = g")
    params, state = optim.sgd_step(params, {"w": np.array([2.0])}, state, lr=0.1, momentum=0.9)
    assert_close(state["w"]["momentum_buffer"], [2.9], name="momentum_buffer after two steps",
                 cause="buf = momentum * buf + (1 - dampening) * g = 0.9 * 1 + 2")
    assert_close(params["w"], [0.61], name="params['w'] after two momentum steps", cause="p = p - lr * buf")


def test_rmsprop_first_step_fixed_values(optim):
    params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([2.0, -1.0])}
    next_params, state = optim.rmsprop_step(params, grads, {}, lr=0.01, alpha=0.99, eps=0.0)
    # v = 0.01 * g**2, so g / sqrt(v) = 10 * sign(g): each weight moves by lr * 10 = 0.1.
    assert_close(state["w"]["square_avg"], [0.04, 0.01], name="square_avg after one rmsprop_step",
                 cause="v = alpha * v + (1 - alpha) * g**2, starting from v = 0")
    assert_close(next_params["w"], [0.9, 2.1], name="params['w'] after one rmsprop_step",
                 cause="p = p - lr * g / (sqrt(v) + eps)")


def test_adam_first_step_moves_each_weight_by_lr(optim):
    params, grads = {"w": np.array([1.0, 2.0, 3.0])}, {"w": np.array([0.001, -5.0, 100.0])}
    next_params, state = optim.adam_step(params, grads, {}, lr=0.1, eps=0.0)
    assert state["w"]["step"] == 1, f"state['w']['step'] after one adam_step: expected 1, got {state['w']['step']}"
    assert_close(next_params["w"], [0.9, 2.1, 2.9], name="params['w'] after one adam_step",
                 cause="with bias correction m_hat = g and v_hat = g**2 on the first step, "
                       "so p moves by lr * g / |g| = lr, whatever the size of g")


def test_adamw_decays_weights_even_with_zero_gradients(optim):
    params, grads = {"w": np.array([1.0, -2.0])}, {"w": np.zeros(2)}
    next_params, _ = optim.adamw_step(params, grads, {}, lr=0.1, weight_decay=0.5)
    assert_close(next_params["w"], [0.95, -1.9], name="params['w'] after one adamw_step with a zero gradient",
                 cause="AdamW first multiplies p by 1 - lr * weight_decay, outside the Adam update")


@pytest.mark.parametrize("optimizer", list(TORCH_NAMES))
def test_matches_torch_over_five_steps(optim, optimizer, rng):
    import torch

    shapes = {"weight": (3, 2), "bias": (2,)}
    initial = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    tensors = {name: torch.nn.Parameter(torch.tensor(value)) for name, value in initial.items()}
    reference = getattr(torch.optim, TORCH_NAMES[optimizer])(list(tensors.values()), **OPTIONS[optimizer])
    params, state = initial, {}
    for _ in range(5):
        grads = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
        params, state = getattr(optim, f"{optimizer}_step")(params, grads, state, **OPTIONS[optimizer])
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(grads[name])
        reference.step()
    for name, tensor in tensors.items():
        assert_close(params[name], tensor.detach().numpy(), name=f"params[{name!r}] after 5 {optimizer}_steps",
                     rtol=1e-10, cause=f"follow torch.optim.{TORCH_NAMES[optimizer]} line by line (docs/optim.md)")


def test_step_returns_new_dicts_with_state_per_parameter(optim):
    params, grads = {"w": np.ones((2, 3)), "b": np.ones(3)}, {"w": np.ones((2, 3)), "b": np.ones(3)}
    next_params, state = optim.adam_step(params, grads, {})
    assert next_params is not params, "adam_step returned the params dict it was given; build a new dict"
    assert set(state) == {"w", "b"}, f"state must hold one entry per parameter, keys ['b', 'w'], got {sorted(state)}"
    assert params["w"][0, 0] == 1.0, "adam_step changed the caller's params in place; compute new arrays"
    for name, shape in [("w", (2, 3)), ("b", (3,))]:
        assert state[name]["exp_avg"].shape == shape, \
            f"state[{name!r}]['exp_avg'] has shape {state[name]['exp_avg'].shape}, expected {shape}"

"""Hidden checks for optim: 50-step torch parity for every option, properties, state hygiene, validation."""

import copy
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_raises

SHAPES = {"weight": (3, 4), "bias": (4,), "kernel": (2, 1, 3)}
TORCH_NAMES = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}
CAUSES = {
    "sgd": "torch.optim.SGD: g += weight_decay * p; buf = g on the first step (no dampening), then "
           "buf = momentum * buf + (1 - dampening) * g; step along g + momentum * buf if nesterov, else buf",
    "rmsprop": "torch.optim.RMSprop: v = alpha * v + (1 - alpha) * g**2; divide by sqrt(v) + eps (eps outside "
               "the sqrt; sqrt(v - a**2) + eps when centered); momentum: b = momentum * b + g / (sqrt(v) + eps)",
    "adam": "torch.optim.Adam: L2 added to the gradient, t incremented every step, m_hat = m / (1 - beta1**t), "
            "v_hat = v / (1 - beta2**t), p -= lr * m_hat / (sqrt(v_hat) + eps); amsgrad uses max(v) so far",
    "adamw": "torch.optim.AdamW: p *= 1 - lr * weight_decay BEFORE the Adam update, and the decay never "
             "enters m or v (that would be Adam's coupled L2)",
}
# Every option of every optimizer, each in combination with the others (nesterov needs momentum, no dampening).
SGD_OPTIONS = [dict(lr=0.05, momentum=m, dampening=d, nesterov=n, weight_decay=wd)
               for m, d, n, wd in itertools.product([0.0, 0.9], [0.0, 0.5], [False, True], [0.0, 0.1])
               if not (n and (m == 0 or d != 0))]
RMSPROP_OPTIONS = [dict(lr=0.01, alpha=a, momentum=m, centered=c, weight_decay=wd, eps=eps)
                   for a, m, c, wd, eps in itertools.product([0.99, 0.9], [0.0, 0.9], [False, True], [0.0, 0.1],
                                                             [1e-8, 1e-3])]
ADAM_OPTIONS = [dict(lr=0.05, weight_decay=wd, amsgrad=ams, betas=b)
                for wd, ams, b in itertools.product([0.0, 0.1], [False, True], [(0.9, 0.999), (0.5, 0.9)])]
OPTIONS = {"sgd": SGD_OPTIONS, "rmsprop": RMSPROP_OPTIONS, "adam": ADAM_OPTIONS, "adamw": ADAM_OPTIONS}
# One setting per optimizer with every feature on: momentum, centering, amsgrad, decay.
FULL = {"sgd": dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.1),
        "rmsprop": dict(lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.1),
        "adam": dict(lr=0.05, weight_decay=0.1, amsgrad=True), "adamw": dict(lr=0.05, weight_decay=0.1, amsgrad=True)}
NAMES = list(TORCH_NAMES)


def option_id(options):
    return ",".join(f"{key}={value}" for key, value in options.items() if key != "lr")


def random_run(rng, shapes=SHAPES, steps=50, dtype=np.float64):
    """Initial parameters and a sequence of gradients, all of the given shapes."""
    initial = {name: rng.standard_normal(shape).astype(dtype) for name, shape in shapes.items()}
    gradients = [{name: rng.standard_normal(shape).astype(dtype) for name, shape in shapes.items()}
                 for _ in range(steps)]
    return initial, gradients


def run_ours(optim, optimizer, initial, gradients, options):
    step = getattr(optim, f"{optimizer}_step")
    params, state = dict(initial), {}
    for grads in gradients:
        params, state = step(params, grads, state, **options)
    return params, state


def run_torch(optimizer, initial, gradients, options):
    """torch.optim on Parameters made from the same arrays, .grad set to each step's gradient."""
    import torch

    tensors = {name: torch.nn.Parameter(torch.tensor(value)) for name, value in initial.items()}
    reference = getattr(torch.optim, TORCH_NAMES[optimizer])(list(tensors.values()), foreach=False, **options)
    for grads in gradients:
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(grads[name])
        reference.step()
    state = {name: {key: value.numpy() for key, value in reference.state[tensor].items()}
             for name, tensor in tensors.items()}
    return {name: tensor.detach().numpy() for name, tensor in tensors.items()}, state


def label(optimizer, options):
    return f"{optimizer}_step({', '.join(f'{key}={value}' for key, value in options.items())})"


def assert_params_match(got, expected, *, what, cause, rtol=1e-10, atol=1e-12):
    assert isinstance(got, dict) and set(got) == set(expected), \
        f"{what}: expected a dict with keys {sorted(expected)}, got {got!r:.200}"
    for name, value in expected.items():
        assert_close(got[name], value, name=f"params[{name!r}] {what}", rtol=rtol, atol=atol,
                     inputs={"param": value}, cause=cause)


def parity(optim, optimizer, options, rng):
    initial, gradients = random_run(rng)
    got, _ = run_ours(optim, optimizer, initial, gradients, options)
    expected, _ = run_torch(optimizer, initial, gradients, options)
    assert_params_match(got, expected, what=f"after 50 steps of {label(optimizer, options)}",
                        cause=CAUSES[optimizer])


@pytest.mark.parametrize("options", SGD_OPTIONS, ids=option_id)
def test_sgd_matches_torch_over_50_steps(optim, options, rng):
    parity(optim, "sgd", options, rng)


@pytest.mark.parametrize("options", RMSPROP_OPTIONS, ids=option_id)
def test_rmsprop_matches_torch_over_50_steps(optim, options, rng):
    parity(optim, "rmsprop", options, rng)


@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=option_id)
def test_adam_matches_torch_over_50_steps(optim, options, rng):
    parity(optim, "adam", options, rng)


@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=option_id)
def test_adamw_matches_torch_over_50_steps(optim, options, rng):
    parity(optim, "adamw", options, rng)


@st.composite
def runs(draw):
    """Random parameter shapes and values, three steps of gradients, one optimizer setting."""
    optimizer = draw(st.sampled_from(NAMES))
    options = {**draw(st.sampled_from(OPTIONS[optimizer])), "lr": draw(st.sampled_from([1e-3, 0.03, 0.3]))}
    shapes = draw(st.lists(gs.shapes(max_dims=3, max_side=4), min_size=1, max_size=3))
    initial = {f"p{i}": draw(gs.float_arrays(shape, bound=3.0)) for i, shape in enumerate(shapes)}
    gradients = [{name: draw(gs.float_arrays(value.shape, bound=3.0)) for name, value in initial.items()}
                 for _ in range(3)]
    return optimizer, options, initial, gradients


@given(run=runs())
def test_matches_torch_on_random_shapes(optim, run):
    optimizer, options, initial, gradients = run
    got, _ = run_ours(optim, optimizer, initial, gradients, options)
    expected, _ = run_torch(optimizer, initial, gradients, options)
    assert_params_match(got, expected, what=f"after 3 steps of {label(optimizer, options)}", cause=CAUSES[optimizer])


@pytest.mark.parametrize("optimizer", NAMES)
def test_state_matches_torch_state(optim, optimizer, rng):
    initial, gradients = random_run(rng, steps=5)
    _, state = run_ours(optim, optimizer, initial, gradients, FULL[optimizer])
    _, expected = run_torch(optimizer, initial, gradients, FULL[optimizer])
    for name, entries in expected.items():
        for key, value in entries.items():
            got = state.get(name, {}).get(key) if isinstance(state.get(name), dict) else None
            assert got is not None, (f"state[{name!r}][{key!r}] missing after 5 steps of "
                                     f"{label(optimizer, FULL[optimizer])}; torch keeps {sorted(entries)}")
            assert_close(got, value, name=f"state[{name!r}][{key!r}] after 5 steps of {optimizer}_step",
                         rtol=1e-10, atol=1e-12, cause="the state holds what torch keeps under the same "
                         "name: step counts the steps taken (1 after the first), the averages are unscaled")


BOWL_OPTIONS = {"sgd": dict(lr=0.1, momentum=0.9), "rmsprop": dict(lr=0.03), "adam": dict(lr=0.1),
                "adamw": dict(lr=0.1, weight_decay=0.01)}


@pytest.mark.parametrize("optimizer", NAMES)
def test_quadratic_bowl_is_minimised(optim, optimizer):
    fixed = np.random.default_rng(1)  # one bowl for every run: the bound below was measured on it
    curvature = {name: fixed.uniform(0.5, 2.0, shape) for name, shape in SHAPES.items()}
    centre = {name: fixed.uniform(-1.0, 1.0, shape) for name, shape in SHAPES.items()}

    def loss(params):
        return sum(0.5 * float(np.sum(curvature[n] * (params[n] - centre[n]) ** 2)) for n in SHAPES)

    params = {name: centre[name] + 3.0 for name in SHAPES}
    state, start = {}, loss(params)
    for _ in range(200):
        grads = {name: curvature[name] * (params[name] - centre[name]) for name in SHAPES}
        params, state = getattr(optim, f"{optimizer}_step")(params, grads, state, **BOWL_OPTIONS[optimizer])
    final = loss(params)
    # The reference ends below 2e-4 of the start on this bowl (AdamW's decay pulls it slightly off centre).
    assert final < 1e-4 * start, (
        f"{label(optimizer, BOWL_OPTIONS[optimizer])} on 0.5 * sum(c * (p - centre)**2): loss went from "
        f"{start:.4g} to {final:.4g} in 200 steps, expected below {1e-4 * start:.4g}; check the sign of the "
        "update and the denominator (Adam divides by sqrt(v_hat) + eps, not v_hat)")


@pytest.mark.parametrize("optimizer", NAMES)
def test_parameters_evolve_independently(optim, optimizer, rng):
    initial, gradients = random_run(rng, shapes={"a": (4,), "b": (4,)}, steps=10)
    together, _ = run_ours(optim, optimizer, initial, gradients, FULL[optimizer])
    for name in ("a", "b"):
        alone, _ = run_ours(optim, optimizer, {name: initial[name]}, [{name: g[name]} for g in gradients],
                            FULL[optimizer])
        assert_close(together[name], alone[name], name=f"params[{name!r}] stepped next to another parameter",
                     rtol=1e-12, atol=0, cause="keep the state per parameter, state[name] = {...}: one buffer "
                     "shared by every parameter mixes their gradients")


def walk(value, path):
    """Every (path, leaf) in a state, descending into dicts."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from walk(inner, f"{path}[{key!r}]")
    else:
        yield path, value


@pytest.mark.parametrize("optimizer", NAMES)
def test_state_is_plain_data_per_parameter(optim, optimizer, rng):
    initial, gradients = random_run(rng, steps=2)
    _, state = run_ours(optim, optimizer, initial, gradients, FULL[optimizer])
    assert isinstance(state, dict) and set(state) == set(initial), (
        f"state after {optimizer}_step: expected one entry per parameter, keys {sorted(initial)}, got "
        f"{sorted(state) if isinstance(state, dict) else type(state).__name__}")
    for path, leaf in walk(state, "state"):
        plain = isinstance(leaf, (int, float, np.ndarray)) and not isinstance(leaf, bool)
        assert plain, (f"{path} is a {type(leaf).__name__}: state must be plain data (dicts of arrays, ints "
                       "and floats) so that it can be saved and sent to another process")


@pytest.mark.parametrize("optimizer", NAMES)
def test_inputs_are_not_modified(optim, optimizer, rng):
    initial, gradients = random_run(rng, steps=3)
    step = getattr(optim, f"{optimizer}_step")
    params, state = initial, {}
    for grads in gradients:
        before = copy.deepcopy((params, grads, state))
        next_params, next_state = step(params, grads, state, **FULL[optimizer])
        for what, value, kept in zip(("params", "grads", "state"), (params, grads, state), before):
            assert set(value) == set(kept), f"{optimizer}_step changed the keys of its {what} argument"
            for (path, leaf), (_, original) in zip(walk(value, what), walk(kept, what)):
                assert_close(leaf, original, name=f"{path} after {optimizer}_step", rtol=0, atol=0,
                             cause="an in-place update (buf *= momentum, p -= ...) changed the caller's "
                                   "array: build new arrays (buf = momentum * buf + ...)")
        params, state = next_params, next_state


@pytest.mark.parametrize("optimizer", NAMES)
def test_state_does_not_alias_the_inputs(optim, optimizer, rng):
    initial, gradients = random_run(rng, steps=1)
    options = {**FULL[optimizer], "weight_decay": 0.0}
    params, state = getattr(optim, f"{optimizer}_step")(initial, gradients[0], {}, **options)
    for path, leaf in [*walk(state, "state"), *walk(params, "next_params")]:
        for name in initial:
            shared = any(np.shares_memory(leaf, given[name]) for given in (initial, gradients[0]))
            assert not shared, (f"{path} after one {optimizer}_step shares memory with params or grads "
                                f"[{name!r}]: a caller that reuses its gradient arrays would change your state; "
                                "copy the gradient (np.array(g, copy=True)) before storing it")


@pytest.mark.parametrize("optimizer", NAMES)
def test_float32_stays_float32(optim, optimizer, rng):
    initial, gradients = random_run(rng, steps=2, dtype=np.float32)
    params, state = run_ours(optim, optimizer, initial, gradients, FULL[optimizer])
    for path, leaf in [*walk(params, "params"), *walk(state, "state")]:
        if isinstance(leaf, np.ndarray):
            assert_dtype(leaf, np.float32, name=f"{path} after {optimizer}_step on float32",
                         cause="np.zeros(shape) is float64: start the averages with np.zeros_like(param)")


def test_first_momentum_step_skips_dampening(optim):
    params, g1, g2 = {"w": np.array([1.0, -1.0])}, {"w": np.array([1.0, 2.0])}, {"w": np.array([1.0, 1.0])}
    options = dict(lr=0.1, momentum=0.9, dampening=0.5)
    params, state = optim.sgd_step(params, g1, {}, **options)
    cause = "the first step copies the gradient into the buffer (buf = g, no dampening, no zeros); later steps " \
            "are buf = momentum * buf + (1 - dampening) * g"
    assert_close(params["w"], [0.9, -1.2], name="params['w'] after one sgd_step with momentum", cause=cause)
    params, state = optim.sgd_step(params, g2, state, **options)
    assert_close(state["w"]["momentum_buffer"], [1.4, 2.3], name="momentum_buffer after two sgd_steps",
                 cause=cause)
    assert_close(params["w"], [0.76, -1.43], name="params['w'] after two sgd_steps with momentum", cause=cause)


def test_nesterov_steps_along_gradient_plus_momentum_buffer(optim):
    params, options = {"w": np.array([1.0, 0.0])}, dict(lr=0.1, momentum=0.9, nesterov=True)
    params, state = optim.sgd_step(params, {"w": np.array([1.0, -2.0])}, {}, **options)
    cause = "Nesterov looks ahead: the step is g + momentum * buf (here 1.9 * g on the first step), not buf"
    assert_close(params["w"], [0.81, 0.38], name="params['w'] after one nesterov sgd_step", cause=cause)
    params, _ = optim.sgd_step(params, {"w": np.array([0.5, 1.0])}, state, **options)
    assert_close(params["w"], [0.634, 0.352], name="params['w'] after two nesterov sgd_steps", cause=cause)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.8, 0.99)])
@given(data=st.data())
def test_adam_first_step_moves_each_weight_by_lr(optim, betas, data):
    grad = data.draw(gs.float_arrays(gs.shapes(max_dims=2), bound=100.0, away_from_zero=1e-3), label="grad")
    param = data.draw(gs.float_arrays(grad.shape), label="param")
    lr, amsgrad = data.draw(st.sampled_from([1e-3, 0.1])), data.draw(st.booleans())
    params, _ = optim.adam_step({"w": param}, {"w": grad}, {}, lr=lr, betas=betas, eps=0.0, amsgrad=amsgrad)
    # After bias correction m_hat = g and v_hat = g**2: the first step is lr * g / |g|, whatever the betas.
    assert_close(params["w"], param - lr * np.sign(grad), name="params['w'] after one adam_step with eps=0",
                 inputs={"param": param, "grad": grad}, cause="divide m by 1 - beta1**t and v by 1 - beta2**t "
                 "with t = 1 on the first step: without it the first step is lr * (1 - beta1) / sqrt(1 - beta2)")


def test_adamw_decay_is_decoupled_from_the_moments(optim, rng):
    param, zero = rng.standard_normal((3, 2)), np.zeros((3, 2))
    params, state = {"w": param}, {}
    for _ in range(3):
        params, state = optim.adamw_step(params, {"w": zero}, state, lr=0.01, weight_decay=0.1)
    cause = CAUSES["adamw"]
    assert_close(params["w"], param * (1 - 0.01 * 0.1) ** 3, name="params['w'] after 3 adamw_steps with zero "
                 "gradients", inputs={"param": param}, cause=cause)
    for key in ("exp_avg", "exp_avg_sq"):
        assert_close(state["w"][key], zero, name=f"state['w'][{key!r}] after zero gradients", cause=cause)


def test_rmsprop_adds_eps_outside_the_sqrt(optim):
    grad = np.array([1e-3, -3e-3])
    params, _ = optim.rmsprop_step({"w": np.zeros(2)}, {"w": grad}, {}, lr=0.1, alpha=0.99, eps=1e-2)
    # v = 0.01 * g**2 so sqrt(v) = 0.1 * |g|; the step is lr * g / (0.1 * |g| + eps).
    assert_close(params["w"], [-1e-4 / 1.01e-2, 3e-4 / 1.03e-2], name="params['w'] after one rmsprop_step",
                 cause="torch divides by sqrt(v) + eps, not sqrt(v + eps)")


def invalid_calls():
    params, grads = {"w": np.zeros(2), "b": np.zeros(1)}, {"w": np.ones(2), "b": np.ones(1)}
    extra, missing = {**grads, "c": np.ones(1)}, {"w": np.ones(2)}
    reshaped = {"w": np.ones((2, 1)), "b": np.ones(1)}
    return [
        ("sgd", grads, dict(lr=-0.1), "a negative lr"),
        ("sgd", grads, dict(lr=0.1, momentum=-0.5), "a negative momentum"),
        ("sgd", grads, dict(lr=0.1, nesterov=True), "nesterov=True with momentum=0"),
        ("sgd", grads, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov=True with dampening"),
        ("rmsprop", grads, dict(lr=-0.01), "a negative lr"),
        ("rmsprop", grads, dict(eps=-1e-8), "a negative eps"),
        ("adam", grads, dict(lr=-1e-3), "a negative lr"),
        ("adam", grads, dict(betas=(1.0, 0.999)), "beta1 = 1"),
        ("adam", grads, dict(betas=(0.9, -0.1)), "a negative beta2"),
        ("adam", grads, dict(eps=-1e-8), "a negative eps"),
        ("adamw", grads, dict(betas=(0.9, 1.5)), "beta2 = 1.5"),
        ("adamw", grads, dict(weight_decay=-0.01), "a negative weight_decay"),
        *((name, extra, dict(lr=0.1), "grads with a key that params lack") for name in NAMES),
        *((name, missing, dict(lr=0.1), "grads missing a key of params") for name in NAMES),
        ("adam", reshaped, dict(lr=0.1), "a gradient of shape (2, 1) for a parameter of shape (2,)"),
    ], params


CALLS, PARAMS = invalid_calls()


@pytest.mark.parametrize("optimizer, grads, options, why", CALLS, ids=[f"{c[0]}: {c[3]}" for c in CALLS])
def test_invalid_arguments_are_rejected(optim, optimizer, grads, options, why):
    step = getattr(optim, f"{optimizer}_step")
    assert_raises(ValueError, lambda: step(PARAMS, grads, {}, **options), name=f"{optimizer}_step", why=why,
                  cause="check the arguments before any arithmetic: lr, eps, weight_decay >= 0, betas in "
                        "[0, 1), nesterov needs momentum > 0 and no dampening, set(grads) == set(params)")

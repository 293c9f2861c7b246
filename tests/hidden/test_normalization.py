"""Hidden checks for normalization: torch parity over training steps, gradients, properties, validation."""


import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_raises, assert_shape
from grader.parity import assert_matches_torch

BIASED = "normalise with the BIASED variance (divide by m, np.var's default ddof=0), eps inside the sqrt"
CHANNEL_AXES = ("batch norm statistics are per channel, over every axis but 1: axis 0 for (N, C), "
                "(0, 2, 3) for (N, C, H, W)")
TRAIN_DX = ("in training the mean and variance depend on x: dx = gamma * inv_std * (dout - mean(dout) "
            "- x_hat * mean(dout * x_hat)), not just dout * gamma * inv_std")
EVAL_DX = "in eval mode the running statistics are constants: dx = dout * gamma / sqrt(running_var + eps)"
RUNNING = ("running = (1 - momentum) * running + momentum * batch_stat, with the UNBIASED batch variance "
           "(var * m / (m - 1)) for running_var")
EVAL_OUT = "with train=False normalise with running_mean and running_var, never the batch's own statistics"
PARAMS = "dgamma = sum(dout * x_hat), dbeta = sum(dout), over the axes gamma was broadcast along"
LN_AXES = "layer norm statistics are per sample, over the trailing gamma.ndim axes (axis=-1 for gamma (D,))"
LN_DX = "with g = dout * gamma: dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps), means per sample"


CHANNEL_AXES_OF = {2: (0,), 4: (0, 2, 3)}


def alternate(x, axes, gap):
    """x + gap * (+1, -1, +1, ...) along the elements of each normalised group (the ``axes``).

    With |x| <= gap - 1, the values of every group then lie at least 2 apart, so its variance is far
    above eps. On a (nearly) constant group var << eps and x_hat is rounding noise amplified by
    1 / sqrt(eps) = 316, on which torch, NumPy and central differences legitimately disagree.
    """
    last = tuple(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, axes, last)
    group = moved.shape[x.ndim - len(axes):]
    signs = np.where(np.arange(int(np.prod(group))) % 2 == 0, 1.0, -1.0).reshape(group)
    return np.moveaxis(moved + gap * signs, last, axes)


def grouped_arrays(shape, axes, bound=10.0):
    """Arrays whose every group along ``axes`` varies (see alternate), values within bound + 1 of 0."""
    return gs.float_arrays(shape, bound=bound).map(lambda x: alternate(x, axes, bound + 1))


def standardised(z, axes):
    """z shifted and scaled to mean 0 and (biased) variance 1 over ``axes``: inputs of known spread."""
    return (z - z.mean(axis=axes, keepdims=True)) / z.std(axis=axes, keepdims=True)


def about(forward, at):
    """``forward(v) - forward(at)``: the same gradient, from sums of small numbers.

    Summed whole, an output of magnitude ~100 carries rounding of ~1e-14, which the central
    difference's 2e-6 step turns into ~1e-8: the size of the tolerance when the true gradient
    is 0 (a dout constant over a group, common in generated inputs).
    """
    base = np.asarray(forward(at))
    return lambda value: forward(value) - base


def positive_arrays(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(0.05, 5.0))


@st.composite
def channel_shapes(draw, rank):
    """x shapes for BatchNorm1d (rank 2) or BatchNorm2d (rank 4) with at least 2 values per channel."""
    if rank == 2:
        return (draw(st.integers(2, 4)), draw(st.integers(1, 4)))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    assume(shape[0] * shape[2] * shape[3] >= 2)
    return shape


@st.composite
def batchnorm_state(draw, shape):
    channels = shape[1]
    return {"gamma": draw(gs.float_arrays((channels,), bound=3.0)),
            "beta": draw(gs.float_arrays((channels,), bound=3.0)),
            "running_mean": draw(gs.float_arrays((channels,), bound=3.0)),
            "running_var": draw(positive_arrays((channels,)))}


def torch_batchnorm(rank, state, *, momentum, eps, train):
    """A float64 BatchNorm1d/2d module holding our gamma, beta and running statistics."""
    import torch

    kind = torch.nn.BatchNorm1d if rank == 2 else torch.nn.BatchNorm2d
    module = kind(len(state["gamma"]), eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(state["gamma"]))
        module.bias.copy_(torch.from_numpy(state["beta"]))
        module.running_mean.copy_(torch.from_numpy(state["running_mean"]))
        module.running_var.copy_(torch.from_numpy(state["running_var"]))
    return module.train(train)


def run_torch_step(module, x, dout):
    import torch

    module.zero_grad()
    tensor = torch.tensor(x, requires_grad=True)
    out = module(tensor)
    out.backward(torch.from_numpy(dout))
    return {"out": out.detach().numpy(), "x": tensor.grad.numpy(), "gamma": module.weight.grad.numpy(),
            "beta": module.bias.grad.numpy(), "running_mean": module.running_mean.numpy().copy(),
            "running_var": module.running_var.numpy().copy()}


def compare_step(normalization, module, x, dout, state, *, train, momentum, eps, step, causes):
    out, cache, running_mean, running_var = normalization.batchnorm_forward(
        x, state["gamma"], state["beta"], state["running_mean"], state["running_var"],
        train=train, momentum=momentum, eps=eps)
    dx, dgamma, dbeta = normalization.batchnorm_backward(dout, cache)
    expected = run_torch_step(module, x, dout)
    shown = {"x": x, "dout": dout, "step": step, "momentum": momentum}
    got = {"out": out, "x": dx, "gamma": dgamma, "beta": dbeta,
           "running_mean": running_mean, "running_var": running_var}
    for key, value in got.items():
        quantity = {"out": "out of batchnorm_forward", "running_mean": "next_running_mean of batchnorm_forward",
                    "running_var": "next_running_var of batchnorm_forward"}.get(key, f"d{key} of batchnorm_backward")
        assert_close(value, expected[key], name=f"{quantity} (step {step})", inputs=shown, cause=causes[key])
    return {**state, "running_mean": running_mean, "running_var": running_var}


@pytest.mark.parametrize("rank", [2, 4], ids=["BatchNorm1d", "BatchNorm2d"])
@given(data=st.data())
def test_batchnorm_training_matches_torch_over_steps(normalization, rank, data):
    shape = data.draw(channel_shapes(rank), label="shape")
    state = data.draw(batchnorm_state(shape), label="state")
    momentum = data.draw(st.sampled_from([0.1, 0.3, 0.9]), label="momentum")
    module = torch_batchnorm(rank, state, momentum=momentum, eps=1e-5, train=True)
    causes = {"out": f"{BIASED}; {CHANNEL_AXES}", "x": TRAIN_DX, "gamma": PARAMS, "beta": PARAMS,
              "running_mean": RUNNING, "running_var": RUNNING}
    for step in range(3):  # the returned running statistics feed the next step, as in a training loop
        x = data.draw(grouped_arrays(shape, CHANNEL_AXES_OF[rank]), label=f"x{step}")
        dout = data.draw(gs.float_arrays(shape), label=f"dout{step}")
        state = compare_step(normalization, module, x, dout, state, train=True, momentum=momentum, eps=1e-5,
                             step=step, causes=causes)


@pytest.mark.parametrize("rank", [2, 4], ids=["BatchNorm1d", "BatchNorm2d"])
@given(data=st.data())
def test_batchnorm_eval_matches_torch(normalization, rank, data):
    shape = data.draw(channel_shapes(rank), label="shape")
    state = data.draw(batchnorm_state(shape), label="state")
    module = torch_batchnorm(rank, state, momentum=0.1, eps=1e-5, train=False)
    causes = {"out": EVAL_OUT, "x": EVAL_DX, "gamma": PARAMS, "beta": PARAMS,
              "running_mean": "eval mode returns the running statistics unchanged",
              "running_var": "eval mode returns the running statistics unchanged"}
    x = data.draw(gs.float_arrays(shape), label="x")
    dout = data.draw(gs.float_arrays(shape), label="dout")
    compare_step(normalization, module, x, dout, state, train=False, momentum=0.1, eps=1e-5, step=0, causes=causes)


@st.composite
def layernorm_inputs(draw, max_side=4, bound=10.0):
    normalized = draw(gs.shapes(min_dims=1, max_dims=2, max_side=max_side))
    leading = draw(gs.shapes(min_dims=1, max_dims=2, max_side=3))
    x = draw(grouped_arrays((*leading, *normalized), tuple(range(len(leading), len(leading) + len(normalized))),
                            bound=bound))
    gamma = draw(gs.float_arrays(normalized, bound=3.0))
    beta = draw(gs.float_arrays(normalized, bound=3.0))
    dout = draw(gs.float_arrays(x.shape, bound=bound))
    return x, gamma, beta, dout


@given(inputs=layernorm_inputs())
def test_layernorm_matches_torch(normalization, inputs):
    import torch

    x, gamma, beta, dout = inputs
    out, cache = normalization.layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = normalization.layernorm_backward(dout, cache)
    assert_matches_torch(
        lambda x, weight, bias: torch.nn.functional.layer_norm(x, weight.shape, weight, bias, eps=1e-5),
        {"x": x, "weight": gamma, "bias": beta}, out=out, grads={"x": dx, "weight": dgamma, "bias": dbeta},
        dout=dout, forward="layernorm_forward", backward="layernorm_backward",
        causes={"out": f"{LN_AXES}; {BIASED}", "x": LN_DX, "weight": PARAMS, "bias": PARAMS})


def small_batchnorm_inputs(rank):
    @st.composite
    def build(draw):
        shape = draw(channel_shapes(rank).filter(lambda s: np.prod(s) <= 24))
        state = draw(batchnorm_state(shape))
        x = draw(grouped_arrays(shape, CHANNEL_AXES_OF[rank], bound=5.0))
        dout = draw(gs.float_arrays(shape, bound=5.0))
        return x, state, dout
    return build()


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@given(data=st.data())
def test_batchnorm_backward_matches_numerical_gradients(normalization, train, data):
    rank = data.draw(st.sampled_from([2, 4]), label="rank")
    x, state, dout = data.draw(small_batchnorm_inputs(rank), label="inputs")
    arguments = {"x": x, "gamma": state["gamma"], "beta": state["beta"]}
    rest = (state["running_mean"], state["running_var"])
    _, cache, _, _ = normalization.batchnorm_forward(*arguments.values(), *rest, train=train)
    grads = dict(zip(arguments, normalization.batchnorm_backward(dout, cache)))
    causes = {"x": TRAIN_DX if train else EVAL_DX, "gamma": PARAMS, "beta": PARAMS}
    for key in arguments:
        def forward(value, key=key):
            return normalization.batchnorm_forward(*{**arguments, key: value}.values(), *rest, train=train)[0]
        assert_gradient(grads[key], about(forward, arguments[key]), arguments[key], dout=dout,
                        name=f"d{key} of batchnorm_backward",
                        inputs={**arguments, "dout": dout, "train": train}, cause=causes[key])


@given(inputs=layernorm_inputs(max_side=3, bound=5.0))
def test_layernorm_backward_matches_numerical_gradients(normalization, inputs):
    x, gamma, beta, dout = inputs
    arguments = {"x": x, "gamma": gamma, "beta": beta}
    _, cache = normalization.layernorm_forward(x, gamma, beta)
    grads = dict(zip(arguments, normalization.layernorm_backward(dout, cache)))
    causes = {"x": LN_DX, "gamma": PARAMS, "beta": PARAMS}
    for key in arguments:
        def forward(value, key=key):
            return normalization.layernorm_forward(*{**arguments, key: value}.values())[0]
        assert_gradient(grads[key], about(forward, arguments[key]), arguments[key], dout=dout,
                        name=f"d{key} of layernorm_backward",
                        inputs={**arguments, "dout": dout}, cause=causes[key])


@given(data=st.data())
def test_every_result_has_the_right_shape(normalization, data):
    rank = data.draw(st.sampled_from([2, 4]), label="rank")
    shape = data.draw(channel_shapes(rank), label="shape")
    channels = shape[1]
    for train in (True, False):
        out, cache, mean, var = normalization.batchnorm_forward(
            np.ones(shape), np.ones(channels), np.zeros(channels), np.zeros(channels), np.ones(channels), train=train)
        dx, dgamma, dbeta = normalization.batchnorm_backward(np.ones(shape), cache)
        for label, got, expected in [("out of batchnorm_forward", out, shape),
                                     ("dx of batchnorm_backward", dx, shape),
                                     ("dgamma of batchnorm_backward", dgamma, (channels,)),
                                     ("dbeta of batchnorm_backward", dbeta, (channels,)),
                                     ("next_running_mean of batchnorm_forward", mean, (channels,)),
                                     ("next_running_var of batchnorm_forward", var, (channels,))]:
            assert_shape(got, expected, name=f"{label} (train={train})",
                         cause="out and dx have x's shape; every per-channel result is (C,), not (1, C, 1, 1)")
    x, gamma, beta, dout = data.draw(layernorm_inputs(), label="layernorm inputs")
    out, cache = normalization.layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = normalization.layernorm_backward(dout, cache)
    assert_shape(out, x.shape, name="out of layernorm_forward")
    assert_shape(dx, x.shape, name="dx of layernorm_backward")
    for label, got in [("dgamma", dgamma), ("dbeta", dbeta)]:
        assert_shape(got, gamma.shape, name=f"{label} of layernorm_backward",
                     cause="sum over EVERY leading (batch) axis, x.shape[:x.ndim - gamma.ndim], not axis 0 alone")


@given(rank=st.sampled_from([2, 4]), seed=st.integers(0, 2**32 - 1), channels=st.integers(1, 4),
       location=gs.floats(50.0), scale=st.floats(0.5, 20.0), affine=st.data())
def test_batchnorm_training_output_is_standardised_per_channel(normalization, rank, seed, channels, location,
                                                               scale, affine):
    shape = (64, channels) if rank == 2 else (4, channels, 4, 4)
    axes = CHANNEL_AXES_OF[rank]
    x = location + scale * standardised(np.random.default_rng(seed).standard_normal(shape), axes)
    gamma = affine.draw(gs.float_arrays((channels,), bound=5.0), label="gamma")
    beta = affine.draw(gs.float_arrays((channels,), bound=5.0), label="beta")
    out, _, _, _ = normalization.batchnorm_forward(x, gamma, beta, np.zeros(channels), np.ones(channels))
    shown = {"x": x, "gamma": gamma, "beta": beta}
    assert_close(out.mean(axis=axes), beta, name="per-channel mean of batchnorm_forward's output", inputs=shown,
                 atol=1e-9, cause=f"{CHANNEL_AXES}; the normalised channel has mean 0, so out has mean beta")
    # The output's std is |gamma| * sqrt(var / (var + eps)): eps=1e-5 against var = scale**2 >= 0.25 shifts it
    # by under 2e-5.
    assert_close(out.std(axis=axes), np.abs(gamma), name="per-channel std of batchnorm_forward's output",
                 inputs=shown, rtol=1e-4, atol=1e-9, cause=BIASED)


@given(seed=st.integers(0, 2**32 - 1), features=st.integers(2, 8), location=gs.floats(50.0),
       scale=st.floats(0.5, 20.0), gain=gs.floats(5.0), shift=gs.floats(5.0))
def test_layernorm_rows_are_standardised(normalization, seed, features, location, scale, gain, shift):
    x = location + scale * standardised(np.random.default_rng(seed).standard_normal((3, features)), (-1,))
    out, _ = normalization.layernorm_forward(x, np.full(features, gain), np.full(features, shift))
    shown = {"x": x, "gamma": gain, "beta": shift}
    assert_close(out.mean(axis=-1), np.full(3, shift), name="row means of layernorm_forward", inputs=shown,
                 atol=1e-9, cause=LN_AXES)
    # As for batch norm: eps shifts the std by under 2e-5 when var >= 0.25.
    assert_close(out.std(axis=-1), np.full(3, abs(gain)), name="row stds of layernorm_forward", inputs=shown,
                 rtol=1e-4, atol=1e-9, cause=f"{LN_AXES}; {BIASED}")


def test_running_statistics_follow_the_momentum_rule(normalization, rng):
    x = rng.standard_normal((5, 3, 2, 2)) * 3 + 1
    pixels = np.moveaxis(x, 1, -1).reshape(-1, 3)  # (N * H * W, C): the values behind each channel's statistics
    for momentum in (0.1, 0.25, 1.0):
        running_mean, running_var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
        expected_mean = (1 - momentum) * running_mean + momentum * pixels.mean(axis=0)
        expected_var = (1 - momentum) * running_var + momentum * pixels.var(axis=0, ddof=1)
        _, _, got_mean, got_var = normalization.batchnorm_forward(x, np.ones(3), np.zeros(3), running_mean,
                                                                  running_var, momentum=momentum)
        shown = {"x": x, "momentum": momentum}
        assert_close(got_mean, expected_mean, name=f"next_running_mean of batchnorm_forward (momentum={momentum})",
                     inputs=shown, cause=RUNNING)
        assert_close(got_var, expected_var, name=f"next_running_var of batchnorm_forward (momentum={momentum})",
                     inputs=shown, cause=RUNNING)


def test_eval_output_of_a_sample_does_not_depend_on_the_batch(normalization, rng):
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    running = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    for shape in [(6, 3), (6, 3, 2, 2)]:
        x = rng.standard_normal(shape) * 4 + 2
        whole, _, _, _ = normalization.batchnorm_forward(x, gamma, beta, *running, train=False)
        for n in range(2):
            alone, _, _, _ = normalization.batchnorm_forward(x[n:n + 2], gamma, beta, *running, train=False)
            assert_close(alone, whole[n:n + 2], inputs={"x": x}, cause=EVAL_OUT,
                         name=f"out of batchnorm_forward(train=False) for samples {n}, {n + 1} alone")


@given(data=st.data())
def test_batchnorm2d_is_batchnorm1d_over_the_pixels(normalization, data):
    shape = data.draw(channel_shapes(4), label="shape")
    state = data.draw(batchnorm_state(shape), label="state")
    x = data.draw(grouped_arrays(shape, CHANNEL_AXES_OF[4]), label="x")
    channels = shape[1]
    pixels = np.moveaxis(x, 1, -1).reshape(-1, channels)  # (N * H * W, C): every pixel a sample
    out, _, mean, var = normalization.batchnorm_forward(x, *state.values())
    flat_out, _, flat_mean, flat_var = normalization.batchnorm_forward(pixels, *state.values())
    back = np.moveaxis(flat_out.reshape(shape[0], shape[2], shape[3], channels), -1, 1)
    shown = {"x": x}
    assert_close(out, back, name="out of batchnorm_forward on (N, C, H, W)", inputs=shown, cause=CHANNEL_AXES)
    assert_close(mean, flat_mean, name="next_running_mean on (N, C, H, W)", inputs=shown, cause=CHANNEL_AXES)
    assert_close(var, flat_var, name="next_running_var on (N, C, H, W)", inputs=shown, cause=CHANNEL_AXES)


@pytest.mark.parametrize("offset", [1e6, -3e6])
def test_a_large_common_offset_changes_nothing(normalization, rng, offset):
    # Unit variance in every channel (columns) for batch norm and every row for layer norm.
    columns, rows = standardised(rng.standard_normal((8, 3)), (0,)), standardised(rng.standard_normal((8, 3)), (1,))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    cause = ("compute the variance in two passes, mean((x - mean)**2): mean(x**2) - mean**2 subtracts two "
             "numbers near offset**2 and loses every digit of the spread")
    # x + offset is itself rounded to about |offset| * 1e-16 = 3e-10 per element: atol 1e-8 allows for that.
    for name, x, layer in [("batchnorm_forward", columns, lambda v: normalization.batchnorm_forward(
                               v, gamma, beta, np.zeros(3), np.ones(3))[0]),
                           ("layernorm_forward", rows, lambda v: normalization.layernorm_forward(v, gamma, beta)[0])]:
        assert_close(layer(x + offset), layer(x), name=f"out of {name}(x + {offset:g})", inputs={"x": x},
                     atol=1e-8, cause=cause)


def test_float32_stays_float32(normalization, rng):
    x = rng.standard_normal((4, 3, 2, 2)).astype(np.float32)
    params = [np.ones(3, np.float32), np.zeros(3, np.float32), np.zeros(3, np.float32), np.ones(3, np.float32)]
    for train in (True, False):
        out, cache, mean, var = normalization.batchnorm_forward(x, *params, train=train)
        grads = normalization.batchnorm_backward(np.ones_like(x), cache)
        for label, got in [("out of batchnorm_forward", out), ("next_running_mean", mean),
                           ("next_running_var", var), *zip(["dx", "dgamma", "dbeta"], grads)]:
            assert_dtype(got, np.float32, name=f"{label} (train={train})",
                         cause="a NumPy integer or float64 scalar (np.prod(shape), np.float64(eps)) promotes "
                               "float32 to float64: count with Python ints (x.size // C)")
    rows = x.reshape(4, 12)
    out, cache = normalization.layernorm_forward(rows, np.ones(12, np.float32), np.zeros(12, np.float32))
    assert_dtype(out, np.float32, name="out of layernorm_forward")
    for label, grad in zip(["dx", "dgamma", "dbeta"], normalization.layernorm_backward(np.ones_like(rows), cache)):
        assert_dtype(grad, np.float32, name=f"{label} of layernorm_backward")


def test_inputs_are_not_modified(normalization, rng):
    arrays = {"x": rng.standard_normal((4, 3, 2, 2)), "gamma": rng.standard_normal(3), "beta": rng.standard_normal(3),
              "running_mean": rng.standard_normal(3), "running_var": rng.uniform(0.5, 2.0, 3),
              "dout": rng.standard_normal((4, 3, 2, 2)), "ln_gamma": rng.standard_normal((3, 2, 2)),
              "ln_beta": rng.standard_normal((3, 2, 2))}
    before = {key: value.copy() for key, value in arrays.items()}
    names = ["x", "gamma", "beta", "running_mean", "running_var"]
    for train in (True, False):
        _, cache, mean, var = normalization.batchnorm_forward(*(arrays[key] for key in names), train=train)
        normalization.batchnorm_backward(arrays["dout"], cache)
        assert not (np.shares_memory(mean, arrays["running_mean"]) or np.shares_memory(var, arrays["running_var"])), \
            f"batchnorm_forward(train={train}) returned the caller's running arrays themselves; expected new arrays"
    _, cache = normalization.layernorm_forward(arrays["x"], arrays["ln_gamma"], arrays["ln_beta"])
    normalization.layernorm_backward(arrays["dout"], cache)
    for key, value in arrays.items():
        assert_close(value, before[key], name=f"{key} after batchnorm and layernorm", rtol=0, atol=0,
                     cause="an in-place update (running_mean *= ..., x -= mean) changed the caller's array: "
                           "build new arrays, running = (1 - momentum) * running + momentum * stat")


BAD_BATCHNORM = [
    ((4, 3, 5), 3, "x of rank 3 (N, C, L)"),
    ((4,), 4, "x of rank 1"),
    ((2, 3, 2, 2, 2), 3, "x of rank 5"),
    ((4, 3), 1, "parameters of shape (1,) for C = 3 (they would broadcast silently)"),
    ((4, 3, 2, 2), 2, "parameters of shape (2,) for C = 3"),
    ((1, 3), 3, "training with a single value per channel (N = 1): the unbiased variance divides by 0"),
]


@pytest.mark.parametrize("shape, channels, why", BAD_BATCHNORM,
                         ids=["rank3", "rank1", "rank5", "gamma_broadcasts", "gamma_too_short", "single_value"])
def test_batchnorm_rejects_bad_shapes(normalization, shape, channels, why):
    ones = np.ones(channels)
    assert_raises(ValueError, lambda: normalization.batchnorm_forward(np.ones(shape), ones, ones, ones, ones),
                  name="batchnorm_forward", why=why,
                  cause="check x.ndim in (2, 4), that gamma, beta and the running statistics are (C,) "
                        "with C = x.shape[1], and that each channel has more than one value to train on")


BAD_LAYERNORM = [
    ((2, 3), (1,), "gamma of shape (1,) for x (2, 3) (it would broadcast silently)"),
    ((2, 3), (2,), "gamma of shape (2,) for x (2, 3)"),
    ((3,), (2, 3), "gamma with more axes than x"),
    ((2, 3, 4), (3,), "gamma matching a middle axis of x, not the trailing one"),
]


@pytest.mark.parametrize("shape, normalized, why", BAD_LAYERNORM,
                         ids=["gamma_broadcasts", "gamma_too_short", "gamma_too_long", "middle_axis"])
def test_layernorm_rejects_mismatched_shapes(normalization, shape, normalized, why):
    assert_raises(ValueError, lambda: normalization.layernorm_forward(np.ones(shape), np.ones(normalized),
                                                                      np.zeros(normalized)),
                  name="layernorm_forward", why=why,
                  cause="compare x.shape[-gamma.ndim:] with gamma.shape and raise ValueError when they differ")

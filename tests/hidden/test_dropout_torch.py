"""Hidden checks for dropout_torch: the documented mask from a generator, statistics, gradient, evaluation,
the ends p = 0 and p = 1, dtypes and devices, validation.

The mask rule is part of the API (``torch.rand(x.shape, generator=..., device=x.device,
dtype=x.dtype) >= p``), so every check can rebuild the exact mask from the same seed.
"""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_raises
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
PROBABILITIES = [0.1, 0.3, 0.5, 0.75, 0.9]
LARGE = (400, 500)  # 200,000 elements
MASK = ("keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p, drawn once "
        "from the generator you are given, never from the global RNG; out = x * keep / (1 - p)")
SCALE = "inverted dropout: kept elements become x / (1 - p), so that E[out] = x; dropped ones are exactly 0"
EVAL = "with training=False (or p = 0) return x itself and draw nothing: no mask, no scaling, no copy"
GRADIENT = ("out = x * keep / (1 - p) built from x with differentiable ops: autograd gives keep / (1 - p); "
            "no torch.no_grad(), no in-place writes into x")


def generator_on(device, seed):
    return torch.Generator(device=device).manual_seed(seed)


def documented_mask(shape, p, seed, device, dtype, used=0):
    """The mask the API promises, from a fresh generator with ``seed`` that has already drawn ``used`` numbers."""
    generator = generator_on(device, seed)
    if used:
        torch.rand(used, generator=generator, device=device)
    return torch.rand(shape, generator=generator, device=device, dtype=dtype) >= p, generator


def same_state(first, second):
    return torch.equal(first.get_state(), second.get_state())


probabilities = st.one_of(st.sampled_from([0.5, 0.01, 0.99]), st.floats(0.01, 0.99))
seeds = st.integers(0, 2**63 - 1)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@given(x=gs.float_arrays(gs.shapes(max_dims=4, max_side=6)), p=probabilities, seed=seeds)
def test_draws_the_documented_mask_from_the_given_generator(dropout_torch, device, dtype, x, p, seed):
    x = torch.as_tensor(x, dtype=dtype).to(device)
    generator = generator_on(device, seed)
    torch.rand(7, generator=generator, device=device)  # a used generator: its current state matters
    out = dropout_torch.dropout(x, p, generator=generator)
    keep, reference = documented_mask(x.shape, p, seed, device, dtype, used=7)
    inputs = {"x": x, "p": p}
    assert_tensor_close(out, x * keep / (1 - p), name=f"dropout(x, p={p}, generator=...)", inputs=inputs,
                        cause=f"{MASK}; draw from the generator's current state, do not create or reseed one")
    assert same_state(generator, reference), (
        f"after dropout(x of {x.numel()} elements, p={p}) the generator is not where one draw of "
        f"torch.rand(x.shape) leaves it: {MASK}")


def test_same_seed_same_mask_and_each_call_a_new_one(dropout_torch, device):
    x = torch.ones(20, 30, device=device)
    first = dropout_torch.dropout(x, 0.5, generator=generator_on(device, 21))
    again = dropout_torch.dropout(x, 0.5, generator=generator_on(device, 21))
    assert_tensor_close(again, first, name="dropout twice with generators of the same seed", cause=MASK)
    generator = generator_on(device, 22)
    one, two = (dropout_torch.dropout(x, 0.5, generator=generator) for _ in range(2))
    assert not torch.equal(one, two), (
        "two calls of dropout with one generator gave the same mask (600 elements); expected the second call "
        f"to continue the generator's stream: {MASK}")


@pytest.mark.parametrize("p", PROBABILITIES)
def test_kept_fraction_is_1_minus_p(dropout_torch, device, p):
    out = dropout_torch.dropout(torch.ones(LARGE, device=device), p, generator=generator_on(device, 11))
    count, kept = np.prod(LARGE), int((out != 0).sum())
    expected, sigma = count * (1 - p), np.sqrt(count * p * (1 - p))
    # Five binomial standard deviations: a correct mask fails this about once in two million runs.
    assert abs(kept - expected) <= 5 * sigma, (
        f"dropout with p={p} kept {kept} of {count} elements; expected {expected:.0f} +- {5 * sigma:.0f}: "
        "an element is KEPT with probability 1 - p (p is the drop probability)")


@pytest.mark.parametrize("p", PROBABILITIES)
def test_mean_is_preserved(dropout_torch, device, p):
    x = torch.rand(LARGE, generator=torch.Generator().manual_seed(12), dtype=torch.float64).to(device) + 0.5
    out = dropout_torch.dropout(x, p, generator=generator_on(device, 13))
    # Var(out_i) = x_i^2 * p / (1 - p); five standard errors of the mean over the 200,000 elements.
    bound = 5 * float((x**2).sum().sqrt()) * (p / (1 - p)) ** 0.5 / x.numel()
    assert_close(out.mean(), x.mean(), name=f"mean of dropout(x, p={p})", rtol=0, atol=bound, cause=SCALE)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_scale_matches_torch(dropout_torch, device, p):
    x = torch.ones(20, 25, dtype=torch.float64, device=device)
    expected = torch.nn.functional.dropout(x, p=p, training=True)
    out = dropout_torch.dropout(x, p, generator=generator_on(device, 42))
    kept = out != 0
    assert bool(kept.any()), f"dropout with p={p} dropped all 500 elements; expected about {500 * (1 - p):.0f} kept"
    torch_scale = expected[expected != 0][0]
    assert_tensor_close(out[kept], torch_scale.expand(int(kept.sum())),
                        name=f"kept elements of dropout(ones, p={p})", inputs={"x": x, "p": p},
                        cause=f"{SCALE} (torch multiplies its survivors by 1 / (1 - p) = {float(torch_scale):.9g})")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@given(x=gs.float_arrays(gs.shapes(max_dims=3, max_side=5)), data=st.data(),
       p=st.sampled_from([0.2, 0.5, 0.8]), seed=seeds)
def test_gradient_is_the_mask_over_1_minus_p(dropout_torch, device, dtype, x, data, p, seed):
    dout = torch.as_tensor(data.draw(gs.float_arrays(x.shape), label="dout"), dtype=dtype).to(device)
    x = torch.as_tensor(x, dtype=dtype).to(device).requires_grad_()
    out = dropout_torch.dropout(x, p, generator=generator_on(device, seed))
    keep, _ = documented_mask(x.shape, p, seed, device, dtype)
    assert out.requires_grad, f"dropout(x, p={p}) of an x that requires grad has no gradient: {GRADIENT}"
    (grad,) = torch.autograd.grad(out, x, dout)
    assert_tensor_close(grad, dout * keep / (1 - p), name=f"dx of dropout(x, p={p}) (autograd)",
                        inputs={"x": x, "p": p, "dout": dout}, cause=GRADIENT)


@given(x=gs.float_arrays(), p=st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0)))
def test_evaluation_is_the_identity_and_draws_nothing(dropout_torch, device, x, p):
    x = torch.as_tensor(x).to(device)
    generator = generator_on(device, 3)
    out = dropout_torch.dropout(x, p, training=False, generator=generator)
    assert out is x, f"dropout(x, p={p}, training=False) did not return x itself: {EVAL}"
    assert same_state(generator, generator_on(device, 3)), (
        f"dropout(x, p={p}, training=False) drew from the generator: {EVAL}; drawing would shift every "
        "training mask after an evaluation")


def test_p_zero_returns_x_and_draws_nothing(dropout_torch, device):
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(4)).to(device).requires_grad_()
    generator = generator_on(device, 5)
    out = dropout_torch.dropout(x, 0.0, generator=generator)
    assert out is x, f"dropout(x, 0.0) did not return x itself: {EVAL}"
    assert same_state(generator, generator_on(device, 5)), f"dropout(x, 0.0) drew from the generator: {EVAL}"


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_p_one_gives_zeros_and_a_zero_gradient(dropout_torch, device, dtype):
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(6), dtype=dtype).to(device).requires_grad_()
    out = dropout_torch.dropout(x, 1.0, generator=generator_on(device, 7))
    cause = "p = 1 drops everything: return zeros built from x (x * 0) and never divide by 1 - p = 0 (0 / 0 is nan)"
    assert_tensor_close(out, torch.zeros_like(x), name="dropout(x, 1.0)", inputs={"x": x}, cause=cause)
    assert out.requires_grad, f"dropout(x, 1.0) of an x that requires grad has no gradient: {cause}"
    (grad,) = torch.autograd.grad(out.sum(), x)
    assert_tensor_close(grad, torch.zeros_like(x), name="dx of dropout(x, 1.0) (autograd)", inputs={"x": x},
                        cause=cause)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64], ids=dtype_id)
@pytest.mark.parametrize("p", [0.0, 0.4, 1.0])
def test_keeps_dtype_and_device(dropout_torch, device, dtype, p):
    x = torch.randn(6, 7, generator=torch.Generator().manual_seed(8)).to(device=device, dtype=dtype)
    out = dropout_torch.dropout(x, p, generator=generator_on(device, 9))
    keep, _ = documented_mask(x.shape, p, 9, device, dtype)
    expected = torch.zeros_like(x) if p == 1 else x * keep / (1 - p)
    assert_tensor_close(out, expected, name=f"dropout(x, p={p}) in {dtype_id(dtype)}", inputs={"x": x, "p": p},
                        cause="draw with dtype=x.dtype and multiply by the boolean mask (x * keep keeps x's dtype); "
                              "keep.float() or a float64 tensor promotes float16 and bfloat16")


@pytest.mark.parametrize("p", [0.0, 0.4, 1.0])
def test_runs_on_tensors_that_live_elsewhere(dropout_torch, p):
    x = torch.empty(3, 4, device="meta")
    out = dropout_torch.dropout(x, p)
    assert out.device.type == "meta" and out.shape == x.shape, (
        f"dropout(x, p={p}) on a meta tensor returned {tuple(out.shape)} on {out.device}: a mask drawn without "
        "device= lands on the CPU; draw it with device=x.device")


@pytest.mark.parametrize("training", [True, False])
def test_x_is_not_modified(dropout_torch, device, training):
    x = torch.randn(6, 7, generator=torch.Generator().manual_seed(10)).to(device)
    before = x.clone()
    dropout_torch.dropout(x, 0.5, training=training, generator=generator_on(device, 11))
    assert_tensor_close(x, before, name=f"x after dropout(x, 0.5, training={training})", inputs={"x": x},
                        cause="x.mul_(keep) or x[~keep] = 0 changes the caller's tensor; build a new one: x * keep")


@pytest.mark.parametrize("case, p, dtype", [
    ("p = -0.1", -0.1, torch.float32),
    ("p = 1.5", 1.5, torch.float32),
    ("p = nan", float("nan"), torch.float32),
    ("an int64 x", 0.5, torch.int64),
])
def test_rejects_bad_arguments(dropout_torch, device, case, p, dtype):
    x = torch.ones(2, 3, dtype=dtype, device=device)
    assert_raises(ValueError, lambda: dropout_torch.dropout(x, p), name="dropout", why=case,
                  cause="check first: 0 <= p <= 1 (which nan fails) and a floating x; raise ValueError")

"""Hidden checks for dropout: statistics of the mask, structure, reproducibility, gradients, torch parity.

torch draws its masks from another random stream, so outputs cannot be compared
element by element in training: the checks are statistical (kept fraction,
preserved mean, within five binomial standard deviations) and structural
(survivors are x / (1 - p), the rest exactly 0, the backward reuses the mask).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype, assert_gradient, assert_raises, assert_shape
from grader.parity import assert_matches_torch

PROBABILITIES = [0.1, 0.3, 0.5, 0.75, 0.9]
LARGE = (400, 500)  # 200,000 elements
MASK = "mask = rng.random(x.shape) >= p: an element is KEPT with probability 1 - p (p is the drop probability)"
SCALE = "inverted dropout: kept elements become x / (1 - p), so that E[out] = x; dropped ones are exactly 0"
BACKWARD = "dx = dout * mask / (1 - p), with the mask the forward pass stored in the cache (never a new one)"
EVAL = "with train=False return x unchanged and draw nothing: no mask, no scaling"
RNG = "draw the mask with the rng argument, rng.random(x.shape) >= p, never with np.random.*"

probabilities = st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0))
seeds = st.integers(0, 2**32 - 1)


def kept_elements(out):
    """Where the output is non-zero: the kept elements, for inputs with no zero."""
    return np.asarray(out) != 0


@given(x=gs.float_arrays(), data=st.data(), p=probabilities)
def test_evaluation_is_the_identity(dropout, x, data, p):
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    out, cache = dropout.dropout_forward(x, p, np.random.default_rng(0), train=False)
    dx = dropout.dropout_backward(dout, cache)
    shown = {"x": x, "p": p, "dout": dout}
    assert_close(out, x, name="out of dropout_forward(train=False)", inputs=shown, rtol=0, atol=0, cause=EVAL)
    assert_close(dx, dout, name="dx of dropout_backward after train=False", inputs=shown, rtol=0, atol=0,
                 cause="in evaluation the layer is the identity, so its gradient is dout unchanged")


def test_evaluation_draws_no_random_numbers(dropout):
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    dropout.dropout_forward(np.ones((4, 5)), 0.5, rng, train=False)
    assert rng.bit_generator.state == before, (
        "dropout_forward(train=False) drew random numbers from rng; expected it to draw none, "
        "so that evaluating does not change the masks of the training steps after it: check train first")


@given(x=gs.float_arrays(gs.shapes(max_dims=3)), data=st.data(), p=probabilities)
def test_evaluation_matches_torch_in_float64(dropout, x, data, p):
    import torch

    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    out, cache = dropout.dropout_forward(x, p, np.random.default_rng(1), train=False)
    dx = dropout.dropout_backward(dout, cache)
    assert_matches_torch(lambda x: torch.nn.functional.dropout(x, p=p, training=False), {"x": x}, out=out,
                         grads={"x": dx}, dout=dout, forward="dropout_forward(train=False)",
                         backward="dropout_backward", causes={"out": EVAL, "x": EVAL})


@pytest.mark.parametrize("p", PROBABILITIES)
def test_kept_fraction_is_1_minus_p(dropout, p):
    out, _ = dropout.dropout_forward(np.ones(LARGE), p, np.random.default_rng(11))
    count, kept = np.prod(LARGE), int(kept_elements(out).sum())
    expected, sigma = count * (1 - p), np.sqrt(count * p * (1 - p))
    # Five binomial standard deviations: a correct mask fails this about once in two million runs.
    assert abs(kept - expected) <= 5 * sigma, (
        f"dropout_forward with p={p} kept {kept} of {count} elements; expected {expected:.0f} +- {5 * sigma:.0f}. "
        f"{MASK}")


@pytest.mark.parametrize("p", PROBABILITIES)
def test_expected_value_is_preserved(dropout, p):
    x = np.random.default_rng(12).uniform(0.5, 1.5, LARGE)
    out, _ = dropout.dropout_forward(x, p, np.random.default_rng(13))
    # Var(out_i) = x_i^2 * p / (1 - p); five standard errors of the mean over the 200,000 elements.
    bound = 5 * np.sqrt(np.sum(x**2) * p / (1 - p)) / x.size
    assert_close(np.mean(out), np.mean(x), name=f"mean of out of dropout_forward with p={p}", rtol=0,
                 atol=bound, cause=SCALE)


@given(x=gs.float_arrays(away_from_zero=0.1), p=probabilities, seed=seeds)
def test_survivors_are_x_over_1_minus_p_and_the_rest_zero(dropout, x, p, seed):
    out, _ = dropout.dropout_forward(x, p, np.random.default_rng(seed))
    assert_shape(out, x.shape, name="out of dropout_forward", cause="out has the shape of x")
    kept = kept_elements(out)
    assert_close(np.asarray(out)[kept], x[kept] / (1 - p), name="kept elements of out of dropout_forward",
                 inputs={"x": x, "p": p}, cause=SCALE)


def test_backward_uses_the_forward_mask(dropout, rng):
    x = rng.uniform(0.5, 1.5, (30, 40))
    dout = rng.standard_normal((30, 40))
    out, cache = dropout.dropout_forward(x, 0.5, rng)
    dx = dropout.dropout_backward(dout, cache)
    kept = kept_elements(out)
    assert_close(dx, np.where(kept, dout / 0.5, 0.0), name="dx of dropout_backward", inputs={"x": x, "dout": dout},
                 cause=BACKWARD)


@given(x=gs.float_arrays(gs.shapes(max_dims=2, max_side=4)), data=st.data(),
       p=st.sampled_from([0.0, 0.2, 0.5, 0.8]), seed=seeds)
def test_backward_matches_numerical_gradient(dropout, x, data, p, seed):
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    _, cache = dropout.dropout_forward(x, p, np.random.default_rng(seed))
    dx = dropout.dropout_backward(dout, cache)
    # A fresh generator with the same seed on every call keeps the mask fixed while x moves.
    assert_gradient(dx, lambda v: dropout.dropout_forward(v, p, np.random.default_rng(seed))[0], x, dout=dout,
                    name="dx of dropout_backward", inputs={"x": x, "p": p, "dout": dout}, cause=BACKWARD)


@given(x=gs.float_arrays(), data=st.data())
def test_p_zero_is_the_identity(dropout, x, data):
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    out, cache = dropout.dropout_forward(x, 0.0, np.random.default_rng(5))
    dx = dropout.dropout_backward(dout, cache)
    cause = "p = 0 drops nothing (the mask rng.random(...) >= 0 is all True) and divides by 1 - 0 = 1"
    assert_close(out, x, name="out of dropout_forward with p=0", inputs={"x": x}, rtol=0, atol=0, cause=cause)
    assert_close(dx, dout, name="dx of dropout_backward with p=0", inputs={"x": x}, rtol=0, atol=0, cause=cause)


@given(x=gs.float_arrays(), data=st.data())
def test_p_one_drops_everything_without_nan(dropout, x, data):
    dout = data.draw(gs.float_arrays(x.shape), label="dout")
    out, cache = dropout.dropout_forward(x, 1.0, np.random.default_rng(6))
    dx = dropout.dropout_backward(dout, cache)
    cause = "p = 1 drops everything: return zeros and never divide by 1 - p = 0 (0 / 0 is nan)"
    zeros = np.zeros_like(x)
    assert_close(out, zeros, name="out of dropout_forward with p=1", inputs={"x": x}, rtol=0, atol=0, cause=cause)
    assert_close(dx, zeros, name="dx of dropout_backward with p=1", inputs={"x": x}, rtol=0, atol=0, cause=cause)


def test_same_seed_same_mask_and_different_seeds_differ(dropout):
    x = np.ones((20, 30))
    first, _ = dropout.dropout_forward(x, 0.5, np.random.default_rng(21))
    again, _ = dropout.dropout_forward(x, 0.5, np.random.default_rng(21))
    other, _ = dropout.dropout_forward(x, 0.5, np.random.default_rng(22))
    assert_close(again, first, name="dropout_forward twice with generators of the same seed", rtol=0, atol=0,
                 cause=RNG)
    assert not np.array_equal(other, first), (
        f"dropout_forward gave the same mask for seeds 21 and 22 (600 elements); expected different masks. {RNG}")


@pytest.mark.parametrize("p", [0.2, 0.5, 0.7])
def test_draws_the_documented_mask_from_the_given_rng(dropout, p):
    x = np.linspace(1.0, 2.0, 48).reshape(4, 3, 4)
    rng = np.random.default_rng(31)
    rng.random(7)  # the caller's generator has been used before: its current state matters
    out, _ = dropout.dropout_forward(x, p, rng)
    reference = np.random.default_rng(31)
    reference.random(7)
    expected_kept = reference.random(x.shape) >= p
    assert_close(kept_elements(out), expected_kept, name="mask (out != 0) of dropout_forward",
                 inputs={"x": x, "p": p}, rtol=0, atol=0,
                 cause=f"{RNG}; draw from the generator's current state, do not create or reseed one")


@pytest.mark.parametrize("p, train", [(0.0, True), (0.4, True), (1.0, True), (0.4, False)])
def test_float32_stays_float32(dropout, rng, p, train):
    x = rng.standard_normal((5, 6)).astype(np.float32)
    out, cache = dropout.dropout_forward(x, p, rng, train=train)
    assert_dtype(out, np.float32, name=f"out of dropout_forward(p={p}, train={train})",
                 cause="a float64 mask (mask.astype(float), np.zeros without dtype=) promotes float32 x")
    assert_dtype(dropout.dropout_backward(np.ones_like(x), cache), np.float32,
                 name=f"dx of dropout_backward(p={p}, train={train})")


@pytest.mark.parametrize("train", [True, False])
def test_inputs_are_not_modified(dropout, rng, train):
    x, dout = rng.standard_normal((6, 7)), rng.standard_normal((6, 7))
    before_x, before_dout = x.copy(), dout.copy()
    _, cache = dropout.dropout_forward(x, 0.5, rng, train=train)
    dropout.dropout_backward(dout, cache)
    cause = "x[~mask] = 0 or x /= 1 - p changes the caller's array; build a new one (x * mask / (1 - p))"
    assert_close(x, before_x, name="x after dropout_forward", rtol=0, atol=0, cause=cause)
    assert_close(dout, before_dout, name="dout after dropout_backward", rtol=0, atol=0, cause=cause)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_rejects_p_outside_0_1(dropout, p):
    assert_raises(ValueError, lambda: dropout.dropout_forward(np.ones((2, 3)), p, np.random.default_rng(0)),
                  name="dropout_forward", why=f"p = {p}",
                  cause="a drop probability must lie in [0, 1]: check it first and raise ValueError")


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_scale_matches_torch(dropout, p):
    import torch

    x = np.random.default_rng(41).uniform(0.5, 1.5, (20, 25))
    torch.manual_seed(41)
    expected = torch.nn.functional.dropout(torch.tensor(x), p=p, training=True).numpy()
    torch_kept = expected != 0
    torch_scale = float(np.mean(expected[torch_kept] / x[torch_kept]))
    out, _ = dropout.dropout_forward(x, p, np.random.default_rng(42))
    kept = kept_elements(out)
    assert kept.any(), f"dropout_forward with p={p} dropped all 500 elements; expected about {500 * (1 - p):.0f} kept"
    assert_close(np.asarray(out)[kept] / x[kept], np.full(int(kept.sum()), torch_scale),
                 name=f"scale out / x of the kept elements of dropout_forward with p={p}", inputs={"x": x, "p": p},
                 cause=f"{SCALE} (torch multiplies its survivors by 1 / (1 - p) = {torch_scale:.9g})")

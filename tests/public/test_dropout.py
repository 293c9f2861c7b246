"""Public checks for dropout: a fixed mask, evaluation mode, the backward mask, edge cases, torch parity."""

import numpy as np

from grader.checks import assert_close, assert_raises, assert_shape
from grader.parity import assert_matches_torch

X = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
DOUT = np.array([[1.0, -1.0, 2.0, -2.0], [3.0, -3.0, 4.0, -4.0]])
# np.random.default_rng(0).random((2, 4)) is
#   [[0.637, 0.270, 0.041, 0.017],
#    [0.813, 0.913, 0.607, 0.729]]
# so with p = 0.5 the mask (draw >= p) keeps [[T, F, F, F], [T, T, T, T]].
MASK_CAUSE = "mask = rng.random(x.shape) >= p (kept with probability 1 - p), out = x * mask / (1 - p)"


def test_forward_fixed_values(dropout):
    out, _ = dropout.dropout_forward(X, 0.5, np.random.default_rng(0))
    expected = [[2.0, 0.0, 0.0, 0.0], [10.0, 12.0, 14.0, 16.0]]
    assert_close(out, expected, name="out of dropout_forward", inputs={"x": X, "p": 0.5}, cause=MASK_CAUSE)


def test_backward_uses_the_forward_mask(dropout):
    out, cache = dropout.dropout_forward(X, 0.5, np.random.default_rng(0))
    dx = dropout.dropout_backward(DOUT, cache)
    assert_shape(dx, X.shape, name="dx of dropout_backward", cause="dx has the shape of x")
    expected = [[2.0, 0.0, 0.0, 0.0], [6.0, -6.0, 8.0, -8.0]]
    assert_close(dx, expected, name="dx of dropout_backward", inputs={"x": X, "p": 0.5, "dout": DOUT},
                 cause="dx = dout * mask / (1 - p), with the mask stored in the cache by the forward pass")


def test_evaluation_mode_is_the_identity(dropout, rng):
    x, dout = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    out, cache = dropout.dropout_forward(x, 0.5, rng, train=False)
    dx = dropout.dropout_backward(dout, cache)
    cause = "with train=False nothing is dropped or rescaled: out = x and dx = dout"
    assert_close(out, x, name="out of dropout_forward(train=False)", rtol=0, atol=0, cause=cause)
    assert_close(dx, dout, name="dx of dropout_backward after train=False", rtol=0, atol=0, cause=cause)


def test_p_zero_keeps_everything_and_p_one_drops_everything(dropout, rng):
    x = rng.standard_normal((4, 3))
    out, cache = dropout.dropout_forward(x, 0.0, rng)
    assert_close(out, x, name="out of dropout_forward with p=0", rtol=0, atol=0,
                 cause="p is the probability of DROPPING: p = 0 keeps every element and scales by 1 / 1")
    assert_close(dropout.dropout_backward(np.ones_like(x), cache), np.ones_like(x),
                 name="dx of dropout_backward with p=0", rtol=0, atol=0)
    out, cache = dropout.dropout_forward(x, 1.0, rng)
    cause = "p = 1 drops everything: return zeros without dividing by 1 - p = 0 (0 / 0 is nan)"
    assert_close(out, np.zeros_like(x), name="out of dropout_forward with p=1", rtol=0, atol=0, cause=cause)
    assert_close(dropout.dropout_backward(np.ones_like(x), cache), np.zeros_like(x),
                 name="dx of dropout_backward with p=1", rtol=0, atol=0, cause=cause)


def test_matches_torch_in_evaluation_mode(dropout, rng):
    import torch

    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    out, cache = dropout.dropout_forward(x, 0.3, rng, train=False)
    dx = dropout.dropout_backward(dout, cache)
    assert_matches_torch(lambda x: torch.nn.functional.dropout(x, p=0.3, training=False), {"x": x}, out=out,
                         grads={"x": dx}, dout=dout, forward="dropout_forward", backward="dropout_backward",
                         causes={"out": "evaluation mode is the identity", "x": "evaluation mode is the identity"})


def test_survivors_are_scaled_like_torch(dropout):
    import torch

    x = np.linspace(1.0, 2.0, 60).reshape(6, 10)  # no zeros: out != 0 exactly where an element was kept
    torch.manual_seed(0)
    torch_out = torch.nn.functional.dropout(torch.tensor(x), p=0.4, training=True).numpy()
    torch_kept = torch_out != 0
    out, _ = dropout.dropout_forward(x, 0.4, np.random.default_rng(0))
    kept = out != 0
    assert kept.any(), "dropout_forward with p=0.4 dropped all 60 elements; expected about 36 kept"
    assert_close(out[kept] / x[kept], np.full(kept.sum(), (torch_out[torch_kept] / x[torch_kept]).mean()),
                 name="scale of the kept elements of dropout_forward", inputs={"x": x, "p": 0.4},
                 cause="inverted dropout scales the survivors by 1 / (1 - p), as torch does")


def test_rejects_p_outside_0_1(dropout):
    for p in (-0.1, 1.5):
        assert_raises(ValueError, lambda: dropout.dropout_forward(X, p, np.random.default_rng(0)),
                      name="dropout_forward", why=f"p = {p}",
                      cause="check 0 <= p <= 1 first and raise ValueError otherwise")

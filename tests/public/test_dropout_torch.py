"""Public checks for dropout_torch: the documented mask from a generator, scaling, gradient, evaluation, p = 1."""

import pytest
import torch

from grader.checks import assert_raises
from grader.devices import assert_tensor_close

MASK = ("keep = torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype) >= p, "
        "then out = x * keep / (1 - p)")


def expected_mask(x, p, seed, device):
    generator = torch.Generator(device=device).manual_seed(seed)
    return torch.rand(x.shape, generator=generator, device=device, dtype=x.dtype) >= p


def test_mask_and_scale_from_the_generator(dropout_torch, device, seed):
    x = torch.randn(6, 7, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(device)
    out = dropout_torch.dropout(x, 0.3, generator=torch.Generator(device=device).manual_seed(seed))
    assert_tensor_close(out, x * expected_mask(x, 0.3, seed, device) / 0.7, name="dropout(x, 0.3, generator=...)",
                        inputs={"x": x, "p": 0.3}, cause=MASK)


def test_gradient_is_the_mask_over_1_minus_p(dropout_torch, device, seed):
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(device)
    x.requires_grad_()
    out = dropout_torch.dropout(x, 0.5, generator=torch.Generator(device=device).manual_seed(seed))
    (grad,) = torch.autograd.grad(out.sum(), x)
    assert_tensor_close(grad, expected_mask(x, 0.5, seed, device).to(x.dtype) / 0.5, name="d sum(dropout(x, 0.5)) / dx (autograd)",
                        inputs={"x": x, "p": 0.5},
                        cause="build out from x with differentiable ops (x * keep / (1 - p)); autograd does the rest")


@pytest.mark.parametrize("p", [0.0, 0.5])
def test_evaluation_returns_x(dropout_torch, device, p):
    x = torch.arange(12.0, device=device).reshape(3, 4)
    out = dropout_torch.dropout(x, p, training=False)
    assert out is x, "dropout(x, p, training=False) must return x itself: evaluation is the identity, no copy"


def test_p_one_gives_zeros(dropout_torch, device):
    x = torch.ones(3, 5, device=device)
    assert_tensor_close(dropout_torch.dropout(x, 1.0), torch.zeros_like(x), name="dropout(x, 1.0)", inputs={"x": x},
                        cause="p = 1 drops everything: return zeros without dividing by 1 - p = 0 (0 / 0 is nan)")


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_rejects_p_outside_0_1(dropout_torch, p):
    assert_raises(ValueError, lambda: dropout_torch.dropout(torch.ones(2, 3), p), name="dropout", why=f"p = {p}",
                  cause="a drop probability must lie in [0, 1]: check it first and raise ValueError")

"""Public checks for softmax_torch: values and gradients against torch on every device, stability."""

import pytest
import torch

from grader.devices import assert_tensor_close, dtype_id

STABLE = "subtract the maximum along dim before exp: exp(1000.) is inf in every float dtype"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
def test_softmax_matches_torch(softmax_torch, device, dtype, seed):
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(seed), dtype=dtype).to(device)
    assert_tensor_close(softmax_torch.softmax(x, dim=-1), torch.softmax(x, dim=-1),
                        name="softmax(x, dim=-1)", inputs={"x": x},
                        cause="exp(x - max) divided by its sum along dim, with keepdim=True")


def test_log_softmax_along_dim_0(softmax_torch, device, seed):
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(device)
    assert_tensor_close(softmax_torch.log_softmax(x, dim=0), torch.log_softmax(x, dim=0),
                        name="log_softmax(x, dim=0)", inputs={"x": x},
                        cause="reduce along the dim you are given, not always the last one")


def test_cross_entropy_and_its_gradient(softmax_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(6, 4, generator=generator, dtype=torch.float64).to(device).requires_grad_()
    labels = torch.randint(0, 4, (6,), generator=generator).to(device)
    loss = softmax_torch.cross_entropy(logits, labels)
    expected = torch.nn.functional.cross_entropy(logits, labels)
    assert_tensor_close(loss, expected, name="cross_entropy(logits, labels)", inputs={"logits": logits},
                        cause="the mean over the batch of -log_softmax(logits)[n, labels[n]]")
    (got_grad,) = torch.autograd.grad(loss, logits)
    (expected_grad,) = torch.autograd.grad(expected, logits)
    assert_tensor_close(got_grad, expected_grad, name="d loss / d logits (autograd)", inputs={"logits": logits},
                        cause="autograd differentiates what you wrote: (softmax - onehot) / N comes out by itself "
                              "when the loss is built from differentiable tensor ops")


def test_large_logits_stay_finite(softmax_torch, device):
    x = torch.tensor([[1000.0, 0.0, -1000.0]], device=device)
    assert_tensor_close(softmax_torch.softmax(x), torch.tensor([[1.0, 0.0, 0.0]], device=device),
                        name="softmax of [1000, 0, -1000]", inputs={"x": x}, cause=STABLE)
    assert_tensor_close(softmax_torch.log_softmax(x), torch.tensor([[0.0, -1000.0, -2000.0]], device=device),
                        name="log_softmax of [1000, 0, -1000]", inputs={"x": x}, cause=STABLE)

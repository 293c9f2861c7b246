"""Public checks for mlp_torch: init, forward, loss, and the hand-written backward against autograd."""

import math

import pytest
import torch

from grader.checks import assert_close
from grader.devices import assert_tensor_close, dtype_id

KEYS = ("w1", "b1", "w2", "b2")


def problem(seed, device, dtype):
    g = torch.Generator().manual_seed(seed)
    params = {"w1": torch.randn(6, 8, generator=g, dtype=dtype) / math.sqrt(6), "b1": torch.randn(8, generator=g, dtype=dtype),
              "w2": torch.randn(8, 3, generator=g, dtype=dtype) / math.sqrt(8), "b2": torch.randn(3, generator=g, dtype=dtype)}
    x = torch.randn(5, 6, generator=g, dtype=dtype)
    labels = torch.randint(0, 3, (5,), generator=g)
    return {k: v.to(device) for k, v in params.items()}, x.to(device), labels.to(device)


def test_init_shapes_and_kaiming_std(mlp_torch, seed):
    params = mlp_torch.init_params(generator=torch.Generator().manual_seed(seed))
    assert {k: tuple(v.shape) for k, v in params.items()} == {"w1": (784, 128), "b1": (128,), "w2": (128, 10),
                                                             "b2": (10,)}, "w is (in, out), b is (out,)"
    assert_close(params["w1"].std().item(), math.sqrt(2 / 784), name="std of w1", rtol=0.03,
                 cause="Kaiming normal for ReLU: std = sqrt(2 / fan_in)")
    assert torch.count_nonzero(params["b1"]).item() == 0, "biases start at zero"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
def test_forward_and_loss_match_torch(mlp_torch, device, dtype, seed):
    params, x, labels = problem(seed, device, dtype)
    logits, _ = mlp_torch.forward(params, x)
    expected = torch.relu(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]
    assert_tensor_close(logits, expected, name="logits", inputs={"x": x},
                        cause="relu(x @ w1 + b1) @ w2 + b2")
    assert_tensor_close(mlp_torch.cross_entropy(logits, labels),
                        torch.nn.functional.cross_entropy(expected, labels), name="cross_entropy",
                        inputs={"logits": logits}, cause="mean of logsumexp(logits[n]) - logits[n, labels[n]]")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
def test_backward_matches_autograd(mlp_torch, device, dtype, seed):
    params, x, labels = problem(seed, device, dtype)
    leaves = {k: v.clone().requires_grad_() for k, v in params.items()}
    loss = torch.nn.functional.cross_entropy(torch.relu(x @ leaves["w1"] + leaves["b1"]) @ leaves["w2"]
                                             + leaves["b2"], labels)
    expected = dict(zip(KEYS, torch.autograd.grad(loss, [leaves[k] for k in KEYS])))
    _, cache = mlp_torch.forward(params, x)
    with torch.no_grad():
        got = mlp_torch.backward(params, cache, labels)
    for key in KEYS:
        assert_tensor_close(got[key], expected[key], name=f"grads[{key!r}]", inputs={"x": x},
                            cause="dlogits = (softmax - onehot) / N, then back through w2, the ReLU mask and w1")


def test_large_logits_stay_finite(mlp_torch, device):
    logits = torch.tensor([[1000.0, 0.0, -1000.0]], device=device)
    labels = torch.tensor([2], device=device)
    assert_tensor_close(mlp_torch.cross_entropy(logits, labels), torch.tensor(2000.0, device=device),
                        name="cross_entropy of [1000, 0, -1000] at label 2", inputs={"logits": logits},
                        cause="subtract the row maximum before exp")

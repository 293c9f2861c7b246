"""Public checks for conv2d_torch: values and gradients against torch on every device, pooling, validation."""

import pytest
import torch

from grader.checks import assert_raises
from grader.devices import assert_tensor_close, dtype_id

GEOMETRY = ("HO = (H + 2*ph - dh*(KH-1) - 1) // sh + 1; window (i, j) reads xpad[i*sh + p*dh, j*sw + q*dw], "
            "the kernel NOT flipped, zeros on BOTH sides")
GRADIENT = ("build the output from differentiable tensor ops only (new_zeros + slice assignment, unfold, "
            "einsum); autograd then gives every gradient")


def randn(generator, *shape, dtype=torch.float64, device="cpu"):
    return torch.randn(*shape, generator=generator, dtype=dtype).to(device).requires_grad_()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=dtype_id)
def test_conv2d_matches_torch(conv2d_torch, device, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    x, w, b = (randn(generator, *shape, dtype=dtype, device=device) for shape in [(2, 3, 7, 6), (4, 3, 3, 3), (4,)])
    assert_tensor_close(conv2d_torch.conv2d(x, w, b, stride=2, padding=1),
                        torch.nn.functional.conv2d(x, w, b, stride=2, padding=1),
                        name="conv2d(x, w, b, stride=2, padding=1)", inputs={"x": x, "w": w}, cause=GEOMETRY)


def test_conv2d_gradients_with_dilation_and_pairs(conv2d_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    x, w, b = (randn(generator, *shape, device=device) for shape in [(2, 2, 8, 7), (3, 2, 2, 3), (3,)])
    params = {"stride": (1, 2), "padding": (2, 0), "dilation": (2, 1)}
    got = conv2d_torch.conv2d(x, w, b, **params)
    expected = torch.nn.functional.conv2d(x, w, b, **params)
    inputs = {"x": x, "w": w, **params}
    assert_tensor_close(got, expected, name="conv2d with stride (1, 2), padding (2, 0), dilation (2, 1)",
                        inputs=inputs, cause=GEOMETRY)
    dout = torch.randn(expected.shape, generator=generator, dtype=x.dtype).to(device)
    for label, got_grad, expected_grad in zip(["x", "w", "b"], torch.autograd.grad(got, (x, w, b), dout),
                                              torch.autograd.grad(expected, (x, w, b), dout)):
        assert_tensor_close(got_grad, expected_grad, name=f"d{label} of conv2d (autograd)", inputs=inputs,
                            cause=GRADIENT)


@pytest.mark.parametrize("function", ["max_pool2d", "avg_pool2d"])
def test_pooling_matches_torch(conv2d_torch, device, function, seed):
    x = randn(torch.Generator().manual_seed(seed), 2, 3, 6, 7, device=device)
    got = getattr(conv2d_torch, function)(x, 2)
    expected = getattr(torch.nn.functional, function)(x, 2)
    assert_tensor_close(got, expected, name=f"{function}(x, 2)", inputs={"x": x},
                        cause="stride=None means stride = kernel_size; windows that do not fit are dropped")
    assert_tensor_close(torch.autograd.grad(got.sum(), x)[0], torch.autograd.grad(expected.sum(), x)[0],
                        name=f"dx of {function}(x, 2) (autograd)", inputs={"x": x}, cause=GRADIENT)


def test_conv2d_rejects_a_channel_mismatch(conv2d_torch):
    assert_raises(ValueError, lambda: conv2d_torch.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(2, 4, 3, 3)),
                  name="conv2d", why="x with 3 channels and a weight expecting 4",
                  cause="check x.shape[1] == weight.shape[1] first and raise ValueError naming both shapes")

"""Hidden checks for conv2d_torch: parity with torch in value and gradient over any geometry, pooling with ties,
dtypes and devices, validation."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_raises
from grader.devices import assert_tensor_close, dtype_id

F = torch.nn.functional
DTYPES = [torch.float32, torch.float64]
CAUSES = {
    "out": "cross-correlation, kernel NOT flipped: out[n, f, i, j] = bias[f] + sum over c, p, q of "
           "weight[f, c, p, q] * xpad[n, c, i*sh + p*dh, j*sw + q*dw], zeros on BOTH sides: unfold the padded "
           "input with size dh*(KH-1)+1 and step sh, then keep every dh-th tap",
    "x": "build the padded input with x.new_zeros and a slice assignment: autograd carries dx through it",
    "weight": "contract the windows with the weight as it is (not flipped, not transposed): "
              "einsum('nchwpq,fcpq->nfhw', windows, weight)",
    "bias": "bias[f] is added at every image and position: out + bias[None, :, None, None]",
}
MAX_TIES = ("the gradient of a window goes to ONE element, its first maximum in row-major order, as torch: "
            "windows.max(dim=-1).values, not amax (which shares it among tied maxima)")
AVG = "the mean of each window: its sum divided by KH * KW"


def tensor(array, device, dtype=torch.float64):
    return torch.as_tensor(array, dtype=dtype).to(device).requires_grad_()


@st.composite
def pool_problems(draw, max_side=7, max_channels=3):
    """(x, dout, kernel_size, stride): x rounded into {-1, 0, 1} half the time, so windows have tied maxima."""
    kernel = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.one_of(st.none(), gs.int_or_pair(1, 3)))
    steps = kernel if stride is None else gs.as_pair(stride)
    sides = [draw(st.integers(kernel[a], max_side)) for a in range(2)]
    out_sides = [(sides[a] - kernel[a]) // steps[a] + 1 for a in range(2)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, max_channels)), *sides)
    x = draw(gs.float_arrays(shape), label="x")
    if draw(st.booleans()):
        x = np.clip(np.round(x), -1, 1)
    dout = draw(gs.float_arrays((shape[0], shape[1], *out_sides)), label="dout")
    kernel_size = kernel[0] if kernel[0] == kernel[1] and draw(st.booleans()) else kernel
    return x, dout, kernel_size, stride


def conv_parity(conv2d_torch, x, weight, bias, dout, params, what):
    """Output and the gradients of x, weight and bias (a given dout) against F.conv2d."""
    inputs = {"x": x, "weight": weight, "bias": bias, **params}
    got = conv2d_torch.conv2d(x, weight, bias, **params)
    expected = F.conv2d(x, weight, bias, **params)
    assert_tensor_close(got, expected, name=what, inputs=inputs, cause=CAUSES["out"])
    named = {"x": x, "weight": weight, **({} if bias is None else {"bias": bias})}
    got_grads = torch.autograd.grad(got, list(named.values()), dout)
    expected_grads = torch.autograd.grad(expected, list(named.values()), dout)
    for label, got_grad, expected_grad in zip(named, got_grads, expected_grads):
        assert_tensor_close(got_grad, expected_grad, name=f"d{label} of {what} (autograd)", inputs=inputs,
                            cause=CAUSES[label])


@given(problem=gs.conv_problems(optional_bias=True))
def test_conv_matches_torch_in_value_and_gradient(conv2d_torch, device, problem):
    x, weight, bias, dout, params = problem
    conv_parity(conv2d_torch, tensor(x, device), tensor(weight, device),
                None if bias is None else tensor(bias, device), torch.as_tensor(dout).to(device), params,
                f"conv2d(x, weight, {'None' if bias is None else 'bias'}, **{params})")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("params", [
    {"stride": 2, "padding": 1, "dilation": 1},
    {"stride": (1, 2), "padding": (2, 1), "dilation": (2, 3)},
    {"stride": 3, "padding": 0, "dilation": 2},
], ids=["s2p1", "pairs", "s3d2"])
def test_conv_keeps_dtype_and_device(conv2d_torch, device, dtype, params, seed):
    generator = torch.Generator().manual_seed(seed)
    x, weight, bias = (torch.randn(*shape, generator=generator, dtype=dtype).to(device).requires_grad_()
                       for shape in [(3, 4, 11, 12), (5, 4, 3, 2), (5,)])
    with torch.no_grad():
        out_shape = F.conv2d(x, weight, bias, **params).shape
    dout = torch.randn(out_shape, generator=generator, dtype=dtype).to(device)
    conv_parity(conv2d_torch, x, weight, bias, dout, params, f"conv2d in {dtype_id(dtype)} with {params}")


@pytest.mark.parametrize("function", ["max_pool2d", "avg_pool2d"])
@given(problem=pool_problems())
def test_pool_matches_torch_in_value_and_gradient(conv2d_torch, device, function, problem):
    x, dout, kernel_size, stride = problem
    x, dout = tensor(x, device), torch.as_tensor(dout).to(device)
    inputs = {"x": x, "kernel_size": kernel_size, "stride": stride}
    what = f"{function}(x, {kernel_size}, stride={stride})"
    got = getattr(conv2d_torch, function)(x, kernel_size, stride)
    expected = getattr(F, function)(x, kernel_size, stride)
    cause = ("stride=None means stride = kernel_size; " + (MAX_TIES if function == "max_pool2d" else AVG))
    assert_tensor_close(got, expected, name=what, inputs=inputs, cause=cause)
    (got_grad,) = torch.autograd.grad(got, x, dout)
    (expected_grad,) = torch.autograd.grad(expected, x, dout)
    assert_tensor_close(got_grad, expected_grad, name=f"dx of {what} (autograd)", inputs=inputs, cause=cause)


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("function", ["max_pool2d", "avg_pool2d"])
def test_pool_keeps_dtype_and_device(conv2d_torch, device, dtype, function, seed):
    x = torch.randn(2, 3, 9, 8, generator=torch.Generator().manual_seed(seed), dtype=dtype).to(device)
    assert_tensor_close(getattr(conv2d_torch, function)(x, (3, 2), (2, 3)), getattr(F, function)(x, (3, 2), (2, 3)),
                        name=f"{function}(x, (3, 2), (2, 3)) in {dtype_id(dtype)}", inputs={"x": x},
                        cause="kernel (KH, KW) = (3, 2) and stride (sh, sw) = (2, 3): keep the two axes apart")


def test_conv_then_pool_matches_torch_on_a_batch(conv2d_torch, device, seed):
    generator = torch.Generator().manual_seed(seed)
    x, weight, bias = (torch.randn(*shape, generator=generator, dtype=torch.float64).to(device).requires_grad_()
                       for shape in [(4, 3, 10, 9), (5, 3, 3, 3), (5,)])
    got = conv2d_torch.avg_pool2d(conv2d_torch.max_pool2d(conv2d_torch.conv2d(x, weight, bias, padding=1), 2), 2)
    expected = F.avg_pool2d(F.max_pool2d(F.conv2d(x, weight, bias, padding=1), 2), 2)
    inputs = {"x": x, "weight": weight, "bias": bias}
    assert_tensor_close(got, expected, name="avg_pool2d(max_pool2d(conv2d(x, padding=1), 2), 2)", inputs=inputs,
                        cause=CAUSES["out"])
    for label, got_grad, expected_grad in zip(["x", "weight", "bias"], torch.autograd.grad(got.sum(), (x, weight, bias)),
                                              torch.autograd.grad(expected.sum(), (x, weight, bias))):
        assert_tensor_close(got_grad, expected_grad, name=f"d{label} of the conv-pool-pool network (autograd)",
                            inputs=inputs, cause=CAUSES[label])


@pytest.mark.parametrize("function, args", [
    ("conv2d", ((2, 3, 7, 6), (4, 3, 3, 2), (4,), {"stride": 2, "padding": (1, 2), "dilation": (2, 1)})),
    ("max_pool2d", ((2, 3, 7, 6), (3, 2))),
    ("avg_pool2d", ((2, 3, 7, 6), 2, 1)),
])
def test_runs_on_tensors_that_live_elsewhere(conv2d_torch, function, args):
    if function == "conv2d":
        x_shape, w_shape, b_shape, params = args
        out = conv2d_torch.conv2d(torch.empty(x_shape, device="meta"), torch.empty(w_shape, device="meta"),
                                  torch.empty(b_shape, device="meta"), **params)
        expected = F.conv2d(torch.empty(x_shape), torch.empty(w_shape), torch.empty(b_shape), **params).shape
    else:
        out = getattr(conv2d_torch, function)(torch.empty(args[0], device="meta"), *args[1:])
        expected = getattr(F, function)(torch.empty(args[0]), *args[1:]).shape
    assert out.device.type == "meta" and out.shape == expected, (
        f"{function} on meta tensors returned {tuple(out.shape)} on {out.device}; expected {tuple(expected)} on "
        "meta: a tensor created without device= lands on the CPU; pad with x.new_zeros(...), not torch.zeros(...)")


CONV_CASES = [  # why, x shape, weight shape, bias shape or None, params
    ("x with 3 channels and a weight expecting 2", (1, 3, 5, 5), (2, 2, 3, 3), None, {}),
    ("a 4x4 kernel on a 3x3 input without padding", (1, 1, 3, 3), (1, 1, 4, 4), None, {}),
    ("a 3x3 kernel of dilation 2 (span 5) on a 4x4 input with padding 0", (1, 1, 4, 4), (1, 1, 3, 3), None,
     {"dilation": 2}),
    ("stride 0", (1, 1, 5, 5), (1, 1, 3, 3), None, {"stride": 0}),
    ("stride (1, 0)", (1, 1, 5, 5), (1, 1, 3, 3), None, {"stride": (1, 0)}),
    ("dilation 0", (1, 1, 5, 5), (1, 1, 3, 3), None, {"dilation": 0}),
    ("dilation -1", (1, 1, 5, 5), (1, 1, 3, 3), None, {"dilation": -1}),
    ("padding -1", (1, 1, 5, 5), (1, 1, 3, 3), None, {"padding": -1}),
    ("x of 3 dimensions", (3, 5, 5), (1, 3, 3, 3), None, {}),
    ("a bias of 3 entries for 2 filters", (1, 1, 5, 5), (2, 1, 3, 3), (3,), {}),
]


@pytest.mark.parametrize("why, x_shape, w_shape, b_shape, params", CONV_CASES, ids=[case[0] for case in CONV_CASES])
def test_conv_rejects_bad_arguments(conv2d_torch, device, why, x_shape, w_shape, b_shape, params):
    x, weight = torch.zeros(x_shape, device=device), torch.zeros(w_shape, device=device)
    bias = None if b_shape is None else torch.zeros(b_shape, device=device)
    assert_raises(ValueError, lambda: conv2d_torch.conv2d(x, weight, bias, **params), name="conv2d", why=why,
                  cause="validate before unfolding: channels, a dilated kernel dh*(KH-1)+1 no larger than "
                        "H + 2*ph, stride and dilation >= 1, padding >= 0; raise ValueError naming the shapes")


POOL_CASES = [  # why, x shape, kernel_size, stride
    ("a 4x4 kernel on a 3x5 input", (1, 1, 3, 5), 4, None),
    ("kernel_size 0", (1, 1, 4, 4), 0, None),
    ("stride 0", (1, 1, 4, 4), 2, 0),
    ("x of 3 dimensions", (1, 4, 4), 2, None),
]


@pytest.mark.parametrize("function", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("why, x_shape, kernel_size, stride", POOL_CASES, ids=[case[0] for case in POOL_CASES])
def test_pool_rejects_bad_arguments(conv2d_torch, device, function, why, x_shape, kernel_size, stride):
    x = torch.zeros(x_shape, device=device)
    assert_raises(ValueError, lambda: getattr(conv2d_torch, function)(x, kernel_size, stride), name=function,
                  why=why, cause="check that x is (N, C, H, W), kernel_size and stride >= 1 and that the kernel "
                                 "fits in the input before unfolding; raise ValueError")

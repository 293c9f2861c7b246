"""Hidden checks for softmax_torch: parity with torch in value and gradient, properties, stability, validation."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_raises
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
STABLE = "subtract the maximum along dim before exp (and keep it out of the gradient with no harm: softmax is shift-invariant)"
DIM = "reduce along the dim you are given, with keepdim=True so the result broadcasts back"


def tensor(array, device, dtype=torch.float64, grad=False):
    return torch.as_tensor(array, dtype=dtype).to(device).requires_grad_(grad)


def parity(got, expected, inputs, name, cause):
    """Values, then the gradient of a fixed random projection, against torch's."""
    assert_tensor_close(got, expected, name=name, inputs=inputs, cause=cause)
    x = inputs["x"]
    weights = torch.linspace(-1, 1, got.numel(), dtype=got.dtype, device=got.device).reshape(got.shape)
    (got_grad,) = torch.autograd.grad((got * weights).sum(), x)
    (expected_grad,) = torch.autograd.grad((expected * weights).sum(), x)
    assert_tensor_close(got_grad, expected_grad, name=f"gradient of {name} (autograd)", inputs=inputs,
                        cause="build the result from differentiable tensor ops only: .item(), .numpy() or "
                              "in-place writes into a leaf cut the graph")


@pytest.mark.parametrize("dim", [-1, 0, 1])
@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
@given(x=gs.float_arrays(gs.shapes(min_dims=2, max_dims=3, max_side=5), bound=30.0))
def test_matches_torch_on_any_dim(softmax_torch, device, function, dim, x):
    x = tensor(x, device, grad=True)
    parity(getattr(softmax_torch, function)(x, dim=dim), getattr(torch, function)(x, dim=dim),
           {"x": x, "dim": dim}, f"{function}(x, dim={dim})", DIM)


@given(x=gs.float_arrays(gs.shapes(min_dims=1, max_dims=3, max_side=5), bound=30.0))
def test_logsumexp_matches_torch(softmax_torch, device, x):
    x = tensor(x, device, grad=True)
    parity(softmax_torch.logsumexp(x, dim=-1), torch.logsumexp(x, dim=-1), {"x": x}, "logsumexp(x, dim=-1)",
           "max + log(sum(exp(x - max))), with the reduced dim removed")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("function", ["softmax", "log_softmax", "logsumexp"])
def test_keeps_dtype_and_device(softmax_torch, device, dtype, function, seed):
    x = torch.randn(3, 7, generator=torch.Generator().manual_seed(seed), dtype=dtype).to(device)
    assert_tensor_close(getattr(softmax_torch, function)(x, dim=-1), getattr(torch, function)(x, dim=-1),
                        name=f"{function} in {dtype_id(dtype)}", inputs={"x": x},
                        cause="no float64 constants or new tensors without dtype=/device=: use x.new_* or *_like")


@pytest.mark.parametrize("function", ["softmax", "log_softmax", "logsumexp"])
def test_runs_on_tensors_that_live_elsewhere(softmax_torch, function):
    x = torch.empty(2, 5, device="meta")
    out = getattr(softmax_torch, function)(x, dim=-1)
    assert out.device.type == "meta", (
        f"{function} on a meta tensor returned a tensor on {out.device}: a tensor created without "
        "device= lands on the CPU; use device=x.device, x.new_zeros or torch.*_like")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@given(shift=st.floats(500.0, 1e4))
def test_large_logits_stay_finite_and_exact(softmax_torch, device, dtype, shift):
    x = torch.tensor([[shift, 0.0, -shift], [shift, shift, shift]], dtype=dtype, device=device, requires_grad=True)
    parity(softmax_torch.log_softmax(x), torch.log_softmax(x, dim=-1), {"x": x, "shift": shift},
           "log_softmax of huge logits", STABLE)
    probs = softmax_torch.softmax(x)
    assert_close(probs.sum(dim=-1), [1.0, 1.0], name="row sums of softmax of huge logits", inputs={"x": x},
                 rtol=1e-5, cause=STABLE)


def test_logsumexp_of_minus_infinity_rows(softmax_torch, device):
    x = torch.tensor([[float("-inf")] * 3, [0.0, float("-inf"), 0.0]], dtype=torch.float64, device=device)
    assert_tensor_close(softmax_torch.logsumexp(x), torch.logsumexp(x, dim=-1), name="logsumexp with -inf entries",
                        inputs={"x": x}, cause="a row of -inf has max -inf and x - max = nan: replace a non-finite "
                                               "max by 0 before subtracting it (masked attention produces such rows)")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(data=st.data())
def test_cross_entropy_matches_torch(softmax_torch, device, reduction, data):
    logits, labels = data.draw(gs.classification_batches(max_batch=6, max_classes=5, bound=20.0))
    x = tensor(logits, device, grad=True)
    targets = torch.as_tensor(labels).to(device)
    inputs = {"x": x, "reduction": reduction}
    parity(softmax_torch.cross_entropy(x, targets, reduction=reduction),
           torch.nn.functional.cross_entropy(x, targets, reduction=reduction), inputs,
           f"cross_entropy(reduction={reduction!r})",
           "-log_softmax(logits, dim=1) at each row's label (gather), then mean, sum or nothing")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_cross_entropy_of_confident_wrong_answers(softmax_torch, device, dtype):
    logits = torch.tensor([[200.0, -200.0], [-200.0, 200.0]], dtype=dtype, device=device)
    labels = torch.tensor([1, 0], device=device)
    assert_tensor_close(softmax_torch.cross_entropy(logits, labels),
                        torch.nn.functional.cross_entropy(logits, labels), name="cross_entropy of confident mistakes",
                        inputs={"logits": logits}, cause="log(softmax(x)) underflows to log(0) = -inf: take "
                                                         "log_softmax directly from x - logsumexp(x)")


@pytest.mark.parametrize("case, logits_shape, labels", [
    ("a label equal to C", (2, 3), [0, 3]),
    ("a negative label", (2, 3), [0, -1]),
    ("labels of the wrong length", (2, 3), [0, 1, 2]),
])
def test_cross_entropy_rejects_bad_labels(softmax_torch, device, case, logits_shape, labels):
    logits = torch.zeros(logits_shape, device=device)
    targets = torch.tensor(labels, device=device)
    assert_raises(ValueError, lambda: softmax_torch.cross_entropy(logits, targets), name="cross_entropy",
                  why=case, cause="check labels before indexing: gather on a bad label reads garbage or "
                                  "crashes the GPU asynchronously, far from the cause")


def test_cross_entropy_rejects_an_unknown_reduction(softmax_torch):
    assert_raises(ValueError, lambda: softmax_torch.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]),
                                                                  reduction="average"),
                  name="cross_entropy", why="reduction='average'", cause="accept 'mean', 'sum' or 'none' only")

"""Hidden checks for mlp_torch: hand-written gradients against autograd, Kaiming init, loss parity, training."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import CheckFailure, assert_close, assert_raises
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
KEYS = ("w1", "b1", "w2", "b2")
GRAD_CAUSES = {
    "w2": "dw2 = h^T @ dlogits with dlogits = (softmax(logits) - onehot) / N: the mean divides by N",
    "b2": "db2 = dlogits.sum(dim=0): sum over the batch axis, giving one entry per class",
    "w1": "dz1 = (dlogits @ w2^T) * (z1 > 0): ReLU passes no gradient where z1 <= 0; then dw1 = x^T @ dz1",
    "b1": "db1 = dz1.sum(dim=0): sum over the batch axis (0), after the ReLU mask",
}


def generator(seed):
    return torch.Generator().manual_seed(seed)


def random_problem(seed, device, dtype, n=8, sizes=(12, 16, 5)):
    """Params drawn by the test (non-zero biases, some negative pre-activations), inputs and labels."""
    g = generator(seed)
    d, h, c = sizes
    params = {
        "w1": torch.randn(d, h, generator=g, dtype=dtype) / math.sqrt(d),
        "b1": torch.randn(h, generator=g, dtype=dtype) * 0.5,
        "w2": torch.randn(h, c, generator=g, dtype=dtype) / math.sqrt(h),
        "b2": torch.randn(c, generator=g, dtype=dtype) * 0.5,
    }
    x = torch.randn(n, d, generator=g, dtype=dtype)
    labels = torch.randint(0, c, (n,), generator=g)
    return {k: v.to(device) for k, v in params.items()}, x.to(device), labels.to(device)


def torch_logits(params, x):
    return torch.relu(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]


def autograd_grads(params, x, labels):
    """The oracle: torch's own ops and F.cross_entropy, differentiated by autograd."""
    leaves = {k: v.detach().clone().requires_grad_() for k, v in params.items()}
    loss = torch.nn.functional.cross_entropy(torch_logits(leaves, x), labels)
    return dict(zip(KEYS, torch.autograd.grad(loss, [leaves[k] for k in KEYS])))


def check_grads(mlp_torch, params, x, labels, label):
    logits, cache = mlp_torch.forward(params, x)
    got = mlp_torch.backward(params, cache, labels)
    assert isinstance(got, dict) and set(got) == set(KEYS), (
        f"backward returned {type(got).__name__} keyed {sorted(got) if isinstance(got, dict) else '-'}, "
        f"expected a dict keyed {list(KEYS)}: the same names as params")
    expected = autograd_grads(params, x, labels)
    for key in KEYS:
        assert_tensor_close(got[key], expected[key], name=f"grads[{key!r}] ({label})",
                            inputs={"x": x, key: params[key]}, cause=GRAD_CAUSES[key])


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@pytest.mark.parametrize("offset", range(3))
def test_backward_matches_autograd(mlp_torch, device, dtype, seed, offset):
    params, x, labels = random_problem(seed + offset, device, dtype)
    check_grads(mlp_torch, params, x, labels, f"vs autograd, {dtype_id(dtype)}")


@given(n=st.integers(1, 9), d=st.integers(1, 7), h=st.integers(1, 9), c=st.integers(2, 6),
       seed=st.integers(0, 2**31 - 1))
def test_backward_matches_autograd_for_any_sizes(mlp_torch, device, n, d, h, c, seed):
    params, x, labels = random_problem(seed, device, torch.float64, n=n, sizes=(d, h, c))
    check_grads(mlp_torch, params, x, labels, f"N={n}, sizes=({d}, {h}, {c})")


def test_backward_needs_no_autograd(mlp_torch, device, seed):
    params, x, labels = random_problem(seed, device, torch.float64)
    expected = autograd_grads(params, x, labels)
    with torch.no_grad():
        logits, cache = mlp_torch.forward(params, x)
        try:
            got = mlp_torch.backward(params, cache, labels)
        except RuntimeError as error:
            raise CheckFailure("backward under torch.no_grad()", f"raised RuntimeError ({error})", [],
                               "the backward pass must be written by hand: torch.autograd.grad or loss.backward() "
                               "inside it fail when no graph was recorded") from None
    for key in KEYS:
        assert_tensor_close(got[key], expected[key], name=f"grads[{key!r}] under torch.no_grad()",
                            inputs={"x": x}, cause=GRAD_CAUSES[key])
        assert not got[key].requires_grad, f"grads[{key!r}] requires grad: return plain tensors"


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_forward_matches_torch(mlp_torch, device, dtype, seed):
    params, x, _ = random_problem(seed, device, dtype)
    logits, _ = mlp_torch.forward(params, x)
    assert_tensor_close(logits, torch_logits(params, x), name="logits of forward", inputs={"x": x},
                        cause="relu(x @ w1 + b1) @ w2 + b2, with no activation after the last layer")


def test_forward_rejects_the_wrong_feature_count(mlp_torch, device):
    params = mlp_torch.init_params((6, 4, 3), device=device)
    assert_raises(ValueError, lambda: mlp_torch.forward(params, torch.zeros(2, 5, device=device)),
                  name="forward", why="x with 5 features for w1 of shape (6, 4)",
                  cause="check x.shape[1] == w1.shape[0] and raise ValueError naming both")


def test_forward_on_the_meta_device(mlp_torch):
    params = mlp_torch.init_params((6, 4, 3), device="meta", dtype=torch.float64)
    for key, value in params.items():
        assert value.device.type == "meta", f"init_params(device='meta') put {key} on {value.device}"
    x = torch.empty(5, 6, device="meta", dtype=torch.float64)
    logits, cache = mlp_torch.forward(params, x)
    grads = mlp_torch.backward(params, cache, torch.zeros(5, dtype=torch.int64, device="meta"))
    for name, value in [("logits", logits), *((f"grads[{k!r}]", grads[k]) for k in KEYS)]:
        assert value.device.type == "meta" and value.dtype == torch.float64, (
            f"{name} is {value.dtype} on {value.device} for meta float64 inputs: a tensor created without "
            "device=/dtype= lands on the CPU as float32; use torch.zeros_like or x.new_zeros")


@given(data=st.data())
def test_cross_entropy_matches_torch(mlp_torch, device, data):
    logits, labels = data.draw(gs.classification_batches(max_batch=6, max_classes=6, bound=30.0))
    x = torch.as_tensor(logits).to(device).requires_grad_()
    targets = torch.as_tensor(labels).to(device)
    got = mlp_torch.cross_entropy(x, targets)
    expected = torch.nn.functional.cross_entropy(x, targets)
    cause = "mean over the batch of logsumexp(logits[n]) - logits[n, labels[n]]"
    assert_tensor_close(got, expected, name="cross_entropy(logits, labels)", inputs={"logits": x}, cause=cause)
    (got_grad,) = torch.autograd.grad(got, x)
    (expected_grad,) = torch.autograd.grad(expected, x)
    assert_tensor_close(got_grad, expected_grad, name="autograd gradient of cross_entropy", inputs={"logits": x},
                        cause="build the loss from differentiable tensor ops (no .item())")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@given(scale=st.floats(100.0, 1e4))
def test_cross_entropy_of_large_logits(mlp_torch, device, dtype, scale):
    logits = torch.tensor([[scale, 0.0, -scale], [-scale, scale, 0.0], [scale, scale, scale]],
                          dtype=dtype, device=device)
    labels = torch.tensor([2, 1, 0], device=device)
    assert_tensor_close(mlp_torch.cross_entropy(logits, labels),
                        torch.nn.functional.cross_entropy(logits, labels), name="cross_entropy of large logits",
                        inputs={"logits": logits, "scale": scale},
                        cause="subtract the row maximum before exp, and take the log-probability as "
                              "logits - logsumexp, never log(softmax) (log(0) = -inf)")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16], ids=dtype_id)
def test_init_shapes_dtype_and_device(mlp_torch, device, dtype):
    params = mlp_torch.init_params(generator=generator(0), device=device, dtype=dtype)
    shapes = {"w1": (784, 128), "b1": (128,), "w2": (128, 10), "b2": (10,)}
    assert isinstance(params, dict) and set(params) == set(KEYS), f"init_params keys: expected {list(KEYS)}"
    for key, shape in shapes.items():
        value = params[key]
        assert tuple(value.shape) == shape, (
            f"params[{key!r}] has shape {tuple(value.shape)}, expected {shape}: weights are (in, out) "
            "for x @ w (the transpose of nn.Linear's layout)")
        assert value.dtype == dtype and value.device.type == device, (
            f"params[{key!r}] is {value.dtype} on {value.device}, expected {dtype} on {device}")
        assert value.is_leaf, f"params[{key!r}] is not a leaf tensor"


@pytest.mark.parametrize("sizes", [(784, 128, 10), (300, 40, 7)])
def test_init_is_kaiming_normal(mlp_torch, seed, sizes):
    params = mlp_torch.init_params(sizes, generator=generator(seed), dtype=torch.float64)
    for key, fan_in in (("w1", sizes[0]), ("w2", sizes[1])):
        w = params[key]
        count = w.numel()
        expected_std = math.sqrt(2.0 / fan_in)
        # A normal sample's std has relative standard error ~ 1/sqrt(2 count); allow 6 of them.
        bound = 6 / math.sqrt(2 * count)
        std = w.std().item()
        assert_close(std, expected_std, name=f"std of {key}", rtol=bound, atol=0,
                     cause="Kaiming normal for ReLU: std = sqrt(2 / fan_in), fan_in = the input size "
                           "(not sqrt(1 / fan_in), Xavier/LeCun, nor the output size)")
        assert_close(w.mean().item(), 0.0, name=f"mean of {key}", atol=6 * expected_std / math.sqrt(count),
                     cause="weights are drawn from a normal with mean 0")
        excess = ((w / expected_std) ** 4).mean().item()  # normal: E[z^4] = 3; uniform: 1.8
        # z^4 has variance E[z^8] - 9 = 96 for a standard normal: allow 6 standard errors.
        assert abs(excess - 3.0) < 6 * math.sqrt(96 / count), (
            f"{key}'s fourth moment {excess:.2f} (expected 3 for a normal): draw with torch.randn, not torch.rand")
    for key in ("b1", "b2"):
        assert torch.count_nonzero(params[key]).item() == 0, f"{key} must start at zero"


def test_init_is_reproducible_and_device_independent(mlp_torch, device, seed):
    first = mlp_torch.init_params((50, 20, 4), generator=generator(seed))
    torch.randn(3)  # moving the global generator must change nothing
    again = mlp_torch.init_params((50, 20, 4), generator=generator(seed), device=device)
    other = mlp_torch.init_params((50, 20, 4), generator=generator(seed + 1))
    for key in KEYS:
        assert_tensor_close(again[key], first[key].to(device), name=f"{key} drawn twice from one seed",
                            cause="draw every weight from the generator you are given (on the CPU, then .to(device)), "
                                  "never from torch's global generator or a device generator")
    assert not torch.equal(first["w1"], other["w1"]), "two seeds gave the same w1: use the generator"


def test_accuracy(mlp_torch, device, seed):
    params, x, _ = random_problem(seed, device, torch.float64, n=10)
    predicted = torch_logits(params, x).argmax(dim=1)
    labels = predicted.clone()
    labels[:3] = (labels[:3] + 1) % 5
    got = mlp_torch.accuracy(params, x, labels)
    assert isinstance(got, float), f"accuracy returned {type(got).__name__}, expected a Python float (.item())"
    assert_close(got, 0.7, name="accuracy with 7 of 10 right", cause="mean of (logits.argmax(dim=1) == labels)")


def test_sgd_step_updates_in_place(mlp_torch, device, seed):
    params, x, labels = random_problem(seed, device, torch.float64)
    before = {k: v.clone() for k, v in params.items()}
    tensors = dict(params)
    grads = autograd_grads(params, x, labels)
    mlp_torch.sgd_step(params, grads, 0.5)
    for key in KEYS:
        assert params[key] is tensors[key], f"sgd_step replaced params[{key!r}]: update it in place (sub_)"
        assert_tensor_close(tensors[key], before[key] - 0.5 * grads[key], name=f"{key} after sgd_step",
                            cause="params[k] -= lr * grads[k], in place under torch.no_grad()")


def test_training_separates_a_small_problem(mlp_torch, device, seed):
    g = generator(seed)
    centres = torch.randn(3, 10, generator=g, dtype=torch.float64) * 4
    labels = torch.arange(60) % 3
    x = (centres[labels] + torch.randn(60, 10, generator=g, dtype=torch.float64)).to(device)
    labels = labels.to(device)
    params = mlp_torch.init_params((10, 32, 3), generator=g, device=device, dtype=torch.float64)
    first = None
    for _ in range(300):
        logits, cache = mlp_torch.forward(params, x)
        if first is None:
            first = mlp_torch.cross_entropy(logits, labels).item()
        mlp_torch.sgd_step(params, mlp_torch.backward(params, cache, labels), 0.1)
    last = mlp_torch.cross_entropy(mlp_torch.forward(params, x)[0], labels).item()
    accuracy = mlp_torch.accuracy(params, x, labels)
    assert accuracy == 1.0 and last < first, (
        f"after 300 SGD steps (lr 0.1) on three well-separated clusters: train accuracy {accuracy:.2f}, "
        f"loss {first:.3f} -> {last:.3f}; expected accuracy 1.0 and a falling loss: the gradients must point "
        "uphill (sgd_step subtracts them) and be the mean over the batch")

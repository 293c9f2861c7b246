"""Hidden checks for modules_torch: state dicts both ways with torch.nn, parameter order, init, strict loading."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grader.checks import CheckFailure, assert_close
from grader.devices import assert_tensor_close, dtype_id

DTYPES = [torch.float32, torch.float64]
LAYOUT = "Linear keeps weight as (out_features, in_features) and computes x @ weight.T + bias, like nn.Linear"
NAMES = ("register sub-modules under their position as a string ('0', '1', ...) and join names with dots: "
         "'0.weight', '1.0.bias'; each module's own parameters first, then its children's, in registration order")


def generator(seed):
    return torch.Generator().manual_seed(seed)


def learner_mlp(modules_torch, sizes, seed=0, device=None, dtype=None):
    d, h, c = sizes
    g = generator(seed)
    return modules_torch.Sequential(modules_torch.Linear(d, h, generator=g, device=device, dtype=dtype),
                                    modules_torch.ReLU(),
                                    modules_torch.Linear(h, c, generator=g, device=device, dtype=dtype))


def torch_mlp(sizes, seed, device, dtype):
    torch.manual_seed(seed)
    d, h, c = sizes
    return torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Linear(h, c)).to(device, dtype)


def nested_pair(modules_torch, seed, device):
    nn = torch.nn
    torch.manual_seed(seed)
    expected = nn.Sequential(nn.Linear(5, 6), nn.Sequential(nn.Linear(6, 7), nn.ReLU(), nn.Linear(7, 3)),
                             nn.ReLU(), nn.Linear(3, 2, bias=False)).to(device, torch.float64)
    m = modules_torch
    kw = {"device": device, "dtype": torch.float64}
    got = m.Sequential(m.Linear(5, 6, **kw), m.Sequential(m.Linear(6, 7, **kw), m.ReLU(), m.Linear(7, 3, **kw)),
                       m.ReLU(), m.Linear(3, 2, bias=False, **kw))
    return got, expected


def load(model, state, **kwargs):
    try:
        return model.load_state_dict(state, **kwargs)
    except (KeyError, RuntimeError, ValueError) as error:
        raise CheckFailure("load_state_dict", f"raised {type(error).__name__}: {error}", [], NAMES) from None


def assert_same_outputs(got_model, expected_model, x, what):
    got, expected = got_model(x), expected_model(x)
    assert_tensor_close(got, expected, name=f"outputs {what}", inputs={"x": x}, cause=LAYOUT)
    weights = torch.linspace(-1, 1, expected.numel(), dtype=x.dtype, device=x.device).reshape(expected.shape)
    (got_grad,) = torch.autograd.grad((got * weights).sum(), x)
    (expected_grad,) = torch.autograd.grad((expected * weights).sum(), x)
    assert_tensor_close(got_grad, expected_grad, name=f"gradient of the outputs {what}", inputs={"x": x},
                        cause="build forward from differentiable tensor ops: x @ weight.T + bias")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@given(d=st.integers(1, 6), h=st.integers(1, 8), c=st.integers(1, 5), n=st.integers(1, 4),
       seed=st.integers(0, 2**31 - 1))
def test_torch_state_dict_loads_into_learner(modules_torch, device, dtype, d, h, c, n, seed):
    expected = torch_mlp((d, h, c), seed, device, dtype)
    got = learner_mlp(modules_torch, (d, h, c), seed + 1, device, dtype)
    load(got, expected.state_dict())
    x = torch.randn(n, d, generator=generator(seed), dtype=dtype).to(device).requires_grad_()
    assert_same_outputs(got, expected, x, "after loading nn.Sequential's state_dict")


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_learner_state_dict_loads_into_torch(modules_torch, device, dtype, seed):
    got = learner_mlp(modules_torch, (4, 8, 3), seed, device, dtype)
    expected = torch_mlp((4, 8, 3), seed + 1, device, dtype)
    state = got.state_dict()
    for name, value in state.items():
        assert not value.requires_grad, (
            f"state_dict()[{name!r}] requires grad: return tensor.detach() (torch's state dicts are detached)")
    expected.load_state_dict(state)
    x = torch.randn(2, 5, 4, generator=generator(seed), dtype=dtype).to(device).requires_grad_()
    assert_same_outputs(got, expected, x, "of nn.Sequential after loading the learner's state_dict")


def test_state_dict_keys_and_shapes_match_torch(modules_torch, device, seed):
    got = learner_mlp(modules_torch, (4, 8, 3), seed, device)
    expected = torch_mlp((4, 8, 3), seed, device, torch.float32)
    got_shapes = [(k, tuple(v.shape)) for k, v in got.state_dict().items()]
    expected_shapes = [(k, tuple(v.shape)) for k, v in expected.state_dict().items()]
    assert got_shapes == expected_shapes, (
        f"state_dict keys and shapes {got_shapes}, expected {expected_shapes} (torch's): {NAMES}; {LAYOUT}")


def test_parameters_in_torch_order(modules_torch, device, seed):
    got, expected = nested_pair(modules_torch, seed, device)
    got_names = [name for name, _ in got.named_parameters()]
    expected_names = [name for name, _ in expected.named_parameters()]
    assert got_names == expected_names, f"named_parameters() gave {got_names}, expected {expected_names}: {NAMES}"
    tensors = list(got.parameters())
    assert len(tensors) == len(expected_names), (
        f"parameters() gave {len(tensors)} tensors, expected {len(expected_names)}: the same tensors as "
        "named_parameters(), in the same order")
    for (name, named), tensor in zip(got.named_parameters(), tensors):
        assert named is tensor, f"parameters() and named_parameters() disagree at {name}"
        assert tensor.requires_grad and tensor.is_leaf, (
            f"{name} must be a leaf that requires grad: make it with requires_grad_() after moving it to the device")


def test_nested_sequential_loads_both_ways(modules_torch, device, seed):
    got, expected = nested_pair(modules_torch, seed, device)
    load(got, expected.state_dict())
    x = torch.randn(3, 5, generator=generator(seed), dtype=torch.float64).to(device).requires_grad_()
    assert_same_outputs(got, expected, x, "of a nested Sequential after loading torch's state_dict")
    with torch.no_grad():
        for tensor in got.parameters():
            tensor.mul_(-0.5)
    expected.load_state_dict(got.state_dict())
    assert_same_outputs(got, expected, x, "of nn.Sequential after loading a nested learner state_dict")


@pytest.mark.parametrize("sizes", [(400, 300), (30, 500)])
def test_linear_init_matches_nn_linear(modules_torch, seed, sizes):
    fan_in, fan_out = sizes
    layer = modules_torch.Linear(fan_in, fan_out, generator=generator(seed), dtype=torch.float64)
    bound = 1 / math.sqrt(fan_in)
    cause = "weight and bias ~ U(-1/sqrt(in_features), 1/sqrt(in_features)), nn.Linear's initialisation"
    for name, tensor in (("weight", layer.weight), ("bias", layer.bias)):
        count = tensor.numel()
        assert tuple(tensor.shape) == ((fan_out, fan_in) if name == "weight" else (fan_out,)), (
            f"{name} has shape {tuple(tensor.shape)}: {LAYOUT}")
        low, high = tensor.min().item(), tensor.max().item()
        assert -bound <= low and high <= bound, f"{name} has values in [{low:.4g}, {high:.4g}], outside ±{bound:.4g}: {cause}"
        # std of U(-b, b) is b / sqrt(3); the sample std's relative standard error is about 0.9 / sqrt(2 count)
        assert_close(tensor.std().item(), bound / math.sqrt(3), name=f"std of {name}", rtol=6 / math.sqrt(count),
                     atol=0, cause=cause)
        assert_close(tensor.mean().item(), 0.0, name=f"mean of {name}", atol=6 * bound / math.sqrt(3 * count),
                     cause=cause)


def test_linear_init_is_reproducible_and_device_independent(modules_torch, device, seed):
    first = modules_torch.Linear(20, 10, generator=generator(seed))
    torch.rand(3)  # moving the global generator must change nothing
    again = modules_torch.Linear(20, 10, generator=generator(seed), device=device)
    other = modules_torch.Linear(20, 10, generator=generator(seed + 1))
    for name in ("weight", "bias"):
        assert_tensor_close(getattr(again, name), getattr(first, name).detach().to(device),
                            name=f"Linear.{name} drawn twice from one seed",
                            cause="draw from the generator you are given, on the CPU, then move to device")
    assert not torch.equal(first.weight, other.weight), "two seeds gave the same weight: use the generator"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16], ids=dtype_id)
def test_device_and_dtype(modules_torch, device, dtype):
    model = learner_mlp(modules_torch, (4, 8, 3), 0, device, dtype)
    for name, tensor in model.named_parameters():
        assert tensor.device.type == device and tensor.dtype == dtype, (
            f"{name} is {tensor.dtype} on {tensor.device}, expected {dtype} on {device}: honour device= and dtype=")
    x = torch.ones(2, 4, device=device, dtype=dtype)
    out = model(x)
    assert out.device.type == device and out.dtype == dtype and tuple(out.shape) == (2, 3), (
        f"model(x) gave {tuple(out.shape)} {out.dtype} on {out.device}")


def test_meta_device(modules_torch):
    model = learner_mlp(modules_torch, (4, 8, 3), 0, "meta", torch.float64)
    out = model(torch.empty(7, 4, device="meta", dtype=torch.float64))
    assert out.device.type == "meta" and tuple(out.shape) == (7, 3) and out.dtype == torch.float64, (
        f"a meta model on a meta input gave {tuple(out.shape)} {out.dtype} on {out.device}: create every tensor "
        "with device=/dtype= from the layer's arguments or inputs")


def test_linear_without_bias(modules_torch, device, seed):
    layer = modules_torch.Linear(5, 3, bias=False, device=device, dtype=torch.float64)
    names = [name for name, _ in layer.named_parameters()]
    assert names == ["weight"], f"Linear(bias=False) has parameters {names}, expected ['weight'] (like nn.Linear)"
    expected = torch.nn.Linear(5, 3, bias=False).to(device, torch.float64)
    load(layer, expected.state_dict())
    x = torch.randn(4, 5, generator=generator(seed), dtype=torch.float64).to(device).requires_grad_()
    assert_same_outputs(layer, expected, x, "of Linear(bias=False)")


def test_strict_load_names_missing_and_unexpected_keys(modules_torch, device, seed):
    model = learner_mlp(modules_torch, (4, 8, 3), seed, device)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    good = torch_mlp((4, 8, 3), seed + 1, device, torch.float32).state_dict()
    missing = {k: v for k, v in good.items() if k != "2.bias"}
    unexpected = {**good, "3.weight": torch.zeros(3, 3, device=device)}
    for case, state, key in (("missing", missing, "2.bias"), ("unexpected", unexpected, "3.weight")):
        try:
            model.load_state_dict(state)
        except (KeyError, RuntimeError) as error:
            assert key in str(error), f"the error for a {case} key does not name it ({key!r}): {error}"
        else:
            raise CheckFailure("load_state_dict(strict=True)", f"accepted a state dict with a {case} key {key!r}",
                               [], "strict loading requires exactly the module's keys: raise KeyError naming "
                                   "every missing and unexpected one")
        for name, value in model.state_dict().items():
            assert torch.equal(value, before[name]), (
                f"a refused strict load changed {name}: check every key before copying anything")


def test_non_strict_load_reports_keys(modules_torch, device, seed):
    model = learner_mlp(modules_torch, (4, 8, 3), seed, device)
    source = torch_mlp((4, 8, 3), seed + 1, device, torch.float32).state_dict()
    state = {"0.weight": source["0.weight"], "0.bias": source["0.bias"], "5.weight": torch.zeros(1, device=device)}
    old = model.state_dict()["2.weight"].clone()
    result = load(model, state, strict=False)
    missing, unexpected = result
    assert sorted(missing) == ["2.bias", "2.weight"] and list(unexpected) == ["5.weight"], (
        f"load_state_dict(strict=False) returned missing={list(missing)}, unexpected={list(unexpected)}; "
        "expected missing=['2.weight', '2.bias'], unexpected=['5.weight']")
    assert torch.equal(model.state_dict()["0.weight"], source["0.weight"]), (
        "strict=False must still load the keys that match")
    assert torch.equal(model.state_dict()["2.weight"], old), "strict=False changed a parameter missing from the dict"


@pytest.mark.parametrize("strict", [True, False])
def test_load_rejects_a_shape_mismatch(modules_torch, device, strict):
    model = learner_mlp(modules_torch, (4, 8, 3), 0, device)
    state = model.state_dict()
    state = {**{k: v.clone() for k, v in state.items()}, "2.bias": torch.ones(1, device=device)}
    try:
        model.load_state_dict(state, strict=strict)
    except (ValueError, RuntimeError) as error:
        assert "2.bias" in str(error), f"the shape-mismatch error does not name the key '2.bias': {error}"
        return
    raise CheckFailure(f"load_state_dict(strict={strict})", "accepted a (1,) tensor for '2.bias' of shape (3,)", [],
                       "copy_ broadcasts silently: compare value.shape with the parameter's shape and raise "
                       "ValueError (torch checks shapes whatever strict says)")


def test_load_copies_into_the_same_tensors(modules_torch, device, seed):
    model = learner_mlp(modules_torch, (4, 8, 3), seed, device)
    tensors = list(model.parameters())
    optimizer = torch.optim.SGD(tensors, lr=0.1)
    source = torch_mlp((4, 8, 3), seed + 1, device, torch.float32)
    load(model, source.state_dict())
    after = list(model.parameters())
    for (name, expected), old, new in zip(source.state_dict().items(), tensors, after):
        assert new is old, (f"load_state_dict replaced {name} with a new tensor: copy into the existing one "
                            "(param.copy_(value) under torch.no_grad()); an optimizer still holds the old tensor")
        assert torch.equal(old.detach(), expected), f"{name} does not hold the loaded values"
        assert old.requires_grad and old.is_leaf, f"{name} stopped being a leaf that requires grad after loading"
    x = torch.randn(6, 4, generator=generator(seed)).to(device)
    model(x).square().sum().backward()
    optimizer.step()
    source(x).square().sum().backward()
    with torch.no_grad():
        for p in source.parameters():
            p -= 0.1 * p.grad
    for name, tensor in model.state_dict().items():
        assert_tensor_close(tensor, source.state_dict()[name], name=f"{name} after an optimizer step",
                            cause="the optimizer updates the tensors it was given: load_state_dict must copy "
                                  "into them, not rebind the attributes")


def test_gradients_reach_every_parameter(modules_torch, device, seed):
    got, expected = nested_pair(modules_torch, seed, device)
    load(got, expected.state_dict())
    x = torch.randn(4, 5, generator=generator(seed), dtype=torch.float64).to(device)
    got(x).sin().sum().backward()
    expected(x).sin().sum().backward()
    for (name, tensor), (_, reference) in zip(got.named_parameters(), expected.named_parameters()):
        if tensor.grad is None:
            raise CheckFailure(f"{name}.grad", "is None after backward()", [],
                               "forward must use the registered tensors themselves (no .data, .detach() or copies)")
        assert_tensor_close(tensor.grad, reference.grad, name=f"{name}.grad", inputs={"x": x}, cause=LAYOUT)


def test_zero_grad_clears_every_parameter(modules_torch, device, seed):
    got, _ = nested_pair(modules_torch, seed, device)
    x = torch.randn(4, 5, generator=generator(seed), dtype=torch.float64).to(device)
    got(x).sum().backward()
    got.zero_grad()
    for name, tensor in got.named_parameters():
        assert tensor.grad is None or not tensor.grad.any(), (
            f"{name}.grad survives zero_grad(): clear .grad (set it to None) on every parameter of every "
            "sub-module, through parameters()")


def test_train_and_eval_reach_every_module(modules_torch):
    got, _ = nested_pair(modules_torch, 0, "cpu")
    assert got.eval() is got, "eval() returns the module itself, so that model = Model().eval() works"
    inner = [got[0], got[1], got[1][0], got[1][1], got[3]]
    assert not got.training and not any(module.training for module in inner), (
        "eval() must set training = False on the module and every descendant")
    got.train()
    assert got.training and all(module.training for module in inner), (
        "train() must set training = True on the module and every descendant")


def test_relu_and_sequential_have_no_own_parameters(modules_torch, device):
    relu = modules_torch.ReLU()
    assert list(relu.named_parameters()) == [] and relu.state_dict() == {}, (
        "ReLU has no parameters: register nothing in it")
    x = torch.tensor([[-2.0, 0.0, 3.0]], device=device)
    assert_tensor_close(relu(x), torch.relu(x), name="ReLU()(x)", inputs={"x": x}, cause="max(x, 0)")
    assert list(modules_torch.Sequential().named_parameters()) == [], "an empty Sequential has no parameters"

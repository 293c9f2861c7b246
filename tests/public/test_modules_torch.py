"""Public checks for modules_torch: key names, state dicts both ways with torch.nn, in-place loading."""

import torch

from grader.devices import assert_tensor_close


def models(modules_torch, device):
    g = torch.Generator().manual_seed(0)
    m = modules_torch
    ours = m.Sequential(m.Linear(4, 8, generator=g, device=device), m.ReLU(), m.Linear(8, 3, generator=g, device=device))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).to(device)
    return ours, theirs


def test_parameter_names_and_shapes(modules_torch, device):
    ours, theirs = models(modules_torch, device)
    got = [(name, tuple(t.shape)) for name, t in ours.named_parameters()]
    expected = [(name, tuple(t.shape)) for name, t in theirs.named_parameters()]
    assert got == expected, f"named_parameters() gave {got}, expected torch's {expected}"
    assert all(t.requires_grad and t.is_leaf for t in ours.parameters()), "parameters are leaves requiring grad"


def test_torch_state_dict_loads_into_yours(modules_torch, device):
    ours, theirs = models(modules_torch, device)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(1)).to(device)
    assert_tensor_close(ours(x), theirs(x), name="outputs after loading torch's state_dict", inputs={"x": x},
                        cause="weight is (out, in): y = x @ weight.T + bias")


def test_your_state_dict_loads_into_torch(modules_torch, device):
    ours, theirs = models(modules_torch, device)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(2)).to(device)
    assert_tensor_close(theirs(x), ours(x), name="torch's outputs after loading your state_dict", inputs={"x": x},
                        cause="keys '0.weight', '0.bias', '2.weight', '2.bias' with torch's shapes")


def test_load_keeps_the_same_tensors(modules_torch, device):
    ours, theirs = models(modules_torch, device)
    before = list(ours.parameters())
    ours.load_state_dict(theirs.state_dict())
    assert all(a is b for a, b in zip(before, ours.parameters())), (
        "load_state_dict must copy into the existing tensors (copy_ under torch.no_grad()), not replace them")


def test_zero_grad(modules_torch, device):
    ours, _ = models(modules_torch, device)
    ours(torch.ones(2, 4, device=device)).sum().backward()
    assert all(t.grad is not None for t in ours.parameters()), "backward() should reach every parameter"
    ours.zero_grad()
    assert all(t.grad is None or not t.grad.any() for t in ours.parameters()), "zero_grad() clears every .grad"

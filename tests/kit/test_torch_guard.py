"""The Part 2 guard: forbidden torch calls are found in the source and at run time, whatever the alias."""

import importlib.util
import textwrap
from pathlib import Path

import pytest
import torch

from grader.components import BY_NAME, Forbidden
from grader.torch_guard import ForbiddenCall, TorchGuard, forbidden_in_source

CONV = BY_NAME["conv2d_torch"].forbidden


@pytest.mark.parametrize("source, found", [
    ("import torch.nn.functional as F", "import torch.nn.functional"),
    ("from torch import nn", "from torch import nn"),
    ("from torch.nn import functional", "from torch.nn import functional"),
    ("from torch.optim import Adam", "from torch.optim import Adam"),
    ("import torch as t\ny = t.nn.functional.conv2d(x, w)", "torch.nn.functional.conv2d"),
    ("import torch\ny = torch.conv2d(x, w)", "torch.conv2d"),
    ("import torch\ny = torch.ops.aten.convolution(x, w)", "torch.ops.aten.convolution"),
    ("import torch\ny = torch._C._VariableFunctions.conv2d(x, w)", "torch._C._VariableFunctions.conv2d"),
    ("from torch import conv2d", "from torch import conv2d"),
    ("import torch\nf = getattr(torch, 'conv2d')", "getattr(..., 'conv2d')"),
    ("import torch\nm = getattr(torch, 'nn')", "getattr(..., 'nn')"),
])
def test_the_source_scan_names_what_it_found(source, found):
    assert [what for _, what in forbidden_in_source(source, CONV)] == [found]


@pytest.mark.parametrize("source", [
    "import torch\ny = x.unfold(2, 3, 1).unfold(3, 3, 1)",
    "import torch\ny = torch.einsum('nchwij,fcij->nfhw', patches, w)",
    "def conv2d(x, w):\n    return x\nconv2d(1, 2)",
    "class Layer:\n    def __init__(self):\n        self.conv2d = None",
    "import torch\ny = torch.matmul(a, b).softmax(-1)",
])
def test_the_source_scan_leaves_honest_code_alone(source):
    assert forbidden_in_source(source, CONV) == []


def learner_module(tmp_path: Path, source: str):
    """A module that lives in a learner's folder, so its frames count as the learner's."""
    folder = tmp_path / "exercises"
    folder.mkdir()
    path = folder / "learner_code.py"
    path.write_text("import importlib\nimport torch\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(f"learner_{tmp_path.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, folder


X = torch.randn(1, 2, 5, 5)
W = torch.randn(3, 2, 3, 3)


@pytest.mark.parametrize("body, reached", [
    ("return getattr(torch.nn.functional, 'con' + 'v2d')(x, w)", "conv2d"),
    ("return getattr(torch, 'con' + 'v2d')(x, w)", "conv2d"),
    ("return getattr(torch.ops.aten, 'convol' + 'ution')(x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)",
     "convolution"),
    ("return getattr(torch._C._VariableFunctions, 'con' + 'v2d')(x, w)", "conv2d"),
    ("with torch._C.DisableTorchFunction():\n        return getattr(torch, 'con' + 'v2d')(x, w)",
     "aten.convolution"),
    ("return getattr(importlib.import_module('torch.n' + 'n'), 'Conv2d')(2, 3, 3)(x)", "torch.nn.modules"),
])
def test_a_forbidden_call_is_caught_at_run_time_and_named(tmp_path, body, reached):
    module, folder = learner_module(tmp_path, f"def conv(x, w):\n    {body}\n")
    with pytest.raises(ForbiddenCall) as caught, TorchGuard(BY_NAME["conv2d_torch"], folder):
        module.conv(X, W)
    message = str(caught.value)
    assert reached in message and "learner_code.py:" in message and "in conv" in message
    assert "Tensor.unfold" in message  # what to do instead


def test_honest_code_and_the_tests_own_oracle_run_freely(tmp_path):
    module, folder = learner_module(tmp_path, """
        def conv(x, w):
            patches = x.unfold(2, w.shape[2], 1).unfold(3, w.shape[3], 1)
            return torch.einsum("nchwij,fcij->nfhw", patches, w)
    """)
    with TorchGuard(BY_NAME["conv2d_torch"], folder) as guard:
        got = module.conv(X, W)
        expected = torch.nn.functional.conv2d(X, W)  # the test's oracle: no learner frame on the stack
    torch.testing.assert_close(got, expected)
    assert guard.violations == []


def test_a_swallowed_violation_is_still_recorded(tmp_path):
    module, folder = learner_module(tmp_path, """
        def conv(x, w):
            try:
                return getattr(torch, "con" + "v2d")(x, w)
            except Exception:
                return None
    """)
    with TorchGuard(BY_NAME["conv2d_torch"], folder) as guard:
        assert module.conv(X, W) is None
    assert len(guard.violations) == 1


def test_a_forbidden_package_is_caught_through_its_own_frames(tmp_path):
    module, folder = learner_module(tmp_path, """
        def step(p):
            optimizer = getattr(torch, "op" + "tim").SGD([p], lr=0.1)
            optimizer.step()
    """)
    parameter = torch.ones(3, requires_grad=True)
    parameter.grad = torch.ones(3)
    with pytest.raises(ForbiddenCall, match=r"torch\.optim\."), TorchGuard(BY_NAME["optim_torch"], folder):
        module.step(parameter)


def test_each_component_declares_only_its_own_calls(tmp_path):
    module, folder = learner_module(tmp_path, "def probs(x):\n    return x.softmax(-1)\n")
    with TorchGuard(BY_NAME["conv2d_torch"], folder) as guard:
        module.probs(X)
    assert guard.violations == []
    with pytest.raises(ForbiddenCall, match="_softmax"), TorchGuard(BY_NAME["softmax_torch"], folder):
        module.probs(X)


def test_every_part_2_component_bans_the_torch_libraries():
    for component in BY_NAME.values():
        if not component.numpy_only:
            assert isinstance(component.forbidden, Forbidden) and component.forbidden.instead
            assert {"torch.nn", "torch.optim"} <= set(component.forbidden.packages)


def test_a_forbidden_name_outside_torch_is_not_torchs():
    assert forbidden_in_source("import torchvision\ny = torchvision.ops.conv2d(x)", CONV) == []

# Exercise generated from solutions/modules_torch.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m modules_torch`.
"""A minimal Module, Linear, ReLU and Sequential whose state dicts are compatible with torch.nn.

``torch.nn.Module`` is bookkeeping around tensors: it records which tensors are
parameters and which objects are sub-modules, names them, and walks them in a
fixed order. This module rebuilds that bookkeeping with plain tensors (no
``nn.Parameter``), so that a state dict saved from
``nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))`` loads into
``Sequential(Linear(4, 8), ReLU(), Linear(8, 3))`` and back::

    model = Sequential(Linear(4, 8, generator=g), ReLU(), Linear(8, 3, generator=g))
    y = model(x)                                  x: (..., 4) -> y: (..., 3)
    list(dict(model.named_parameters()))          ["0.weight", "0.bias", "2.weight", "2.bias"]
    state = model.state_dict()                    {"0.weight": (8, 4), "0.bias": (8,), ...}, detached
    model.load_state_dict(state, strict=True)     copies into the existing tensors, in place
    model.zero_grad(); model.eval(); model.train()

A parameter is a leaf tensor with ``requires_grad=True`` registered with
``register_parameter``; a sub-module is registered by assigning it to an
attribute. Names join with dots, in registration order, the module's own
parameters first: exactly torch's order and key names.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import torch
from torch import Tensor


class Module:
    """Base class: a registry of named parameters and named sub-modules, and a ``training`` flag.

    Subclasses call ``super().__init__()`` first, register tensors with
    ``register_parameter``, assign sub-modules as attributes, and define
    ``forward``; calling the module calls ``forward``.
    """

    def __init__(self) -> None:
        """Empty registries (insertion-ordered dicts ``_parameters`` and ``_modules``); ``training`` True."""
        raise NotImplementedError("modules_torch.Module.__init__: see docs/modules_torch.md")

    def register_parameter(self, name: str, tensor: Tensor | None) -> None:
        """Record ``tensor`` as the parameter ``name`` (reachable as ``self.<name>``); None records no tensor.

        The tensor is made to require grad; it must be a floating-point leaf.
        Raises:
            ValueError: a name containing "." or empty, or a tensor that is not a floating-point leaf.
        """
        raise NotImplementedError("modules_torch.Module.register_parameter: see docs/modules_torch.md")

    def __setattr__(self, name: str, value: object) -> None:
        """``self.name = module`` registers a sub-module; assigning to a registered parameter replaces it."""
        raise NotImplementedError("modules_torch.Module.__setattr__: see docs/modules_torch.md")

    def __getattr__(self, name: str) -> object:
        """Look ``name`` up among the parameters, then the sub-modules (called only when normal lookup fails)."""
        raise NotImplementedError("modules_torch.Module.__getattr__: see docs/modules_torch.md")

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def __call__(self, *args, **kwargs):
        """``module(x)`` is ``module.forward(x)``."""
        raise NotImplementedError("modules_torch.Module.__call__: see docs/modules_torch.md")

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, sub-module) for the direct sub-modules, in registration order."""
        raise NotImplementedError("modules_torch.Module.named_children: see docs/modules_torch.md")

    def children(self) -> Iterator[Module]:
        """The direct sub-modules, in registration order."""
        raise NotImplementedError("modules_torch.Module.children: see docs/modules_torch.md")

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module (name ``prefix``) and every descendant, depth first."""
        raise NotImplementedError("modules_torch.Module.named_modules: see docs/modules_torch.md")

    def named_parameters(self, prefix: str = "", remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, tensor) for every parameter: each module's own first, then its children's, depth first.

        ``Sequential(Linear(4, 8), ReLU(), Linear(8, 3))`` gives 0.weight (8, 4), 0.bias (8,),
        2.weight (3, 8), 2.bias (3,). A tensor registered twice is listed once unless
        ``remove_duplicate`` is False.
        """
        raise NotImplementedError("modules_torch.Module.named_parameters: see docs/modules_torch.md")

    def parameters(self) -> Iterator[Tensor]:
        """The tensors of ``named_parameters()``, in the same order: leaves that require grad."""
        raise NotImplementedError("modules_torch.Module.parameters: see docs/modules_torch.md")

    def state_dict(self) -> dict[str, Tensor]:
        """{dotted name: tensor.detach()} for every parameter, in ``named_parameters`` order.

        The values share storage with the parameters (no copy) but do not require grad.
        """
        raise NotImplementedError("modules_torch.Module.state_dict: see docs/modules_torch.md")

    def load_state_dict(self, state_dict: Mapping[str, Tensor], strict: bool = True) -> tuple[list[str], list[str]]:
        """Copy ``state_dict``'s values into the existing parameters, in place under ``torch.no_grad()``.

        The parameter tensors stay the same objects (an optimizer holding them
        sees the new values); values may come from another device or dtype and
        are converted. Everything is checked before anything is copied.

        Args:
            state_dict: {dotted name: tensor}, e.g. from torch.nn's ``state_dict()``.
            strict: when True, the keys must be exactly those of ``self.state_dict()``.
        Returns:
            (missing_keys, unexpected_keys): names this module has and the dict lacks, and the reverse.
        Raises:
            KeyError: strict and some key is missing or unexpected (the message names them).
            ValueError: a value whose shape differs from its parameter's (strict or not).
        """
        raise NotImplementedError("modules_torch.Module.load_state_dict: see docs/modules_torch.md")

    def zero_grad(self) -> None:
        """Set ``.grad`` of every parameter, in every sub-module, to None."""
        raise NotImplementedError("modules_torch.Module.zero_grad: see docs/modules_torch.md")

    def train(self, mode: bool = True) -> Module:
        """Set ``training = mode`` on this module and every descendant; returns self."""
        raise NotImplementedError("modules_torch.Module.train: see docs/modules_torch.md")

    def eval(self) -> Module:
        """``train(False)``."""
        raise NotImplementedError("modules_torch.Module.eval: see docs/modules_torch.md")


class Linear(Module):
    """``y = x @ weight.T + bias``, with torch's layout and initialisation.

    weight: (out_features, in_features); bias: (out_features,), or absent with ``bias=False``.
    Both are drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)), weight first, from
    ``generator`` (a CPU generator; None means torch's global one) on the CPU and then moved
    to ``device``: the same seed gives the same numbers on every device.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 generator: torch.Generator | None = None, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        """Register "weight" (and "bias" unless bias=False); dtype None means torch's default dtype."""
        raise NotImplementedError("modules_torch.Linear.__init__: see docs/modules_torch.md")

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., in_features) -> (..., out_features): ``x @ weight.T + bias``."""
        raise NotImplementedError("modules_torch.Linear.forward: see docs/modules_torch.md")


class ReLU(Module):
    """``max(x, 0)`` elementwise; no parameters."""

    def forward(self, x: Tensor) -> Tensor:
        """Any shape -> the same shape."""
        raise NotImplementedError("modules_torch.ReLU.forward: see docs/modules_torch.md")


class Sequential(Module):
    """Sub-modules named "0", "1", ... applied in order: ``forward(x) = m_{k-1}(... m_1(m_0(x)))``."""

    def __init__(self, *modules: Module) -> None:
        """Register each module under its position as a string."""
        raise NotImplementedError("modules_torch.Sequential.__init__: see docs/modules_torch.md")

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def forward(self, x: Tensor) -> Tensor:
        """Feed x through every module in order."""
        raise NotImplementedError("modules_torch.Sequential.forward: see docs/modules_torch.md")

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
        # BEGIN SOLUTION
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)
        # END SOLUTION

    def register_parameter(self, name: str, tensor: Tensor | None) -> None:
        """Record ``tensor`` as the parameter ``name`` (reachable as ``self.<name>``); None records no tensor.

        The tensor is made to require grad; it must be a floating-point leaf.
        Raises:
            ValueError: a name containing "." or empty, or a tensor that is not a floating-point leaf.
        """
        # BEGIN SOLUTION
        if not name or "." in name:
            raise ValueError(f"a parameter name must be non-empty and contain no '.', got {name!r}")
        if tensor is not None:
            if not tensor.is_leaf or not tensor.is_floating_point():
                raise ValueError(f"parameter {name!r} must be a floating-point leaf tensor")
            tensor.requires_grad_(True)
        self.__dict__.pop(name, None)
        self._parameters[name] = tensor
        # END SOLUTION

    def __setattr__(self, name: str, value: object) -> None:
        """``self.name = module`` registers a sub-module; assigning to a registered parameter replaces it."""
        # BEGIN SOLUTION
        if isinstance(value, Module):
            self._parameters.pop(name, None)
            self.__dict__.pop(name, None)
            self._modules[name] = value
        elif name in self._parameters:
            self.register_parameter(name, value)
        else:
            self._modules.pop(name, None)
            object.__setattr__(self, name, value)
        # END SOLUTION

    def __getattr__(self, name: str) -> object:
        """Look ``name`` up among the parameters, then the sub-modules (called only when normal lookup fails)."""
        # BEGIN SOLUTION
        for registry in ("_parameters", "_modules"):
            table = self.__dict__.get(registry, {})
            if name in table:
                return table[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        # END SOLUTION

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def __call__(self, *args, **kwargs):
        """``module(x)`` is ``module.forward(x)``."""
        # BEGIN SOLUTION
        return self.forward(*args, **kwargs)
        # END SOLUTION

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, sub-module) for the direct sub-modules, in registration order."""
        # BEGIN SOLUTION
        yield from self._modules.items()
        # END SOLUTION

    def children(self) -> Iterator[Module]:
        """The direct sub-modules, in registration order."""
        # BEGIN SOLUTION
        for _, module in self.named_children():
            yield module
        # END SOLUTION

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module (name ``prefix``) and every descendant, depth first."""
        # BEGIN SOLUTION
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)
        # END SOLUTION

    def named_parameters(self, prefix: str = "", remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, tensor) for every parameter: each module's own first, then its children's, depth first.

        ``Sequential(Linear(4, 8), ReLU(), Linear(8, 3))`` gives 0.weight (8, 4), 0.bias (8,),
        2.weight (3, 8), 2.bias (3,). A tensor registered twice is listed once unless
        ``remove_duplicate`` is False.
        """
        # BEGIN SOLUTION
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for name, tensor in module._parameters.items():
                if tensor is None or (remove_duplicate and id(tensor) in seen):
                    continue
                seen.add(id(tensor))
                yield (f"{module_name}.{name}" if module_name else name), tensor
        # END SOLUTION

    def parameters(self) -> Iterator[Tensor]:
        """The tensors of ``named_parameters()``, in the same order: leaves that require grad."""
        # BEGIN SOLUTION
        for _, tensor in self.named_parameters():
            yield tensor
        # END SOLUTION

    def state_dict(self) -> dict[str, Tensor]:
        """{dotted name: tensor.detach()} for every parameter, in ``named_parameters`` order.

        The values share storage with the parameters (no copy) but do not require grad.
        """
        # BEGIN SOLUTION
        return {name: tensor.detach() for name, tensor in self.named_parameters(remove_duplicate=False)}
        # END SOLUTION

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
        # BEGIN SOLUTION
        own = dict(self.named_parameters(remove_duplicate=False))
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"error loading state_dict into {type(self).__name__}: missing keys {missing}, "
                           f"unexpected keys {unexpected}")
        for name, value in state_dict.items():
            if name in own and tuple(value.shape) != tuple(own[name].shape):
                raise ValueError(f"size mismatch for {name}: got {tuple(value.shape)}, "
                                 f"the parameter has {tuple(own[name].shape)}")
        with torch.no_grad():
            for name, value in state_dict.items():
                if name in own:
                    own[name].copy_(value)
        return missing, unexpected
        # END SOLUTION

    def zero_grad(self) -> None:
        """Set ``.grad`` of every parameter, in every sub-module, to None."""
        # BEGIN SOLUTION
        for tensor in self.parameters():
            tensor.grad = None
        # END SOLUTION

    def train(self, mode: bool = True) -> Module:
        """Set ``training = mode`` on this module and every descendant; returns self."""
        # BEGIN SOLUTION
        for _, module in self.named_modules():
            object.__setattr__(module, "training", bool(mode))
        return self
        # END SOLUTION

    def eval(self) -> Module:
        """``train(False)``."""
        # BEGIN SOLUTION
        return self.train(False)
        # END SOLUTION


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
        # BEGIN SOLUTION
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        dtype = dtype or torch.get_default_dtype()
        bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0

        def uniform(*shape: int) -> Tensor:
            draw = torch.rand(*shape, generator=generator, dtype=dtype) * (2 * bound) - bound
            return draw.to(device) if device is not None else draw

        self.register_parameter("weight", uniform(out_features, in_features))
        self.register_parameter("bias", uniform(out_features) if bias else None)
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., in_features) -> (..., out_features): ``x @ weight.T + bias``."""
        # BEGIN SOLUTION
        out = x @ self.weight.T
        return out + self.bias if self.bias is not None else out
        # END SOLUTION


class ReLU(Module):
    """``max(x, 0)`` elementwise; no parameters."""

    def forward(self, x: Tensor) -> Tensor:
        """Any shape -> the same shape."""
        # BEGIN SOLUTION
        return x.clamp_min(0)
        # END SOLUTION


class Sequential(Module):
    """Sub-modules named "0", "1", ... applied in order: ``forward(x) = m_{k-1}(... m_1(m_0(x)))``."""

    def __init__(self, *modules: Module) -> None:
        """Register each module under its position as a string."""
        # BEGIN SOLUTION
        super().__init__()
        for index, module in enumerate(modules):
            setattr(self, str(index), module)
        # END SOLUTION

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def forward(self, x: Tensor) -> Tensor:
        """Feed x through every module in order."""
        # BEGIN SOLUTION
        for module in self._modules.values():
            x = module(x)
        return x
        # END SOLUTION

"""Part 2 is torch from raw tensors: a learner may not call what the exercise builds.

Each Part 2 component declares a :class:`~grader.components.Forbidden`: torch
function and aten operator names (``conv2d``, ``convolution``) and Python
packages (``torch.nn``, ``torch.optim``) its learner code may not reach. Two
checks, each naming what it found:

- **static**: a scan of the learner's source for imports of the forbidden
  packages, attribute chains that resolve to them or to a forbidden torch
  call (``torch.nn.functional.conv2d``, ``t.ops.aten.convolution`` after
  ``import torch as t``) and ``getattr(torch, "conv2d")`` with a literal name;
- **at run time**, around every test of the component: a ``TorchFunctionMode``
  sees each torch API call by name (composite calls such as ``F.dropout`` or
  ``torch.lstm_cell`` that the dispatcher never sees whole), and a
  ``TorchDispatchMode`` sees each aten operator that actually runs, whatever
  alias reached it (``F.conv2d``, ``torch.conv2d``, ``torch.ops.aten.convolution``
  and ``torch._C._VariableFunctions.conv2d`` all run ``aten.convolution``). A
  call counts against the learner only when one of the learner's own frames is
  on the Python stack, so the tests' torch oracles run freely; a forbidden
  package counts when one of its frames lies between the learner's frame and
  the call.
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from grader.checks import CheckFailure
from grader.components import Component, Forbidden

class ForbiddenCall(CheckFailure):
    """Learner code reached a torch call or package its component forbids."""

    grading_kind = "forbidden"  # as the sandbox records it: reports say "uses something forbidden", not "wrong"


def _in_packages(dotted: str, packages: tuple[str, ...]) -> bool:
    return any(dotted == package or dotted.startswith(package + ".") for package in packages)


def _forbidden_name(name: str, calls: frozenset[str]) -> bool:
    return name in calls or name.rstrip("_") in calls


# --- static -----------------------------------------------------------------------------------


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> dotted module path, from every import in the source."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = aliases.get(node.id, node.id)
    return ".".join([root, *reversed(parts)])


def forbidden_in_source(source: str, forbidden: Forbidden) -> list[tuple[int, str]]:
    """(line, what) for every forbidden import, attribute chain or literal getattr in the source."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found: list[tuple[int, str]] = []

    def torch_call(dotted: str) -> bool:
        return _in_packages(dotted, ("torch",)) and _forbidden_name(dotted.rsplit(".", 1)[-1], forbidden.calls)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {alias.name}") for alias in node.names
                      if _in_packages(alias.name, forbidden.packages)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if _in_packages(node.module, forbidden.packages) or _in_packages(dotted, forbidden.packages) \
                        or torch_call(dotted):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node, aliases)
            if dotted and (_in_packages(dotted, forbidden.packages) or torch_call(dotted)):
                found.append((node.lineno, dotted))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str)):
            name = node.args[1].value
            if _forbidden_name(name, forbidden.calls) or name in ("nn", "optim"):
                found.append((node.lineno, f"getattr(..., {name!r})"))
    return _outermost(found)


def _outermost(found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop ``torch.nn`` when ``torch.nn.functional.conv2d`` on the same line says more."""
    kept = []
    for line, what in sorted(set(found)):
        if not any(other != what and other_line == line and other.startswith(what + ".")
                   for other_line, other in found):
            kept.append((line, what))
    return kept


def assert_source_allowed(module: ModuleType, component: Component) -> None:
    """Fail, naming file, line and call, when the learner's source reaches a forbidden API."""
    assert_source_text_allowed(inspect.getsource(module), inspect.getfile(module), component)


def assert_source_text_allowed(source: str, filename: str, component: Component) -> None:
    for line, what in forbidden_in_source(source, component.forbidden):
        raise ForbiddenCall(
            f"forbidden API in {component.name}", f"{filename}:{line} uses {what}",
            [f"{component.name} may not use {_describe_forbidden(component.forbidden)}"],
            component.forbidden.instead,
        )


def _describe_forbidden(forbidden: Forbidden) -> str:
    packages = ", ".join(forbidden.packages)
    if not forbidden.calls:
        return packages
    shown = sorted(forbidden.calls, key=lambda name: (name.startswith("_"), len(name)))[:6]
    return f"{packages}, or torch calls such as {', '.join(shown)}"


# --- at run time ------------------------------------------------------------------------------


class TorchGuard:
    """Context manager: while active, learner code that reaches a forbidden call raises ForbiddenCall.

    Every violation is also kept in ``violations`` so that a learner's
    ``try/except`` cannot swallow it: the plugin fails the test afterwards.
    """

    def __init__(self, component: Component, learner_folder: Path):
        self.component = component
        self.forbidden = component.forbidden
        self.learner_prefix = str(Path(learner_folder).resolve()) + "/"
        self._is_learner: dict[str, bool] = {}
        self.violations: list[ForbiddenCall] = []
        self._modes: list[Any] = []

    def __enter__(self) -> TorchGuard:
        function_mode, dispatch_mode = _mode_classes()
        self._modes = [function_mode(self), dispatch_mode(self)]
        for mode in self._modes:
            mode.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        for mode in reversed(self._modes):
            mode.__exit__(*exc_info)
        self._modes = []

    def learner_frame(self, frame: FrameType) -> bool:
        filename = frame.f_code.co_filename
        known = self._is_learner.get(filename)
        if known is None:
            known = self._is_learner[filename] = str(Path(filename).resolve()).startswith(self.learner_prefix)
        return known

    def check(self, what: str, name: str, module: str | None) -> None:
        """Raise when ``name`` (a call reached from the current stack) is forbidden for the learner."""
        __tracebackhide__ = True
        via = module if module and _in_packages(module, self.forbidden.packages) else None
        forbidden_call = _forbidden_name(name, self.forbidden.calls)
        frame = sys._getframe(2)
        while frame is not None:
            if self.learner_frame(frame):
                if forbidden_call or via:
                    self._violate(frame, what, via)
                return
            if via is None:
                frame_module = frame.f_globals.get("__name__", "")
                if _in_packages(frame_module, self.forbidden.packages):
                    via = f"{frame_module}.{frame.f_code.co_name}"
            frame = frame.f_back

    def _violate(self, frame: FrameType, what: str, via: str | None) -> None:
        __tracebackhide__ = True
        where = f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
        reached = f"{via} (which runs {what})" if via else what
        failure = ForbiddenCall(
            f"forbidden call in {self.component.name}", f"{where} reached {reached}",
            [f"{self.component.name} may not use {_describe_forbidden(self.forbidden)}; "
             "aliases reach the same operator and are caught the same way"],
            self.forbidden.instead,
        )
        self.violations.append(failure)
        raise failure


_MODES: tuple[type, type] | None = None


def _mode_classes() -> tuple[type, type]:
    """The two torch modes, defined on first use so that importing this module does not import torch."""
    global _MODES
    if _MODES is None:
        from torch.overrides import TorchFunctionMode
        from torch.utils._python_dispatch import TorchDispatchMode

        class FunctionLevel(TorchFunctionMode):
            def __init__(self, guard: TorchGuard):
                super().__init__()
                self.guard = guard

            def __torch_function__(self, func, types, args=(), kwargs=None):
                __tracebackhide__ = True
                name = getattr(func, "__name__", "")
                module = getattr(func, "__module__", None)
                self.guard.check(f"torch call {module + '.' if module else ''}{name}", name, module)
                return func(*args, **(kwargs or {}))

        def dispatch(self, func, types, args=(), kwargs=None):
            __tracebackhide__ = True
            self.guard.check(f"operator {func}", func.overloadpacket.__name__, None)
            return func(*args, **(kwargs or {}))

        # TorchDispatchMode wraps __torch_dispatch__ so that torch.compile skips it, importing
        # torch._dynamo (1.2 s) on the first call to build that wrapper. Nothing is compiled in
        # a test process, so the function stands for its own wrapper. If torch stops reading
        # this attribute, the import simply happens again.
        dispatch.__dynamo_disable = dispatch

        class DispatchLevel(TorchDispatchMode):
            __torch_dispatch__ = dispatch

            def __init__(self, guard: TorchGuard):
                super().__init__()
                self.guard = guard

        _MODES = (FunctionLevel, DispatchLevel)
    return _MODES

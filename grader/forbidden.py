"""Part 1 is NumPy by hand: a learner's module may use NumPy and the standard library only.

Three complementary checks, each naming what it found:

- a static scan of the source: every ``import``, ``from ... import``,
  ``__import__("...")`` and ``importlib.import_module("...")`` with a literal name,
  at module level or inside functions;
- the module's globals after import: a module object or a function that
  comes from elsewhere (``import torch as t``, ``from scipy.signal import
  correlate``), however it was named;
- a fresh interpreter that imports the module alone and reports which
  packages that import loaded (``exec("import torch")`` at module level).
"""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from grader.checks import CheckFailure

NUMPY_ONLY = frozenset({"numpy"})
_STDLIB = frozenset(sys.stdlib_module_names)
_DYNAMIC_IMPORTERS = {"__import__", "import_module"}


def _foreign(name: str, allowed: frozenset[str], package: str) -> bool:
    root = name.split(".")[0]
    return root not in allowed and root not in _STDLIB and root != package


def imports_in_source(source: str) -> list[tuple[str, int]]:
    """(module name, line) for every absolute import the source can make."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            function = node.func
            called = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            if called in _DYNAMIC_IMPORTERS:
                found.append((node.args[0].value, node.lineno))
    return found


def foreign_globals(module: ModuleType, allowed: frozenset[str]) -> list[tuple[str, str]]:
    """(global name, where it comes from) for module-level names bound to other packages."""
    package = module.__name__.split(".")[0]
    found = []
    for name, value in vars(module).items():
        origin = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
        if isinstance(origin, str) and _foreign(origin, allowed, package) and origin != "builtins":
            found.append((name, origin))
    return found


_LOADER = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
before = set(sys.modules)
importlib.import_module(sys.argv[2])
print(json.dumps(sorted({name.split(".")[0] for name in set(sys.modules) - before})))
"""


def packages_loaded_on_import(module: ModuleType) -> list[str]:
    """Top-level packages a fresh, isolated interpreter loads when it imports the module alone."""
    depth = module.__name__.count(".") + 1  # the folder that holds the top-level package
    root = Path(inspect.getfile(module)).parents[depth - 1]
    completed = subprocess.run([sys.executable, "-I", "-c", _LOADER, str(root), module.__name__],
                               capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    if completed.returncode != 0:
        return []  # an import failure is reported by every other test of the component
    return json.loads(completed.stdout.strip().splitlines()[-1])


def numpy_only_failure(component: str, problem: str) -> CheckFailure:
    return CheckFailure(f"imports of {component}", problem, [],
                        f"{component} is NumPy by hand: write the computation with numpy arrays; "
                        "torch, scipy and other libraries are only the tests' oracle")


def assert_numpy_only_source(source: str, filename: str, component: str, package: str,
                             allowed: frozenset[str] = NUMPY_ONLY) -> None:
    """The static part of the check, on source text (the grader reads it without running it)."""
    for name, line in imports_in_source(source):
        if _foreign(name, allowed, package):
            raise numpy_only_failure(component, f"{filename}:{line} imports {name}")


def assert_numpy_only(module: ModuleType, component: str, allowed: frozenset[str] = NUMPY_ONLY) -> None:
    """Fail, naming the import, when a learner's module reaches beyond NumPy and the standard library."""
    package = module.__name__.split(".")[0]
    filename = inspect.getfile(module)
    assert_numpy_only_source(inspect.getsource(module), filename, component, package, allowed)
    for name, origin in foreign_globals(module, allowed):
        raise numpy_only_failure(component, f"the global {name!r} comes from {origin}")
    loaded = [name for name in packages_loaded_on_import(module) if _foreign(name, allowed, package)]
    if loaded:
        raise numpy_only_failure(component, f"importing {filename} loads {', '.join(loaded)}")

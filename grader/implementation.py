"""Which implementation is under test, and how its component modules are loaded.

``--impl`` takes ``exercises`` (the learner's room, the default), ``solutions``
(the reference) or a PATH: a folder holding an ``exercises/`` package, as a
learner's submission does. Tests never import ``exercises`` themselves; they
receive the module through the component's fixture, so the same suite checks
whichever implementation was chosen.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from grader.components import REPO_ROOT, component_named


class ImplementationError(Exception):
    """The chosen implementation cannot be used; the message says what to do."""


class ComponentImportError(Exception):
    """A component module failed to import (syntax error, bad import, crash at import)."""


@dataclass(frozen=True)
class Implementation:
    label: str  # as given to --impl
    package: str  # the name its package is imported under
    folder: Path  # the package's folder

    def describe(self) -> str:
        return f"{self.label} ({self.folder})"

    def load(self, component: str) -> ModuleType:
        """Import ``<package>.<component>``; a learner's mistake becomes one clear message."""
        component_named(component)
        module_file = self.folder / f"{component}.py"
        if not module_file.is_file():
            raise ComponentImportError(
                f"{module_file} does not exist: the {self.label} implementation has no "
                f"{component} module (copy exercises/{component}.py from the kit to start it)"
            )
        _install_package(self.package, self.folder)
        try:
            return importlib.import_module(f"{self.package}.{component}")
        except Exception as error:  # noqa: BLE001 - any failure at import is the learner's to see
            raise ComponentImportError(_describe_import_failure(module_file, error)) from None


def resolve(spec: str) -> Implementation:
    """Turn an ``--impl`` value into an Implementation, refusing what cannot work."""
    if spec in ("exercises", "solutions"):
        return Implementation(spec, spec, REPO_ROOT / spec)
    folder = Path(spec).expanduser().resolve()
    if not folder.is_dir():
        raise ImplementationError(
            f"--impl {spec}: no such folder. Give 'exercises', 'solutions', or a folder "
            "that holds an exercises/ package (a learner's submission)."
        )
    package_dir = folder / "exercises"
    if not package_dir.is_dir():
        raise ImplementationError(
            f"--impl {spec}: {folder} has no exercises/ folder. A submission is a folder "
            "with exercises/<component>.py files inside, as in the kit."
        )
    return Implementation(spec, "exercises", package_dir)


def _install_package(name: str, folder: Path) -> None:
    """Make ``name`` importable from ``folder``, whatever is on sys.path."""
    present = sys.modules.get(name)
    if present is not None:
        paths = [Path(p).resolve() for p in getattr(present, "__path__", [])]
        if folder.resolve() in paths:
            return
        raise ImplementationError(
            f"a package named {name!r} from {paths} is already imported in this process; "
            f"cannot also load {folder}. Run one implementation per pytest process."
        )
    spec = importlib.machinery.PathFinder.find_spec(name, [str(folder.parent)])
    if spec is None or spec.loader is None:  # a folder without __init__.py: make it a package
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        if spec.loader is not None:
            spec.loader.exec_module(package)
    except BaseException:
        del sys.modules[name]
        raise


def _describe_import_failure(module_file: Path, error: Exception) -> str:
    if isinstance(error, SyntaxError):
        where = f"{error.filename}:{error.lineno}"
        shown = (error.text or "").rstrip()
        return f"{where}: SyntaxError: {error.msg}\n    {shown}\nFix the syntax and run the tests again."
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if Path(frame.filename).resolve().parent == module_file.parent.resolve()]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else str(module_file)
    return (
        f"{where}: importing {module_file.name} raised {type(error).__name__}: {error}\n"
        "Code at module level runs on import; keep work inside the functions."
    )

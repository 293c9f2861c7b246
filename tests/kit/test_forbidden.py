"""The NumPy-only guard finds foreign code however it is imported, and names it."""

import importlib
import sys

import pytest

from grader.checks import CheckFailure
from grader.forbidden import assert_numpy_only, foreign_globals, imports_in_source, packages_loaded_on_import


def test_static_scan_sees_every_kind_of_import():
    source = ("import numpy as np\nimport os.path\nfrom . import linear\nfrom scipy.signal import correlate\n"
              "def f():\n    import torch\n    return __import__('jax'), importlib.import_module('sklearn')\n")
    assert imports_in_source(source) == [("numpy", 1), ("os.path", 2), ("scipy.signal", 4), ("torch", 6),
                                         ("jax", 7), ("sklearn", 7)]


def load(tmp_path, name: str, source: str):
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "toy.py").write_text(source)
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(f"{name}.toy")
    finally:
        sys.path.remove(str(tmp_path))


def test_numpy_and_the_standard_library_pass(tmp_path):
    module = load(tmp_path, "clean_kit", "import math\nimport numpy as np\nfrom typing import Any\n"
                                         "def f(x: Any):\n    return np.sqrt(math.pi) * x\n")
    assert foreign_globals(module, frozenset({"numpy"})) == []
    assert_numpy_only(module, "toy")


def test_an_aliased_foreign_function_is_named(tmp_path):
    module = load(tmp_path, "alias_kit", "import importlib\n"
                                         "corr = getattr(importlib.import_module('hypothesis'), 'given')\n")
    assert ("corr", "hypothesis.core") in foreign_globals(module, frozenset({"numpy"}))
    with pytest.raises(CheckFailure, match="imports hypothesis"):
        assert_numpy_only(module, "toy")


def test_an_import_hidden_in_exec_is_seen_by_a_fresh_interpreter(tmp_path):
    module = load(tmp_path, "exec_kit", "exec('import hypoth' + 'esis as _h; del _h')\n")
    assert imports_in_source(module.__spec__.loader.get_source(module.__name__)) == []
    assert "hypothesis" in packages_loaded_on_import(module)
    with pytest.raises(CheckFailure, match="loads .*hypothesis"):
        assert_numpy_only(module, "toy")


"""The stub generator: regions become raises, everything else is kept, bad markers are refused."""

import ast
import textwrap
from pathlib import Path

import pytest

from grader import stubs
from grader.cli import main
from grader.stubs import MarkerError, make_stub

SOURCE = textwrap.dedent('''\
    """Module docstring."""
    import numpy as np


    def double(x: np.ndarray, *, times: int = 2) -> np.ndarray:
        """out = x * times.  x: (N,) -> (N,)"""
        # BEGIN SOLUTION
        y = x * times
        return y
        # END SOLUTION


    class Layer:
        def forward(self, x):
            """A method."""
            # BEGIN SOLUTION
            return x
            # END SOLUTION
''')


def test_regions_become_a_pointer_to_the_docs():
    stub = make_stub(SOURCE, "toy", "solutions/toy.py")
    assert 'raise NotImplementedError("toy.double: see docs/toy.md")' in stub
    assert 'raise NotImplementedError("toy.Layer.forward: see docs/toy.md")' in stub
    assert "y = x * times" not in stub and "return x\n" not in stub


def test_signatures_hints_and_docstrings_are_kept():
    def functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
        return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}

    stub_tree = ast.parse(make_stub(SOURCE, "toy", "solutions/toy.py"))
    stub, source = functions(stub_tree), functions(ast.parse(SOURCE))
    assert stub.keys() == source.keys() == {"double", "forward"}
    for name, node in source.items():
        assert ast.dump(stub[name].args) == ast.dump(node.args)
        assert ast.dump(stub[name].returns or ast.Constant(None)) == ast.dump(node.returns or ast.Constant(None))
        assert ast.get_docstring(stub[name]) == ast.get_docstring(node)
    assert ast.get_docstring(stub_tree) == "Module docstring."


def test_the_stub_raises_when_called(tmp_path):
    namespace: dict = {}
    exec(compile(make_stub(SOURCE, "toy", "solutions/toy.py"), "toy", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="see docs/toy.md"):
        namespace["double"](1)


def test_a_module_without_regions_is_copied_verbatim():
    assert make_stub('"""Nothing to hide."""\nX = 1\n', "toy", "solutions/toy.py") == '"""Nothing to hide."""\nX = 1\n'


BAD = {
    "nested": ("def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n", 3, "nested"),
    "stray": ("def f():\n    return 1\n    # END SOLUTION\n", 3, "stray"),
    "unterminated": ("def f():\n    # BEGIN SOLUTION\n    return 1\n", 2, "unterminated"),
    "misspelt": ("def f():\n    # BEGIN SOLUTIONS\n    return 1\n    # END SOLUTION\n", 2, "malformed"),
    "empty": ("def f():\n    return 1\n    # BEGIN SOLUTION\n    # END SOLUTION\n", 3, "empty"),
    "outside a function": ("# BEGIN SOLUTION\nX = 1\n# END SOLUTION\n", 1, "outside any function"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_markers_are_refused_with_file_line_and_fix(case):
    source, line, problem = BAD[case]
    with pytest.raises(MarkerError) as caught:
        make_stub(source, "toy", "solutions/toy.py")
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"solutions/toy.py:{line}: ")
    assert "fix: " in str(caught.value)


def _kit_copy(tmp_path: Path) -> tuple[Path, Path]:
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    (solutions / "toy.py").write_text(SOURCE)
    stubs.write_stubs(solutions, exercises)
    return solutions, exercises


def test_check_passes_right_after_generation(tmp_path):
    assert stubs.stale_stubs(*_kit_copy(tmp_path)) == []


def test_check_reports_edited_missing_and_extra_files(tmp_path):
    solutions, exercises = _kit_copy(tmp_path)
    (solutions / "other.py").write_text("def g():\n    # BEGIN SOLUTION\n    return 2\n    # END SOLUTION\n")
    (exercises / "toy.py").write_text((exercises / "toy.py").read_text() + "\n# edited by hand\n")
    (exercises / "stray.py").write_text("")
    problems = stubs.stale_stubs(solutions, exercises)
    assert problems == [
        "exercises/other.py is missing",
        "exercises/toy.py differs from the stub generated from solutions/toy.py",
        "exercises/stray.py has no source solutions/stray.py",
    ]


def test_the_kit_exercises_are_up_to_date(capsys):
    assert main(["stubs", "--check"]) == 0, capsys.readouterr().out

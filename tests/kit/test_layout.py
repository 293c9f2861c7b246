"""Every component has its five files, its mutants, and the same name everywhere."""

import pytest

from grader.components import CURRICULUM, REPO_ROOT
from grader.mutants import discover

NAMES = [component.name for component in CURRICULUM]


@pytest.mark.parametrize("name", NAMES)
def test_component_has_its_five_files(name):
    for path in [f"solutions/{name}.py", f"exercises/{name}.py", f"tests/public/test_{name}.py",
                 f"tests/hidden/test_{name}.py", f"docs/{name}.md"]:
        assert (REPO_ROOT / path).is_file(), f"{path} is missing for component {name}"


@pytest.mark.parametrize("name", NAMES)
def test_component_has_at_least_four_mutants(name):
    found = discover(name)
    assert len(found) >= 4, f"tests/kit/mutants/{name}/ holds {len(found)} mutants; write at least four"
    assert all(mutant.bug != "(no description)" for mutant in found), "every mutant needs a docstring"


def test_no_file_without_a_component():
    listed = set(NAMES)
    modules = {path.stem for path in (REPO_ROOT / "solutions").glob("*.py")} - {"__init__"}
    suites = {path.stem.removeprefix("test_") for suite in ("public", "hidden")
              for path in (REPO_ROOT / "tests" / suite).glob("test_*.py")}
    assert modules <= listed, f"solutions without a curriculum entry: {sorted(modules - listed)}"
    assert suites <= listed, f"suites without a curriculum entry: {sorted(suites - listed)}"

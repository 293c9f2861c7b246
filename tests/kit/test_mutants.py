"""Each mutant (a realistic wrong implementation) is caught by the hidden suite of its component,
and each hidden test function catches at least one mutant."""

import pytest

from grader.components import CURRICULUM
from grader.mutants import checks_no_mutant_fails, discover, run_mutants

MUTANTS = discover()


@pytest.fixture(scope="module")
def results():
    return {result.mutant.name: result for result in run_mutants(MUTANTS)}


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda mutant: mutant.name)
def test_mutant_is_caught(results, mutant):
    result = results[mutant.name]
    assert result.caught, f"{mutant.name} ({mutant.bug}) passed all {len(result.survived_by)} hidden tests"


def test_every_hidden_test_catches_some_mutant(results):
    idle = {component: tests for component, tests in checks_no_mutant_fails(list(results.values())).items() if tests}
    assert not idle, f"hidden tests that no mutant fails (write a mutant they catch, or drop them): {idle}"


@pytest.mark.parametrize("component", [c.name for c in CURRICULUM if c.forbidden and c.forbidden.calls])
def test_forbidden_calls_are_caught_in_the_source_and_at_run_time(results, component):
    ways = set().union(*(result.caught_as_forbidden for result in results.values()
                         if result.mutant.component == component))
    assert ways == {"source", "run time"}, (
        f"{component}: write one mutant that calls a forbidden torch function plainly (caught in the source) "
        f"and one that reaches it through a name built at run time (caught by the guard); caught so far: {ways}")

"""Every public and hidden test fails on the generated stubs and passes on the reference.

Without a GPU, the ``[cuda]`` cases skip with the kit's reason on both; they
are held to the same rule on a GPU machine (see docs/gpu.md).
"""

from grader.devices import NO_GPU_REASON
from grader.runner import run_suites

SUITES = ["tests/public", "tests/hidden"]


def test_every_test_passes_on_solutions_and_fails_on_stubs():
    reference = run_suites(SUITES, impl="solutions", profile="grading")
    stubs = run_suites(SUITES, impl="exercises", profile="grading")
    assert reference.records, f"no test ran against solutions:\n{reference.output}"
    gpu_only = {r["nodeid"] for r in reference.records if r["outcome"] == "skipped" and NO_GPU_REASON in r["message"]}
    not_passing = [r["nodeid"] for r in reference.records if r["outcome"] != "passed" and r["nodeid"] not in gpu_only]
    assert not not_passing, f"tests that do not pass on the reference: {not_passing}"
    outcome = {r["nodeid"]: r["outcome"] for r in stubs.records}
    assert set(outcome) == {r["nodeid"] for r in reference.records}, "the two runs collected different tests"
    passing_on_stubs = [nodeid for nodeid, result in outcome.items()
                        if result not in ("failed", "error") and nodeid not in gpu_only]
    assert not passing_on_stubs, f"tests that do not fail on the stubs (they check nothing): {passing_on_stubs}"

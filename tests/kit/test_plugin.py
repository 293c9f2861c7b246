"""The pytest plugin and the command line, driven the way a learner or instructor drives them."""

import json
import shutil
import subprocess
import textwrap
import sys
from pathlib import Path

import pytest

from grader.components import REPO_ROOT
from grader.runner import run_suites


def pytest_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider"], cwd=REPO_ROOT,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def submission(tmp_path: Path, **overrides: str) -> Path:
    """A learner's folder: the reference exercises, with some modules replaced."""
    package = tmp_path / "learner" / "exercises"
    shutil.copytree(REPO_ROOT / "solutions", package, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in overrides.items():
        (package / f"{name}.py").write_text(text)
    return package.parent


def test_header_names_implementation_and_seed():
    result = pytest_run("tests/public/test_gradcheck.py", "--impl", "solutions", "--seed", "1234")
    assert "fromscratch: implementation under test: solutions (" in result.stdout
    assert "fromscratch: seed 1234 (reproduce with --seed 1234)" in result.stdout


def test_a_component_marker_selects_one_component():
    result = pytest_run("tests/public", "-m", "linear", "--collect-only", "-q")
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("tests/public/test_linear.py::") for line in collected)


def test_the_same_seed_gives_the_same_inputs(tmp_path):
    suite = tmp_path / "public" / "test_linear.py"
    suite.parent.mkdir()
    suite.write_text("def test_draw(rng):\n    print('DRAW', rng.integers(1 << 30))\n")

    def draw(seed: str) -> str:
        output = pytest_run(str(suite), "-p", "grader.plugin", "-s", "--seed", seed).stdout
        return next(line for line in output.splitlines() if "DRAW" in line)

    assert draw("7") == draw("7") != draw("8")


def test_failures_print_the_command_that_reproduces_them():
    result = pytest_run("tests/public/test_softmax.py", "--seed", "99")
    assert "not implemented yet: softmax.softmax_forward: see docs/softmax.md" in result.stdout
    assert "reproduce: pytest tests/public/test_softmax.py::test_softmax_fixed_values --impl exercises --seed 99" \
        in result.stdout


def test_a_submission_folder_is_tested(tmp_path):
    run = run_suites(["tests/public/test_softmax.py"], impl=submission(tmp_path))
    assert run.records and {r["outcome"] for r in run.records} == {"passed"}


def test_a_syntax_error_is_one_clear_message(tmp_path):
    learner = submission(tmp_path, softmax="def softmax_forward(x):\n    return x +\n")
    run = run_suites(["tests/public/test_softmax.py"], impl=learner)
    messages = {r["message"] for r in run.records}
    assert {r["outcome"] for r in run.records} == {"error"}
    assert len(messages) == 1
    (message,) = messages
    assert f"{learner / 'exercises' / 'softmax.py'}:2: SyntaxError" in message and "Traceback" not in message


@pytest.mark.parametrize("impl, complaint", [
    ("/no/such/folder", "no such folder"),
    ("tests", "has no exercises/ folder"),
])
def test_a_bad_impl_is_refused_with_what_to_do(impl, complaint):
    result = pytest_run("tests/public", "--impl", impl)
    assert result.returncode == 4 and complaint in result.stderr


def test_selftest_summarises_per_component():
    result = subprocess.run([sys.executable, "-m", "grader", "selftest", "--components", "softmax", "linear"],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line[:1].isalpha()}
    assert rows["softmax"][1:] == ["0", "0", "0"] and int(rows["softmax"][0]) > 0
    assert rows["linear"][1:] == ["0", "0", "0"] and int(rows["linear"][0]) > 0


def test_selftest_fails_on_the_stubs():
    result = subprocess.run([sys.executable, "-m", "grader", "selftest", "--impl", "exercises",
                             "--components", "gradcheck"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "gradcheck" in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "fromscratch"
    assert script.exists(), "the fromscratch console script is missing: pip install -e ."
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "stubs" in result.stdout and "selftest" in result.stdout


def test_results_json_has_one_record_per_test_with_its_worst_outcome(tmp_path):
    suite = tmp_path / "public" / "test_linear.py"
    suite.parent.mkdir()
    suite.write_text(
        "import pytest\n\n"
        "@pytest.fixture\ndef broken_teardown():\n    yield\n    raise RuntimeError('teardown')\n\n"
        "def test_passes_then_teardown_fails(broken_teardown):\n    pass\n\n"
        "def test_fails():\n    assert False\n\n"
        "def test_skips():\n    pytest.skip('no data')\n\n"
        "def test_passes():\n    pass\n")
    results = tmp_path / "results.json"
    pytest_run(str(suite), "-p", "grader.plugin", "--results-json", str(results))
    outcomes = {record["nodeid"].split("::")[-1]: record["outcome"] for record in json.loads(results.read_text())}
    assert outcomes == {"test_passes_then_teardown_fails": "error", "test_fails": "failed",
                        "test_skips": "skipped", "test_passes": "passed"}


def test_a_component_that_uses_torch_fails_every_test_naming_the_import(tmp_path):
    learner = submission(tmp_path, activations="import torch\n\ndef relu_forward(x):\n"
                                               "    return torch.relu(torch.from_numpy(x)).numpy(), x\n")
    run = run_suites(["tests/public/test_activations.py", "tests/public/test_linear.py"], impl=learner)
    by_component = {c: {r["outcome"] for r in run.records if r["component"] == c} for c in ("activations", "linear")}
    assert by_component == {"activations": {"error"}, "linear": {"passed"}}
    assert all("activations.py:1 imports torch" in r["message"] for r in run.records if r["component"] == "activations")


HYPOTHESIS_SUITE = ("from hypothesis import given, strategies as st\n\n"
                    "@given(st.integers(0, 10**9))\n"
                    "def test_draw(x):\n    print('DRAW', x)\n")


def hypothesis_draws(tmp_path, *args: str) -> list[str]:
    suite = tmp_path / "hidden" / "test_linear.py"
    suite.parent.mkdir(exist_ok=True)
    suite.write_text(HYPOTHESIS_SUITE)
    output = pytest_run(str(suite), "-p", "grader.plugin", "-s", *args).stdout
    return [line for line in output.splitlines() if line.startswith("DRAW")]


def test_hypothesis_gets_the_kit_profile_and_the_seed(tmp_path):
    # Hypothesis skips duplicate examples, so a run may fall a little short of max_examples;
    # its own default (100) would exceed every range below.
    learner = hypothesis_draws(tmp_path, "--seed", "3")
    assert 10 <= len(learner) <= 15, f"the default profile is 'learner' (15 examples), got {len(learner)}"
    assert hypothesis_draws(tmp_path, "--seed", "3") == learner, "the same --seed must draw the same examples"
    assert hypothesis_draws(tmp_path, "--seed", "4") != learner
    assert 45 <= len(hypothesis_draws(tmp_path, "--seed", "3", "--hypothesis-profile=ci")) <= 60
    grading = hypothesis_draws(tmp_path, "--seed", "3", "--hypothesis-profile=grading")
    assert 30 <= len(grading) <= 40
    assert hypothesis_draws(tmp_path, "--seed", "9", "--hypothesis-profile=grading") == grading, \
        "the grading profile is derandomized: the same examples whatever the seed"


def test_a_part_2_test_fails_when_learner_code_swallows_a_forbidden_call(tmp_path):
    reference = (REPO_ROOT / "solutions" / "softmax_torch.py").read_text()
    sneaky = reference + textwrap.dedent("""
        reference_softmax = softmax


        def softmax(x, dim=-1):
            try:
                return getattr(torch, "soft" + "max")(x, dim)
            except Exception:
                return reference_softmax(x, dim)
    """)
    folder = submission(tmp_path, softmax_torch=sneaky)
    result = pytest_run("tests/public/test_softmax_torch.py", "--impl", str(folder), "-k", "matches_torch")
    assert result.returncode == 1
    assert "forbidden call in softmax_torch" in result.stdout and "softmax_torch.py:" in result.stdout
    assert " 2 failed" in result.stdout

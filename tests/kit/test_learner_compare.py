"""`fromscratch compare`: scenarios for every component, verdicts per output, the report and exit codes.

Learner rooms are built in tmp_path (``<tmp>/exercises/<component>.py``) and
passed as ``--impl``; the repository's exercises/ is never touched. Each test
loads its own ``exercises`` package, so the ones already imported are set
aside first and put back after.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.cli import main
from grader.components import CURRICULUM, REPO_ROOT
from grader.implementation import resolve
from grader.learner.compare import compare_sessions
from grader.learner.pristine import pristine_stub
from grader.learner.scenarios import cases, run_scenario
from grader.learner.scenarios.matching import compare_leaves
from grader.mutants import MUTANTS_DIR

COMPONENTS = [component.name for component in CURRICULUM]


@pytest.fixture(autouse=True)
def own_exercises_package(monkeypatch, tmp_path):
    """A fresh ``exercises`` package for each test; the learner state kept out of the repository."""
    monkeypatch.setenv("FROMSCRATCH_STATE", str(tmp_path / "state"))
    for name in [name for name in sys.modules if name == "exercises" or name.startswith("exercises.")]:
        monkeypatch.delitem(sys.modules, name)
    yield
    for name in [name for name in sys.modules if name == "exercises" or name.startswith("exercises.")]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def reference_room(tmp_path_factory) -> Path:
    """A submission that is a copy of the reference: another module object, the same code."""
    room = tmp_path_factory.mktemp("reference")
    shutil.copytree(REPO_ROOT / "solutions", room / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    return room


def room_with(tmp_path: Path, component: str, source: str) -> Path:
    """A submission holding the reference for every component but ``component``, which gets ``source``."""
    shutil.copytree(REPO_ROOT / "solutions", tmp_path / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "exercises" / f"{component}.py").write_text(source)
    return tmp_path


def compare_rows(component: str, room: Path, seed: int = 0) -> list:
    implementation = resolve(str(room))
    yours = run_scenario(component, implementation.load(component), seed=seed,
                         learner_folder=implementation.folder)
    return compare_sessions(run_scenario(component, resolve("solutions").load(component), seed=seed), yours)


def exercise_functions(component: str) -> set[str]:
    """Qualified names of the reference's functions holding a solution region (what the learner writes)."""
    source = (REPO_ROOT / "solutions" / f"{component}.py").read_text()
    lines = source.splitlines()
    found = set()
    for node in ast.parse(source).body:
        members = [(f"{node.name}.{item.name}", item) for item in node.body if isinstance(item, ast.FunctionDef)] \
            if isinstance(node, ast.ClassDef) else [(node.name, node)] if isinstance(node, ast.FunctionDef) else []
        found |= {name for name, item in members
                  if any("# BEGIN SOLUTION" in line for line in lines[item.lineno - 1:item.end_lineno])}
    return found


def test_every_component_has_a_scenario():
    assert [component for component in COMPONENTS if not cases(component)] == []


@pytest.mark.parametrize("component", COMPONENTS)
def test_every_output_is_computed_by_an_exercise_function(component):
    exercises = exercise_functions(component)
    session = run_scenario(component, resolve("solutions").load(component), seed=0)
    outputs = session.outputs
    assert outputs, f"the scenario of {component} records nothing"
    strays = {name: outcome.function for name, outcome in outputs.items()
              if outcome.function not in exercises or not name.startswith(f"{outcome.function}.")}
    assert strays == {}, f"outputs of {component} not named after an exercise function"
    public = {name for name in exercises if not name.split(".")[-1].startswith("_")
              or name.split(".")[-1].startswith("__")}
    assert session.called <= exercises, f"{component}'s scenario charges failures to non-exercise functions"
    assert public - session.called == set(), f"exercise functions of {component} the scenario never calls"


@pytest.mark.parametrize("component", COMPONENTS)
def test_the_reference_matches_itself(component, reference_room, capsys):
    assert main(["compare", component, "--impl", str(reference_room)]) == 0
    count = re.search(r"(\d+) arrays compared: (.*)$", capsys.readouterr().out.rstrip())
    assert count is not None and count.group(2) == f"{count.group(1)} match"


# A mutant, the output it must change, and a piece of the row's reason.
MUTANTS = [
    ("activations", "relu_backward_at_zero", "relu_backward.dx", ""),
    ("activations", "tanh_upcasts_to_float64", "tanh_forward.out_float32", "dtype float64"),
    ("linear", "dw_transposed", "linear_backward.dw", "shapes differ"),
    ("conv2d", "stride_ignored_in_backward", "conv2d_backward.dx_strided", ""),
    ("dataloader", "drop_last_ignored", "batch_indices.shuffled_drop_last", "yours has 3 items, the reference 2"),
    ("optim", "sgd_buffer_updated_in_place", "sgd_step (argument state)", "in place"),
    ("attention_torch", "bool_mask_inverted", "scaled_dot_product_attention.out_bool_mask", ""),
    ("dropout_torch", "p_zero_still_draws", "dropout.next_random_p0", ""),
]


@pytest.mark.parametrize("component, mutant, output, reason", MUTANTS, ids=[m[1] for m in MUTANTS])
def test_a_mutant_differs_where_its_bug_is(component, mutant, output, reason, tmp_path):
    reference = (REPO_ROOT / "solutions" / f"{component}.py").read_text()
    bug = (MUTANTS_DIR / component / f"{mutant}.py").read_text()
    rows = compare_rows(component, room_with(tmp_path, component, f"{reference}\n\n{bug}"))
    differing = [row for row in rows if row.name.startswith(output) and row.verdict == "DIFFERS"]
    assert differing, f"{mutant}: no DIFFERS row for {output}: {[(r.name, r.verdict) for r in rows]}"
    assert reason in differing[0].note
    if not reason:  # a value bug: the worst element is located
        assert differing[0].worst is not None


def test_a_mutant_report_shows_the_worst_element_in_context(tmp_path, capsys):
    reference = (REPO_ROOT / "solutions" / "activations.py").read_text()
    bug = (MUTANTS_DIR / "activations" / "relu_backward_passes_negatives.py").read_text()
    room = room_with(tmp_path, "activations", f"{reference}\n\n{bug}")
    assert main(["compare", "activations", "--impl", str(room)]) == 1
    report = capsys.readouterr().out
    assert "first difference: relu_backward.dx" in report
    assert "look at relu_backward in" in report and "fromscratch hint activations" in report
    worst_line = next(line for line in report.splitlines() if line.startswith("  at ["))
    assert "yours" in worst_line and "reference" in worst_line


@pytest.fixture(scope="module")
def stub_room(tmp_path_factory) -> Path:
    room = tmp_path_factory.mktemp("stubs")
    (room / "exercises").mkdir()
    (room / "exercises" / "__init__.py").write_text("")
    for component in COMPONENTS:
        (room / "exercises" / f"{component}.py").write_text(pristine_stub(component))
    return room


@pytest.mark.parametrize("component", COMPONENTS)
def test_a_stub_is_not_written_yet_everywhere(component, stub_room):
    rows = compare_rows(component, stub_room)
    assert rows and {row.verdict for row in rows} <= {"not written", "skipped"}
    assert all("not written yet" in row.note for row in rows if row.verdict == "skipped")


RAISES_TYPE_ERROR = '''

def relu_backward(dout, cache):
    scale = dout.shape[0]
    return dout * cache + "oops"  # line {line}
'''


def test_an_exception_names_the_learners_line_and_spares_other_outputs(tmp_path, capsys):
    reference = (REPO_ROOT / "solutions" / "activations.py").read_text()
    line = len(reference.splitlines()) + 5
    room = room_with(tmp_path, "activations", reference + RAISES_TYPE_ERROR.format(line=line))
    rows = {row.name: row for row in compare_rows("activations", room)}
    assert rows["relu_backward.dx"].verdict == "error"
    assert "raised" in rows["relu_backward.dx"].note and f"activations.py:{line}" in rows["relu_backward.dx"].note
    assert rows["relu_forward.out"].matches and rows["tanh_backward.dx"].matches
    assert main(["compare", "activations", "--impl", str(room)]) == 1
    assert f"activations.py:{line}" in capsys.readouterr().out


def test_a_failed_forward_skips_its_backward_only(tmp_path):
    reference = (REPO_ROOT / "solutions" / "activations.py").read_text()
    broken = reference + "\n\ndef sigmoid_forward(x):\n    raise ValueError('no')\n"
    rows = {row.name: row for row in compare_rows("activations", room_with(tmp_path, "activations", broken))}
    assert rows["sigmoid_forward.out"].verdict == "error"
    assert rows["sigmoid_backward.dx"].verdict == "skipped" and "sigmoid_forward failed" in rows["sigmoid_backward.dx"].note
    assert rows["tanh_backward.dx"].matches and rows["relu_backward.dx"].matches


def test_the_seed_changes_the_inputs_and_only_the_seed():
    module = resolve("solutions").load("activations")
    first, again, other = (run_scenario("activations", module, seed=seed).outputs["relu_forward.out"].value
                           for seed in (0, 0, 1))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_without_the_reference_compare_explains_and_exits_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("grader.components.REPO_ROOT", tmp_path)
    assert main(["compare", "activations"]) == 2
    assert "compare needs the reference solutions, which this edition does not include" in capsys.readouterr().out


def test_a_bad_impl_or_component_is_refused(tmp_path, capsys):
    assert main(["compare", "activations", "--impl", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().out
    assert main(["compare", "activation"]) == 2


def test_a_syntax_error_is_reported_before_any_import(tmp_path, capsys):
    room = room_with(tmp_path, "linear", "def linear_forward(x, w, b:\n    pass\n")
    assert main(["compare", "linear", "--impl", str(room)]) == 1
    report = capsys.readouterr().out
    assert "SyntaxError" in report and "linear.py:1" in report
    assert "exercises.linear" not in sys.modules


@pytest.mark.parametrize("yours, reference, verdict", [
    (np.float32([1.0, 2.0]), np.float32([1.0, 2.00001]), "match"),  # within float32's tolerance
    (np.array([1.0, 2.0]), np.array([1.0, 2.00001]), "DIFFERS"),  # outside float64's
    (np.array([1.0, np.nan]), np.array([1.0, np.nan]), "match"),  # nan where the reference has nan
    (np.array([3, 4]), np.array([3, 5]), "DIFFERS"),  # integers are exact
    (np.zeros((2, 3)), np.zeros((3, 2)), "DIFFERS"),  # shapes
])
def test_leaves_compare_by_dtype(yours, reference, verdict):
    row = compare_leaves("f.out", "f", yours, reference)
    assert row.verdict == verdict
    if verdict == "DIFFERS" and yours.shape == reference.shape:
        assert row.worst == (1,)

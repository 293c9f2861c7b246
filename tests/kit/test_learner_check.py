"""`fromscratch check` and `fromscratch list`, driven on learners' rooms the way a learner meets them.

Rooms are built in tmp folders from the kit itself: a module copied from
solutions/ (written), its pristine stub (not started), a mutant from
tests/kit/mutants/ appended to the reference (a realistic bug, as grader.mutants
applies it), a syntax error, a changed signature. The learner's state goes to
a tmp FROMSCRATCH_STATE; the kit's exercises/ is only ever read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.components import CURRICULUM, REPO_ROOT
from grader.learner import check, listing, progress, verdict
from grader.learner.pristine import pristine_stub
from grader.learner.source_check import problems
from grader.runner import run_suites

BUG = "relu_backward_passes_negatives"  # dx of relu_backward lets the gradient through where x < 0
CRASH = 'raise RuntimeError("half-written module")\n'


def reference(component: str) -> str:
    return (REPO_ROOT / "solutions" / f"{component}.py").read_text()


def mutant(component: str, bug: str) -> str:
    """The reference with a mutant's definitions appended, as grader.mutants applies it."""
    fragment = (REPO_ROOT / "tests" / "kit" / "mutants" / component / f"{bug}.py").read_text()
    return f"{reference(component)}\n\n# --- mutant {component}/{bug} ---\n{fragment}"


def room(folder: Path, **modules: str) -> Path:
    """A submission folder whose exercises/ holds the given modules' text."""
    package = folder / "exercises"
    package.mkdir(parents=True)
    for name, text in modules.items():
        (package / f"{name}.py").write_text(text)
    return folder


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch) -> Path:
    """Every test (and every pytest it starts) keeps the learner's state in its tmp folder."""
    monkeypatch.setenv("FROMSCRATCH_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture(scope="module")
def half_done(tmp_path_factory) -> tuple[Path, dict[str, list[dict]]]:
    """A learner half-way: two components written, one buggy, one untouched, one that crashes on import."""
    folder = room(tmp_path_factory.mktemp("half_done"), activations=mutant("activations", BUG),
                  linear=reference("linear"), softmax=reference("softmax"), gradcheck=pristine_stub("gradcheck"),
                  mlp=reference("mlp") + CRASH)
    names = ["activations", "linear", "softmax", "gradcheck", "mlp"]
    run = run_suites([f"tests/public/test_{name}.py" for name in names], impl=folder, profile="learner")
    by_component = {name: [r for r in run.records if r["component"] == name] for name in names}
    assert all(by_component.values()), run.output
    return folder, by_component


def width_ok(text: str) -> bool:
    """Every line fits 80 columns, but a pasteable command holding a test id, which cannot be broken."""
    return all(len(line) <= 80 or "::" in line for line in text.splitlines())


# --- the static pre-check -----------------------------------------------------------------------

def test_the_kit_own_modules_pass_the_pre_check():
    for component in CURRICULUM:
        assert problems(component.name, REPO_ROOT / "solutions" / f"{component.name}.py") == [], component.name
        assert problems(component.name, REPO_ROOT / "exercises" / f"{component.name}.py") == [], component.name


def test_a_syntax_error_is_named_with_its_line_and_a_caret(tmp_path):
    text = reference("activations").replace("def relu_backward(dout: Array, cache: Array) -> Array:",
                                            "def relu_backward(dout: Array, cache: Array) -> Array")
    module = room(tmp_path, activations=text) / "exercises" / "activations.py"
    line = text.splitlines().index("def relu_backward(dout: Array, cache: Array) -> Array") + 1
    (found,) = problems("activations", module)
    first, shown, caret, *advice = found.splitlines()
    assert first.endswith(f"activations.py:{line}: SyntaxError: expected ':'")
    assert shown.strip() == "def relu_backward(dout: Array, cache: Array) -> Array"
    assert caret.strip() == "^" and caret.index("^") == len(shown)  # just after the line, where ':' goes
    assert "fromscratch check activations" in " ".join(advice)


@pytest.mark.parametrize("edit, expected", [
    (("def relu_backward(dout: Array, cache: Array)", "def relu_backward(dout)"),
     ":{line}: relu_backward(dout) takes (dout, cache) in the kit: cache is missing"),
    (("def relu_backward(dout: Array, cache: Array)", "def relu_backward(cache, dout)"),
     ":{line}: relu_backward(cache, dout) takes (dout, cache) in the kit: the parameters are in another order"),
    (("def relu_backward(dout: Array, cache: Array)", "def relu_backward(grad, cache)"),
     ":{line}: relu_backward(grad, cache) takes (dout, cache) in the kit: the parameter dout is called grad"),
    (("negative_slope: float = 0.01) -> tuple", "negative_slope) -> tuple"),
     ":{line}: leaky_relu_forward(x, negative_slope) takes (x, negative_slope=0.01) in the kit: "
     "negative_slope has no default here"),
    (("negative_slope: float = 0.01) -> tuple", "negative_slope=0.1) -> tuple"),
     ":{line}: leaky_relu_forward(x, negative_slope=0.1) takes (x, negative_slope=0.01) in the kit: "
     "negative_slope defaults to 0.1 here, 0.01 in the kit"),
    (("def tanh_backward(", "def tanh_backwards("),
     ": the function tanh_backward is missing; the tests use activations.tanh_backward(dout, cache)"),
])
def test_a_signature_unlike_the_kit_is_named_with_its_line(tmp_path, edit, expected):
    old, new = edit
    text = reference("activations").replace(old, new)
    assert text != reference("activations")
    module = room(tmp_path, activations=text) / "exercises" / "activations.py"
    line = next(number for number, source in enumerate(text.splitlines(), 1) if new in source)
    (found,) = problems("activations", module)
    assert found.startswith(str(module)) or found.startswith(os.path.relpath(module))
    assert expected.format(line=line) in found


def test_a_method_of_a_class_is_checked_too(tmp_path):
    text = reference("modules_torch").replace("def load_state_dict(self, state_dict", "def load_state_dict(self, d")
    module = room(tmp_path, modules_torch=text) / "exercises" / "modules_torch.py"
    (found,) = problems("modules_torch", module)
    assert "Module.load_state_dict(self, d" in found and "the parameter state_dict is called d" in found


# --- the verdict --------------------------------------------------------------------------------

def test_a_bug_gets_one_line_per_check_and_the_first_failure_explained(half_done):
    _, records = half_done
    text = verdict.explain("activations", records["activations"], elapsed=1.5, colour=False)
    lines = text.splitlines()
    assert "FAIL  test_relu_backward_fixed_values" in lines
    assert "PASS  test_relu_forward_fixed_values" in lines
    grouped = next(line for line in lines if "test_matches_torch_on_a_small_input" in line)
    assert grouped.startswith("FAIL") and grouped.endswith("1 of 4 cases: relu-relu")
    explained = text[text.index("First failure: test_relu_backward_fixed_values"):]
    assert "dx of relu_backward: values differ from the reference" in explained
    assert "inputs    x=array(2, 3) float64" in explained
    assert "expected  0 at dx[0, 1]" in explained and "got       2 (abs error" in explained
    assert "cause     the gradient flows only where x > 0" in explained
    assert "pytest tests/public/test_activations.py::test_relu_backward_fixed_values \\" in explained
    assert "--impl" in explained and "--seed 0" in explained
    assert 'docs/activations.md:55 "ReLU"' in explained and '"Common mistakes"' in explained
    assert "fromscratch hint activations" in explained
    assert "activations: 6 of 8 checks pass in 1.5 s" in text
    assert "Traceback" not in text and "\033[" not in text and width_ok(text)


def test_unwritten_functions_are_todo_and_nothing_is_explained(half_done):
    _, records = half_done
    text = verdict.explain("gradcheck", records["gradcheck"], colour=False)
    assert "TODO  test_rel_error_fixed_values" in text and "not written yet: gradcheck.rel_error" in text
    assert "FAIL" not in text and "First failure" not in text
    assert "gradcheck: 0 of 4 checks pass" in text and "next: write gradcheck." in text and width_ok(text)


def test_a_module_that_cannot_be_imported_is_said_once(half_done):
    folder, records = half_done
    text = verdict.explain("mlp", records["mlp"], colour=False)
    assert len(records["mlp"]) > 1 and text.count("RuntimeError: half-written module") == 1
    assert f"{folder / 'exercises' / 'mlp.py'}:" in text
    assert "PASS" not in text and "FAIL" not in text and "Traceback" not in text
    assert f"mlp: 0 of {len(records['mlp'])} checks pass" in text


def test_all_passing_points_to_the_next_component(half_done):
    _, records = half_done
    text = verdict.explain("linear", records["linear"], colour=False)
    assert all(line.startswith("PASS") for line in text.split("\n\n")[0].splitlines())
    assert "linear: 4 of 4 checks pass" in text and "next: softmax — fromscratch check softmax" in text


def test_colour_only_on_a_terminal_without_no_color(half_done, monkeypatch):
    _, records = half_done
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert "\033[31mFAIL\033[0m" in verdict.explain("activations", records["activations"])
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in verdict.explain("activations", records["activations"])
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert "\033[" not in verdict.explain("activations", records["activations"])


# --- the command --------------------------------------------------------------------------------

def check_command(component: str, impl: Path | str) -> argparse.Namespace:
    return argparse.Namespace(component=component, impl=str(impl), seed=0)


def test_check_runs_the_suite_and_exits_1_on_a_bug(tmp_path, capsys):
    folder = room(tmp_path, activations=mutant("activations", BUG))
    assert check.run(check_command("activations", folder)) == 1
    out = capsys.readouterr().out
    assert "FAIL  test_relu_backward_fixed_values" in out and "First failure" in out
    assert "activations: 6 of 8 checks pass" in out and "Traceback" not in out


def test_check_exits_0_when_every_check_passes(half_done, monkeypatch, capsys):
    folder, records = half_done
    monkeypatch.setattr(check, "run_public_suite", lambda component, impl, seed: records[component])
    assert check.run(check_command("linear", folder)) == 0
    assert check.run(check_command("softmax", folder)) == 0
    assert check.run(check_command("activations", folder)) == 1
    assert "softmax: 5 of 5 checks pass" in capsys.readouterr().out


def test_check_stops_at_a_syntax_error_before_running_anything(tmp_path, monkeypatch, capsys):
    folder = room(tmp_path, linear="def linear_forward(x, w, b):\n    return x @ w +\n")
    monkeypatch.setattr(check, "run_public_suite", lambda *args, **kwargs: pytest.fail("the suite ran"))
    assert check.run(check_command("linear", folder)) == 1
    out = capsys.readouterr().out
    assert "exercises/linear.py:2:" in out and "SyntaxError: invalid syntax" in out and "    return x @ w +" in out
    assert "no check ran" in out and "Traceback" not in out


@pytest.mark.parametrize("argv, complaint", [
    (["check", "relu"], "no component named 'relu'"),
    (["check", "linear", "--impl", "/no/such/folder"], "no such folder"),
])
def test_check_refuses_bad_arguments_with_what_to_do(argv, complaint):
    result = subprocess.run([sys.executable, "-m", "grader", *argv], cwd=REPO_ROOT, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and complaint in result.stderr and "Traceback" not in result.stderr


# --- progress -----------------------------------------------------------------------------------

def pytest_public(component: str, impl: str) -> None:
    subprocess.run([sys.executable, "-m", "pytest", f"tests/public/test_{component}.py", "--impl", impl,
                    "-q", "-p", "no:cacheprovider"], cwd=REPO_ROOT, capture_output=True, stdin=subprocess.DEVNULL)


def test_a_plain_pytest_run_in_the_learner_room_records_progress(private_state):
    pytest_public("gradcheck", "exercises")  # the kit's exercises/: the untouched stubs
    document = json.loads((private_state / "progress.json").read_text())
    assert set(document) == {"gradcheck"}
    entry = document["gradcheck"]
    assert entry["module_hash"] == progress.module_hash(REPO_ROOT / "exercises" / "gradcheck.py")
    assert len(entry["checks"]) == 4 and {c["kind"] for c in entry["checks"].values()} == {"not_implemented"}
    assert progress.component_status("gradcheck") == progress.Status("not started", 0, 4, False)


def test_runs_against_another_implementation_record_nothing(private_state):
    pytest_public("gradcheck", "solutions")
    assert not (private_state / "progress.json").exists()


def record(folder: Path, records: dict[str, list[dict]], monkeypatch) -> None:
    """What the plugin does at the end of a run in the learner's room, with ``folder`` as that room."""
    monkeypatch.setattr(progress, "LEARNER_ROOM", folder / "exercises")
    progress.record_run([r for rs in records.values() for r in rs], progress.snapshot(folder / "exercises"))


def test_statuses_follow_the_last_run(half_done, monkeypatch, tmp_path):
    folder, records = half_done
    record(folder, records, monkeypatch)
    status = {name: progress.component_status(name) for name in records}
    assert status["linear"] == progress.Status("passing", 4, 4, False)
    assert status["activations"] == progress.Status("failing", 6, 8, False)
    assert status["gradcheck"].state == "not started" and status["mlp"].state == "failing"
    assert progress.component_status("optim") == progress.Status("not started", 0, 0, False)
    assert progress.next_component() == "activations"
    record(folder, {"activations": records["activations"][:1]}, monkeypatch)  # one check run again
    assert progress.component_status("activations") == progress.Status("failing", 6, 8, False)


def test_a_module_edited_since_its_run_is_flagged(half_done, monkeypatch, tmp_path):
    folder, records = half_done
    edited = room(tmp_path / "edited", **{name: (folder / "exercises" / f"{name}.py").read_text() for name in records})
    record(edited, records, monkeypatch)
    assert not progress.component_status("linear").changed_since_run
    with (edited / "exercises" / "linear.py").open("a") as module:
        module.write("# trying something\n")
    assert progress.component_status("linear").label == "passing, changed since last run"


def test_list_shows_every_component_in_order_with_its_status_and_the_next_step(half_done, monkeypatch,
                                                                                 private_state):
    folder, records = half_done
    record(folder, {name: records[name] for name in ("linear", "softmax", "gradcheck", "activations")}, monkeypatch)
    (private_state / "solutions.json").write_text(json.dumps({"softmax": {"when": "2025-01-01", "forced": True}}))
    text = listing.render(colour=False)
    rows = {line.split()[0]: line for line in text.splitlines() if line.startswith("  ")}
    assert list(rows) == [component.name for component in CURRICULUM]
    assert text.index("Part 1") < text.index("  activations") < text.index("Part 2") < text.index("  softmax_torch")
    assert "passing" in rows["linear"] and "solution viewed" in rows["softmax"]
    assert "failing (6/8)" in rows["activations"] and "not started" in rows["gradcheck"]
    assert "not started" in rows["optim"] and "solution viewed" not in rows["linear"]
    assert "2 of 24 passing" in text
    checks = sum(listing.count_public_checks(component.name) for component in CURRICULUM)
    assert f"{4 + 5 + 6} of {checks} passing" in text
    assert "next: activations — `fromscratch check activations`  (docs/activations.md)" in text
    assert "\033[" not in text and width_ok(text)


def test_the_check_count_of_a_suite_is_what_pytest_collects():
    collected = subprocess.run([sys.executable, "-m", "pytest", "tests/public/test_conv2d.py",
                                "tests/public/test_optim.py", "--collect-only", "-q", "-p", "no:cacheprovider"],
                               cwd=REPO_ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
    for component in ("conv2d", "optim"):
        assert listing.count_public_checks(component) == collected.count(f"test_{component}.py::")

"""`fromscratch nbgrader`: a course real nbgrader releases and autogrades with the kit's suites.

The end-to-end test writes a course for activations (Part 1) and softmax_torch
(Part 2), runs `nbgrader generate_assignment` and `nbgrader autograde` on
submissions built from the released notebooks (the reference, the untouched
stub, a known-wrong mutant) and reads the scores from nbgrader's gradebook.
"""

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from grader.cli import main
from grader.components import REPO_ROOT
from grader.course.notebooks import split_points
from grader.grading.rubric import load_rubric
from grader.learner.pristine import pristine_stub
from grader import notebook as runtime
from grader.notebook import NotebookError, _checks_arguments, _no_suite, judge, module_text, run_module_cell
from grader.stubs import find_regions

COMPONENTS = ("activations", "softmax_torch")
MUTANTS = {"activations": "sigmoid_naive_overflow", "softmax_torch": "softmax_through_a_getattr_alias"}
NBGRADER_BIN = Path(sys.executable).parent


def nbgrader_missing() -> str | None:
    for module in ("nbgrader", "ipykernel"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install 'fromscratch[course]')"
    if shutil.which("alembic", path=str(NBGRADER_BIN)) is None:
        return f"nbgrader needs the alembic command beside {sys.executable}; it is absent"
    return None


needs_nbgrader = pytest.mark.skipif(nbgrader_missing() is not None, reason=str(nbgrader_missing()))


def write_course(out: Path, *extra: str, components: tuple[str, ...] = COMPONENTS) -> None:
    assert main(["nbgrader", str(out), "--components", *components, *extra]) == 0


def nbgrader_in_each(courses: list[Path], *args: str) -> None:
    """``nbgrader ARGS`` in every course at once (a course per component: its own gradebook, no shared lock)."""
    env = {**os.environ, "PATH": f"{NBGRADER_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "OMP_NUM_THREADS": "1"}
    running = [subprocess.Popen([str(NBGRADER_BIN / "nbgrader"), *args], cwd=course, env=env, text=True,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for course in courses]
    for course, process in zip(courses, running):
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, f"nbgrader {' '.join(args)} failed in {course}:\n{output[-6000:]}"


def cells(path: Path) -> dict[str, dict]:
    notebook = json.loads(path.read_text())
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell for cell in notebook["cells"]}


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def submit(course: Path, component: str, student: str, module_source: str | None) -> None:
    """A submission built from the released notebook, its solution cell replaced unless ``module_source`` is None."""
    notebook = json.loads((course / "release" / component / f"{component}.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution") and module_source is not None:
            cell["source"] = module_source
    target = course / "submitted" / student / component / f"{component}.ipynb"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(notebook))


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, Path]:
    """The course of each component, released and autograded: students reference, mutant, stub (activations)."""
    courses = {component: tmp_path_factory.mktemp(component) for component in COMPONENTS}
    for component, course in courses.items():
        write_course(course, components=(component,))
    nbgrader_in_each(list(courses.values()), "generate_assignment", "*")
    for component, course in courses.items():
        reference = source(cells(course / "source" / component / f"{component}.ipynb")["module"])
        mutant = (REPO_ROOT / "tests" / "kit" / "mutants" / component / f"{MUTANTS[component]}.py").read_text()
        submit(course, component, "reference", reference)
        submit(course, component, "mutant", f"{reference}\n\n{mutant}")
    submit(courses["activations"], "activations", "stub", None)
    nbgrader_in_each(list(courses.values()), "autograde", "*", "--create")
    return courses


@needs_nbgrader
def test_autograde_gives_the_reference_every_point_the_stub_none_and_a_mutant_some(graded):
    from nbgrader.api import Gradebook

    rubric = load_rubric()
    students = {"activations": ("reference", "mutant", "stub"), "softmax_torch": ("reference", "mutant")}
    scores = {}
    for component, course in graded.items():
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            for student in students[component]:
                submission = gradebook.find_submission(component, student)
                assert submission.max_score == float(rubric.points_for(component)), (component, student)
                assert not submission.needs_manual_grade, f"{component}/{student}: a cell was not autograded"
                scores[component, student] = submission.score
    for component in COMPONENTS:
        full = float(rubric.points_for(component))
        assert scores[component, "reference"] == full, f"the reference of {component} lost points: {scores}"
        assert 0 < scores[component, "mutant"] < full, f"mutant {MUTANTS[component]}: {scores}"
    assert scores["activations", "stub"] == 0, f"the untouched stub earned points: {scores}"


@needs_nbgrader
def test_the_autograded_cells_name_the_failed_checks_and_the_guard(graded):
    notebook = graded["softmax_torch"] / "autograded" / "mutant" / "softmax_torch" / "softmax_torch.ipynb"
    autograded = cells(notebook)
    shown = "".join("".join(output.get("text", "")) for output in autograded["public-checks"]["outputs"])
    assert "✗ softmax matches torch" in shown and "reached torch call torch.softmax" in shown, \
        f"the public cell does not say the torch guard refused softmax:\n{shown}"
    for name in ("public-checks", "hidden-checks"):
        streams = {output.get("name") for output in autograded[name]["outputs"]}
        assert "stderr" not in streams, f"{name} wrote to stderr, which nbgrader scores as 0"


@needs_nbgrader
def test_the_released_notebook_holds_no_solution_code_and_no_hidden_check(graded):
    for component, course in graded.items():
        notebook = course / "release" / component / f"{component}.ipynb"
        released = "\n".join(source(cell) for cell in cells(notebook).values())
        released_lines = {line.strip() for line in released.splitlines()}
        solution = (REPO_ROOT / "solutions" / f"{component}.py").read_text().splitlines()
        public = set(line.strip() for line in pristine_stub(component).splitlines()) | set(
            line.strip() for line in (REPO_ROOT / "tests" / "public" / f"test_{component}.py").read_text().splitlines())
        for region in find_regions(solution, component):
            for line in solution[region.begin:region.end - 1]:
                code = line.strip()
                if code and not code.startswith("#") and code not in public:
                    assert code not in released_lines, f"solution line of {component} released: {code!r}"
        hidden_suite = (REPO_ROOT / "tests" / "hidden" / f"test_{component}.py").read_text()
        hidden_tests = {node.name for node in ast.walk(ast.parse(hidden_suite))
                        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
        for name in hidden_tests - public_test_names(component):
            assert name not in released, f"hidden check {name} of {component} is in the released notebook"
        assert hidden_suite.splitlines()[0] not in released, f"the hidden suite of {component} was released"


def public_test_names(component: str) -> set[str]:
    tree = ast.parse((REPO_ROOT / "tests" / "public" / f"test_{component}.py").read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_the_notebook_cells_carry_nbgrader_metadata_and_the_rubric_points(tmp_path):
    write_course(tmp_path)
    rubric = load_rubric()
    for component in COMPONENTS:
        found = cells(tmp_path / "source" / component / f"{component}.ipynb")
        assert list(found) == ["intro", "setup", "module", "public-checks", "hidden-checks"]
        points = [found[name]["metadata"]["nbgrader"]["points"] for name in ("public-checks", "hidden-checks")]
        assert all(point > 0 for point in points) and sum(points) == float(rubric.points_for(component))
        module = source(found["module"])
        regions = find_regions((REPO_ROOT / "solutions" / f"{component}.py").read_text().splitlines(), component)
        assert module.count("### BEGIN SOLUTION") == module.count("### END SOLUTION") == len(regions)
        assert found["module"]["metadata"]["nbgrader"]["solution"] is True
        hidden = source(found["hidden-checks"]).splitlines()
        assert hidden[1] == "### BEGIN HIDDEN TESTS" and hidden[-1] == "### END HIDDEN TESTS"
        for name in ("public-checks", "hidden-checks"):
            meta = found[name]["metadata"]["nbgrader"]
            assert meta["grade"] and meta["locked"] and not meta["solution"], (component, name, meta)


def test_a_rubric_sets_the_points_and_a_second_run_changes_nothing(tmp_path, capsys):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[components.activations]\npoints = 4\n")
    course = tmp_path / "course"
    write_course(course, "--rubric", str(rubric))
    found = cells(course / "source" / "activations" / "activations.ipynb")
    assert sum(found[name]["metadata"]["nbgrader"]["points"] for name in ("public-checks", "hidden-checks")) == 4
    capsys.readouterr()
    write_course(course, "--rubric", str(rubric))
    assert capsys.readouterr().out.count(": unchanged") == 3  # the config and both notebooks


def test_a_folder_that_is_not_our_course_is_refused(tmp_path, capsys):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert main(["nbgrader", str(tmp_path), "--components", "activations"]) == 2
    assert "was not written by `fromscratch nbgrader`" in capsys.readouterr().err
    assert not (tmp_path / "source").exists()


def test_points_follow_the_test_functions_and_add_up_exactly():
    assert split_points(Fraction(10), 5, 9) == (Fraction(7, 2), Fraction(13, 2))
    assert split_points(Fraction(10), 1, 30) == (Fraction(1, 2), Fraction(19, 2))  # every cell worth something
    public, hidden = split_points(Fraction(5, 2), 4, 4)
    assert public + hidden == Fraction(5, 2) and public == Fraction(1)


def test_a_checks_cell_refuses_arguments_it_cannot_use():
    assert _checks_arguments("activations hidden points=6.5 seconds=30") == ("activations", "hidden", 6.5, 30.0)
    for line in ("activations public", "activations publik points=1", "activations public points=x",
                 "activations public score=3", "relu public points=1", "activations public points=-1"):
        with pytest.raises(ValueError):
            _checks_arguments(line)


def test_an_empty_hidden_cell_waits_for_grading_but_fails_at_autograde(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert _no_suite("activations", "hidden") is None
    assert "run when your notebook is graded" in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(NotebookError, match="regenerate it"):
        _no_suite("activations", "hidden")


def test_the_numpy_only_rule_holds_in_a_notebook():
    module = (REPO_ROOT / "solutions" / "activations.py").read_text() + "\nimport torch\n"
    suite = (REPO_ROOT / "tests" / "public" / "test_activations.py").read_text()
    verdict = judge("activations", "public", suite, {"activations": module}, points=3.5)
    assert verdict.points == 0, verdict.render()
    cell_line = module_text("activations", module).splitlines().index("import torch") + 1  # as Jupyter counts
    assert f"exercises/activations.py:{cell_line} imports torch" in verdict.render(), verdict.render()


@pytest.fixture
def fresh_notebook(monkeypatch):
    """A kernel's state as a new notebook has it: no module cell run yet."""
    monkeypatch.setattr(runtime, "MODULES", {})
    yield
    for name in [name for name in sys.modules if name.split(".")[0] == runtime.PACKAGE]:
        del sys.modules[name]


def test_a_module_cell_reaches_the_module_cells_it_imports(fresh_notebook):
    namespace: dict = {}
    attention, softmax = ((REPO_ROOT / "solutions" / f"{name}.py").read_text() for name in ("attention", "softmax"))
    with pytest.raises(NotebookError, match="run the %%fromscratch_module softmax cell above first"):
        run_module_cell("attention", attention, namespace)
    run_module_cell("softmax", softmax, namespace)
    run_module_cell("attention", attention, namespace)
    assert sys.modules[f"{runtime.PACKAGE}.attention"].softmax_backward is namespace["softmax_backward"]
    assert callable(namespace["multi_head_attention_forward"]), "the cell's functions are not in the notebook"
    assert set(runtime.MODULES) == {"softmax", "attention"}


def test_the_checks_of_a_component_import_its_siblings_from_their_cells():
    modules = {name: (REPO_ROOT / "solutions" / f"{name}.py").read_text() for name in ("softmax", "attention")}
    suite = (REPO_ROOT / "tests" / "public" / "test_attention.py").read_text()
    verdict = judge("attention", "public", suite, modules, points=3)
    assert verdict.points == 3, verdict.render()

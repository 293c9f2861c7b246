"""What the cells of a ``fromscratch nbgrader`` notebook call: the kit's suites, judging the notebook's code.

A notebook written by ``fromscratch nbgrader`` (``grader.course.notebooks``)
loads this module with ``%load_ext grader.notebook`` and then holds::

    %%fromscratch_module softmax              # a module it imports (mlp, attention, rnn, training...)
    ...
    %%fromscratch_module activations          # the learner's module: exercises/activations.py, as a cell
    ...

    %%fromscratch_checks activations public points=3.5 seconds=240
    ...the public suite, verbatim...

    %%fromscratch_checks activations hidden points=6.5 seconds=240
    ### BEGIN HIDDEN TESTS
    ...the hidden suite, verbatim (only in the instructor's copy; nbgrader puts it back at autograde)...
    ### END HIDDEN TESTS

Why a cell magic for the module rather than ``%%writefile`` or reading the
kernel's history: the magic records exactly the text the kernel ran, never a
stale file left by an earlier run, and it still runs the code in the notebook
(so the learner can call their functions in cells of their own) without
writing into the learner's folder.

Each module cell runs as a module of its own (``fromscratch_notebook.<component>``),
so ``from .softmax import softmax_backward`` reaches the softmax cell above, as
it reaches ``exercises/softmax.py`` in the kit.

A checks cell writes the recorded texts to ``<scratch>/submission/exercises/<name>.py``
(line N of a file is line N of its cell: the magic's line becomes a comment),
writes the suite beside it as ``<scratch>/<suite>/test_<component>.py`` and runs
pytest on it in a fresh process with the kit's plugin and ``--impl
<scratch>/submission``: the same checks as ``pytest --impl PATH``, Part 1's
NumPy-only rule and Part 2's torch guard included. A process of its own
because an implementation is imported once per process, learner code that
crashes cannot take the kernel down, and nothing pytest prints reaches the
cell's stderr (nbgrader gives 0 to a cell with any stderr output).

The score is the cell's value. nbgrader's ``determine_grade``
(nbgrader/utils.py) gives a test cell 0 when it shows an error or any stderr;
otherwise, when the cell has an ``execute_result`` whose text is a number
between 0 and the cell's points, that number (``get_partial_grade``); otherwise
full points. So the magic prints one line per check on stdout and returns the
points earned as a float: the share of the cell's points, split over test
functions and their cases as ``fromscratch grade`` does (``grader.grading.score``),
skipped cases (no GPU) out of the count. The seed is fixed and the hypothesis
profile is ``grading``: the same notebook always gets the same score.
"""

from __future__ import annotations

import ast
import linecache
import os
import subprocess
import sys
import tempfile
import types
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from grader.components import BY_NAME, component_named

if TYPE_CHECKING:
    from grader.grading.score import ComponentScore

MODULE_MAGIC = "fromscratch_module"
PACKAGE = "fromscratch_notebook"  # the notebook's module cells, as submodules
CHECKS_MAGIC = "fromscratch_checks"
SUITES = ("public", "hidden")
SEED = 0
PROFILE = "grading"
DEFAULT_SECONDS = 240.0
FAILURE_LINES = 8  # lines of a public check's failure message shown under it

# The text each %%fromscratch_module cell last ran, by component: what the checks judge.
MODULES: dict[str, str] = {}


class NotebookError(ValueError):
    """A cell that cannot be judged as written; the message says what to do."""


@dataclass(frozen=True)
class Verdict:
    """What a checks cell shows: one line per check, and the points earned."""

    points: float  # earned: the cell's value, which nbgrader reads
    possible: float  # the cell's points
    lines: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join([*self.lines, f"{_number(self.points)} of {_number(self.possible)} points"])


def module_text(component: str, cell: str) -> str:
    """The module file of a ``%%fromscratch_module`` cell: its first line a comment, so lines match the cell's."""
    return f"# %%{MODULE_MAGIC} {component}\n{cell}"


def judge(component: str, suite: str, suite_source: str, modules: dict[str, str], *,
          points: float, seconds: float = DEFAULT_SECONDS) -> Verdict:
    """Run ``suite_source`` (a test file of ``tests/<suite>/``) with pytest against ``modules[component]``.

    ``modules`` maps component names to their cells' text: the component's own,
    and those it imports (``mlp`` imports ``activations``, ``linear``, ``softmax``).
    """
    from grader.grading.rubric import load_rubric
    from grader.grading.score import score
    from grader.runner import run_suites

    component_named(component)
    _check_suite_name(suite)
    with tempfile.TemporaryDirectory(prefix="fromscratch-notebook-") as scratch:
        folder = Path(scratch)
        package = folder / "submission" / "exercises"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for name, text in modules.items():
            (package / f"{component_named(name).name}.py").write_text(module_text(name, text), encoding="utf-8")
        test_file = folder / suite / f"test_{component}.py"
        test_file.parent.mkdir()
        test_file.write_text(suite_source, encoding="utf-8")
        (folder / "pytest.ini").write_text("[pytest]\n")  # this folder's settings only, none from above it
        try:
            run = run_suites([test_file], impl=package.parent, seed=SEED, profile=PROFILE, timeout=seconds,
                             extra_args=["-c", str(folder / "pytest.ini"), "--rootdir", str(folder),
                                         "--import-mode=importlib"])
        except subprocess.TimeoutExpired:
            return Verdict(0.0, points, [f"{component}, {suite} checks: stopped after {_number(seconds)} s. "
                                         "Look for a loop that never ends or work far bigger than the inputs."])
        scratch_prefix = f"{package.parent}{os.sep}"
    if not run.records:
        tail = "\n".join(run.output.replace(scratch_prefix, "").splitlines()[-15:])
        raise NotebookError(f"pytest reported no {suite} check of {component} (exit status {run.returncode}); "
                            f"its output ends with:\n{tail}")
    records = [{**record, "message": (record.get("message") or "").replace(scratch_prefix, "")}
               for record in run.records]
    rubric = load_rubric()
    rubric = replace(rubric, points={**rubric.points, component: Fraction(str(points))})
    card = score({"learner": "notebook", "records": records}, rubric, components=[component])
    return _verdict(card.component(component), suite, records, points, rubric.limits_for(component))


def _verdict(result: ComponentScore, suite: str, records: list[dict], points: float, limits: dict) -> Verdict:
    """Lines per test function, and the points: the cell's share of what the counted cases earned."""
    from grader.grading.report import feedback, readable

    by_nodeid = {record["nodeid"]: record for record in records}
    counted = [case for case in result.cases if case.counted]
    passed = sum(case.outcome == "passed" for case in counted)
    head = f"{result.name}, {suite} checks: {passed} of {len(counted)} passed"
    if result.skipped:
        reason = (next(case.skip_reason for case in result.cases if not case.counted) or "").removeprefix("Skipped: ")
        head += f" ({result.skipped} skipped: {reason})"
    lines = [head]
    if result.reason:
        return Verdict(0.0, points, [*lines, f"  ✗ {result.reason}"])
    if not counted:
        return Verdict(0.0, points, [*lines, "  nothing could be checked on this machine: no points. Autograde where "
                                             "these checks can run (see the skip reason above)."])
    shown: set[str] = set()  # a failure at setup (a forbidden import) fails every check with one message
    for test in result.tests:
        if test.status == "skipped":
            continue
        if test.status == "passed":
            lines.append(f"  ✓ {readable(test.test)}")
            continue
        failed = test.failed_cases
        cases = f" ({len(failed)} of {len([c for c in test.cases if c.counted])} cases)" if len(test.cases) > 1 else ""
        record = by_nodeid[failed[0].nodeid]
        lines.append(f"  ✗ {readable(test.test)}{cases}: {feedback(record, limits)}")
        message = (record.get("message") or "").strip()
        if suite == "public" and record.get("kind") not in ("not_implemented", "import"):
            detail = ["(the same failure as above)"] if message in shown else message.splitlines()[:FAILURE_LINES]
            lines.extend(f"      {line}" for line in detail)
        shown.add(message)
    earned = Fraction(str(points)) * result.points / result.max_points if result.max_points else Fraction(0)
    return Verdict(min(round(float(earned), 3), points), points, lines)


def _check_suite_name(suite: str) -> None:
    if suite not in SUITES:
        raise NotebookError(f"unknown suite {suite!r}: a checks cell runs the {' or the '.join(SUITES)} suite")


def _number(value: float) -> str:
    return f"{value:g}"


# ---- the IPython side: the two cell magics -------------------------------------------------------------------


def load_ipython_extension(ipython) -> None:
    """``%load_ext grader.notebook``: registers ``%%fromscratch_module`` and ``%%fromscratch_checks``."""
    ipython.register_magic_function(_module_magic, "cell", MODULE_MAGIC)
    ipython.register_magic_function(_checks_magic, "cell", CHECKS_MAGIC)


def _module_magic(line: str, cell: str) -> None:
    """Record the cell as the component's module, run it, and give the notebook its functions."""
    from IPython import get_ipython
    from IPython.core.error import UsageError

    try:
        run_module_cell(_component_argument(line, MODULE_MAGIC), cell, get_ipython().user_ns)
    except NotebookError as error:
        raise UsageError(str(error)) from None


def run_module_cell(component: str, cell: str, namespace: dict) -> None:
    """Run ``cell`` as the module ``fromscratch_notebook.<component>`` and copy its public names into ``namespace``.

    A module of its own, in a package of the notebook's modules, so that its
    relative imports (``from .softmax import softmax_backward``) reach the
    cell of that component run above, as they reach ``exercises/softmax.py``
    in the kit. The text is recorded before it runs: a cell that raises is
    still what the checks judge (and report).
    """
    missing = [name for name in sibling_imports(cell) if name not in MODULES]
    if missing:
        raise NotebookError(f"{component} imports {', '.join(missing)}: run the %%{MODULE_MAGIC} "
                            f"{missing[0]} cell above first (it holds your {missing[0]} module)")
    MODULES[component] = cell
    package = sys.modules.get(PACKAGE) or _notebook_package()
    module = types.ModuleType(f"{PACKAGE}.{component}")
    module.__package__ = PACKAGE
    module.__file__ = f"exercises/{component}.py (its cell)"
    text = module_text(component, cell)
    linecache.cache[module.__file__] = (len(text), None, text.splitlines(True), module.__file__)  # for tracebacks
    sys.modules[module.__name__] = module
    setattr(package, component, module)
    exec(compile(text, module.__file__, "exec", dont_inherit=True), module.__dict__)  # noqa: S102 - the cell
    namespace.update({name: value for name, value in vars(module).items() if not name.startswith("__")})


def _notebook_package() -> types.ModuleType:
    package = types.ModuleType(PACKAGE)
    package.__path__ = []  # a package: its submodules are the cells, put in sys.modules as they run
    sys.modules[PACKAGE] = package
    return package


def sibling_imports(cell: str) -> list[str]:
    """The components ``cell`` imports relatively (``from .x import``, ``from . import x``); [] if it does not parse."""
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return []  # running it shows the learner the error where it is
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.extend([node.module] if node.module else [alias.name for alias in node.names])
    return [name for name in dict.fromkeys(found) if name in BY_NAME]


def _checks_magic(line: str, cell: str) -> float | None:
    """Judge the component's recorded modules with the suite in this cell; print the checks, return the points."""
    from IPython.core.error import UsageError

    try:
        component, suite, points, seconds = _checks_arguments(line)
        if not cell.strip():
            return _no_suite(component, suite)
        if component not in MODULES:
            raise NotebookError(f"no code of {component} has run in this notebook yet: run the cell that starts "
                                f"with %%{MODULE_MAGIC} {component} (keep that first line), then this cell")
        verdict = judge(component, suite, cell, dict(MODULES), points=points, seconds=seconds)
    except ValueError as error:  # NotebookError and an unknown component: a message, not a traceback
        raise UsageError(str(error)) from None
    print(verdict.render())
    return verdict.points


def _no_suite(component: str, suite: str) -> None:
    """The hidden cell of a learner's copy holds no checks: they run when the notebook is graded."""
    if suite == "hidden" and os.environ.get("NBGRADER_EXECUTION") != "autograde":
        print(f"The hidden checks of {component} run when your notebook is graded; "
              "make the public checks above pass first.")
        return None
    raise NotebookError(f"this cell holds no {suite} checks of {component} to run. The notebook is damaged: "
                        "regenerate it with `fromscratch nbgrader` (and `nbgrader generate_assignment --force`)")


def _component_argument(line: str, magic: str) -> str:
    words = line.split()
    if len(words) != 1:
        raise NotebookError(f"%%{magic} takes one component name (as in %%{magic} activations), got {line!r}")
    component_named(words[0])
    return words[0]


def _checks_arguments(line: str) -> tuple[str, str, float, float]:
    """``COMPONENT SUITE points=P [seconds=S]`` -> (component, suite, points, seconds)."""
    usage = f"write %%{CHECKS_MAGIC} COMPONENT public|hidden points=P [seconds=S]"
    words = line.split()
    if len(words) < 3:
        raise NotebookError(f"%%{CHECKS_MAGIC} {line}: too few arguments; {usage}")
    component, suite, *options = words
    component_named(component)
    _check_suite_name(suite)
    values = {}
    for option in options:
        key, equals, value = option.partition("=")
        if key not in ("points", "seconds") or not equals:
            raise NotebookError(f"%%{CHECKS_MAGIC}: unknown argument {option!r}; {usage}")
        try:
            values[key] = float(value)
        except ValueError:
            raise NotebookError(f"%%{CHECKS_MAGIC}: {key}={value!r} is not a number; {usage}") from None
    if "points" not in values or values["points"] < 0 or values.get("seconds", 1) <= 0:
        raise NotebookError(f"%%{CHECKS_MAGIC} {line}: points must be given and at least 0, seconds above 0; {usage}")
    return component, suite, values["points"], values.get("seconds", DEFAULT_SECONDS)

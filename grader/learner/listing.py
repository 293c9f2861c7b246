"""`fromscratch list`: every component in curriculum order, where the learner stands, what comes next.

The standing of each component is the last outcome of its public checks
(``grader.learner.progress``), recorded by every run against the learner's
room: ``fromscratch check``, ``fromscratch watch`` or a plain ``pytest``.
The checks of a component never run yet are counted from its test file's
syntax (test functions times their parametrized cases), so the kit-wide
count of checks is known from the first day and exact once all have run.
"""

from __future__ import annotations

import argparse
import ast
import math
from pathlib import Path

from grader.components import CURRICULUM, PART_1, PART_2, REPO_ROOT

PART_TITLES = ((PART_1, "Part 1: NumPy by hand, forward and backward"),
               (PART_2, "Part 2: the same pieces on torch tensors, autograd for the backward pass"))
BAR_WIDTH = 40


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "list", help="every component in order with its status, your progress, and what to do next",
        description="List the components in curriculum order with the status of your exercises/ "
                    "(from the last run of their public checks by `fromscratch check` or pytest), "
                    "a progress bar over the kit, and the next component to work on.")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(render())
    return 0


def render(colour: bool | None = None) -> str:
    """The whole listing; ``colour`` defaults to: stdout is a terminal and NO_COLOR is unset."""
    from grader.learner import progress, state
    from grader.learner.verdict import fill, painter, use_colour

    paint = painter(use_colour() if colour is None else colour)
    viewed = state.load("solutions")
    statuses = {component.name: progress.component_status(component.name) for component in CURRICULUM}
    lines = []
    for part, title in PART_TITLES:
        lines += ["", paint(title, "bold")] if lines else [paint(title, "bold")]
        for component in part:
            status = statuses[component.name]
            notes = ["changed since last run"] if status.changed_since_run else []
            if component.name in viewed:
                notes.append("solution viewed")
            style = {"passing": "PASS", "failing": "FAIL"}.get(status.state, "plain")
            row = f"  {component.name:<18}{paint(f'{status.state_label:<16}', style)}"
            lines.append(f"{row}{'; '.join(notes)}".rstrip())
    passing = sum(status.state == "passing" for status in statuses.values())
    checks_passed = sum(status.passed for status in statuses.values())
    checks_total = sum(status.total if status.total else count_public_checks(name)
                       for name, status in statuses.items())
    lines += ["", f"components  {_bar(passing, len(CURRICULUM))}  {passing} of {len(CURRICULUM)} passing",
              f"checks      {_bar(checks_passed, checks_total)}  {checks_passed} of {checks_total} passing"]
    following = progress.next_component()
    step = (f"next: {following} — `fromscratch check {following}`  (docs/{following}.md)" if following
            else "every component passes its public checks: the whole kit is done. Well done!")
    return "\n".join([*lines, *fill(step, "", "      ")])


def _bar(done: int, total: int) -> str:
    filled = math.floor(BAR_WIDTH * done / total) if total else 0
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"


def count_public_checks(component: str) -> int:
    """How many checks ``tests/public/test_<component>.py`` holds: its test functions times their cases.

    Read from the syntax, without importing the suite (which imports torch).
    A parametrize list that is not a literal, or a name bound to one, counts
    as one case; a Part 2 test counts its CPU case only, as on a machine
    without a GPU.
    """
    path = REPO_ROOT / "tests" / "public" / f"test_{component}.py"
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError):
        return 0
    names = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    total = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            cases = 1
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("parametrize"):
                    cases *= _length(decorator.args[1], names) if len(decorator.args) > 1 else 1
            total += cases
    return total


def _length(node: ast.expr, names: dict[str, ast.expr], depth: int = 0) -> int:
    """The number of cases a parametrize argument holds, when the syntax tells; else 1."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return len(node.keys) if isinstance(node, ast.Dict) else len(node.elts)
    if depth < 3 and isinstance(node, ast.Name) and node.id in names:
        return _length(names[node.id], names, depth + 1)
    if depth < 3 and isinstance(node, ast.Call) and len(node.args) == 1 and ast.unparse(node.func) in (
            "list", "tuple", "sorted"):
        return _length(node.args[0], names, depth + 1)
    return 1

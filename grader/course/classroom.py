"""The GitHub Classroom workflow of the learner edition: ``.github/workflows/classroom.yml``.

It follows what GitHub Classroom itself writes for an assignment with autograding
(the workflow is named ``Autograding Tests`` and has the single job
``run-autograding-tests``: the reporter sends scores to Classroom only then):

- a setup step installs the edition once (Python, CPU torch, ``pip install -e .``);
- one ``education/autograding-command-grader@v1`` step per component, in curriculum
  order, whose command is that component's public suite (``python -m pytest -m <c> -q``):
  exit 0 earns the component's points of the rubric (``max-score``), anything else 0;
- ``education/autograding-grading-reporter@v1`` reads each step's ``result`` output
  from the environment variable ``<STEP ID IN CAPITALS>_RESULTS`` and lists every step
  id in ``runners``.

Classroom grades with the public suites (the learner's own repository cannot hold the
hidden ones); the hidden suites grade through ``fromscratch grade`` or Gradescope.
The YAML is written by hand (no YAML library at run time): every value is a plain
scalar or quoted with :func:`json.dumps`, which YAML reads as the same string.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

from grader.components import component_named
from grader.grading.rubric import Rubric, load_rubric

WORKFLOW_PATH = ".github/workflows/classroom.yml"
WORKFLOW_NAME = "Autograding Tests"
JOB = "run-autograding-tests"
GRADER_ACTION = "education/autograding-command-grader@v1"
REPORTER_ACTION = "education/autograding-grading-reporter@v1"
PYTHON_VERSION = "3.11"
SETUP_COMMAND = ("python -m pip install --upgrade pip && "
                 "python -m pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu && "
                 "python -m pip install -e .")
MIN_TIMEOUT_MINUTES = 10


def step_id(component: str) -> str:
    """The step id of a component: its name (letters, digits and ``_``, as Actions requires)."""
    return component_named(component).name


def public_command(component: str) -> str:
    return f"python -m pytest -m {component} -q"


def timeout_minutes(rubric: Rubric, component: str) -> int:
    """The component's wall budget of the rubric, rounded up, with 5 minutes for collection; 10 at least."""
    seconds = rubric.limits_for(component)["component_seconds"]
    return max(MIN_TIMEOUT_MINUTES, math.ceil(seconds / 60) + 5)


def _score(points: Fraction) -> str:
    """Points as the action's ``max-score`` (a number: whole points stay whole)."""
    return str(points.numerator) if points.denominator == 1 else f"{float(points):g}"


def workflow(components: list[str], rubric: Rubric | None = None) -> str:
    """The text of ``classroom.yml`` grading ``components`` (curriculum order is kept as given)."""
    rubric = rubric or load_rubric(None)
    ids = [step_id(name) for name in components]
    lines = [
        "# GitHub Classroom autograding for this edition, written by `fromscratch release`.",
        "# Each step runs one component's public suite; passing it earns that component's points.",
        f"name: {WORKFLOW_NAME}",
        "'on':",
        "- push",
        "- workflow_dispatch",
        "- repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        f"  {JOB}:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "    - name: Checkout code",
        "      uses: actions/checkout@v4",
        "    - name: Set up Python",
        "      uses: actions/setup-python@v5",
        "      with:",
        f"        python-version: {json.dumps(PYTHON_VERSION)}",
        "    - name: Install the kit",
        f"      run: {json.dumps(SETUP_COMMAND)}",
    ]
    for name, identifier in zip(components, ids):
        lines += [
            f"    - name: {name}",
            f"      id: {identifier}",
            f"      uses: {GRADER_ACTION}",
            "      with:",
            f"        test-name: {name}",
            "        setup-command: ''",
            f"        command: {json.dumps(public_command(name))}",
            f"        timeout: {timeout_minutes(rubric, name)}",
            f"        max-score: {_score(rubric.points_for(name))}",
        ]
    lines += [
        "    - name: Autograding Reporter",
        f"      uses: {REPORTER_ACTION}",
        "      env:",
        *[f"        {identifier.upper()}_RESULTS: \"${{{{steps.{identifier}.outputs.result}}}}\"" for identifier in ids],
        "      with:",
        f"        runners: {','.join(ids)}",
    ]
    return "\n".join(lines) + "\n"

"""The GitHub Classroom workflow: one graded step per component, the reporter wired to every step."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from grader.components import CURRICULUM, REPO_ROOT
from grader.course.classroom import GRADER_ACTION, JOB, REPORTER_ACTION, WORKFLOW_NAME, WORKFLOW_PATH, workflow
from grader.course.release import build_release
from grader.grading.rubric import load_rubric

pytestmark = pytest.mark.kit
ALL = [component.name for component in CURRICULUM]


def graded_steps(document: dict) -> list[dict]:
    return [step for step in document["jobs"][JOB]["steps"] if step.get("uses") == GRADER_ACTION]


def test_one_step_per_component_in_curriculum_order_worth_its_rubric_points():
    document = yaml.safe_load(workflow(ALL))
    assert document["name"] == WORKFLOW_NAME and list(document["jobs"]) == [JOB]
    steps = graded_steps(document)
    assert [step["with"]["test-name"] for step in steps] == ALL
    rubric = load_rubric(None)
    for step, name in zip(steps, ALL):
        assert Fraction(str(step["with"]["max-score"])) == rubric.points_for(name)
        assert step["with"]["command"] == f"python -m pytest -m {name} -q"
        assert int(step["with"]["timeout"]) * 60 >= rubric.limits_for(name)["component_seconds"]
    assert sum(Fraction(str(step["with"]["max-score"])) for step in steps) == rubric.max_points
    install = [step for step in document["jobs"][JOB]["steps"] if "run" in step]
    assert len(install) == 1 and "pip install -e ." in install[0]["run"]


def test_the_reporter_reads_every_step_by_its_id():
    steps = yaml.safe_load(workflow(ALL))["jobs"][JOB]["steps"]
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER_ACTION
    ids = [step["id"] for step in steps if step.get("uses") == GRADER_ACTION]
    assert len(set(ids)) == len(ids) == len(ALL)
    assert reporter["with"]["runners"].split(",") == ids
    assert reporter["env"] == {f"{step_id.upper()}_RESULTS": f"${{{{steps.{step_id}.outputs.result}}}}"
                               for step_id in ids}


def test_a_rubric_file_sets_the_points(tmp_path):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[components.linear]\npoints = 2.5\n")
    steps = graded_steps(yaml.safe_load(workflow(["activations", "linear"], load_rubric(rubric))))
    assert [step["with"]["max-score"] for step in steps] == [10, 2.5]


def test_the_steps_commands_fail_on_the_stub_and_pass_on_the_reference(tmp_path):
    edition = build_release(tmp_path / "edition", ["activations", "linear"]).folder
    steps = {step["id"]: step for step in graded_steps(yaml.safe_load((edition / WORKFLOW_PATH).read_text()))}
    assert list(steps) == ["activations", "linear"]
    shutil.copy(REPO_ROOT / "solutions" / "linear.py", edition / "exercises" / "linear.py")
    env = {**os.environ, "PYTHONPATH": str(edition), "FROMSCRATCH_STATE": str(tmp_path / "state")}
    exit_codes = {}
    for step_id, step in steps.items():
        command = shlex.split(step["with"]["command"])
        assert command[:3] == ["python", "-m", "pytest"]
        completed = subprocess.run([sys.executable, *command[1:], "-p", "no:cacheprovider"], cwd=edition, env=env,
                                   capture_output=True, text=True, timeout=300)
        exit_codes[step_id] = completed.returncode
    assert exit_codes == {"activations": 1, "linear": 0}

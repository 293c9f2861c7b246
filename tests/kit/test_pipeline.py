"""`fromscratch grade` end to end: a small real cohort through every stage, resumed after SIGKILL, regraded.

The cohort is graded on two small components; every expected score comes from
the rubric (the reference earns each component's points, the stubs nothing).
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

from grader.cli import main
from grader.components import REPO_ROOT
from grader.grading.pages import number
from grader.grading.pipeline import GRADE_FILE, REPORT_FILES
from grader.grading.rubric import load_rubric
from grader.grading.run import learner_seed

COMPONENTS = ["gradcheck", "dropout"]
RUBRIC = load_rubric(None)
POINTS = {name: RUBRIC.points_for(name) for name in COMPONENTS}
FULL = sum(POINTS.values(), Fraction(0))
# learner -> (status, points of each component): the reference, the stubs, half done (a zip), a cut-short zip
EXPECTED = {
    "broken": ("refused", {name: Fraction(0) for name in COMPONENTS}),
    "half": ("graded", {"gradcheck": POINTS["gradcheck"], "dropout": Fraction(0)}),
    "reference": ("graded", POINTS),
    "stubs": ("graded", {name: Fraction(0) for name in COMPONENTS}),
}


def _modules(source: str, components: list[str]) -> dict[str, bytes]:
    return {f"exercises/{name}.py": (REPO_ROOT / source / f"{name}.py").read_bytes() for name in components}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _write_folder(folder: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    submissions = tmp_path_factory.mktemp("cohort") / "submissions"
    _write_folder(submissions / "reference", _modules("solutions", COMPONENTS))
    _write_folder(submissions / "stubs", _modules("exercises", COMPONENTS))
    half = {**_modules("solutions", ["gradcheck"]), **_modules("exercises", ["dropout"])}
    (submissions / "half.zip").write_bytes(_zip(half))
    whole = _zip(_modules("solutions", COMPONENTS))
    (submissions / "broken.zip").write_bytes(whole[: len(whole) // 2])
    return submissions


def grade(*arguments: str | Path) -> tuple[int, str, str]:
    """`fromscratch grade ARGUMENTS` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["grade", *map(str, arguments)])
    return code, out.getvalue(), err.getvalue()


def grade_cohort(submissions: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return grade(submissions, "--out", out, "--components", *COMPONENTS, "--workers", "2", *extra)


@pytest.fixture(scope="module")
def first_run(cohort, tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("first") / "reports"
    code, stdout, stderr = grade_cohort(cohort, out)
    assert code == 0, stdout + stderr
    return out, stdout


def statuses(stdout: str) -> dict[str, str]:
    """learner -> status, from the final table."""
    table = stdout.split("\nlearner ", 1)[1]
    return {match[0]: match[1] for match in re.findall(r"^(\S+)\s+\S+\s+(graded|refused|reused|error)\b", table, re.M)}


def gradebook(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as file:
        return {row["learner"]: row for row in csv.DictReader(file)}


def part_of(cohort: Path, learners: list[str], into: Path) -> Path:
    """A copy of some learners' entries of ``cohort``."""
    into.mkdir()
    for entry in cohort.iterdir():
        if entry.name.removesuffix(".zip") in learners:
            (shutil.copytree if entry.is_dir() else shutil.copyfile)(entry, into / entry.name)
    return into


def grade_json(out: Path, learner: str) -> dict:
    return json.loads((out / learner / GRADE_FILE).read_text())


def mtimes(out: Path) -> dict[str, int]:
    return {path.parent.name: path.stat().st_mtime_ns for path in out.glob(f"*/{GRADE_FILE}")}


@pytest.mark.parametrize("problem, arguments, expected", [
    ("no such folder", ["{tmp}/nowhere", "--out", "{tmp}/reports"], "does not exist"),
    ("reports inside", ["{tmp}/submissions", "--out", "{tmp}/submissions/reports"], "overlap"),
    ("submissions inside", ["{tmp}/reports/submissions", "--out", "{tmp}/reports"], "overlap"),
    ("unknown component", ["{tmp}/submissions", "--out", "{tmp}/reports", "--components", "lineer"],
     "no component named 'lineer'"),
    ("bad rubric", ["{tmp}/submissions", "--out", "{tmp}/reports", "--rubric", "{tmp}/rubric.toml"],
     "unknown component 'lineer'"),
    ("no workers", ["{tmp}/submissions", "--out", "{tmp}/reports", "--workers", "0"], "1 or more"),
])
def test_bad_arguments_are_refused_before_anything_is_written(tmp_path, problem, arguments, expected):
    (tmp_path / "submissions").mkdir()
    (tmp_path / "reports" / "submissions").mkdir(parents=True)
    (tmp_path / "rubric.toml").write_text("[components.lineer]\npoints = 5\n")
    before = sorted(tmp_path.rglob("*"))
    code, stdout, stderr = grade(*(argument.format(tmp=tmp_path) for argument in arguments))
    assert code == 2, problem
    assert expected in stderr and stderr.startswith("error: "), stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_each_learner_gets_exactly_the_rubrics_points(first_run):
    out, stdout = first_run
    rows = gradebook(out)
    assert sorted(rows) == sorted(EXPECTED)
    for learner, (status, points) in EXPECTED.items():
        card = grade_json(out, learner)["scorecard"]
        assert card["status"] == rows[learner]["status"] == status
        assert {component["name"]: Fraction(component["points_exact"]) for component in card["components"]} == points
        assert Fraction(card["points_exact"]) == sum(points.values())
        assert Fraction(card["max_points_exact"]) == FULL
        assert rows[learner]["total"] == number(sum(points.values())) and rows[learner]["max"] == number(FULL)
    assert "not a readable zip archive" in rows["broken"]["reason"]


def test_every_learner_has_reports_and_an_instructors_grade_file(first_run):
    out, _ = first_run
    for learner, (status, _) in EXPECTED.items():
        assert all((out / learner / name).stat().st_size > 0 for name in REPORT_FILES)
        grade = grade_json(out, learner)
        assert grade["learner"] == learner and len(grade["fingerprint"]) == 64
        if status == "refused":
            assert grade["run"] is None and "cut short" in grade["scorecard"]["reason"]
        else:
            records = grade["run"]["records"]
            assert {record["component"] for record in records} == set(COMPONENTS)
            assert sum(component["checks"] for component in grade["scorecard"]["components"]) == len(records)
    # grade.json keeps every failure's full message (a hidden test's may hold its inputs: instructors only)
    assert all(record["message"] for record in grade_json(out, "stubs")["run"]["records"])
    assert "instructors only" in (out / "README.md").read_text()
    assert "<img" in (out / "summary.html").read_text()
    assert not (out / ".work" / "staging").exists() and not (out / ".work" / "clean").exists()


def test_the_output_names_isolation_seeds_and_a_final_table(first_run):
    _, stdout = first_run
    assert "isolation of learner code:" in stdout
    assert re.search(r"^  .+: (active|unavailable: .+)$", stdout, re.M)
    for learner, (status, points) in EXPECTED.items():
        seed = str(learner_seed(learner)) if status == "graded" else "-"
        if status == "graded":
            assert f"grading {learner} (seed {seed})" in stdout
        score = f"{number(sum(points.values()))}/{number(FULL)}"
        assert re.search(rf"^{learner}\s+{re.escape(score)}\s+{status}\s+{seed}\s+\d+\.\d$", stdout, re.M), stdout
    assert statuses(stdout) == {learner: status for learner, (status, _) in EXPECTED.items()}
    assert "3 graded, 1 refused, 0 reused" in stdout
    assert "summary.html" in stdout and "gradebook.csv" in stdout


def test_a_second_run_reuses_everything_but_a_changed_submission(cohort, first_run, tmp_path):
    submissions, out = tmp_path / "submissions", tmp_path / "reports"
    shutil.copytree(cohort, submissions)
    shutil.copytree(first_run[0], out)
    before = mtimes(out)
    (submissions / "broken.zip").write_bytes(b"PK\x03\x04 still not a zip")
    code, stdout, _ = grade_cohort(submissions, out)
    assert code == 0
    assert statuses(stdout) == {"broken": "refused", "half": "reused", "reference": "reused", "stubs": "reused"}
    assert "sandbox not started" in stdout  # nothing left to run: no sandbox is started at all
    after = mtimes(out)
    assert {learner for learner in before if after[learner] != before[learner]} == {"broken"}
    assert (out / "gradebook.csv").read_text() == (first_run[0] / "gradebook.csv").read_text()


def test_force_grades_everyone_again_with_identical_scores(first_run, cohort, tmp_path):
    learners = ["broken", "half"]  # half passes one component and fails the other: its score could drift
    submissions, out = part_of(cohort, learners, tmp_path / "submissions"), tmp_path / "reports"
    for learner in learners:
        shutil.copytree(first_run[0] / learner, out / learner)
    before = mtimes(out)
    code, stdout, _ = grade_cohort(submissions, out, "--force")
    assert code == 0
    assert statuses(stdout) == {learner: EXPECTED[learner][0] for learner in learners}
    assert all(mtime != before[learner] for learner, mtime in mtimes(out).items())
    for learner in learners:
        assert grade_json(out, learner)["scorecard"] == grade_json(first_run[0], learner)["scorecard"]
        assert gradebook(out)[learner] == gradebook(first_run[0])[learner]


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid``, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _command_line(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        return (Path("/proc") / str(pid) / "cmdline").read_text().split("\0")
    return []


def test_a_run_killed_with_sigkill_resumes_where_it_stopped(cohort, first_run, tmp_path):
    learners = ["broken", "half", "stubs"]  # graded in this order, one at a time
    submissions, out = part_of(cohort, learners, tmp_path / "submissions"), tmp_path / "reports"
    command = [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out), "--workers", "1",
               "--components", *COMPONENTS]
    with open(tmp_path / "killed.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    started, descendants = time.monotonic(), []
    try:
        # until the first graded (not refused) learner's grade.json: "broken" is refused at once
        while not (set(mtimes(out)) - {"broken"}) and process.poll() is None and time.monotonic() - started < 120:
            time.sleep(0.02)
        descendants = _children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    finally:
        scratch = {Path(argument).parent for pid in descendants for argument in _command_line(pid)
                   if "fromscratch-judge-" in argument}
        for pid in descendants:  # the sandbox's zygotes and the learner's pytest outlive their parent's SIGKILL
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for folder in scratch:  # and so does the Judge's scratch folder
            shutil.rmtree(folder, ignore_errors=True)
    finished = mtimes(out)
    assert set(finished) == {"broken", "half"}, (tmp_path / "killed.log").read_text()
    (out / "stubs").mkdir(parents=True, exist_ok=True)
    stale = out / "stubs" / f".{GRADE_FILE}.x1y2.partial"
    stale.write_text('{"format": 1, "learner": "')  # what a write cut short leaves behind

    code, stdout, _ = grade_cohort(submissions, out)
    assert code == 0
    assert statuses(stdout) == {"broken": "reused", "half": "reused", "stubs": "graded"}
    assert "1 graded, 0 refused, 2 reused" in stdout
    assert {learner: mtime for learner, mtime in mtimes(out).items() if learner in finished} == finished
    assert not stale.exists()
    uninterrupted = gradebook(first_run[0])
    assert gradebook(out) == {learner: uninterrupted[learner] for learner in learners}


def _builder():
    spec = importlib.util.spec_from_file_location("build_cohort", REPO_ROOT / "examples" / "build_cohort.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_cohort_is_built_from_its_recipe_the_same_every_time(tmp_path):
    builder = _builder()
    entries = builder.build_cohort(tmp_path / "cohort")
    recipe = tomllib.loads((REPO_ROOT / "examples" / "cohort.toml").read_text())["learners"]
    assert len(entries) == len(recipe)
    first = {entry.name: entry.read_bytes() for entry in entries if entry.is_file()}
    builder.build_cohort(tmp_path / "cohort")
    assert {name: (tmp_path / "cohort" / name).read_bytes() for name in first} == first  # resumable demo

    with zipfile.ZipFile(tmp_path / "cohort" / "partial.zip") as archive:
        for component in ("softmax", "linear", "mlp"):
            source = "solutions" if component in recipe["partial"]["reference"] else "exercises"
            assert archive.read(f"exercises/{component}.py") == (REPO_ROOT / source / f"{component}.py").read_bytes()
    with tarfile.open(tmp_path / "cohort" / "buggy.tar.gz") as archive:
        module = archive.extractfile("exercises/linear.py").read().decode()
    mutant = next(name for name in recipe["buggy"]["mutants"] if name.startswith("linear/"))
    assert module.startswith((REPO_ROOT / "solutions" / "linear.py").read_text())
    assert module.endswith((REPO_ROOT / "tests" / "kit" / "mutants" / f"{mutant}.py").read_text())
    hostile = tmp_path / "cohort" / "hostile"
    assert (hostile / "sitecustomize.py").is_file() and (hostile / "exercises" / "conftest.py").is_file()
    assert not zipfile.is_zipfile(tmp_path / "cohort" / "broken.zip")


def test_a_recipe_naming_an_unknown_mutant_is_refused(tmp_path):
    builder = _builder()
    recipe = tmp_path / "cohort.toml"
    recipe.write_text('[learners.x]\nbase = "solutions"\nmutants = ["linear/no_such_bug"]\n')
    with pytest.raises(builder.RecipeError, match="no mutant 'linear/no_such_bug'"):
        builder.build_cohort(tmp_path / "cohort", recipe)

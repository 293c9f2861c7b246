"""Mutation testing of the hidden suites: realistic wrong implementations must be caught.

A mutant lives in ``tests/kit/mutants/<component>/<bug>.py``: a fragment that
is appended to the reference module ``solutions/<component>.py``, so that its
definitions replace the reference's (and the reference's own calls reach
them, as they would in a learner's module). Its docstring says what the bug
is; it may keep a reference function under another name first
(``reference_forward = softmax_forward``) to wrap it. To run it, the runner
builds a throw-away submission whose ``exercises/`` holds the reference
modules with that combined module as ``<component>.py``, then runs
``tests/hidden/test_<component>.py`` against it. The mutant is caught when at
least one hidden test fails.
"""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.components import REPO_ROOT
from grader.runner import run_suites

MUTANTS_DIR = REPO_ROOT / "tests" / "kit" / "mutants"


@dataclass(frozen=True)
class Mutant:
    component: str
    path: Path

    @property
    def name(self) -> str:
        return f"{self.component}/{self.path.stem}"

    @property
    def bug(self) -> str:
        docstring = ast.get_docstring(ast.parse(self.path.read_text())) or ""
        return docstring.strip().splitlines()[0] if docstring.strip() else "(no description)"


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    killed_by: list[str]  # node ids of the hidden tests that failed or errored
    survived_by: list[str]  # node ids of the hidden tests that passed
    failed_checks: list[str]  # node ids of the tests whose own checks failed (not a setup error)
    messages: tuple[str, ...] = ()  # the failure reports, for what caught it

    @property
    def caught_as_forbidden(self) -> set[str]:
        """How the Part 2 guard caught it: "source" (the static scan), "run time" (the torch modes)."""
        found = set()
        for message in self.messages:
            if "forbidden API in" in message:
                found.add("source")
            if "forbidden call in" in message:
                found.add("run time")
        return found

    @property
    def caught(self) -> bool:
        return bool(self.killed_by)


def discover(component: str | None = None) -> list[Mutant]:
    folders = [MUTANTS_DIR / component] if component else sorted(p for p in MUTANTS_DIR.iterdir() if p.is_dir())
    return [Mutant(folder.name, path) for folder in folders
            for path in sorted(folder.glob("*.py")) if not path.name.startswith("_")]


def run_mutant(mutant: Mutant, *, seed: int = 0) -> MutantResult:
    with tempfile.TemporaryDirectory(prefix="fromscratch-mutant-") as scratch:
        package = Path(scratch) / "exercises"
        shutil.copytree(REPO_ROOT / "solutions", package, ignore=shutil.ignore_patterns("__pycache__"))
        module = package / f"{mutant.component}.py"
        module.write_text(f"{module.read_text()}\n\n# --- mutant {mutant.name} ---\n{mutant.path.read_text()}")
        run = run_suites([f"tests/hidden/test_{mutant.component}.py"], impl=scratch,
                         seed=seed, profile="grading", warm=True)
    if not run.records:
        raise RuntimeError(f"mutant {mutant.name}: the hidden suite reported no test\n{run.output}")
    killed = [r["nodeid"] for r in run.records if r["outcome"] in ("failed", "error")]
    survived = [r["nodeid"] for r in run.records if r["outcome"] == "passed"]
    failed = [r["nodeid"] for r in run.records if r["outcome"] == "failed"]
    messages = tuple(r["message"] for r in run.records if r["outcome"] in ("failed", "error"))
    return MutantResult(mutant, killed, survived, failed, messages)


def run_mutants(mutants: list[Mutant], *, workers: int | None = None) -> list[MutantResult]:
    """Run every mutant, ``workers`` pytest processes at a time (default: one per core)."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return list(pool.map(run_mutant, mutants))


def checks_no_mutant_fails(results: list[MutantResult]) -> dict[str, list[str]]:
    """Per component, the hidden test functions that every mutant passed.

    Parametrized cases count as one test function: ``test_x[relu]`` and
    ``test_x[tanh]`` are one check applied to two inputs. Only failures of the
    test's own checks count: a mutant refused at setup (an import error, a
    forbidden library) errors every test and proves nothing about any of them.
    """
    def function(nodeid: str) -> str:
        return nodeid.split("[", 1)[0]

    unkilled: dict[str, list[str]] = {}
    for component in sorted({result.mutant.component for result in results}):
        mine = [result for result in results if result.mutant.component == component]
        killed = {function(nodeid) for result in mine for nodeid in result.failed_checks}
        every = {function(nodeid) for result in mine for nodeid in (*result.killed_by, *result.survived_by)}
        unkilled[component] = sorted(every - killed)
    return unkilled

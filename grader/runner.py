"""Run test suites in a fresh pytest process and read back one record per test.

A fresh process per run matters: each implementation is imported once per
process (see grader.implementation), and a crash in learner code cannot take
the caller down with it.

``warm=True`` forks that process from a warm parent instead of starting an
interpreter: a multiprocessing fork server that has imported NumPy, torch,
pytest and hypothesis once, and never touched CUDA. Each run still gets a
process of its own (a fork: nothing it imports or breaks reaches the next
run), without paying torch's two-second import again. The mutant runs, a
few hundred short pytest sessions, use it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from grader.components import REPO_ROOT


@dataclass(frozen=True)
class SuiteRun:
    records: list[dict]
    returncode: int
    output: str

    def outcomes(self) -> Counter:
        return Counter(record["outcome"] for record in self.records)

    def by_component(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for record in self.records:
            table.setdefault(record["component"], Counter())[record["outcome"]] += 1
        return table


def run_suites(
    paths: list[str | Path],
    *,
    impl: str | Path,
    extra_args: list[str] | None = None,
    seed: int = 0,
    profile: str = "ci",
    timeout: float | None = None,
    warm: bool = False,
) -> SuiteRun:
    """``pytest PATHS --impl IMPL`` in a subprocess; returns its per-test records."""
    with tempfile.TemporaryDirectory(prefix="fromscratch-run-") as scratch:
        results = Path(scratch) / "results.json"
        arguments = pytest_arguments(paths, impl=impl, seed=seed, profile=profile, results=results,
                                     extra_args=extra_args)
        if warm:
            returncode, output = _run_forked(arguments, Path(scratch) / "output.txt", timeout)
        else:
            completed = subprocess.run([sys.executable, "-m", "pytest", *arguments], cwd=REPO_ROOT,
                                       capture_output=True, text=True, timeout=timeout,
                                       env={**os.environ, **CHILD_ENVIRONMENT}, stdin=subprocess.DEVNULL)
            returncode, output = completed.returncode, completed.stdout + completed.stderr
        records = json.loads(results.read_text()) if results.exists() else []
    return SuiteRun(records, returncode, output)


def pytest_arguments(paths: list[str | Path], *, impl: str | Path, seed: int, profile: str, results: Path,
                     extra_args: list[str] | None = None) -> list[str]:
    """The command line of one quiet pytest run of the kit's plugin, its records written to ``results``."""
    return [*map(str, paths), "-p", "grader.plugin", "--impl", str(impl), "--seed", str(seed),
            f"--hypothesis-profile={profile}", "--results-json", str(results),
            "-p", "no:cacheprovider", "-q", "--no-header", "-rN", *(extra_args or [])]


CHILD_ENVIRONMENT = {"PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
PRELOAD = ["numpy", "torch", "pytest", "hypothesis", "grader.plugin"]
_FORK_SERVER: multiprocessing.context.BaseContext | None = None


def _fork_server() -> multiprocessing.context.BaseContext:
    """The warm parent, started on first use; it inherits the thread settings before importing torch."""
    global _FORK_SERVER
    if _FORK_SERVER is None:
        os.environ.update(CHILD_ENVIRONMENT)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _FORK_SERVER = context
    return _FORK_SERVER


def _run_forked(arguments: list[str], log: Path, timeout: float | None) -> tuple[int, str]:
    child = _fork_server().Process(target=_pytest_main, args=(arguments, str(log)), daemon=True)
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        raise subprocess.TimeoutExpired(["pytest", *arguments], timeout or 0)
    return child.exitcode, log.read_text(errors="replace") if log.exists() else ""


def _pytest_main(arguments: list[str], log: str) -> None:
    """In the forked child: pytest with its output in ``log``, its exit status as the process's."""
    os.chdir(REPO_ROOT)
    target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(target, 1)
    os.dup2(target, 2)
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    import pytest

    code = pytest.main(arguments)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))

"""Run test suites in a fresh pytest process and read back one record per test.

A fresh process per run matters: each implementation is imported once per
process (see grader.implementation), and a crash in learner code cannot take
the caller down with it.
"""

from __future__ import annotations

import json
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
) -> SuiteRun:
    """``pytest PATHS --impl IMPL`` in a subprocess; returns its per-test records."""
    with tempfile.TemporaryDirectory(prefix="fromscratch-run-") as scratch:
        results = Path(scratch) / "results.json"
        command = [
            sys.executable, "-m", "pytest", *map(str, paths),
            "-p", "grader.plugin", "--impl", str(impl), "--seed", str(seed),
            f"--hypothesis-profile={profile}", "--results-json", str(results),
            "-p", "no:cacheprovider", "-q", "--no-header", "-rN", *(extra_args or []),
        ]
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        completed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True,
                                   timeout=timeout, env=environment, stdin=subprocess.DEVNULL)
        records = json.loads(results.read_text()) if results.exists() else []
    return SuiteRun(records, completed.returncode, completed.stdout + completed.stderr)

"""Run stage: the grader's own hidden suites against one sanitized submission, learner code sandboxed.

A :class:`Judge` lives for a whole grading run. It starts the two sandbox
zygotes once (NumPy only, and NumPy with torch) and lists the tests every
learner is expected to have a result for. :meth:`Judge.run` grades one
learner: a pytest process forked from the warm parent of grader.runner runs
the hidden suites with ``--sandbox``, so the tests' code (and every verdict)
stays in that process and each component of the learner's code runs in a
worker of its own. Any expected test without a result is recorded as
``missing`` and scores 0.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from grader.components import REPO_ROOT
from grader.runner import run_suites
from grader.sandbox.session import DEFAULT_LIMITS, NUMPY_PRELOAD, TORCH_PRELOAD
from grader.sandbox.zygote import Zygote

PROFILE = "grading"
LOG_TAIL_BYTES = 4096


def learner_seed(learner: str) -> int:
    """The seed of a learner's run: derived from the id, so a regrade sees the same inputs."""
    return zlib.crc32(learner.encode())


def suite_paths(components: list[str]) -> list[str]:
    return [f"tests/hidden/test_{name}.py" for name in components]


def expected_tests(components: list[str]) -> dict[str, str]:
    """nodeid -> component for every hidden test of ``components`` (collected once, no learner code)."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", *suite_paths(components), "--collect-only", "-q", "-p", "no:cacheprovider",
         "--impl", "exercises", "--hypothesis-profile", PROFILE],
        cwd=REPO_ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    nodeids = [line for line in completed.stdout.splitlines() if "::" in line]
    if completed.returncode != 0 or not nodeids:
        raise RuntimeError(f"collecting the hidden suites failed:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")
    return {nodeid: nodeid.split("/test_", 1)[1].split(".py::")[0] for nodeid in nodeids}


class Judge:
    """Grades learners one by one (several at once from threads), sharing warm zygotes."""

    def __init__(self, components: list[str], limits: dict, *, hide: list[str] = ()):
        self.components, self.limits, self.hide = components, limits, list(hide)
        self.scratch = Path(tempfile.mkdtemp(prefix="fromscratch-judge-"))
        self.zygotes = [Zygote.start(self.scratch, NUMPY_PRELOAD), Zygote.start(self.scratch, TORCH_PRELOAD)]
        self.expected = expected_tests(components)

    def isolation(self) -> dict[str, str]:
        return self.zygotes[0].features()

    def time_limit(self) -> float:
        """A backstop for one learner's whole run: every component's budget, and a margin."""
        default = self.limits.get("component_seconds", DEFAULT_LIMITS["component_seconds"])
        budgets = [self.limits.get(name, {}).get("component_seconds", default) for name in self.components]
        return float(sum(budgets)) + 120

    def run(self, folder: Path, learner: str, logs: Path) -> dict:
        """The RunResult of one learner whose sanitized submission is ``folder`` (holding ``exercises/``)."""
        logs.mkdir(parents=True, exist_ok=True)
        seed = learner_seed(learner)
        started = time.perf_counter()
        arguments = ["--sandbox", "--sandbox-zygotes", str(self.scratch), "--sandbox-limits", json.dumps(self.limits),
                     "--sandbox-logs", str(logs), "-p", "no:randomly", "--sandbox-hide", *self.hide]
        try:
            suite = run_suites(suite_paths(self.components), impl=folder, seed=seed, profile=PROFILE,
                               extra_args=arguments, timeout=self.time_limit(), warm=True)
            records, note = suite.records, None
        except subprocess.TimeoutExpired:
            records, note = [], f"the grading run stopped after {self.time_limit():.0f} s"
        return {"learner": learner, "seed": seed, "records": self._complete(records, note),
                "isolation": self.isolation(), "log_tail": _log_tail(logs),
                "seconds": round(time.perf_counter() - started, 3)}

    def _complete(self, records: list[dict], note: str | None) -> list[dict]:
        """Exactly one record per expected test; none for anything else."""
        found = {record["nodeid"]: record for record in records if record["nodeid"] in self.expected}
        complete = []
        for nodeid, component in self.expected.items():
            complete.append(found.get(nodeid) or {
                "nodeid": nodeid, "component": component, "test": nodeid.split("::")[-1].split("[")[0],
                "suite": "hidden", "outcome": "missing", "kind": "crash", "quantity": None, "cause": None,
                "skip_reason": None, "duration": 0.0,
                "message": note or "no result came back for this check"})
        return complete

    def close(self) -> None:
        for zygote in self.zygotes:
            zygote.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _log_tail(logs: Path) -> str:
    """The end of what the learner's workers printed (invalid UTF-8 replaced)."""
    chunks = []
    for log in sorted(logs.glob("*.log")):
        data = log.read_bytes()[-LOG_TAIL_BYTES:]
        if data:
            chunks.append(f"--- {log.stem} ---\n{data.decode('utf-8', errors='replace')}")
    return "\n".join(chunks)[-LOG_TAIL_BYTES:]

"""How fast `fromscratch grade` gets through a cohort: copies of the reference, 1 worker then 2.

    python bench/grading_speed.py [--copies 20] [--components activations linear ...] [--workers 1 2]

Each copy is a learner of its own (its own id, so its own seed) whose exercises/
holds the reference modules of the components graded. The cohort is graded from
scratch once per worker count, the sandbox's start included, and the script prints:

- the sandbox's start (two zygotes, the hidden tests collected), paid once per run;
- seconds per learner: the cohort's wall time, less that start, over the number of learners;
- the overhead per learner beyond the tests' own durations: the run stage's wall
  seconds for the learner (a forked pytest, a sandboxed worker per component)
  minus the sum of its records' durations, and the rest of the pipeline
  (sanitize, score, reports, grade.json) beside it;
- the speed-up from the first worker count to each other one.

A single run per setting, not a median: one setting of a full-suite cohort takes minutes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from grader.components import CURRICULUM, REPO_ROOT
from grader.grading.pipeline import GRADE_FILE, grade_cohort, make_plan
from grader.grading.run import Judge

CONTAINER_SECONDS = 2.2  # start and stop of one container per submission, in container-per-submission graders


class Silent:
    """The pipeline's progress, unprinted."""

    def begin(self, *args) -> None: ...

    def sandbox(self, *args) -> None: ...

    def started(self, *args) -> None: ...

    def finished(self, *args) -> None: ...


def make_cohort(folder: Path, copies: int, components: list[str]) -> Path:
    for index in range(copies):
        package = folder / f"copy-{index + 1:02d}" / "exercises"
        package.mkdir(parents=True)
        for name in components:
            (package / f"{name}.py").write_bytes((REPO_ROOT / "solutions" / f"{name}.py").read_bytes())
    return folder


def start_seconds(submissions: Path, reports: Path, components: list[str]) -> float:
    """How long the Judge of a run takes to start (and stop) with nothing to grade."""
    plan = make_plan(submissions, reports, components=components)
    started = time.perf_counter()
    Judge(plan.components, plan.limits()).close()
    return time.perf_counter() - started


def grade_once(submissions: Path, reports: Path, components: list[str], workers: int) -> dict:
    """Grade the cohort from scratch; wall seconds and per-learner figures from each grade.json."""
    plan = make_plan(submissions, reports, components=components, workers=workers, force=True)
    started = time.perf_counter()
    outcomes = grade_cohort(plan, Silent())
    wall = time.perf_counter() - started
    problems = [f"{outcome.learner}: {outcome.status} {outcome.points}/{outcome.max_points}"
                for outcome in outcomes if outcome.status != "graded" or outcome.points != outcome.max_points]
    if problems:
        raise SystemExit("the reference did not get full marks: " + "; ".join(problems))
    grades = [json.loads((reports / outcome.learner / GRADE_FILE).read_text()) for outcome in outcomes]
    tests = [sum(record["duration"] for record in grade["run"]["records"]) for grade in grades]
    runs = [grade["run"]["seconds"] for grade in grades]
    return {"wall": wall, "learners": len(outcomes), "tests": statistics.mean(tests),
            "run overhead": statistics.mean(run - test for run, test in zip(runs, tests)),
            "pipeline overhead": statistics.mean(grade["seconds"] - run for grade, run in zip(grades, runs))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="learners, each a copy of the reference")
    parser.add_argument("--components", nargs="+", default=[component.name for component in CURRICULUM],
                        metavar="COMPONENT", help="default: the whole hidden suite")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare")
    args = parser.parse_args()
    print(f"{args.copies} copies of the reference, {len(args.components)} component(s): {' '.join(args.components)}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="fromscratch-bench-") as scratch:
        submissions = make_cohort(Path(scratch) / "submissions", args.copies, args.components)
        start = start_seconds(submissions, Path(scratch) / "reports", args.components)
        print(f"sandbox start: {start:.1f} s, once per run")
        for workers in args.workers:
            result = results[workers] = grade_once(submissions, Path(scratch) / f"reports-{workers}",
                                                   args.components, workers)
            per_learner = (result["wall"] - start) / result["learners"]
            print(f"{workers} worker(s): {result['wall']:.1f} s in all, {per_learner:.2f} s per learner beyond the "
                  f"start; per learner: tests {result['tests']:.2f} s, run overhead "
                  f"{result['run overhead']:.2f} s (forked pytest, sandboxed workers), pipeline overhead "
                  f"{result['pipeline overhead']:.2f} s (sanitize, score, reports)", flush=True)
    first = args.workers[0]
    for workers in args.workers[1:]:
        print(f"speed-up {first} -> {workers} workers: {results[first]['wall'] / results[workers]['wall']:.2f}x "
              f"in all, {(results[first]['wall'] - start) / (results[workers]['wall'] - start):.2f}x beyond the start")
    overhead = results[first]["run overhead"] + results[first]["pipeline overhead"]
    print(f"overhead per learner beyond its tests: {overhead:.2f} s, against {CONTAINER_SECONDS} s for the start "
          f"and stop of one container per submission alone")


if __name__ == "__main__":
    main()

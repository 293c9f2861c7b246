"""What ``fromscratch grade`` prints while it grades: isolation, seeds, a progress bar, the final table.

Lines go to stdout; the progress bar is tqdm on stderr when stderr is a terminal,
and a plain ``[3/12] alice ...`` line per learner otherwise, so a piped log stays
readable. Every method may be called from the pipeline's worker threads.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TextIO

from grader.grading.pages import number
from grader.grading.pipeline import COHORT_FILES, GRADE_FILE, WORK, Outcome, Plan

STATUSES = ("graded", "refused", "reused", "error")


class ConsoleProgress:
    """The pipeline's Progress for a person at a terminal (or a log file)."""

    def __init__(self, out: TextIO | None = None, bar_stream: TextIO | None = None):
        self.out = out or sys.stdout
        self.bar_stream = bar_stream or sys.stderr
        self.lock = threading.Lock()
        self.bar = None
        self.done = self.total = 0
        self.isolation: dict[str, str] = {}

    def begin(self, plan: Plan, reused: int, to_grade: int) -> None:
        self.total = reused + to_grade
        self._say(f"grading {self.total} learner(s) in {plan.submissions} into {plan.out}: {len(plan.components)} "
                  f"component(s) ({', '.join(plan.components)}), rubric {plan.rubric.source}, "
                  f"{plan.workers} at a time")
        if reused:
            self._say(f"{reused} learner(s) already graded with this submission, rubric and grader: reused "
                      f"(--force grades them again)")

    def sandbox(self, isolation: dict[str, str] | None) -> None:
        self.isolation = isolation or {}
        if isolation is None:
            self._say("sandbox not started: no learner code to run")
        else:
            self._say("isolation of learner code:")
            for feature, state in isolation.items():
                self._say(f"  {feature}: {state}")
        if self.bar_stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="learner", file=self.bar_stream, dynamic_ncols=True)

    def started(self, learner: str, seed: int | None) -> None:
        self._say(f"grading {learner} (seed {seed})" if seed is not None else f"grading {learner} (refused)")

    def finished(self, outcome: Outcome) -> None:
        with self.lock:
            self.done += 1
            line = (f"[{self.done}/{self.total}] {outcome.learner}: {outcome.status}, "
                    f"{number(outcome.points)}/{number(outcome.max_points)}, {outcome.seconds:.1f} s")
            if self.bar is not None:
                self.bar.update(1)
                self.bar.set_postfix_str(outcome.learner)
                if outcome.status == "error":
                    self.bar.write(line, file=self.out)
            else:
                print(line, file=self.out, flush=True)

    def end(self, plan: Plan, outcomes: list[Outcome]) -> None:
        if self.bar is not None:
            self.bar.close()
        print(file=self.out)
        print(final_table(outcomes), file=self.out)
        counts = {status: sum(outcome.status == status for outcome in outcomes) for status in STATUSES}
        print("\n" + ", ".join(f"{count} {status}" for status, count in counts.items() if count or status != "error"),
              file=self.out)
        for outcome in outcomes:
            if outcome.status == "error":
                print(f"\nerror grading {outcome.learner} (no {GRADE_FILE} written; grading again retries it):\n"
                      f"{outcome.reason}", file=self.out)
        for feature, state in self.isolation.items():
            if state != "active":
                print(f"warning: isolation feature {feature!r} was {state}", file=self.out)
        print(where_reports_are(plan.out), file=self.out, flush=True)

    def _say(self, line: str) -> None:
        with self.lock:
            if self.bar is not None:
                self.bar.write(line, file=self.out)
            else:
                print(line, file=self.out, flush=True)


def final_table(outcomes: list[Outcome]) -> str:
    """learner, score/max, status, seed, seconds: one row per learner."""
    rows = [(outcome.learner, f"{number(outcome.points)}/{number(outcome.max_points)}", outcome.status,
             "-" if outcome.seed is None else str(outcome.seed), f"{outcome.seconds:.1f}") for outcome in outcomes]
    headers = ("learner", "score", "status", "seed", "seconds")
    widths = [max(len(row[index]) for row in [headers, *rows]) for index in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [cell.ljust(width) if index in (0, 2) else cell.rjust(width)
                 for index, (cell, width) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def where_reports_are(out: Path) -> str:
    return (f"\nreports: {out}/<learner>/report.html (and report.md, results.json) for each learner\n"
            f"cohort:  {out / COHORT_FILES[1]}, {out / COHORT_FILES[0]}\n"
            f"instructors only: {out}/<learner>/{GRADE_FILE} (hidden tests' messages), {out / WORK}/logs/ "
            f"(what learner code printed); see {out / 'README.md'}")

"""Stage 6 of grading: a whole cohort from SUBMISSIONS_DIR to reports, in parallel and resumable.

:func:`grade_cohort` takes every learner through the stages: collect (once for the
cohort), sanitize, :meth:`Judge.run <grader.grading.run.Judge.run>`, score and
report, several learners at a time from threads (each run forks a pytest of its
own, so threads are enough). What REPORTS_DIR ends up holding:

- ``<learner>/report.html``, ``report.md``, ``results.json``: for the learner;
- ``<learner>/grade.json``: for instructors only (the run result holds the hidden
  tests' messages), written last and atomically: while it is absent the learner
  is not done, and a later run grades it again;
- ``gradebook.csv``, ``summary.html``: the cohort, from every learner's grade.json;
- ``README.md``: what each file is and who may read it;
- ``.work/logs/<learner>/``: what the learner's code printed (instructors only);
  ``.work/staging`` and ``.work/clean`` are removed at the end of a run.

A learner whose grade.json carries this run's fingerprint (the submission's bytes,
the rubric, the components, the hidden suites, the grader's own source and the
reports' visibility) is reused as it is unless ``force`` is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Protocol

from grader.components import CURRICULUM, REPO_ROOT, component_named
from grader.grading.cohort import write_cohort
from grader.grading.collect import Submission, collect
from grader.grading.pages import write_atomic
from grader.grading.report import VISIBILITIES, write_learner_report
from grader.grading.rubric import Rubric, load_rubric
from grader.grading.run import Judge, learner_seed, suite_paths
from grader.grading.sanitize import Sanitized, sanitize
from grader.grading.score import Scorecard, score

GRADE_FILE = "grade.json"
REPORT_FILES = ("report.html", "report.md", "results.json")
WORK = ".work"
README = "README.md"
COHORT_FILES = ("gradebook.csv", "summary.html")
RESERVED = {name.casefold() for name in (*COHORT_FILES, README)}
GRADE_FORMAT = 1
CHUNK = 1 << 16


class GradingError(ValueError):
    """Arguments the pipeline cannot work with; the message says what to do instead."""


@dataclass(frozen=True)
class Plan:
    """One grading run, its arguments checked."""

    submissions: Path
    out: Path
    components: list[str]
    rubric: Rubric
    workers: int
    force: bool = False
    visibility: str = "visible"

    @property
    def work(self) -> Path:
        return self.out / WORK

    def limits(self) -> dict:
        """The run stage's limits: the rubric's defaults and each graded component's own."""
        return {**self.rubric.limits, **{name: self.rubric.limits_for(name) for name in self.components}}


@dataclass
class Outcome:
    """What became of one learner in one run."""

    learner: str
    status: str                     # graded, refused, reused, or error (no grade.json: the next run retries)
    points: float = 0.0
    max_points: float = 0.0
    seed: int | None = None
    seconds: float = 0.0
    reason: str | None = None
    card: dict | None = field(default=None, repr=False)   # the scorecard as data


class Progress(Protocol):
    def begin(self, plan: Plan, reused: int, to_grade: int) -> None: ...
    def sandbox(self, isolation: dict[str, str] | None) -> None: ...  # None: not started, nothing to run
    def started(self, learner: str, seed: int | None) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


def make_plan(submissions: Path, out: Path, *, components: list[str] | None = None, rubric: Path | None = None,
              workers: int | None = None, force: bool = False, visibility: str = "visible") -> Plan:
    """Check every argument before anything is written; a GradingError says what to change."""
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        what = "does not exist" if not submissions.exists() else "is not a folder"
        raise GradingError(f"the submissions folder {submissions} {what}: pass the folder that holds one folder "
                           f"or archive per learner")
    if out.exists() and not out.is_dir():
        raise GradingError(f"--out {out} is a file: pass a folder for the reports (it is created if needed)")
    inside, reports = submissions.resolve(), out.resolve()
    if reports.is_relative_to(inside) or inside.is_relative_to(reports):
        raise GradingError(f"the reports folder {out} and the submissions folder {submissions} overlap: write the "
                           f"reports somewhere outside the submissions (the grader never writes there), e.g. "
                           f"--out {inside.parent / 'reports'}")
    names = components or [component.name for component in CURRICULUM]
    for name in names:
        component_named(name)  # a ValueError listing the valid names
    if workers is not None and workers < 1:
        raise GradingError(f"--workers {workers}: give 1 or more learners graded at once (default: one per core, "
                           f"{os.cpu_count()})")
    if visibility not in VISIBILITIES:
        raise GradingError(f"--visibility {visibility!r}: use one of {', '.join(VISIBILITIES)}")
    return Plan(submissions, out, list(dict.fromkeys(names)), load_rubric(rubric), workers or os.cpu_count() or 1,
                force, visibility)


def grade_cohort(plan: Plan, progress: Progress) -> list[Outcome]:
    """Grade every learner of ``plan.submissions`` (reusing finished ones); one Outcome per learner, by id."""
    submissions = collect(plan.submissions, plan.work / "staging")
    _refuse_reserved(submissions, plan)
    shared = run_fingerprint(plan)
    fingerprints = {submission.learner: learner_fingerprint(plan.submissions, submission, shared)
                    for submission in submissions}
    reused = {} if plan.force else {submission.learner: outcome for submission in submissions
                                    if (outcome := _reusable(plan, submission.learner, fingerprints))}
    pending = [submission for submission in submissions if submission.learner not in reused]
    progress.begin(plan, len(reused), len(pending))
    needs_judge = any(submission.refused is None for submission in pending)
    judge = Judge(plan.components, plan.limits(), hide=_hidden_from_learners(plan)) if needs_judge else None
    try:
        progress.sandbox(judge.isolation() if judge else None)
        for outcome in reused.values():
            progress.finished(outcome)
        graded = dict(reused)
        for outcome in _in_parallel(pending, plan.workers, lambda submission: _grade_learner(
                plan, submission, judge, fingerprints[submission.learner], progress)):
            graded[outcome.learner] = outcome
            progress.finished(outcome)
    finally:
        if judge is not None:
            judge.close()
    for leftover in ("staging", "clean"):
        shutil.rmtree(plan.work / leftover, ignore_errors=True)
    outcomes = [graded[learner] for learner in sorted(graded)]
    _forget_partials(plan.out)
    write_cohort(plan.out, [outcome.card for outcome in outcomes if outcome.card is not None])
    write_atomic(plan.out / README, REPORTS_README)
    return outcomes


def _refuse_reserved(submissions: list[Submission], plan: Plan) -> None:
    clashes = [submission.entry for submission in submissions if submission.learner.casefold() in RESERVED]
    if clashes:
        raise GradingError(f"{', '.join(clashes)} in {plan.submissions} would be graded into a folder named like "
                           f"a file the grader writes into {plan.out} ({', '.join(sorted(RESERVED))}): rename it")


def _hidden_from_learners(plan: Plan) -> list[str]:
    return [str(path.resolve()) for path in
            (plan.submissions, plan.out, plan.work / "staging", plan.work / "clean")]


def _in_parallel(jobs: list[Submission], workers: int, work: Callable[[Submission], Outcome]) -> Iterator[Outcome]:
    """``work(job)`` for every job from ``workers`` daemon threads, outcomes as they finish.

    Daemon threads, so that Ctrl-C ends the run at once: a learner left half done
    has no grade.json and is graded again by the next run.
    """
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    done: queue.Queue = queue.Queue()

    def serve() -> None:
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            done.put(work(job))

    for _ in range(min(workers, len(jobs))):
        threading.Thread(target=serve, daemon=True).start()
    for _ in jobs:
        yield done.get()


def _grade_learner(plan: Plan, submission: Submission, judge: Judge | None, fingerprint: str | None,
                   progress: Progress) -> Outcome:
    """One learner through sanitize, run, score and report; grade.json last. Never raises."""
    learner, started = submission.learner, time.perf_counter()
    try:
        _forget(plan, learner)
        sanitized = run_result = None
        if submission.refused is None:
            sanitized = sanitize(submission.staged, plan.work / "clean" / learner, plan.components)
        reason = submission.refused or (sanitized.refused if sanitized else None)
        if reason is None:
            progress.started(learner, learner_seed(learner))
            run_result = judge.run(sanitized.folder, learner, plan.work / "logs" / learner)
            scorecard = score(run_result, plan.rubric, components=plan.components)
        else:
            progress.started(learner, None)
            scorecard = Scorecard.refused(learner, reason, plan.rubric, plan.components)
        info = submission_info(submission, sanitized)
        write_learner_report(plan.out / learner, scorecard, run_result, info, visibility=plan.visibility)
        seconds = round(time.perf_counter() - started, 3)
        card = scorecard.to_dict()
        write_atomic(plan.out / learner / GRADE_FILE, json.dumps({
            "format": GRADE_FORMAT, "learner": learner, "fingerprint": fingerprint, "seconds": seconds,
            "scorecard": card, "run": run_result, "submission": info,
            "collect": submission.to_dict(),
            "components": plan.components, "rubric": plan.rubric.source, "visibility": plan.visibility,
        }, indent=1, ensure_ascii=False) + "\n")
        return _outcome(card, scorecard.status, seconds)
    except Exception:  # a fault of the grader, not of the learner: say so, and let the next run retry
        return Outcome(learner, "error", seconds=round(time.perf_counter() - started, 3),
                       reason=traceback.format_exc(limit=-3).strip())


def submission_info(submission: Submission, sanitized: Sanitized | None) -> dict:
    """What the report shows of the submission: sanitize's data, with collect's notes first."""
    info = sanitized.to_dict() if sanitized else {"folder": None, "exercises": None, "copied": [], "ignored": [],
                                                    "notes": [], "refused": submission.refused}
    return {**info, "entry": submission.entry, "notes": [*submission.notes, *info["notes"]]}


def _outcome(card: dict, status: str, seconds: float) -> Outcome:
    return Outcome(card["learner"], status, card["points"], card["max_points"], card.get("seed"), seconds,
                   card.get("reason"), card)


def _forget(plan: Plan, learner: str) -> None:
    """Before a learner is graded (again): no grade.json, no temporary file or log left by an earlier run."""
    (plan.out / learner / GRADE_FILE).unlink(missing_ok=True)
    _forget_partials(plan.out / learner)
    shutil.rmtree(plan.work / "logs" / learner, ignore_errors=True)


def _forget_partials(folder: Path) -> None:
    """The temporary files of pages.write_atomic that a killed run left behind."""
    if folder.is_dir():
        for partial in folder.glob(".*.partial"):
            partial.unlink(missing_ok=True)


def _reusable(plan: Plan, learner: str, fingerprints: dict[str, str | None]) -> Outcome | None:
    """The outcome recorded in the learner's grade.json when it belongs to this very run, else None."""
    folder = plan.out / learner
    if fingerprints[learner] is None or not all((folder / name).is_file() for name in REPORT_FILES):
        return None
    try:
        grade = json.loads((folder / GRADE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(grade, dict) or grade.get("fingerprint") != fingerprints[learner] or "scorecard" not in grade:
        return None
    return _outcome(grade["scorecard"], "reused", grade.get("seconds", 0.0))


def run_fingerprint(plan: Plan) -> str:
    """What every learner's result depends on besides the submission."""
    digest = hashlib.sha256()
    for part in (plan.rubric.fingerprint(), json.dumps(plan.components), plan.visibility, grader_version()):
        digest.update(part.encode() + b"\0")
    for path in suite_paths(plan.components):
        _digest_file(REPO_ROOT / path, digest)
    return digest.hexdigest()


def grader_version() -> str:
    """The package version and a hash of the grader's own source (a checkout is rarely re-versioned)."""
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "grader").rglob("*.py")):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
        _digest_file(path, digest)
    return f"{metadata.version('fromscratch')}+{digest.hexdigest()[:16]}"


def learner_fingerprint(submissions: Path, submission: Submission, shared: str) -> str | None:
    """The submission's content and ``shared``; None when the entry cannot be found again by its name."""
    entry = submissions / submission.entry
    if not os.path.lexists(entry):  # a name that was not valid text: grade it every time
        return None
    digest = hashlib.sha256(shared.encode() + b"\0")
    _digest_entry(entry, digest, "")
    return digest.hexdigest()


def _digest_entry(path: Path, digest, relative: str) -> None:
    """A folder: every member's relative path, kind and bytes, in name order; a file: its bytes."""
    name = os.fsencode(relative)
    if path.is_dir() and not path.is_symlink():
        digest.update(b"D" + name + b"\0")
        for child in sorted(os.listdir(path)):
            _digest_entry(path / child, digest, f"{relative}/{child}" if relative else child)
    elif path.is_file() and not path.is_symlink():
        digest.update(b"F" + name + b"\0")
        _digest_file(path, digest)
    else:  # a link or a special file: collect refuses it, and its name is all that is hashed
        digest.update(b"O" + name + b"\0")


def _digest_file(path: Path, digest) -> None:
    try:
        with open(path, "rb") as file:
            digest.update(str(os.fstat(file.fileno()).st_size).encode() + b"\0")
            while chunk := file.read(CHUNK):
                digest.update(chunk)
    except OSError as error:
        digest.update(f"unreadable: {error.strerror}".encode())


REPORTS_README = f"""\
# Grading reports

One folder per learner, and the cohort's files beside them.

| file | who may read it |
|---|---|
| `<learner>/report.html`, `report.md` | the learner: score per component, feedback on each failed check (never a hidden test's inputs) |
| `<learner>/results.json` | the learner, through Gradescope (its autograder output format) |
| `<learner>/{GRADE_FILE}` | **instructors only**: the scorecard, the full run result (the hidden tests' failure messages, with their inputs, and what the learner's code printed), the submission's notes and the run's fingerprint |
| `gradebook.csv`, `summary.html` | instructors: one row per learner, plots of the cohort |
| `{WORK}/logs/<learner>/` | **instructors only**: everything the learner's code printed, per component |

A learner's `{GRADE_FILE}` is written last: a learner without one was not finished, and
`fromscratch grade` grades it again. A learner whose `{GRADE_FILE}` matches the submission,
the rubric, the components and the grader is not graded again unless `--force` is given.
"""

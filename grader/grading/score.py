"""Score stage: a run's per-test records and a rubric become a scorecard of exact points.

A component's points are split evenly across its test functions, and each
function's share evenly across its parametrized cases (nodeids), so 3 passing
cases of 7 earn exactly 3/7 of the function's share. Arithmetic is in
``fractions.Fraction``: the components add up to the total exactly, and
rounding happens only where a number is displayed.

- passed: the case's share; failed, error, missing (no result came back): 0;
- skipped (e.g. no CUDA device on the grading machine): out of the score and
  out of the maximum, counted per component so the report can say so;
- a component whose module failed to import (or is absent) scores 0, and
  carries that reason.

Which components are scored: those with records, or the ``components`` given
(a listed component with no record scores 0: its checks never reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from grader.components import BY_NAME, CURRICULUM
from grader.grading.rubric import Rubric

OUTCOMES = ("passed", "failed", "error", "skipped", "missing")
KINDS = ("check", "not_implemented", "import", "timeout", "crash", "forbidden", "exception", None)
REQUIRED_KEYS = ("nodeid", "component", "test", "outcome")
_STAGING_PATH = re.compile(r"(?:[A-Za-z]:)?[^\s:'\"]*[\\/](exercises[\\/])")


@dataclass(frozen=True)
class CaseScore:
    """One parametrized case (one nodeid)."""

    nodeid: str
    outcome: str
    kind: str | None
    share: Fraction  # what the case is worth
    skip_reason: str | None = None

    @property
    def counted(self) -> bool:
        return self.outcome != "skipped"

    @property
    def points(self) -> Fraction:
        return self.share if self.outcome == "passed" else Fraction(0)

    def to_dict(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "outcome": self.outcome, "kind": self.kind, "points": float(self.points),
                "share": float(self.share), "skip_reason": self.skip_reason}


@dataclass(frozen=True)
class FunctionScore:
    """One test function, all its cases."""

    test: str
    cases: tuple[CaseScore, ...]

    @property
    def points(self) -> Fraction:
        return sum((case.points for case in self.cases), Fraction(0))

    @property
    def max_points(self) -> Fraction:
        return sum((case.share for case in self.cases if case.counted), Fraction(0))

    @property
    def failed_cases(self) -> list[CaseScore]:
        return [case for case in self.cases if case.counted and case.outcome != "passed"]

    @property
    def status(self) -> str:
        """``skipped`` when every case skipped, ``failed`` when any counted case did not pass, else ``passed``."""
        if not any(case.counted for case in self.cases):
            return "skipped"
        return "failed" if self.failed_cases else "passed"

    def to_dict(self) -> dict[str, Any]:
        return {"test": self.test, "status": self.status, "points": float(self.points),
                "max_points": float(self.max_points), "cases": [case.to_dict() for case in self.cases]}


@dataclass(frozen=True)
class ComponentScore:
    name: str
    possible: Fraction  # the rubric's points, before skipped checks leave the maximum
    tests: tuple[FunctionScore, ...]
    limits: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # why the whole component scores 0 (import failure, absent module, refusal)

    @property
    def title(self) -> str:
        return BY_NAME[self.name].title

    @property
    def cases(self) -> list[CaseScore]:
        return [case for test in self.tests for case in test.cases]

    @property
    def points(self) -> Fraction:
        return sum((test.points for test in self.tests), Fraction(0))

    @property
    def max_points(self) -> Fraction:
        if not self.tests:
            return self.possible
        return sum((test.max_points for test in self.tests), Fraction(0))

    @property
    def skipped(self) -> int:
        return sum(not case.counted for case in self.cases)

    @property
    def passed(self) -> bool:
        """Every counted check passed (and there was at least one)."""
        counted = [case for case in self.cases if case.counted]
        return bool(counted) and all(case.outcome == "passed" for case in counted)

    def to_dict(self) -> dict[str, Any]:
        cases = self.cases
        return {"name": self.name, "title": self.title, "points": float(self.points),
                "max_points": float(self.max_points), "possible": float(self.possible),
                "points_exact": str(self.points), "max_points_exact": str(self.max_points),
                "passed": self.passed, "reason": self.reason, "limits": dict(self.limits),
                "checks": len(cases), "skipped": self.skipped,
                "failed": sum(case.counted and case.outcome != "passed" for case in cases),
                "tests": [test.to_dict() for test in self.tests]}


@dataclass(frozen=True)
class Scorecard:
    learner: str
    components: tuple[ComponentScore, ...]
    rubric: str  # the rubric's fingerprint
    seed: int | None = None
    status: str = "graded"  # or "refused": the submission could not be graded at all
    reason: str | None = None  # why it was refused

    @property
    def points(self) -> Fraction:
        return sum((component.points for component in self.components), Fraction(0))

    @property
    def max_points(self) -> Fraction:
        return sum((component.max_points for component in self.components), Fraction(0))

    @property
    def skipped(self) -> int:
        return sum(component.skipped for component in self.components)

    def component(self, name: str) -> ComponentScore:
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(f"{self.learner}'s scorecard has no component {name!r}; it has: "
                       f"{', '.join(c.name for c in self.components)}")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (points as floats, exact values as "p/q" strings beside them)."""
        return {"learner": self.learner, "status": self.status, "reason": self.reason, "seed": self.seed,
                "rubric": self.rubric, "points": float(self.points), "max_points": float(self.max_points),
                "points_exact": str(self.points), "max_points_exact": str(self.max_points),
                "skipped": self.skipped, "components": [component.to_dict() for component in self.components]}

    @classmethod
    def refused(cls, learner: str, reason: str, rubric: Rubric, components: list[str] | None = None) -> Scorecard:
        """A submission that could not be graded (unreadable archive, nothing to grade): 0 of every component."""
        names = components or [component.name for component in CURRICULUM]
        return cls(learner, tuple(ComponentScore(name, rubric.points_for(name), (), rubric.limits_for(name), reason)
                                  for name in names),
                   rubric.fingerprint(), status="refused", reason=reason)


def score(run_result: dict, rubric: Rubric, *, components: list[str] | None = None) -> Scorecard:
    """The scorecard of one RunResult, the run stage's output (``grader.grading.run``)."""
    records = run_result.get("records")
    if not isinstance(records, list):
        raise ValueError(f"run result of {run_result.get('learner')!r} has no list of records; "
                         "score() takes the run stage's RunResult dict")
    by_component = _group(records)
    names = components if components is not None else list(by_component)
    order = {component.name: index for index, component in enumerate(CURRICULUM)}
    for name in names:
        rubric.points_for(name)  # refuses a name outside the curriculum
    scored = tuple(_component(name, by_component.get(name, []), rubric)
                   for name in sorted(set(names), key=order.__getitem__))
    return Scorecard(str(run_result.get("learner")), scored, rubric.fingerprint(), seed=run_result.get("seed"))


def _group(records: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    seen: set[str] = set()
    for record in records:
        _check_record(record)
        if record["nodeid"] in seen:
            raise ValueError(f"record {record['nodeid']!r} appears twice in the run result; "
                             "each expected test must have exactly one record")
        seen.add(record["nodeid"])
        grouped.setdefault(record["component"], []).append(record)
    return grouped


def _check_record(record: dict) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise ValueError(f"record {record!r} lacks {', '.join(missing)}; the run stage "
                         f"(grader.grading.run) gives each record {', '.join(REQUIRED_KEYS)} at least")
    if record["outcome"] not in OUTCOMES:
        raise ValueError(f"record {record['nodeid']!r}: outcome {record['outcome']!r} is not one of {OUTCOMES}")
    if record.get("kind") not in KINDS:
        raise ValueError(f"record {record['nodeid']!r}: kind {record.get('kind')!r} is not one of {KINDS}")
    if record["component"] not in BY_NAME:
        raise ValueError(f"record {record['nodeid']!r}: unknown component {record['component']!r}; "
                         f"the components are: {', '.join(BY_NAME)}")


def _component(name: str, records: list[dict], rubric: Rubric) -> ComponentScore:
    possible = rubric.points_for(name)
    limits = rubric.limits_for(name)
    if not records:
        return ComponentScore(name, possible, (), limits, "no result came back for any check of this component")
    by_test: dict[str, list[dict]] = {}
    for record in records:
        by_test.setdefault(record["test"], []).append(record)
    test_share = possible / len(by_test)
    tests = tuple(
        FunctionScore(test, tuple(CaseScore(record["nodeid"], record["outcome"], record.get("kind"),
                                        test_share / len(cases), record.get("skip_reason"))
                              for record in cases))
        for test, cases in by_test.items())
    return ComponentScore(name, possible, tests, limits, _import_reason(name, records))


def _import_reason(name: str, records: list[dict]) -> str | None:
    """When the module could not be imported, the learner's own first line of the error."""
    failures = [record for record in records if record.get("kind") == "import"]
    if not failures:
        return None
    first_line = import_error_line(failures[0].get("message"))
    if "does not exist" in first_line:
        return f"exercises/{name}.py is not in your submission"
    return f"your module failed to import: {first_line}"


def import_error_line(message: str | None) -> str:
    """The first line of an import failure, with the grading machine's folders cut from its paths."""
    lines = (message or "").strip().splitlines()
    return _STAGING_PATH.sub(r"\1", lines[0]) if lines else "(no error text came back)"

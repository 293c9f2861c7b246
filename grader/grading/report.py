"""Report stage: one learner's scorecard as report.html, report.md and Gradescope's results.json.

What a learner reads comes from the scorecard and, for each failed check, only
the record's ``component``, ``test``, ``kind``, ``quantity`` and ``cause``: the
``message`` of a hidden test can hold the shapes and values of hidden inputs
and is never shown, except for kind ``import``, whose first line is an error in
the learner's own file. Parametrized cases are counted ("2 of 7 cases"), never
named: their ids can hold hidden shapes too. The worker's ``log_tail`` is left
out as well (learner code could print the hidden inputs it was given).

``results.json`` follows Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format",
"Test case status" and "Output String Formatting"; the same text is
docs/specs.md in github.com/gradescope/autograder_samples): top-level ``score``,
``execution_time`` (seconds), ``output``, ``visibility``, ``stdout_visibility``,
``output_format``/``test_output_format``/``test_name_format``, and ``tests``
with ``name``, ``name_format``, ``score``, ``max_score``, ``status``
(``passed``/``failed``), ``output``, ``output_format``, ``tags`` and
``visibility``. A top-level ``max_score`` is added for other readers; the
specification lists it only per test. There is one test entry per test
function (its cases aggregated): the rubric gives points per function, the
names stay readable, and a learner sees ~150 entries rather than ~900.
Functions whose every case was skipped are left out of ``tests`` (they are
worth nothing here); ``output`` counts the skipped checks and says why.
"""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from grader.grading.pages import bar, number, page, percent, table, write_files
from grader.grading.score import ComponentScore, FunctionScore, Scorecard, import_error_line

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
MAX_LISTED_FILES = 20


def readable(test: str) -> str:
    """``test_backward_matches_numerical`` -> ``backward matches numerical``."""
    return test.removeprefix("test_").replace("_", " ")


def feedback(record: dict, limits: dict) -> str:
    """One line a learner may read about one failed record (never its hidden ``message``)."""
    kind, quantity, cause = record.get("kind"), record.get("quantity"), record.get("cause")
    if kind == "import":
        return f"your module failed to import: {import_error_line(record.get('message'))}"
    if kind == "not_implemented":
        return "not implemented yet (the function still raises NotImplementedError)"
    if kind == "timeout":
        return (f"timed out: over {number(limits.get('call_seconds', 0))} s for one call, or "
                f"{number(limits.get('component_seconds', 0))} s for the whole component")
    if kind == "crash":
        return (f"the process running your code died (a signal, os._exit, or more than "
                f"{number(limits.get('memory_mib', 0))} MiB of memory)")
    if kind is None and record.get("outcome") == "missing":
        return "no result came back for this check (the run stopped before reaching it)"
    if kind == "forbidden":
        text = f"uses something this exercise forbids: {quantity}" if quantity else \
            "uses an import or a call this exercise forbids"
    elif kind == "exception":
        text = f"your code raised an exception while computing {quantity}" if quantity else \
            "your code raised an exception"
    else:
        text = f"{quantity} is wrong" if quantity else "a check failed"
    return f"{text}; likely cause: {cause}" if cause else text


def learner_view(scorecard: Scorecard, run_result: dict | None, submission_info: dict | None) -> dict[str, Any]:
    """Everything the learner's pages say, as plain data (both renderings read it)."""
    records = {record["nodeid"]: record for record in (run_result or {}).get("records", [])}
    return {
        "learner": scorecard.learner,
        "refused": scorecard.reason if scorecard.status == "refused" else None,
        "points": scorecard.points, "max_points": scorecard.max_points,
        "skipped_line": _skipped_line(scorecard),
        "components": [_component_row(component) for component in scorecard.components],
        "failures": [_failure_group(component, records) for component in scorecard.components
                     if component.reason or any(test.status == "failed" for test in component.tests)],
        "notes": _notes(scorecard, run_result or {}, submission_info or {}),
    }


def _skipped_line(scorecard: Scorecard) -> str | None:
    if not scorecard.skipped:
        return None
    possible = sum(component.possible for component in scorecard.components)
    checks = "1 check was" if scorecard.skipped == 1 else f"{scorecard.skipped} checks were"
    return (f"{checks} skipped (see Notes) and left out of the maximum: "
            f"{number(scorecard.max_points)} of the rubric's {number(possible)} points.")


def _component_row(component: ComponentScore) -> dict[str, Any]:
    cases = component.cases
    counted = [case for case in cases if case.counted]
    failed = sum(case.outcome != "passed" for case in counted)
    if component.reason:
        status = component.reason
    elif not counted:
        status = f"all {len(cases)} checks skipped" if cases else "no checks"
    elif failed:
        status = f"{failed} of {len(counted)} checks failed"
    else:
        status = f"all {len(counted)} checks passed"
    if counted and component.skipped:
        status += f", {component.skipped} skipped"
    return {"name": component.name, "title": component.title, "points": component.points,
            "max_points": component.max_points, "status": status,
            "to_fix": bool(component.reason or failed)}


def _failure_group(component: ComponentScore, records: dict[str, dict]) -> dict[str, Any]:
    if component.reason:
        return {**_group_head(component), "reason": component.reason, "tests": []}
    tests = [{"name": readable(test.test), "summary": _failed_summary(test),
              "lines": _lines(test, records, component.limits)}
             for test in component.tests if test.status == "failed"]
    return {**_group_head(component), "reason": None, "tests": tests}


def _group_head(component: ComponentScore) -> dict[str, Any]:
    return {"name": component.name, "title": component.title, "points": component.points,
            "max_points": component.max_points}


def _failed_summary(test: FunctionScore) -> str:
    counted = [case for case in test.cases if case.counted]
    if len(counted) == 1:
        return "failed"
    return f"{len(test.failed_cases)} of {len(counted)} cases failed"


def _lines(test: FunctionScore, records: dict[str, dict], limits: dict) -> list[tuple[str, int]]:
    """Each distinct feedback line of the function's failed cases, with how many cases gave it."""
    counts = Counter(feedback(records.get(case.nodeid, {"outcome": case.outcome, "kind": case.kind}), limits)
                     for case in test.failed_cases)
    return list(counts.items())


def _with_count(line: str, count: int) -> str:
    return f"{line} ({count} cases)" if count > 1 else line


def _notes(scorecard: Scorecard, run_result: dict, submission_info: dict) -> list[str]:
    notes = []
    skip_reasons = Counter(case.skip_reason or "no reason given" for component in scorecard.components
                           for case in component.cases if not case.counted)
    for reason, count in skip_reasons.items():
        notes.append(f"{count} check{'s' if count > 1 else ''} skipped: {reason}. Skipped checks are left out "
                     "of both your score and the maximum.")
    notes += [f"{note[0].upper()}{note[1:]}." for note in map(str, submission_info.get("notes", [])) if note]
    ignored = [item.get("path", str(item)) if isinstance(item, dict) else str(item)
               for item in submission_info.get("ignored", [])]
    if ignored:
        listed = ", ".join(ignored[:MAX_LISTED_FILES])
        more = f" and {len(ignored) - MAX_LISTED_FILES} more" if len(ignored) > MAX_LISTED_FILES else ""
        notes.append(f"Not graded (only exercises/<component>.py files are): {listed}{more}.")
    for feature, state in run_result.get("isolation", {}).items():
        if state != "active":
            notes.append(f"Isolation feature {feature} was not available on the grading machine "
                         f"({str(state).removeprefix('unavailable: ')}).")
    if scorecard.seed is not None:
        notes.append(f"The random inputs of this run came from seed {scorecard.seed}; your instructor can "
                     f"reproduce it exactly, and 'pytest --seed {scorecard.seed}' runs your public tests "
                     "with the same seed.")
    return notes


def render_html(view: dict[str, Any]) -> str:
    learner = escape(view["learner"])
    parts = [f"<h1>Grading report: {learner}</h1>",
             '<p class="subtitle">fromscratch: your submission against the grader\'s hidden checks</p>',
             f'<div class="total"><div class="figure">{number(view["points"])} / {number(view["max_points"])}'
             f'</div><div class="percent">{percent(view["points"], view["max_points"])}</div>'
             f'{bar(view["points"], view["max_points"])}</div>']
    if view["skipped_line"]:
        parts.append(f'<p class="small">{escape(view["skipped_line"])}</p>')
    if view["refused"]:
        parts.append(f"<p><strong>Your submission could not be graded:</strong> {escape(view['refused'])}</p>")
    rows = [[f'<span class="name">{escape(row["name"])}</span><br><span class="small">{escape(row["title"])}'
             "</span>", number(row["points"]), number(row["max_points"]), bar(row["points"], row["max_points"]),
             f'<a href="#fix-{escape(row["name"])}">{escape(row["status"])}</a>' if row["to_fix"]
             else escape(row["status"])] for row in view["components"]]
    parts += ["<h2>Score per component</h2>",
              table(["Component", "Points", "Max", "", "Checks"], rows, numeric=(1, 2))]
    parts.append("<h2>What to fix</h2>")
    if not view["failures"]:
        parts.append('<p class="ok">Nothing: every check that ran passed.</p>')
    parts += [_html_group(group) for group in view["failures"]]
    if view["notes"]:
        parts.append("<h2>Notes</h2>\n<ul>" + "".join(f"<li>{escape(note)}</li>" for note in view["notes"]) + "</ul>")
    return page(f"Grading report: {view['learner']}", "\n".join(parts))


def _html_group(group: dict[str, Any]) -> str:
    parts = [f'<section class="group" id="fix-{escape(group["name"])}">',
             f'<h3>{escape(group["name"])} <span class="small">{escape(group["title"])}</span>'
             f'<span class="points">{number(group["points"])} / {number(group["max_points"])}</span></h3>']
    if group["reason"]:
        parts.append(f"<p>{escape(group['reason'])}. Every check of this component scores 0 until it imports.</p>")
    for test in group["tests"]:
        items = "".join(f"<li>{escape(line)}" + (f' <span class="count">({count} cases)</span>' if count > 1 else "")
                        + "</li>" for line, count in test["lines"])
        parts.append(f'<div class="test"><strong>{escape(test["name"])}</strong> <span class="small">'
                     f'{escape(test["summary"])}</span>\n<ul class="feedback">{items}</ul></div>')
    return "\n".join(parts + ["</section>"])


def _md(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links, tables or HTML out of it)."""
    return "".join(f"\\{char}" if char in "\\`*_[]<>|#" else char for char in str(text))


def _text_bar(points, maximum, width: int = 10) -> str:
    filled = round(width * float(points) / float(maximum)) if maximum else 0
    return "█" * filled + "░" * (width - filled)


def render_markdown(view: dict[str, Any]) -> str:
    lines = [f"# Grading report: {_md(view['learner'])}", "",
             f"**Total: {number(view['points'])} / {number(view['max_points'])} "
             f"({percent(view['points'], view['max_points'])})**", ""]
    if view["skipped_line"]:
        lines += [_md(view["skipped_line"]), ""]
    if view["refused"]:
        lines += [f"**Your submission could not be graded:** {_md(view['refused'])}", ""]
    lines += ["## Score per component", "", "| Component | Points | Max | | Checks |", "|---|---:|---:|---|---|"]
    lines += [f"| **{_md(row['name'])}** {_md(row['title'])} | {number(row['points'])} | "
              f"{number(row['max_points'])} | {_text_bar(row['points'], row['max_points'])} | {_md(row['status'])} |"
              for row in view["components"]]
    lines += ["", "## What to fix", ""]
    if not view["failures"]:
        lines += ["Nothing: every check that ran passed.", ""]
    for group in view["failures"]:
        lines += [f"### {_md(group['name'])}: {_md(group['title'])}", ""]
        if group["reason"]:
            lines += [f"{_md(group['reason'])}. Every check of this component scores 0 until it imports.", ""]
        for test in group["tests"]:
            lines.append(f"- **{_md(test['name'])}** ({_md(test['summary'])})")
            lines += [f"  - {_md(_with_count(line, count))}" for line, count in test["lines"]]
        lines.append("")
    if view["notes"]:
        lines += ["## Notes", ""] + [f"- {_md(note)}" for note in view["notes"]] + [""]
    return "\n".join(lines)


def render_text(view: dict[str, Any]) -> str:
    """The plain-text summary that goes in results.json's top-level ``output``."""
    lines = [f"Total: {number(view['points'])} / {number(view['max_points'])} "
             f"({percent(view['points'], view['max_points'])})"]
    if view["refused"]:
        lines.append(f"Your submission could not be graded: {view['refused']}")
    lines += [f"  {row['name']}: {number(row['points'])} / {number(row['max_points'])} ({row['status']})"
              for row in view["components"]]
    return "\n".join(lines + [""] + [f"- {note}" for note in view["notes"]])


def gradescope_results(scorecard: Scorecard, view: dict[str, Any], *, seconds: float = 0.0,
                       visibility: str = "visible") -> dict[str, Any]:
    """Gradescope's results.json as a dict (see the module docstring for the specification)."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"Gradescope visibility {visibility!r} is not one of {', '.join(VISIBILITIES)}")
    failures = {group["name"]: {test["name"]: test for test in group["tests"]} for group in view["failures"]}
    tests = []
    for component in scorecard.components:
        entries = [(readable(test.test), test.points, test.max_points, test.status,
                    _test_output(test, failures.get(component.name, {}).get(readable(test.test))))
                   for test in component.tests if test.status != "skipped"]
        if not component.tests:
            entries = [("all checks", 0, component.max_points, "failed", component.reason or "")]
        for name, points, maximum, status, output in entries:
            if component.reason:
                status, output = "failed", component.reason
            tests.append({"name": f"{component.name}: {name}", "name_format": "text", "score": _json_number(points),
                          "max_score": _json_number(maximum), "status": status, "output": output,
                          "output_format": "text", "tags": [component.name], "visibility": visibility})
    return {"score": _json_number(scorecard.points), "max_score": _json_number(scorecard.max_points),
            "execution_time": int(round(seconds)), "output": render_text(view), "output_format": "text",
            "test_output_format": "text", "test_name_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def _test_output(test: FunctionScore, failure: dict | None) -> str:
    counted = [case for case in test.cases if case.counted]
    passed = sum(case.outcome == "passed" for case in counted)
    head = f"{passed} of {len(counted)} case{'s' if len(counted) != 1 else ''} passed"
    skipped = len(test.cases) - len(counted)
    if skipped:
        head += f"; {skipped} skipped (left out of the score)"
    return "\n".join([head] + [f"- {_with_count(line, count)}" for line, count in (failure or {}).get("lines", [])])


def _json_number(value) -> float:
    """Four decimals: rounding is monotonic, so a score never exceeds its max_score."""
    return round(float(value), 4)


def write_learner_report(folder: Path, scorecard: Scorecard, run_result: dict | None,
                         submission_info: dict | None, *, visibility: str = "visible") -> dict[str, Path]:
    """Write report.html, report.md and results.json into ``folder``; their paths by name.

    All three are rendered before any is written, so a rendering error leaves the
    previous reports whole; each file is then replaced atomically.
    ``submission_info`` is the sanitize stage's data (``Sanitized.to_dict()``): its
    ``notes`` and ``ignored`` (paths left behind) are shown; other keys are not read.
    """
    view = learner_view(scorecard, run_result, submission_info)
    results = gradescope_results(scorecard, view, seconds=float((run_result or {}).get("seconds") or 0.0),
                                 visibility=visibility)
    return write_files(folder, {"report.html": render_html(view), "report.md": render_markdown(view),
                                "results.json": json.dumps(results, indent=2, ensure_ascii=False) + "\n"})

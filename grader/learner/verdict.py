"""One component's run, told to the learner: a verdict per check, then the first failure in full.

``explain`` turns the plugin's per-test records (``--results-json``) into
what ``fromscratch check`` and ``fromscratch watch`` print:

- one line per test function, its parametrized cases grouped under it
  (``FAIL  test_matches_torch_on_a_small_input   1 of 4 cases: relu-relu``);
  an exercise not written yet is ``TODO`` with the function to write;
- a module that cannot be imported, said once instead of once per check;
- the first real failure explained: what was checked, on which inputs,
  expected against got, the likely cause, the command that reproduces it,
  the chapter's sections to read and ``fromscratch hint``;
- ``activations: 5 of 8 checks pass`` and the next step.

Lines fit an 80-column terminal. Colour only on a terminal, never with ``NO_COLOR`` set.
"""

from __future__ import annotations

import linecache
import os
import re
import shlex
import sys
import textwrap
from dataclasses import dataclass

from grader.components import CURRICULUM, REPO_ROOT, component_named
from grader.learner.source_check import display_path

WIDTH = 80
LABEL_WIDTH = 10  # "  expected  ": the label column of the explained failure
UNUSABLE_KINDS = ("import", "crash", "timeout")  # the module could not even be loaded
COLOURS = {"PASS": "32", "FAIL": "31", "TODO": "33", "SKIP": "36", "bold": "1", "plain": ""}


@dataclass(frozen=True)
class Check:
    """One test function and the records of its parametrized cases."""

    test: str
    records: list[dict]

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.records if r["outcome"] in ("failed", "error") and r.get("kind") != "not_implemented"]

    @property
    def unwritten(self) -> list[dict]:
        return [r for r in self.records if r.get("kind") == "not_implemented"]

    @property
    def verdict(self) -> str:
        if self.failures:
            return "FAIL"
        if self.unwritten:
            return "TODO"
        return "PASS" if any(r["outcome"] == "passed" for r in self.records) else "SKIP"


def explain(component: str, records: list[dict], *, elapsed: float | None = None,
            colour: bool | None = None, again: str | None = None) -> str:
    """The whole printout of one component's run; ``colour`` defaults to: stdout is a terminal, no NO_COLOR.

    ``again`` is how the learner runs the checks again (default: ``fromscratch check <component>``).
    """
    component_named(component)
    paint = painter(use_colour() if colour is None else colour)
    mine = [record for record in records if record.get("component") in (component, None)]
    if not mine:
        return (f"{component}: no check ran. Is tests/public/test_{component}.py there? "
                f"Run `pytest -m {component}` to see what pytest says.")
    unusable = [r for r in mine if r.get("kind") in UNUSABLE_KINDS
                or (r.get("kind") == "forbidden" and r["outcome"] == "error")]
    checks = _group([r for r in mine if r not in unusable])
    lines = [*_unusable_block(component, unusable, len(mine), paint)]
    if lines and checks:
        lines.append("")
    lines += [line for check in checks for line in _verdict_lines(check, checks, paint)]
    first = next((check for check in checks if check.failures), None)
    if first is not None:
        lines += ["", *_explained(component, first, paint)]
    lines += ["", *_summary(component, mine, checks, unusable, first, elapsed, paint,
                            again or f"run `fromscratch check {component}`")]
    return "\n".join(lines)


def use_colour() -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def painter(enabled: bool):
    """``paint(text, style)``: the text in the style's ANSI colour when ``enabled``, else unchanged."""
    def paint(text: str, style: str) -> str:
        return f"\033[{COLOURS[style]}m{text}\033[0m" if enabled and COLOURS[style] else text
    return paint


def _group(records: list[dict]) -> list[Check]:
    """Records by test function, in the order the run met them."""
    by_test: dict[str, list[dict]] = {}
    for record in records:
        by_test.setdefault(record.get("test") or record["nodeid"], []).append(record)
    return [Check(test, cases) for test, cases in by_test.items()]


def _case_id(record: dict) -> str:
    nodeid = record["nodeid"]
    return nodeid[nodeid.index("[") + 1:-1] if nodeid.endswith("]") and "[" in nodeid else nodeid.split("::")[-1]


def _unwritten_functions(records: list[dict]) -> list[str]:
    """``activations.relu_backward``, from the stubs' ``NotImplementedError("activations.relu_backward: see ...")``."""
    found = []
    for record in records:
        message = record.get("message") or ""
        match = re.search(r"not implemented yet: ([\w.]+)", message)
        found.append(match.group(1) if match else message.splitlines()[0] if message else "?")
    return list(dict.fromkeys(found))


def _verdict_lines(check: Check, checks: list[Check], paint) -> list[str]:
    cases = len(check.records)
    verdict = check.verdict
    if verdict == "FAIL":
        detail = f"{len(check.failures)} of {cases} cases" if cases > 1 else ""
        if cases > 1 and len(", ".join(map(_case_id, check.failures))) <= 24:
            detail += ": " + ", ".join(map(_case_id, check.failures))
        if check.unwritten:
            detail += f"; {len(check.unwritten)} not written yet"
    elif verdict == "TODO":
        detail = "not written yet: " + ", ".join(_unwritten_functions(check.unwritten))
    elif verdict == "SKIP":
        detail = "skipped: " + _skip_reasons(check.records)
    else:
        skipped = ", ".join(_case_id(r) for r in check.records if r["outcome"] == "skipped")
        detail = f"skipped: {skipped}" if skipped else ""
    head = f"{paint(verdict, verdict)}  {check.test}"
    if not detail:
        return [head]
    column = max(min(max(len(c.test) for c in checks), 46), len(check.test)) + 2
    if 6 + column + len(detail) <= WIDTH:
        return [f"{head}{' ' * (column - len(check.test))}{detail}"]
    return [head, *fill(detail, " " * 6, " " * 8)]


def _unusable_block(component: str, unusable: list[dict], total: int, paint) -> list[str]:
    if not unusable:
        return []
    lines = [paint(f"{component}.py cannot be used, so {len(unusable)} of its {total} checks could not run:", "bold")]
    for message in dict.fromkeys(record.get("message") or "(no message)" for record in unusable):
        lines += wrap_message(_without_exception_prefix(message), indent=2)
    return lines


def _without_exception_prefix(message: str) -> str:
    return re.sub(r"^(?:[\w.]+\.)?(?:CheckFailure|Failed): ", "", message.strip())


def describe_problems(component: str, found: list[str]) -> str:
    """What stops a module from being checked at all (``source_check.problems``), before any check runs."""
    shown = "\n\n".join("\n".join(wrap_message(problem, indent=0)) for problem in found)
    return f"{component}: fix {'this' if len(found) == 1 else 'these'} first; no check ran.\n\n{shown}"


def wrap_message(text: str, indent: int) -> list[str]:
    """Each line of ``text`` wrapped to the width; lines indented 4 or more (code, carets) are kept whole."""
    lines = []
    for line in text.splitlines():
        if line.startswith("    ") or len(line) + indent <= WIDTH:
            lines.append(" " * indent + line)
        else:
            lines += fill(line, " " * indent, " " * (indent + 2))
    return lines


def _row(label: str, text: str) -> list[str]:
    """``  label     text``, the text wrapped under itself."""
    first, rest = f"  {label:<{LABEL_WIDTH}}", " " * (LABEL_WIDTH + 2)
    return fill(text, first, rest) or [first.rstrip()]


def fill(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped to the width after the given indents, never inside a `command`."""
    protected = re.sub(r"`[^`]*`", lambda span: span.group().replace(" ", "\0"), text)
    return [line.replace("\0", " ") for line in textwrap.wrap(protected, WIDTH, initial_indent=first,
                                                              subsequent_indent=rest, break_on_hyphens=False,
                                                              break_long_words=False)]


WORST = re.compile(r"worst: (?P<at>.+?) expected (?P<expected>\S+), got (?P<got>\S+) "
                   r"\(abs error (?P<abs>\S+), rel error (?P<rel>\S+)\)")
NOT_FINITE = re.compile(r"got (?P<got>\S+) at (?P<at>.+?), expected (?P<expected>\S+)$")
OUTSIDE = re.compile(r"(?P<count>\d+ of \d+) elements outside (?P<tolerance>.+)")


def _explained(component: str, check: Check, paint) -> list[str]:
    """The first failing case of ``check``, in full."""
    record = check.failures[0]
    title = check.test if len(check.records) == 1 else f"{check.test} [{_case_id(record)}]"
    lines = [paint(f"First failure: {title}", "bold")]
    message = _without_exception_prefix(record.get("message") or "")
    if record.get("kind") == "check" and record.get("quantity"):
        lines += _check_rows(record, message)
    else:
        lines += _row("raised" if record.get("kind") == "exception" else "problem", message.splitlines()[0]
                      if message else f"{record['outcome']} without a message")
        lines += [line for extra in message.splitlines()[1:] for line in _row("", extra.strip())]
        if record.get("where"):
            lines += _row("where", _shown_where(record["where"])) + _source_line(record["where"])
        if record.get("kind") == "exception":
            lines += _row("cause", "your code raised this at the line shown, before any value could be checked"
                          if record.get("where") else "the test raised this on what your function returned: "
                          f"check the type and shape it returns against docs/{component}.md, \"The API\"")
    lines += _command_rows(record)
    lines += _reading_rows(component, _function_in_question(record, check))
    return lines


def _check_rows(record: dict, message: str) -> list[str]:
    """A CheckFailure's message (see grader.checks) laid out as labelled rows."""
    head, *details = message.splitlines()
    quantity = record["quantity"]
    problem = head.removeprefix(f"{quantity}: ")
    if match := NOT_FINITE.match(problem):
        rows = _row("checked", quantity) + _row("expected", f"{match['expected']} at {match['at']}")
        rows += _row("got", match["got"])
    else:
        rows = _row("checked", f"{quantity}: {problem}")
    for detail in (line.strip() for line in details):
        label, _, value = detail.partition(": ")
        if label == "inputs":
            rows += _row("inputs", value)
        elif label == "likely cause":
            continue  # from the record, below
        elif match := WORST.match(detail):
            relative = "" if float(match["expected"]) == 0 else f", rel error {match['rel']}"
            rows += _row("expected", f"{match['expected']} at {match['at']} (the worst element)")
            rows += _row("got", f"{match['got']} (abs error {match['abs']}{relative})")
        elif match := OUTSIDE.match(detail):
            rows += _row("wrong", f"{match['count']} elements (tolerance {match['tolerance']})")
        else:
            rows += _row("", detail)
    cause = record.get("cause") or "not known for this check: compare your code with the chapter's math"
    return rows + _row("cause", cause)


def _source_line(where: str) -> list[str]:
    """The line of the learner's code named by ``FILE:LINE in FUNCTION``, indented as code."""
    path, _, rest = where.partition(":")
    number = rest.split(" ", 1)[0]
    text = linecache.getline(path, int(number)).strip() if number.isdigit() else ""
    return [" " * (LABEL_WIDTH + 4) + text] if text else []


def _shown_where(where: str) -> str:
    path, _, rest = where.partition(":")
    return f"{display_path(path)}:{rest}" if os.path.isabs(path) else where


def _command_rows(record: dict) -> list[str]:
    """The command that reproduces the failure, wrapped at arguments with `\\` so it still pastes."""
    command = record.get("reproduce") or f"pytest {shlex.quote(record['nodeid'])}"
    lines, current = ["  rerun it alone:"], "   "
    for word in command.split(" "):
        if len(current) + len(word) + 3 > WIDTH and current.strip() not in ("", "pytest"):
            lines.append(current.rstrip() + " \\")
            current = "     "
        current += " " + word
    return [*lines, current]


def _function_in_question(record: dict, check: Check) -> str:
    """The learner's function the failure is about: from the quantity (``dx of relu_backward``), else the test."""
    quantity = record.get("quantity") or ""
    if " of " in quantity:
        what, function = quantity.split()[0], quantity.rsplit(" of ", 1)[1].split()[0]
        gradient = what.startswith("d") and what != "dtype"  # dx, dw0: a backward pass is in question
        return f"{function}_backward" if gradient and not function.endswith("backward") else function
    if where := record.get("where"):
        return where.rsplit(" in ", 1)[-1]
    return check.test.removeprefix("test_")


def _reading_rows(component: str, function: str) -> list[str]:
    doc = f"docs/{component}.md"
    headings = chapter_headings(component)
    chosen = [h for h in (_closest_heading(headings, function),
                          next((h for h in headings if h[1].startswith("Common mistakes")), None)) if h]
    rows = []
    for line_number, title in dict.fromkeys(chosen):
        rows += _row("read" if not rows else "", f'{doc}:{line_number} "{title.split(" (")[0]}"')
    if not rows:
        rows = _row("read", doc)
    return rows + _row("", f"then, if still stuck: fromscratch hint {component}")


def chapter_headings(component: str) -> list[tuple[int, str]]:
    """(line number, title) of every heading of ``docs/<component>.md``, code blocks skipped."""
    try:
        text = (REPO_ROOT / "docs" / f"{component}.md").read_text()
    except OSError:
        return []
    headings, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{2,4} ", line):
            headings.append((number, line.lstrip("#").strip()))
    return headings


DIRECTIONS = {"forward", "backward", "step"}  # half a match; the other direction in a title rules it out
FILLER = {"of", "the", "a", "an", "and", "in", "with"}


def _closest_heading(headings: list[tuple[int, str]], function: str) -> tuple[int, str] | None:
    """The heading that shares most words with the function's name (``leaky_relu_backward`` -> Leaky ReLU).

    Only a title's head counts (``AdamW: decoupled weight decay`` is ``AdamW``).
    """
    words = set(function.lower().split("_"))

    def score(title: str) -> float:
        head = re.split(r"[:,(]", title, maxsplit=1)[0]
        title_words = set(re.findall(r"[a-z0-9]+", head.lower())) - FILLER
        hits = sum(0.5 if word in DIRECTIONS else 1.0 for word in title_words & words)
        extra = title_words - words
        return hits - 0.1 * len(extra - DIRECTIONS) - len(extra & DIRECTIONS) if hits else 0.0

    best = max(headings, key=lambda heading: score(heading[1]), default=None)
    return best if best is not None and score(best[1]) > 0 else None


def _summary(component: str, records: list[dict], checks: list[Check], unusable: list[dict],
             first: Check | None, elapsed: float | None, paint, rerun: str) -> list[str]:
    counted = [r for r in records if r["outcome"] != "skipped"]
    passed = sum(r["outcome"] == "passed" for r in counted)
    skipped = len(records) - len(counted)
    timing = f" in {elapsed:.1f} s" if elapsed is not None else ""
    all_pass = bool(counted) and passed == len(counted)
    lines = [paint(f"{component}: {passed} of {len(counted)} checks pass{timing}", "PASS" if all_pass else "bold")]
    if skipped:
        lines += fill(f"{skipped} more skipped: {_skip_reasons(records)}", "", "  ")
    again = f"then {rerun} again"
    if unusable:
        step = f"fix {component}.py as the message above says, {again}"
    elif first is not None:
        step = f"fix {first.test} (explained above) in {component}.py, {again}"
    elif not all_pass:
        todo = [name for check in checks for name in _unwritten_functions(check.unwritten)]
        step = f"write {', '.join(dict.fromkeys(todo)) or 'the missing functions'} (docs/{component}.md), {again}"
    else:
        following = _following(component)
        step = (f"{following} — fromscratch check {following}  (docs/{following}.md)" if following
                else "every component of the kit passes its public checks. Well done!")
    return [*lines, *fill(f"next: {step}", "", "      ")]


def _skip_reasons(records: list[dict]) -> str:
    reasons = (re.sub(r"^Skipped: ", "", r.get("skip_reason") or "no reason given")
               for r in records if r["outcome"] == "skipped")
    return "; ".join(dict.fromkeys(reasons))


def _following(component: str) -> str | None:
    names = [c.name for c in CURRICULUM]
    index = names.index(component)
    return names[index + 1] if index + 1 < len(names) else None

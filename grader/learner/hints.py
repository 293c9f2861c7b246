"""`fromscratch hint COMPONENT`: one more hint each time, read from the component's chapter.

The hints live in the chapter's source, never in code, so the site and the
terminal show the same words. ``docs/<component>.md`` holds, just before
``## Running the checks``::

    ## Hints

    <details markdown="1">
    <summary>Hint 1: the idea</summary>

    markdown, code blocks allowed

    </details>

and so on, numbered 1..n (n >= 3: the idea, the shapes, the formula). A
malformed section is refused with the chapter's file and line and the fix:
a hint that silently went missing would be worse than no command at all.
The state document ``hints`` remembers how many of each chapter were shown.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from grader.components import REPO_ROOT, component_named

DOCS_DIR = REPO_ROOT / "docs"
SECTION = "## Hints"
DETAILS_OPEN = '<details markdown="1">'
DETAILS_CLOSE = "</details>"
SUMMARY = re.compile(r"<summary>\s*Hint\s+(\d+)\s*:\s*(.*?)\s*</summary>")
MINIMUM_HINTS = 3
FORMAT_REMINDER = (
    f'each hint is `{DETAILS_OPEN}`, then `<summary>Hint N: title</summary>`, a blank line, '
    f"the markdown, a blank line, `{DETAILS_CLOSE}`"
)


class HintFormatError(ValueError):
    """A chapter whose hints section cannot be read; the message names the file, the line and the fix."""

    def __init__(self, path: str, line: int, problem: str, fix: str):
        self.path, self.line, self.problem, self.fix = path, line, problem, fix
        super().__init__(f"{path}:{line}: {problem}\n  fix: {fix}")


@dataclass(frozen=True)
class Hint:
    number: int
    title: str
    text: str  # the hint's markdown, as written in the chapter
    line: int  # 1-based line of its <details> in the chapter


def hints_of(component: str, docs_dir: Path | None = None) -> list[Hint]:
    """The hints of ``component``'s chapter (``docs_dir``: where the chapters are, default ``docs/``)."""
    component_named(component)
    chapter = (docs_dir or DOCS_DIR) / f"{component}.md"
    label = _shown_path(chapter)
    if not chapter.is_file():
        raise HintFormatError(label, 1, "the chapter does not exist",
                              f"write docs/{component}.md with a `{SECTION}` section (see docs/instructor.md)")
    return parse_hints(chapter.read_text(), label)


def parse_hints(markdown: str, label: str) -> list[Hint]:
    """Every hint of a chapter's ``## Hints`` section, checked; ``label`` names the file in errors."""
    lines = markdown.splitlines()
    heading = next((index for index, line in enumerate(lines) if line.strip() == SECTION), None)
    if heading is None:
        anchor = next((index + 1 for index, line in enumerate(lines) if line.startswith("## Running the checks")),
                      len(lines) or 1)
        raise HintFormatError(label, anchor, f"no `{SECTION}` section",
                              f"add one just before `## Running the checks`, with at least {MINIMUM_HINTS} "
                              f"hints (idea, shapes, formula); {FORMAT_REMINDER}")
    hints = _read_section(lines, heading, label)
    for expected, hint in enumerate(hints, start=1):
        if hint.number != expected:
            raise HintFormatError(label, hint.line + 1, f"Hint {hint.number} where Hint {expected} was expected",
                                  "number the hints 1, 2, 3, ... in the order they appear")
    if len(hints) < MINIMUM_HINTS:
        raise HintFormatError(label, heading + 1, f"{len(hints)} hint(s); a chapter needs at least {MINIMUM_HINTS}",
                              "write Hint 1 (the idea), Hint 2 (the shapes) and Hint 3 (the formula)")
    return hints


def _read_section(lines: list[str], heading: int, label: str) -> list[Hint]:
    """Walk the section line by line (fenced code is opaque) until the next heading of level 1 or 2."""
    hints: list[Hint] = []
    opened: int | None = None  # 0-based line of the open <details>
    summary: tuple[int, str] | None = None
    body: list[str] = []
    fence = ""
    for index in range(heading + 1, len(lines)):
        line, text = lines[index], lines[index].strip()
        if fence or text.startswith(("```", "~~~")):
            fence = _fence_after(fence, text)
            if opened is None:
                _refuse_stray(label, index, text)
            body.append(line)
            continue
        if re.match(r"#{1,2} ", line):
            break
        if opened is None:
            if text == DETAILS_OPEN:
                opened, summary, body = index, None, []
            elif text.startswith("<details"):
                raise HintFormatError(label, index + 1, f"`{text}` is not `{DETAILS_OPEN}`",
                                      f'write exactly `{DETAILS_OPEN}`: without markdown="1" the site shows '
                                      "the hint's markdown as raw text")
            elif text:
                _refuse_stray(label, index, text)
        elif summary is None:
            summary = _summary(label, index, text, opened)
        elif text == DETAILS_CLOSE:
            hints.append(_finish(label, opened, summary, body))
            opened = None
        elif text.startswith("<details"):
            raise HintFormatError(label, opened + 1, f"this <details> is not closed before the next one "
                                  f"(line {index + 1})", f"end the hint with `{DETAILS_CLOSE}` on its own line")
        else:
            body.append(line)
    if opened is not None:
        raise HintFormatError(label, opened + 1, f"this <details> is never closed (no `{DETAILS_CLOSE}` before "
                              "the section ends)", f"end the hint with `{DETAILS_CLOSE}` on its own line")
    return hints


def _fence_after(fence: str, text: str) -> str:
    """The open code fence after this line: ``""`` when the line closes it (or opens none)."""
    if not fence:
        return text[:3]
    return "" if text.startswith(fence) and not text[3:].strip("`~") else fence


def _refuse_stray(label: str, index: int, text: str) -> None:
    raise HintFormatError(label, index + 1, f"text outside any hint: {text[:60]!r}",
                          f"`fromscratch hint` shows only what is inside a hint: move it into one; {FORMAT_REMINDER}")


def _summary(label: str, index: int, text: str, opened: int) -> tuple[int, str]:
    """(number, title) from the line after <details> (blank lines allowed between them)."""
    found = SUMMARY.fullmatch(text)
    if found and found.group(2):
        return int(found.group(1)), found.group(2)
    if text.startswith("<summary"):
        raise HintFormatError(label, index + 1, f"summary {text[:60]!r} does not read `Hint N: title`",
                              "write `<summary>Hint 2: the shapes</summary>` on one line")
    raise HintFormatError(label, opened + 1, "this <details> has no <summary>",
                          "put `<summary>Hint N: title</summary>` on the line right after it")


def _finish(label: str, opened: int, summary: tuple[int, str] | None, body: list[str]) -> Hint:
    if summary is None:
        raise HintFormatError(label, opened + 1, "this <details> has no <summary>",
                              "put `<summary>Hint N: title</summary>` on the line right after it")
    text = textwrap.dedent("\n".join(body)).strip("\n")
    number, title = summary
    if not text.strip():
        raise HintFormatError(label, opened + 1, f"Hint {number} is empty", "write the hint between the "
                              "<summary> line and </details>, with a blank line on each side")
    return Hint(number, title, text, opened + 1)


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- terminal rendering

LIST_ITEM = re.compile(r"([-*+]|\d+[.)])\s+")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
INLINE_CODE = re.compile(r"`[^`]*`")
UNBREAKABLE = "\x00"  # stands for a space inside `inline code` while wrapping, so code stays on one line


def render(markdown: str, width: int) -> str:
    """The hint as plain text for a terminal: HTML stripped, prose wrapped, code indented verbatim."""
    out: list[str] = []
    paragraph: list[str] = []
    hanging = ""

    def flush() -> None:
        if paragraph:
            joined = INLINE_CODE.sub(lambda code: code.group().replace(" ", UNBREAKABLE), " ".join(paragraph))
            wrapped = textwrap.fill(joined, width, subsequent_indent=hanging,
                                    break_on_hyphens=False, break_long_words=False)
            out.append(wrapped.replace(UNBREAKABLE, " "))
            paragraph.clear()

    fence = ""
    for line in markdown.splitlines():
        text = line.strip()
        if fence or text.startswith(("```", "~~~")):
            flush()
            fence = _fence_after(fence, text)
            if not text.startswith(("```", "~~~")):
                out.append(("    " + line).rstrip())
            continue
        prose = _plain(line).rstrip()
        item = LIST_ITEM.match(prose)
        if not prose.strip():
            flush()
            out.append("")
        elif item or prose.startswith(("#", "|", ">", "    ")):
            flush()
            if item:
                paragraph.append(prose)
                hanging = " " * item.end()
            else:
                out.append(prose)
        else:
            if not paragraph:
                hanging = ""
            paragraph.append(prose.strip())
    flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def _plain(line: str) -> str:
    """HTML tags and entities out of a prose line, leaving `inline code` as written."""
    pieces = line.split("`")
    for index in range(0, len(pieces), 2):  # even pieces lie outside backticks
        pieces[index] = html.unescape(HTML_TAG.sub("", pieces[index]))
    return "`".join(pieces)


# ----------------------------------------------------------------------------- the command

def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("hint", help="show the next hint of a component's chapter (one more each time)")
    command.add_argument("component", metavar="COMPONENT", help="e.g. activations (see `fromscratch list`)")
    choice = command.add_mutually_exclusive_group()
    choice.add_argument("--again", action="store_true", help="reprint the hints shown so far, reveal nothing new")
    choice.add_argument("--reset", action="store_true", help="start over: the next call shows Hint 1 again")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.learner import state

    component = args.component
    try:
        hints = hints_of(component)
    except HintFormatError as error:
        print(f"{component}: the chapter's hints cannot be read, a fault of the kit, not of your code:\n"
              f"{error}\nTell your instructor; meanwhile read docs/{component}.md and run "
              f"`fromscratch check {component}`.", file=sys.stderr)
        return 2
    shown_by_component = state.load("hints")
    shown = min(_count(shown_by_component.get(component)), len(hints))
    if args.reset:
        shown_by_component.pop(component, None)
        state.save("hints", shown_by_component)
        print(f"{component}: hints start over; `fromscratch hint {component}` shows Hint 1: {hints[0].title}.")
        return 0
    width = min(shutil.get_terminal_size((80, 24)).columns, 88) - 1
    if args.again:
        if not shown:
            print(f"{component}: no hint shown yet; `fromscratch hint {component}` shows Hint 1: {hints[0].title}.")
        for hint in hints[:shown]:
            print(_shown(hint, len(hints), width))
        return 0
    if shown == len(hints):
        print(_all_shown(component, hints))
        return 0
    print(_next_hint(component, hints, shown, width))
    shown_by_component[component] = shown + 1
    state.save("hints", shown_by_component)
    return 0


def _next_hint(component: str, hints: list[Hint], shown: int, width: int) -> str:
    """The hint after the ``shown`` first ones, with the titles already seen and what comes next."""
    parts = []
    if shown:
        titles = "; ".join(f"{hint.number}. {hint.title}" for hint in hints[:shown])
        parts.append(f"Already shown for {component}: {titles}\n"
                     f"(`fromscratch hint {component} --again` reprints them)\n")
    hint = hints[shown]
    parts.append(_shown(hint, len(hints), width))
    left = len(hints) - hint.number
    if left:
        parts.append(f"{left} more: `fromscratch hint {component}` shows Hint {hint.number + 1}.")
    else:
        parts.append(f"That was the last hint of {component}.\n" + _further_help(component))
    return "\n".join(parts)


def _count(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def _shown(hint: Hint, total: int, width: int) -> str:
    heading = f"Hint {hint.number} of {total}: {hint.title}"
    return f"{heading}\n{'-' * len(heading)}\n{render(hint.text, width)}\n"


def _all_shown(component: str, hints: list[Hint]) -> str:
    titles = "\n".join(f"  {hint.number}. {hint.title}" for hint in hints)
    return (f"All {len(hints)} hints of {component} are shown:\n{titles}\n"
            f"Reread them: `fromscratch hint {component} --again`.\n" + _further_help(component))


def _further_help(component: str) -> str:
    """Where to go once the hints are spent; the learner edition has no reference to compare with."""
    lines = [f"Still stuck?\n  docs/{component}.md derives each formula, with a worked example"]
    if (REPO_ROOT / "solutions").is_dir():
        lines += [f"  `fromscratch compare {component}`   your outputs beside the reference's",
                  f"  `fromscratch solution {component}`  the reference, once your checks pass"]
    else:
        lines.append("  your instructor has the reference solutions")
    return "\n".join(lines)

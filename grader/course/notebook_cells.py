"""The cells of one component's nbgrader source notebook, with the cell metadata nbgrader reads.

nbgrader's cell metadata (schema version 3, nbgrader/nbgraderformat/v3.json):
``grade`` (an autograded test cell, worth ``points``), ``solution`` (the
learner writes here), ``locked`` (restored from the database at autograde if
changed), ``grade_id`` (unique in the notebook, ``[a-zA-Z0-9_-]``), and
``schema_version``. The notebook, in order:

1. a locked markdown cell: the chapter's title, its first paragraph, a link;
2. a locked code cell: ``%load_ext grader.notebook`` (the checks' runtime);
   for a component that imports others (``mlp`` imports ``activations``,
   ``linear``, ``softmax``), a locked markdown cell and a solution cell per
   module it needs, built as in 3. (cleared in the release: the learner pastes
   their own, as their ``exercises/`` holds their own in the kit);
3. the solution cell: ``%%fromscratch_module COMPONENT`` and the module of
   ``solutions/``, whose ``# BEGIN SOLUTION``/``# END SOLUTION`` lines become
   nbgrader's ``### BEGIN SOLUTION``/``### END SOLUTION``. ``nbgrader
   generate_assignment`` replaces each region with ``ClearSolutions.code_stub``
   at the marker's indentation (it matches any line *containing* the
   delimiter, hence the checks below that no other line does);
4. a locked grade cell running the public suite, its source embedded;
5. a locked grade cell whose whole suite sits between ``### BEGIN HIDDEN TESTS``
   and ``### END HIDDEN TESTS``: ``generate_assignment`` saves the cell to the
   gradebook before clearing that region, and ``autograde`` restores it
   (``OverwriteCells``: a locked cell whose checksum changed gets the saved
   source back), so the hidden suite exists only in the instructor's notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.components import CURRICULUM, REPO_ROOT, Component
from grader.notebook import CHECKS_MAGIC, MODULE_MAGIC, sibling_imports
from grader.stubs import BEGIN, END, find_regions

NBGRADER_BEGIN, NBGRADER_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# What nbgrader's preprocessors look for anywhere in a line (ClearSolutions, ClearHiddenTests, ClearMarkScheme).
DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
              "BEGIN MARK SCHEME", "END MARK SCHEME")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class SourceError(ValueError):
    """A solution or suite that nbgrader would misread; the message names the file, the line and the fix."""


def notebook(component: Component, public: tuple[float, float], hidden: tuple[float, float],
             docs_url: str | None = None) -> dict:
    """The source notebook of ``component`` as nbformat 4 JSON data; ``public``/``hidden``: (points, seconds)."""
    name = component.name
    uses = dependencies(name)
    cells = [
        _cell("markdown", "intro", _introduction(component, docs_url), locked=True),
        _cell("code", "setup", "%load_ext grader.notebook", locked=True),
    ]
    if uses:
        cells.append(_cell("markdown", "uses", _uses_text(name, uses), locked=True))
        cells.extend(_cell("code", f"uses-{used}", f"%%{MODULE_MAGIC} {used}\n{solution_text(used)}", solution=True)
                     for used in uses)
    cells += [
        _cell("code", "module", f"%%{MODULE_MAGIC} {name}\n{solution_text(name)}", solution=True),
        _cell("code", "public-checks", _checks_source(name, "public", *public), grade=True, points=public[0]),
        _cell("code", "hidden-checks", _checks_source(name, "hidden", *hidden), grade=True, points=hidden[0]),
    ]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}}


def solution_text(name: str) -> str:
    """``solutions/<name>.py`` with the kit's markers turned into nbgrader's (same indentation)."""
    relative = f"solutions/{name}.py"
    lines = (REPO_ROOT / relative).read_text(encoding="utf-8").splitlines()
    regions = find_regions(lines, relative)  # refuses malformed markers, with the line and the fix
    if not regions:  # nbgrader would replace the whole solution cell, its %%fromscratch_module line too
        raise SourceError(f"{relative}:1: no {BEGIN!r} region; mark what the learner writes")
    markers = {region.begin: NBGRADER_BEGIN for region in regions} | {region.end: NBGRADER_END for region in regions}
    converted = []
    for number, line in enumerate(lines, start=1):
        if number in markers:
            converted.append(line.replace(BEGIN if markers[number] == NBGRADER_BEGIN else END, markers[number]))
        else:
            _refuse_delimiter(line, relative, number)
            converted.append(line)
    return "\n".join(converted)


def dependencies(name: str) -> list[str]:
    """The components ``solutions/<name>.py`` imports, directly or through another, in curriculum order."""
    found: set[str] = set()
    pending = [name]
    while pending:
        text = (REPO_ROOT / "solutions" / f"{pending.pop()}.py").read_text(encoding="utf-8")
        for used in sibling_imports(text):
            if used not in found:
                found.add(used)
                pending.append(used)
    return [component.name for component in CURRICULUM if component.name in found]


def _uses_text(name: str, uses: list[str]) -> str:
    names = ", ".join(f"`{used}`" for used in uses)
    return (f"**{name} builds on {names}.** The cells below hold those modules: paste your own into them (from "
            f"their assignments, or your `exercises/<name>.py`), keeping each first line, and run them. They are "
            f"not graded here, but the checks of {name} call them, as `{name}` does in the kit.")


def suite_text(name: str, suite: str) -> str:
    relative = f"tests/{suite}/test_{name}.py"
    text = (REPO_ROOT / relative).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        _refuse_delimiter(line, relative, number)
    return text.rstrip("\n")


def _refuse_delimiter(line: str, path: str, number: int) -> None:
    for delimiter in DELIMITERS:
        if delimiter in line:
            raise SourceError(f"{path}:{number}: the line holds {delimiter!r}, which nbgrader takes for a marker "
                              "wherever it appears in a cell; reword that line")


def _checks_source(name: str, suite: str, points: float, seconds: float) -> str:
    head = f"%%{CHECKS_MAGIC} {name} {suite} points={points:g} seconds={seconds:g}"
    body = suite_text(name, suite)
    if suite == "hidden":
        return f"{head}\n{HIDDEN_BEGIN}\n{body}\n{HIDDEN_END}"
    return f"{head}\n{body}"


def _introduction(component: Component, docs_url: str | None) -> str:
    chapter = Path(REPO_ROOT / component.doc).read_text(encoding="utf-8")
    title, paragraph = _title_and_first_paragraph(chapter, component)
    link = f"{docs_url.rstrip('/')}/{component.name}/" if docs_url else None
    where = f"[the chapter]({link})" if link else f"the chapter `{component.doc}` of the kit"
    return (f"# {title}\n\n{_links(paragraph, docs_url)}\n\n"
            f"Read {where} first: it derives every formula and gives every shape.\n\n"
            f"**How to work.** Run the cell below once, then write your code in the `%%{MODULE_MAGIC}` cell "
            "in place of each `raise NotImplementedError` (keep its first line: it tells the checks which "
            "code is yours). Run it, then run the public checks under it; each check prints ✓ or ✗ with "
            "what was wrong. The last cell runs further checks when your notebook is graded.")


def _title_and_first_paragraph(chapter: str, component: Component) -> tuple[str, str]:
    blocks = [block.strip() for block in chapter.split("\n\n") if block.strip()]
    if not blocks or not blocks[0].startswith("# "):
        raise SourceError(f"{component.doc}:1: a chapter starts with its title ('# Title'); add one")
    paragraphs = [block for block in blocks[1:] if not block.startswith(("#", "```", "|", "-", ">", "<"))]
    return blocks[0][2:].strip(), " ".join(paragraphs[0].split()) if paragraphs else component.title


def _links(text: str, docs_url: str | None) -> str:
    """Links between chapters (``[softmax](softmax.md)``) pointed at the site, or spelt out as kit paths."""
    def point(match: re.Match) -> str:
        label, page, anchor = match.group(1), match.group(2), match.group(3) or ""
        if docs_url:
            return f"[{label}]({docs_url.rstrip('/')}/{page.removesuffix('.md')}/{anchor})"
        return f"{label} (`docs/{page}`)"

    return re.sub(r"\[([^\]]+)\]\(([\w/]+\.md)(#[\w-]+)?\)", point, text)


def _cell(kind: str, grade_id: str, source: str, *, solution: bool = False, grade: bool = False,
          locked: bool = False, points: float | None = None) -> dict:
    nbgrader = {"grade": grade, "grade_id": grade_id, "locked": locked or grade, "schema_version": 3,
                "solution": solution}
    if grade:
        nbgrader["points"] = points
    cell = {"cell_type": kind, "id": grade_id, "metadata": {"nbgrader": nbgrader}, "source": source}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    if nbgrader["locked"]:
        cell["metadata"] |= {"deletable": False, "editable": False}
    return cell

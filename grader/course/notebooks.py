"""`fromscratch nbgrader OUT_DIR`: an nbgrader course, one assignment per component, autograded by the kit's suites.

OUT_DIR receives ``nbgrader_config.py`` (the course id, the gradebook
``gradebook.db`` inside OUT_DIR, the stub nbgrader writes in place of a
solution, a cell time limit that fits the suites) and
``source/<component>/<component>.ipynb`` for each component: the instructor's
notebook, the reference in its solution cell and both suites in its test cells
(``grader.course.notebook_cells``). From there the course is plain nbgrader:
``nbgrader generate_assignment``, ``release_assignment``, ``collect``,
``autograde`` (docs/instructor/nbgrader.md).

One assignment per component, named as the component: a course releases,
collects and grades chapter by chapter, each with its own due date; the
gradebook gets a column per component, as ``fromscratch grade``'s does; and a
learner who skips ahead never holds an assignment whose earlier parts are not
out yet.

Points: a component's rubric points (``grader.grading.rubric``, 10 by default)
are split between its public and hidden cells in proportion to their test
functions, so every test function is worth about the same as in ``fromscratch
grade``; the public share is rounded to half a point and the hidden cell takes
the rest, so the notebook's total is exactly the rubric's.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from fractions import Fraction
from pathlib import Path

CONFIG_MARK = "# Written by `fromscratch nbgrader`"
HALF = Fraction(1, 2)
KERNEL_START_SECONDS = 60  # a cell's limit is its pytest's limit plus this (a kernel, torch's import)

CONFIG = '''\
{mark}: the nbgrader configuration of this course. `fromscratch nbgrader`
# rewrites it (and the source notebooks) when run again on this folder. Run nbgrader from this folder.
import os

c = get_config()  # noqa: F821 - nbgrader provides get_config when it reads this file
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# What nbgrader writes in place of each solution region of a released notebook.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}

# A test cell runs a whole suite in a pytest process of its own: allow the slowest component's limit.
c.Execute.timeout = {timeout}
'''
CODE_STUB = ('# YOUR CODE HERE\n'
             'raise NotImplementedError("write this part; the chapter linked at the top of the notebook explains it")')


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "nbgrader", help="write an nbgrader course: a notebook per component, autograded by the kit's suites",
        description="Write an nbgrader course into OUT_DIR: nbgrader_config.py and source/<component>/"
                    "<component>.ipynb per component (the reference as solution cells, the public suite as a "
                    "read-only test cell, the hidden suite as a hidden test cell). Then, in OUT_DIR: nbgrader "
                    "generate_assignment COMPONENT, release_assignment, collect, autograde.")
    command.add_argument("out", metavar="OUT_DIR", help="the course folder: new, empty, or written by this command")
    command.add_argument("--components", nargs="+", metavar="COMPONENT", help="default: all, in curriculum order")
    command.add_argument("--rubric", default=None, metavar="FILE",
                         help="a rubric TOML: the points per component and the time limits (default: built-in)")
    command.add_argument("--course-id", default="fromscratch", help="nbgrader's course id (default: fromscratch)")
    command.add_argument("--docs-url", default=None, metavar="URL",
                         help="where the chapters are published (the mkdocs site); notebooks link there")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.components import CURRICULUM, component_named
    from grader.course.notebook_cells import SourceError, notebook
    from grader.grading.rubric import load_rubric
    from grader.stubs import MarkerError

    components = [component_named(name) for name in args.components] if args.components else list(CURRICULUM)
    rubric = load_rubric(Path(args.rubric) if args.rubric else None)  # RubricError is a ValueError: exit 2
    out = Path(args.out)
    _check_out_dir(out)
    _check_course_id(args.course_id)
    built: list[tuple[Path, str, str]] = []  # (path, text, points) of every notebook, before anything is written
    timeout = 0
    for component in components:
        public, hidden = split_points(rubric.points_for(component.name), *count_tests(component.name))
        seconds = rubric.limits_for(component.name)["component_seconds"]
        timeout = max(timeout, int(seconds) + KERNEL_START_SECONDS)
        try:
            data = notebook(component, (float(public), seconds), (float(hidden), seconds), args.docs_url)
        except (SourceError, MarkerError) as error:
            print(f"error: {error}\nnothing was written", file=sys.stderr)
            return 2
        built.append((out / "source" / component.name / f"{component.name}.ipynb",
                      json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                      f"{_number(public)} + {_number(hidden)} points (public + hidden checks)"))
    config = CONFIG.format(mark=CONFIG_MARK, course_id=args.course_id, stub=CODE_STUB, timeout=timeout)
    print(f"{out / 'nbgrader_config.py'}: {_write(out / 'nbgrader_config.py', config)} (course "
          f"{args.course_id!r}, gradebook {out / 'gradebook.db'}, rubric {rubric.source})")
    for path, text, points in built:
        print(f"{path}: {_write(path, text)}, {points}")
    total = sum((rubric.points_for(c.name) for c in components), Fraction(0))
    first = components[0].name
    print(f"\n{len(components)} assignment(s), {_number(total)} points in all. Next, in {out}:\n"
          f"  nbgrader generate_assignment {first}      # release/{first}/: solutions and hidden checks removed\n"
          f"  nbgrader release_assignment {first}       # then collect {first}, autograde {first}\n"
          "The kernel that runs the notebooks needs this kit installed (it imports grader.notebook).")
    return 0


def split_points(points: Fraction, public_tests: int, hidden_tests: int) -> tuple[Fraction, Fraction]:
    """(public, hidden): ``points`` in proportion to the suites' test functions, public to the half point."""
    total = public_tests + hidden_tests
    if points < 1 or not public_tests or not hidden_tests:
        public = points * public_tests / total if total else Fraction(0)
        return public, points - public
    public = Fraction(round(points * public_tests / total * 2), 2)
    public = min(max(public, HALF), points - HALF)  # each cell is worth something
    return public, points - public


def count_tests(name: str) -> tuple[int, int]:
    """How many test functions the public and the hidden suite of ``name`` define (methods of Test classes too)."""
    from grader.components import REPO_ROOT

    counts = []
    for suite in ("public", "hidden"):
        tree = ast.parse((REPO_ROOT / "tests" / suite / f"test_{name}.py").read_text(encoding="utf-8"))
        tests = {node.name for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")}
        counts.append(len(tests))
    return counts[0], counts[1]


def _check_out_dir(out: Path) -> None:
    """OUT_DIR is new, empty, or a course this command wrote; anything else is refused (ValueError: exit 2)."""
    config = out / "nbgrader_config.py"
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file; give a folder for the course (it is created if needed)")
    if config.is_file():
        if not config.read_text(encoding="utf-8", errors="replace").startswith(CONFIG_MARK):
            raise ValueError(f"{config} exists and was not written by `fromscratch nbgrader`; give a new folder and "
                             "copy its source/<component>/ folders into your course, or move that file away")
    elif out.is_dir() and any(out.iterdir()):
        raise ValueError(f"{out} already holds files but no nbgrader_config.py of ours; give a new or empty folder")


def _check_course_id(course_id: str) -> None:
    if not course_id or not all(ch.isalnum() or ch in "-_" for ch in course_id):
        raise ValueError(f"--course-id {course_id!r}: use letters, digits, '-' and '_' only; the id also names "
                         "the course's folders on the exchange and its JupyterHub groups (formgrade-<id>)")


def _write(path: Path, text: str) -> str:
    """Write ``text`` unless the file already says it; 'written', 'updated' or 'unchanged'."""
    if path.is_file():
        if path.read_text(encoding="utf-8") == text:
            return "unchanged"
        status = "updated"
    else:
        status = "written"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return status


def _number(value: Fraction) -> str:
    return f"{float(value):g}"

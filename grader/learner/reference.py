"""`fromscratch solution COMPONENT`: the reference, once the learner's own code passes.

Reading the reference before your code works teaches little, so the command
runs the component's public suite first and opens ``solutions/<c>.py`` only
when every check passes. ``--force`` opens it anyway; every view is recorded
in the state document ``solutions`` (``{component: {"when": iso, "forced":
bool}}``), which ``fromscratch list`` shows. The learner edition has no
``solutions/`` folder: there the command says so and points to the instructor.
"""

from __future__ import annotations

import argparse
import ast
import sys
from datetime import datetime, timezone

from grader import stubs
from grader.components import REPO_ROOT, component_named

SOLUTIONS_DIR = REPO_ROOT / "solutions"
NO_REFERENCE = 2  # exit status: this edition cannot show a reference
FAILING = 1  # exit status: refused because checks fail


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("solution", help="show the reference of a component once your code passes "
                                                   "its public checks")
    command.add_argument("component", metavar="COMPONENT", help="e.g. activations (see `fromscratch list`)")
    command.add_argument("--force", action="store_true",
                         help="show it without running the checks (recorded, and shown by `fromscratch list`)")
    command.add_argument("--impl", default="exercises",
                         help="whose code must pass: exercises (default) or a folder holding an exercises/ package")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    component = args.component
    component_named(component)
    source = SOLUTIONS_DIR / f"{component}.py"
    if not SOLUTIONS_DIR.is_dir():
        print(f"{component}: this edition has no reference solutions (there is no solutions/ folder); "
              f"ask your instructor. Meanwhile: `fromscratch hint {component}` and docs/{component}.md.")
        return NO_REFERENCE
    if not source.is_file():
        print(f"{component}: {source} is missing from this kit, so there is no reference to show; "
              "ask your instructor.")
        return NO_REFERENCE
    if args.impl == "solutions":
        raise ValueError("--impl solutions is the reference itself; give `exercises` (default) or the folder "
                         "of your submission, whose checks must pass")
    if not args.force:
        refusal = _refusal(component, args.impl)
        if refusal:
            print(refusal)
            return FAILING
    record_view(component, forced=args.force)
    print(annotated(source.read_text(), component, f"solutions/{component}.py"))
    return 0


def _refusal(component: str, impl: str) -> str | None:
    """Why the reference stays closed (the public suite does not pass), or None when it may open."""
    from grader.implementation import ImplementationError, resolve
    from grader.learner.check import run_public_suite

    try:
        implementation = resolve(impl)
    except ImplementationError as error:
        raise ValueError(str(error)) from None
    # The suite runs from the kit's folder: hand it the submission's absolute path, not the one typed here.
    absolute = impl if impl == "exercises" else str(implementation.folder.parent)
    print(f"{component}: running the public checks against {implementation.describe()} first ...",
          file=sys.stderr, flush=True)
    try:
        records = run_public_suite(component, absolute)
    except RuntimeError as error:  # pytest itself could not run the suite
        print(error, file=sys.stderr)
        records = []
    counted = [record for record in records if record["outcome"] != "skipped"]
    failing = sum(record["outcome"] in ("failed", "error") for record in counted)
    if counted and not failing:
        return None
    if not counted:
        summary = f"{component}: the public checks gave no result"
    else:
        summary = f"{component}: {failing} of {len(counted)} public checks fail"
    option = "" if impl == "exercises" else f" --impl {impl}"
    return (f"{summary}, so the reference stays closed: reading it before your code works teaches little.\n"
            f"  `fromscratch check {component}{option}`   explains the first failure\n"
            f"  `fromscratch hint {component}`   one more hint each time\n"
            f"  `fromscratch solution {component} --force` shows it anyway; that is recorded "
            "(and `fromscratch list` shows it)")


def record_view(component: str, *, forced: bool) -> None:
    """Remember the first view of ``component``'s reference, and whether any view skipped the checks."""
    from grader.learner import state

    views = state.load("solutions")
    previous = views.get(component) if isinstance(views.get(component), dict) else {}
    views[component] = {
        "when": previous.get("when") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "forced": bool(previous.get("forced")) or forced,
    }
    state.save("solutions", views)


def annotated(source: str, component: str, label: str) -> str:
    """The reference with line numbers; solution regions fenced and their lines marked ``>>``."""
    lines = source.splitlines()
    regions = stubs.find_regions(source.splitlines(keepends=True), label)
    functions = stubs.enclosing_functions(ast.parse(source, filename=label))
    marks: dict[int, str] = {}
    for count, region in enumerate(regions, start=1):
        name = stubs.function_of(region, functions, label)
        marks[region.begin] = f"region {count} of {len(regions)}, in {component}.{name}"
        marks[region.end] = f"end of region {count}"
    number_width = len(str(len(lines)))
    out = [f"{label}: the reference. Its {len(regions)} solution regions, the code the stub left for you "
           "to write, are marked >>\n"]
    inside = False
    for number, line in enumerate(lines, start=1):
        if number in marks:
            inside = not inside
            out.append(f"{'':>{number_width}} >> {'-' * 8} {marks[number]} {'-' * 8}")
        else:
            out.append(f"{number:>{number_width}} {'>>' if inside else '  '} {line}".rstrip())
    return "\n".join(out)

"""`fromscratch compare COMPONENT`: your implementation and the reference on the same inputs, side by side.

For self-study in the kit's own checkout, where ``solutions/`` is present: the
component's scenario (``grader.learner.scenarios``) runs once against the
reference and once against the learner's module, with identical seeded inputs,
and every output (``relu_forward.out``, ``relu_backward.dx``, ...) gets a row:
the shapes, the largest absolute and relative errors, the worst element and both
values there, and a verdict. The first difference is then shown in context,
with the function to look at. Exit 0 when everything matches, 1 otherwise, 2
when compare cannot run (no reference, a bad ``--impl``).
"""

from __future__ import annotations

import argparse
import inspect
from collections import Counter
from pathlib import Path
from types import ModuleType

NO_REFERENCE = ("compare needs the reference solutions, which this edition does not include: "
                "use `pytest -m {component}` (or `fromscratch check {component}`) to test your code instead")


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "compare", help="run your implementation and the reference on the same inputs, show where they differ")
    command.add_argument("component", help="the component to compare, e.g. activations")
    command.add_argument("--impl", default="exercises",
                         help="exercises (default), solutions or a submission folder holding exercises/")
    command.add_argument("--seed", type=int, default=0, help="seed of the inputs (default 0)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.components import REPO_ROOT, component_named
    from grader.implementation import ComponentImportError, ImplementationError, resolve
    from grader.learner import source_check
    from grader.learner.scenarios import run_scenario

    component = component_named(args.component).name
    if not (REPO_ROOT / "solutions" / f"{component}.py").is_file():
        print(NO_REFERENCE.format(component=component))
        return 2
    try:
        implementation = resolve(args.impl)
    except ImplementationError as error:
        print(f"error: {error}")
        return 2
    module_file = implementation.folder / f"{component}.py"
    problems = source_check.problems(component, module_file)
    if problems:
        print("\n".join(problems))
        print(f"\ncompare imports {source_check.display_path(module_file)} only once these are fixed.")
        return 1
    try:
        learner = implementation.load(component)
    except ComponentImportError as error:
        print(error)
        return 1
    reference = run_scenario(component, resolve("solutions").load(component), seed=args.seed)
    yours = run_scenario(component, learner, seed=args.seed, learner_folder=implementation.folder)
    rows = compare_sessions(reference, yours)
    print(f"compare {component}: {implementation.describe()} against the reference (solutions/), "
          f"seed {args.seed}")
    print(report(rows, component, learner, module_file))
    return 0 if all(row.matches for row in rows) else 1


def compare_sessions(reference, yours) -> list:
    """A row per array of every output of the reference's run, against the learner's run."""
    from grader.learner.scenarios.matching import Row, compare_values

    rows: list[Row] = []
    for name, expected in reference.outputs.items():
        mine = yours.outputs.get(name)
        if mine is None:
            why = yours.aborted.get(expected.case, "the case stopped before it")
            rows.append(Row(name, expected.function, "skipped", f"skipped: {why}"))
        elif mine.status == "not written":
            own = mine.reason.split(":", 1)[0].endswith(f".{expected.function}")
            rows.append(Row(name, expected.function, "not written", "" if own else f"needs {mine.reason}"))
        elif not mine.computed:
            rows.append(Row(name, expected.function, mine.status, mine.reason))
        else:
            rows.extend(compare_values(name, expected.function, mine.value, expected.value))
    for function, argument in yours.changed_inputs.items():
        if function not in reference.changed_inputs:
            rows.append(Row(f"{function} ({argument})", function, "DIFFERS",
                            f"{function} wrote into its {argument} in place: the kit's functions leave their "
                            "inputs alone and return new arrays (copy first, or use out-of-place operations)"))
    return rows


def report(rows: list, component: str, learner: ModuleType, module_file: Path) -> str:
    """The table, the first difference in context, and a one-line count."""
    from grader.learner.scenarios.matching import TOLERANCE_NOTE

    lines = [f"tolerances: {TOLERANCE_NOTE}", "", *_table(rows)]
    first = next((row for row in rows if row.verdict in ("DIFFERS", "error")), None)
    if first is not None:
        lines += ["", *_first_difference(first, component, learner, module_file)]
    elif any(not row.matches for row in rows):
        pending = next(row for row in rows if not row.matches)
        lines += ["", f"nothing written differs from the reference so far; next, write {pending.function} in "
                      f"{_location(learner, pending.function, module_file)} (docs/{component}.md)"]
    counts = Counter(row.verdict for row in rows)
    lines += ["", f"{len(rows)} arrays compared: " + ", ".join(f"{count} {verdict}" for verdict, count in counts.items())]
    return "\n".join(lines)


HEADERS = ("output", "shape", "max abs err", "max rel err", "worst at", "yours", "reference", "verdict")


def _table(rows: list) -> list[str]:
    """Rows with arrays as aligned columns; the others (not written, skipped, errors) as name and reason."""
    cells = [_cells(row) for row in rows]
    measured = [HEADERS, *(cell for cell, row in zip(cells, rows) if row.yours is not None)]
    widths = [max(len(cell[column]) for cell in measured) for column in range(len(HEADERS))]
    widths[0] = max(widths[0], *(len(row.name) for row in rows))
    lines = ["  ".join(text.ljust(width) for text, width in zip(HEADERS, widths)).rstrip(),
             "  ".join("-" * width for width in widths)]
    for cell, row in zip(cells, rows):
        verdict = f"{row.verdict} ({row.note})" if row.note else row.verdict
        if row.yours is None:
            lines.append(f"{row.name.ljust(widths[0])}  {verdict if row.verdict != 'skipped' else row.note}")
        else:
            lines.append("  ".join(text.ljust(width) for text, width in zip(cell, widths[:-1])) + "  " + verdict)
    return lines


def _cells(row) -> tuple[str, ...]:
    if row.yours is None:
        return (row.name,)
    mine, theirs = row.yours.array, row.reference.array
    shape = str(mine.shape) if mine.shape == theirs.shape else f"{mine.shape} vs {theirs.shape} !"
    at = row.worst if row.worst is not None else (_largest(row) if mine.shape == theirs.shape else None)
    yours_at = _number(mine[at]) if at is not None else "-"
    theirs_at = _number(theirs[at]) if at is not None else "-"
    return (row.name, shape, _number(row.max_abs), _number(row.max_rel), _index(at) if at is not None else "-",
            yours_at, theirs_at, row.verdict)


def _largest(row) -> tuple[int, ...] | None:
    """Where the error is largest when every element is within tolerance (None for empty arrays)."""
    import numpy as np

    mine, theirs = row.yours.array, row.reference.array
    if mine.size == 0:
        return None
    error = np.abs(mine.astype(np.float64) - theirs.astype(np.float64))
    return tuple(int(i) for i in np.unravel_index(np.nanargmax(np.nan_to_num(error, nan=np.inf)), error.shape))


def _first_difference(row, component: str, learner: ModuleType, module_file: Path) -> list[str]:
    lines = [f"first difference: {row.name} ({row.verdict})"]
    if row.yours is not None and row.yours.array.shape != row.reference.array.shape:
        lines.append(f"  yours has shape {row.yours.array.shape}, the reference {row.reference.array.shape}")
    elif row.worst is not None:
        lines += _context(row)
    elif row.note:
        lines.append(f"  {row.note}")
    lines.append(f"look at {row.function} in {_location(learner, row.function, module_file)}; "
                 f"`fromscratch hint {component}` gives a nudge, docs/{component}.md the derivation")
    return lines


def _context(row) -> list[str]:
    """The worst element and its neighbours along the last axis, yours above the reference's."""
    mine, theirs, worst = row.yours.array, row.reference.array, row.worst
    lines = [f"  at {_index(worst)}: yours {_number(mine[worst])}, reference {_number(theirs[worst])}"
             + (f" ({row.note})" if row.note else "")]
    if mine.ndim == 0:
        return lines
    last = worst[-1]
    span = range(max(last - 3, 0), min(last + 4, mine.shape[-1]))
    labels = [_index((*worst[:-1], j)) + ("*" if j == last else "") for j in span]
    width = max(12, *(len(label) + 2 for label in labels))
    for title, values in (("index", labels), ("yours", [_number(mine[(*worst[:-1], j)]) for j in span]),
                          ("reference", [_number(theirs[(*worst[:-1], j)]) for j in span])):
        lines.append(f"  {title:<10}" + "".join(value.rjust(width) for value in values))
    return lines


def _location(learner: ModuleType, function: str, module_file: Path) -> str:
    """``exercises/x.py:LINE`` of the learner's ``function`` (``Class.method`` too), or just the file."""
    from grader.learner.source_check import display_path

    target = learner
    try:
        for part in function.split("."):
            target = getattr(target, part)
        return f"{display_path(module_file)}:{inspect.getsourcelines(inspect.unwrap(target))[1]}"
    except (AttributeError, OSError, TypeError):
        return display_path(module_file)


def _index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def _number(value) -> str:
    if value is None:
        return "-"
    if hasattr(value, "dtype") and value.dtype.kind == "b" or isinstance(value, bool):
        return str(bool(value))
    if hasattr(value, "dtype") and value.dtype.kind in "iu" or isinstance(value, int):
        return str(int(value))
    return f"{float(value):.6g}"

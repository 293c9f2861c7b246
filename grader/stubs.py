"""Generate ``exercises/`` from ``solutions/``: the single source of truth.

Each solution region, marked with nbgrader's syntax::

    def relu_forward(x):
        \"\"\"docstring with the formula and shapes\"\"\"
        # BEGIN SOLUTION
        out = np.maximum(x, 0)
        return out, x
        # END SOLUTION

becomes, in the learner's copy::

    def relu_forward(x):
        \"\"\"docstring with the formula and shapes\"\"\"
        raise NotImplementedError("activations.relu_forward: see docs/activations.md")

Everything outside the regions (imports, signatures, type hints, docstrings)
is kept verbatim. Malformed markers are refused with the file, the line and
what to change, never guessed at.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
HEADER = (
    "# Exercise generated from solutions/{name}.py by `fromscratch stubs`.\n"
    "# Replace each `raise NotImplementedError(...)` with your code; "
    "check it with `pytest -m {name}`.\n"
)


class MarkerError(ValueError):
    """A solution file whose markers cannot be turned into a stub."""

    def __init__(self, path: str, line: int, problem: str, fix: str):
        self.path, self.line, self.problem, self.fix = path, line, problem, fix
        super().__init__(f"{path}:{line}: {problem}\n  fix: {fix}")


@dataclass(frozen=True)
class Region:
    begin: int  # 1-based line of the BEGIN marker
    end: int  # 1-based line of the END marker
    indent: str


def find_regions(lines: list[str], path: str) -> list[Region]:
    """Pair BEGIN/END markers; refuse nested, stray, unterminated, empty or misspelt ones."""
    regions: list[Region] = []
    open_at: int | None = None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text not in (BEGIN, END):
            if "BEGIN SOLUTION" in text or "END SOLUTION" in text:
                raise MarkerError(
                    path, number, f"malformed solution marker {text!r}",
                    f"write the marker alone on its line, exactly {BEGIN!r} or {END!r}",
                )
            continue
        if text == BEGIN:
            if open_at is not None:
                raise MarkerError(
                    path, number, f"nested {BEGIN!r} inside the region opened at line {open_at}",
                    f"close the region of line {open_at} with {END!r} before opening another",
                )
            open_at = number
            continue
        if open_at is None:
            raise MarkerError(
                path, number, f"stray {END!r} with no open region",
                f"add {BEGIN!r} above the solution code, or delete this marker",
            )
        if number == open_at + 1:
            raise MarkerError(
                path, open_at, "empty solution region",
                "put the reference code between the markers, or delete both markers",
            )
        begin_line = lines[open_at - 1]
        indent = begin_line[: len(begin_line) - len(begin_line.lstrip())]
        regions.append(Region(open_at, number, indent))
        open_at = None
    if open_at is not None:
        raise MarkerError(
            path, open_at, f"unterminated region: {BEGIN!r} has no matching {END!r}",
            f"add {END!r} after the last line of the solution code",
        )
    return regions


def enclosing_functions(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function, outermost first."""
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")

    visit(tree, "")
    return found


def function_of(region: Region, functions: list[tuple[int, int, str]], path: str) -> str:
    # A function's last line is its last statement; the END marker may follow it.
    holders = [name for first, last, name in functions if first < region.begin < last]
    if not holders:
        raise MarkerError(
            path, region.begin, "solution region outside any function",
            "solution regions must sit inside a function body so the stub can raise in its place",
        )
    return holders[-1]


def make_stub(source: str, component: str, path: str) -> str:
    """The learner's version of one solution module (see the module docstring)."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        raise MarkerError(path, error.lineno or 0, f"the solution does not parse: {error.msg}",
                          "fix the reference before generating stubs") from None
    lines = source.splitlines(keepends=True)
    regions = find_regions(lines, path)
    if not regions:
        return source
    functions = enclosing_functions(tree)
    out: list[str] = [HEADER.format(name=component)]
    cursor = 0
    for region in regions:
        qualname = function_of(region, functions, path)
        out.extend(lines[cursor : region.begin - 1])
        message = f"{component}.{qualname}: see docs/{component}.md"
        out.append(f"{region.indent}raise NotImplementedError(\"{message}\")\n")
        cursor = region.end
    out.extend(lines[cursor:])
    stub = "".join(out)
    try:
        compile(stub, path, "exec")
    except SyntaxError as error:
        raise MarkerError(path, regions[0].begin, f"the generated stub does not parse: {error.msg}",
                          "regions must cover whole statements of one function body") from None
    return stub


def expected_exercises(solutions_dir: Path, only: list[str] | None = None) -> dict[str, str]:
    """File name -> the text ``exercises/`` should hold for it (``only``: these component names)."""
    expected = {}
    for source_path in sorted(solutions_dir.glob("*.py")):
        if only is not None and source_path.stem not in only:
            continue
        label = f"{solutions_dir.name}/{source_path.name}"
        expected[source_path.name] = make_stub(source_path.read_text(), source_path.stem, label)
    return expected


def write_stubs(solutions_dir: Path, exercises_dir: Path, only: list[str] | None = None) -> list[str]:
    """Write every stub (or those of ``only``); returns the names of the files that changed."""
    exercises_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_exercises(solutions_dir, only).items():
        target = exercises_dir / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            changed.append(name)
    return changed


def stale_stubs(solutions_dir: Path, exercises_dir: Path, only: list[str] | None = None) -> list[str]:
    """Every way ``exercises/`` differs from what ``write_stubs`` would produce."""
    problems = []
    expected = expected_exercises(solutions_dir, only)
    for name, text in expected.items():
        target = exercises_dir / name
        if not target.exists():
            problems.append(f"exercises/{name} is missing")
        elif target.read_text() != text:
            problems.append(f"exercises/{name} differs from the stub generated from solutions/{name}")
    for extra in sorted(exercises_dir.glob("*.py")):
        if extra.name not in expected and only is None:
            problems.append(f"exercises/{extra.name} has no source solutions/{extra.name}")
    return problems

"""The leak check: nothing of the instructor's side may reach a learner's edition.

:func:`find_leaks` reads every file under a folder (a release, an autograder
bundle) and reports four kinds of leak, each with the file and line:

``path``
    a file or folder that is never released: ``solutions/``, ``tests/hidden/``,
    ``tests/kit/``, ``examples/``, ``bench/``, ``.ci/``, ``out/``, ``.git``,
    and compiled ``__pycache__`` (it can hold compiled solutions).
``solution``
    the code of a ``# BEGIN SOLUTION`` region of ``solutions/``. Lines are
    compared whole, with all whitespace, a trailing comment, surrounding
    backticks and a ``>>>`` prompt removed, so re-indented or reformatted
    copies still match. A region leaks where ``WINDOW`` (3) of its telling
    lines appear one after the other, or all of them for a region of one or
    two telling lines (blank and comment lines in between are skipped on both
    sides): any copy of a region holds such a run. A line is *telling* when it
    holds at least ``MIN_TELLING_CHARS`` characters without whitespace and is
    not already public (in a stub or a public test). The window is what keeps
    the chapters' hints apart from copies: a hint states a formula or two
    (docs/conv2d.md's "Hint 3" block holds two consecutive lines of the
    reference's backward pass, ``db = ...`` and ``dw = ...``, then its own
    notation), never three consecutive lines of a region, and a formula in
    prose or math is never a whole line of code. Measured on the kit: the
    docs, README, stubs, public suites and engine give no run at all.
``hidden test``
    the name of a test function of ``tests/hidden/`` that ``tests/public/``
    does not also define, as a whole word anywhere (file names included).
``mutant``
    the name of a known-wrong implementation of ``tests/kit/mutants/``:
    ``component/bug`` always, and ``bug`` alone when it is a compound
    identifier (``forward_forgets_the_bias``; a one-word name such as
    ``milliseconds`` is an ordinary word of the chapters).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from grader.stubs import expected_exercises, find_regions

# Top-level folders and files (or deeper paths) that never leave the kit.
FORBIDDEN_PATHS = ("solutions", "tests/hidden", "tests/kit", "examples", "bench", ".ci", "out", ".git")
FORBIDDEN_ANYWHERE = ("__pycache__",)
MIN_TELLING_CHARS = 12
WINDOW = 3
MAX_TEXT_BYTES = 8 << 20
KINDS = ("path", "solution", "hidden test", "mutant")


@dataclass(frozen=True)
class Leak:
    """One thing found where it must not be."""

    kind: str           # one of KINDS
    path: str           # relative to the folder checked ("/" between folders)
    line: int           # 1-based; 0 for a path
    detail: str         # what leaked, and from where

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.kind}: {self.detail}"


def normalized(line: str) -> str:
    """A line as the solution matcher compares it: no whitespace, comment, backticks or prompt."""
    text = re.sub(r"\s+#.*$", "", line.strip())
    text = re.sub(r"^(>>>|\.\.\.)\s", "", text).strip("`")
    return re.sub(r"\s+", "", text)


def _is_code(text: str) -> bool:
    return bool(text) and not text.startswith("#")


@dataclass(frozen=True)
class SolutionRegion:
    source: str                 # "solutions/linear.py:56"
    telling: tuple[str, ...]    # its telling lines, normalized, in order


class KitSecrets:
    """What the kit holds that a learner's edition must not: read once from the kit at ``kit_root``."""

    def __init__(self, kit_root: Path):
        self.root = Path(kit_root)

    @cached_property
    def public_lines(self) -> frozenset[str]:
        """Lines a learner already has: the stubs and the public suites."""
        texts = list(expected_exercises(self.root / "solutions").values())
        texts += [path.read_text() for path in sorted((self.root / "tests" / "public").glob("*.py"))]
        return frozenset(normalized(line) for text in texts for line in text.splitlines())

    @cached_property
    def regions(self) -> list[SolutionRegion]:
        found = []
        for path in sorted((self.root / "solutions").glob("*.py")):
            lines = path.read_text().splitlines(keepends=True)
            for region in find_regions(lines, f"solutions/{path.name}"):
                body = (normalized(line) for line in lines[region.begin:region.end - 1])
                telling = tuple(text for text in body if self._telling(text))
                if telling:
                    found.append(SolutionRegion(f"solutions/{path.name}:{region.begin}", telling))
        return found

    def _telling(self, text: str) -> bool:
        return _is_code(text) and len(text) >= MIN_TELLING_CHARS and text not in self.public_lines

    @cached_property
    def region_windows(self) -> dict[tuple[str, ...], list[str]]:
        """Every run of ``WINDOW`` consecutive telling lines of a region (all of a shorter one) to its sources."""
        windows: dict[tuple[str, ...], list[str]] = {}
        for region in self.regions:
            size = min(WINDOW, len(region.telling))
            for start in range(len(region.telling) - size + 1):
                windows.setdefault(region.telling[start:start + size], []).append(region.source)
        return windows

    @cached_property
    def hidden_test_names(self) -> frozenset[str]:
        hidden = _test_functions(self.root / "tests" / "hidden")
        return frozenset(hidden - _test_functions(self.root / "tests" / "public"))

    @cached_property
    def mutant_names(self) -> frozenset[str]:
        names = set()
        for path in (self.root / "tests" / "kit" / "mutants").glob("*/*.py"):
            if path.stem != "__init__":
                names.add(f"{path.parent.name}/{path.stem}")
                if "_" in path.stem:
                    names.add(path.stem)
        return frozenset(names)


def _test_functions(folder: Path) -> set[str]:
    names = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                names.add(node.name)
    return names


def _word_pattern(words: Iterable[str]) -> re.Pattern | None:
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


def find_leaks(folder: Path, kit_root: Path, *, kinds: Iterable[str] = KINDS) -> list[Leak]:
    """Every leak of ``kinds`` in the files under ``folder``, against the kit at ``kit_root``; sorted."""
    folder, wanted = Path(folder), set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown leak kind(s) {sorted(unknown)}: use some of {', '.join(KINDS)}")
    secrets = KitSecrets(kit_root)
    words = {"hidden test": _word_pattern(secrets.hidden_test_names) if "hidden test" in wanted else None,
             "mutant": _word_pattern(secrets.mutant_names) if "mutant" in wanted else None}
    leaks: list[Leak] = []
    reported: list[str] = []  # forbidden folders already reported: their contents are not listed one by one
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if any(relative.startswith(prefix) for prefix in reported):
            continue
        if "path" in wanted and (reason := forbidden_path(relative)):
            leaks.append(Leak("path", relative + ("/" if path.is_dir() else ""), 0, reason))
            if path.is_dir():
                reported.append(relative + "/")
        for kind, pattern in words.items():
            if pattern:
                leaks += [Leak(kind, relative, 0, f"its name holds {match!r}")
                          for match in dict.fromkeys(pattern.findall(path.name))]
        if not path.is_file() or path.is_symlink():
            continue
        text = _text_of(path)
        if text is None:
            continue
        lines = text.splitlines()
        for kind, pattern in words.items():
            if pattern:
                leaks += [Leak(kind, relative, number, f"{match!r} ({_origin(kind)})")
                          for number, line in enumerate(lines, 1) for match in dict.fromkeys(pattern.findall(line))]
        if "solution" in wanted:
            leaks += _solution_leaks(relative, lines, secrets)
    return _without_repeats(leaks)


def _origin(kind: str) -> str:
    return "a test of tests/hidden/" if kind == "hidden test" else "a mutant of tests/kit/mutants/"


def forbidden_path(relative: str) -> str | None:
    """Why ``relative`` (a path inside a release) must not be there, or None."""
    parts = relative.split("/")
    for forbidden in FORBIDDEN_PATHS:
        depth = forbidden.count("/") + 1
        if "/".join(parts[:depth]) == forbidden:
            return f"{forbidden}/ is never released"
    for name in FORBIDDEN_ANYWHERE:
        if name in parts:
            return f"{name}/ holds compiled code of the kit"
    return None


def _text_of(path: Path) -> str | None:
    data = path.read_bytes()[:MAX_TEXT_BYTES]
    if b"\0" in data[:8192]:
        return None  # binary (an image): no source text to find
    return data.decode("utf-8", errors="replace")


def _solution_leaks(relative: str, lines: list[str], secrets: KitSecrets) -> list[Leak]:
    """One leak per solution region found in the file, at the first line where it shows."""
    code = [(number, text) for number, line in enumerate(lines, 1) if _is_code(text := normalized(line))]
    texts = [text for _, text in code]
    first: dict[str, Leak] = {}
    for index, (number, _) in enumerate(code):
        for size in range(1, WINDOW + 1):
            for source in secrets.region_windows.get(tuple(texts[index:index + size]), []):
                first.setdefault(source, Leak("solution", relative, number, f"the code of the solution region {source}"))
    return list(first.values())


def _without_repeats(leaks: list[Leak]) -> list[Leak]:
    return sorted(dict.fromkeys(leaks), key=lambda leak: (leak.path, leak.line, leak.kind))

"""`fromscratch release OUT_DIR`: the learner's edition of the kit, checked for leaks.

The edition holds what a learner works with and nothing of the instructor's side:
``exercises/`` (the stubs, after checking they match ``solutions/``), ``tests/public/``,
the learner chapters of ``docs/`` (the instructor pages left out, links to pages that
are not released turned into plain text, ``mkdocs.yml``'s nav trimmed to match), the
``datasets/`` manifest, the engine ``grader/`` with each stub kept as
``grader/pristine/<component>.py`` (what ``fromscratch reset`` restores), a
``pyproject.toml`` that packages no ``solutions``, a learner ``README.md`` made from the
kit's, a ``.gitignore`` and the GitHub Classroom workflow. ``--components`` limits the
exercises, suites and chapters; the engine is always whole.

The edition is built in a scratch folder beside OUT_DIR and moved into place only when
complete; then :mod:`grader.course.leaks` reads every file of it, and any leak makes the
command exit 1 with the list (the edition is left for inspection, not to be published).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.components import CURRICULUM, REPO_ROOT, component_named

COPIED_FROM_KIT = ("docs", "grader", "tests", "exercises", "datasets", "solutions")
EDITION_GITIGNORE = ("__pycache__/", "*.egg-info/", ".venv/", ".pytest_cache/", ".hypothesis/", "build/", "dist/",
                     "datasets/cache/", ".fromscratch/", "site/", "runs/")
if TYPE_CHECKING:
    from grader.grading.rubric import Rubric

LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


class ReleaseError(ValueError):
    """Arguments or a kit state the release cannot work with; the message says what to do."""


@dataclass
class Release:
    folder: Path
    components: list[str]
    files: int
    leaks: list  # grader.course.leaks.Leak


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("release", help="build the learner edition into OUT_DIR and check it for leaks")
    command.add_argument("out", metavar="OUT_DIR", help="where the edition goes (created; must be empty, or --force)")
    command.add_argument("--components", nargs="+", metavar="COMPONENT",
                         help="only these exercises, suites and chapters (default: all; the engine is always whole)")
    command.add_argument("--force", action="store_true", help="replace the contents of a non-empty OUT_DIR")
    command.add_argument("--rubric", default=None, metavar="FILE",
                         help="a rubric TOML: the points of the Classroom workflow (default: the built-in rubric)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        release = build_release(Path(args.out), args.components, force=args.force, rubric=args.rubric)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote the learner edition of {len(release.components)} component(s) to {release.folder} "
          f"({release.files} files)")
    if release.leaks:
        print(f"\nLEAK CHECK FAILED: {len(release.leaks)} finding(s); do not publish {release.folder}:")
        for leak in release.leaks:
            print(f"  {leak}")
        print("\nEach line names a file of the edition; the kit file of the same path is where it came from (the "
              "README is made from the kit's README.md). Take out what leaks there (describe a hidden check instead "
              "of naming it), then release again with --force.")
        return 1
    print("leak check passed: no solution code, hidden test or mutant name, and no instructor file in it.")
    print(f"next: push {release.folder} as the template repository of the course (see docs/instructor/course.md)")
    return 0


def build_release(out: Path, components: list[str] | None = None, *, force: bool = False,
                  rubric: str | Path | None = None, kit: Path = REPO_ROOT) -> Release:
    """Write the edition into ``out`` (see the module docstring); the leaks found are in the result."""
    from grader.course.leaks import find_leaks
    from grader.grading.rubric import load_rubric

    names = chosen_components(components)
    points = load_rubric(Path(rubric) if rubric else None)  # a RubricError (ValueError) names the key and the fix
    _check_kit(kit, names)
    out = _check_out(Path(out), kit, force)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    scratch.chmod(0o755)  # mkdtemp's 0700 would become OUT_DIR's
    try:
        _write_edition(scratch, kit, names, points)
        if out.exists():
            shutil.rmtree(out)
        scratch.rename(out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    files = sum(1 for path in out.rglob("*") if path.is_file())
    return Release(out, names, files, find_leaks(out, kit))


def chosen_components(components: list[str] | None) -> list[str]:
    """``components`` checked and in curriculum order (all of them when none are given)."""
    if not components:
        return [component.name for component in CURRICULUM]
    chosen = {component_named(name).name for name in components}  # a ValueError naming the valid ones
    return [component.name for component in CURRICULUM if component.name in chosen]


def _check_kit(kit: Path, names: list[str]) -> None:
    from grader.stubs import MarkerError, stale_stubs

    if not (kit / "solutions").is_dir():
        raise ReleaseError(f"{kit} has no solutions/ folder: it is a learner edition already; release from the "
                           f"instructor's kit")
    try:
        stale = stale_stubs(kit / "solutions", kit / "exercises", names)
    except MarkerError as error:
        raise ReleaseError(f"{error}\n  then release again") from None
    if stale:
        listed = "\n  ".join(stale)
        raise ReleaseError(f"exercises/ does not match solutions/:\n  {listed}\nrun `fromscratch stubs` (which "
                           f"rewrites exercises/ from solutions/), check the diff, and release again")


def _check_out(out: Path, kit: Path, force: bool) -> Path:
    resolved, kit = out.resolve(), kit.resolve()
    if kit.is_relative_to(resolved):
        raise ReleaseError(f"OUT_DIR {out} holds the kit itself: choose a folder outside {kit}")
    inside = next((part for part in COPIED_FROM_KIT if resolved.is_relative_to(kit / part)), None)
    if inside:
        raise ReleaseError(f"OUT_DIR {out} is inside the kit's {inside}/, which the release copies: choose a "
                           f"folder outside it (e.g. {kit.parent / 'fromscratch-edition'})")
    if resolved.exists() and not resolved.is_dir():
        raise ReleaseError(f"OUT_DIR {out} is a file: give a folder")
    if resolved.is_dir() and any(resolved.iterdir()) and not force:
        raise ReleaseError(f"OUT_DIR {out} is not empty: choose an empty or new folder, or add --force to replace "
                           f"everything in it")
    resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


def _write_edition(root: Path, kit: Path, names: list[str], rubric: Rubric) -> None:
    from grader.course.classroom import WORKFLOW_PATH, workflow
    from grader.stubs import expected_exercises

    _copy(kit / "exercises" / "__init__.py", root / "exercises" / "__init__.py")
    for name in names:
        _copy(kit / "exercises" / f"{name}.py", root / "exercises" / f"{name}.py")
        _copy(kit / "tests" / "public" / f"test_{name}.py", root / "tests" / "public" / f"test_{name}.py")
    for support in [*(kit / "tests").glob("*.py"), *(kit / "tests" / "public").glob("*.py")]:
        if not support.name.startswith("test_"):  # conftest.py, __init__.py: whatever the suites need
            _copy(support, root / support.relative_to(kit))
    shutil.copytree(kit / "grader", root / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "pristine"))
    for file_name, stub in expected_exercises(kit / "solutions", names).items():
        _write(root / "grader" / "pristine" / file_name, stub)
    for manifest in (kit / "datasets").iterdir():
        if manifest.is_file():  # the manifest and its README; never the cache
            _copy(manifest, root / "datasets" / manifest.name)
    _copy_docs(kit, root, names)
    _write(root / "pyproject.toml", edition_pyproject((kit / "pyproject.toml").read_text()))
    _write(root / "README.md", learner_readme((kit / "README.md").read_text(), names))
    _write(root / ".gitignore", "\n".join(EDITION_GITIGNORE) + "\n")
    _write(root / WORKFLOW_PATH, workflow(names, rubric))
    for page in [root / "README.md", *(root / "docs").rglob("*.md")]:
        _write(page, unlink_absent(page.read_text(), page.parent, root))


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def is_instructor_page(relative: Path) -> bool:
    """``docs/instructor*.md`` and everything under ``docs/instructor/`` (``relative`` is inside docs/)."""
    return relative.parts[0].startswith("instructor")


def _copy_docs(kit: Path, root: Path, names: list[str]) -> None:
    left_out = {f"{component.name}.md" for component in CURRICULUM if component.name not in names}
    for page in sorted((kit / "docs").rglob("*")):
        relative = page.relative_to(kit / "docs")
        if page.is_file() and not is_instructor_page(relative) and relative.as_posix() not in left_out:
            _copy(page, root / "docs" / relative)
    if (kit / "mkdocs.yml").is_file():
        _write(root / "mkdocs.yml", trim_nav((kit / "mkdocs.yml").read_text(), root / "docs"))


def unlink_absent(markdown: str, folder: Path, root: Path) -> str:
    """``markdown`` with each relative link to a file the edition lacks turned into its plain text."""
    def replace(match: re.Match) -> str:
        text, target = match.groups()
        if re.match(r"[a-z][a-z0-9+.-]*:|#", target):  # a URL, mailto:, or an anchor on the same page
            return match.group(0)
        path = (folder / target.split("#", 1)[0]).resolve()
        return match.group(0) if path.is_relative_to(root.resolve()) and path.exists() else text
    return LINK.sub(replace, markdown)


def trim_nav(config: str, docs: Path) -> str:
    """``mkdocs.yml`` with the nav entries of pages absent from ``docs`` removed, and sections left empty."""
    lines = config.splitlines()
    start = next((index for index, line in enumerate(lines) if line.rstrip() == "nav:"), None)
    if start is None:
        return config
    end = next((index for index in range(start + 1, len(lines))
                if lines[index].strip() and not lines[index].startswith((" ", "-"))), len(lines))
    kept = [line for line in lines[start + 1:end] if not _absent_page(line, docs)]
    return "\n".join(lines[:start + 1] + _without_empty_sections(kept) + lines[end:]) + "\n"


def _absent_page(line: str, docs: Path) -> bool:
    page = re.search(r"([\w./-]+\.md)\s*$", line)
    return bool(page) and not (docs / page.group(1)).is_file()


def _without_empty_sections(items: list[str]) -> list[str]:
    """Drop each ``- Title:`` item that no deeper item follows (repeated: a section of empty sections goes too)."""
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" -"))

    while True:
        empty = [index for index, line in enumerate(items) if line.rstrip().endswith(":")
                 and not (index + 1 < len(items) and indent(items[index + 1]) > indent(line))]
        if not empty:
            return items
        items = [line for index, line in enumerate(items) if index not in empty]


def edition_pyproject(text: str) -> str:
    """The kit's pyproject.toml packaging ``grader`` and ``exercises`` only (no ``solutions``)."""
    edited, count = re.subn(r'(?m)^include = \[.*\]$', 'include = ["grader*", "exercises*"]', text)
    if count != 1:
        raise ReleaseError("pyproject.toml has no single `include = [...]` line under "
                           "[tool.setuptools.packages.find]: restore it so that the edition can drop solutions*")
    return edited


def learner_readme(kit_readme: str, names: list[str]) -> str:
    """The edition's README: the kit's title and introduction, how to install, and its "For learners" part."""
    sections = re.split(r"(?m)^(?=## )", kit_readme)
    introduction = sections[0].rstrip()
    learners = next((section for section in sections if section.startswith("## For learners")), None)
    if learners is None:
        raise ReleaseError("README.md has no '## For learners' section, which the edition's README is made of: "
                           "restore it")
    left_out = {component.name for component in CURRICULUM} - set(names)
    kept = []
    for line in learners.rstrip().splitlines():
        row = re.match(r"\| `(\w+)` \|", line)
        if (row and row.group(1) in left_out) or "--impl solutions`" in line:
            continue  # a chapter not released; the reference, which this edition does not hold
        line = line.replace(" [--impl solutions]", "")
        kept.append(re.sub(r"\s+# after `make .*$", "", line))
    return "\n\n".join([introduction, INSTALL, "\n".join(kept), EDITION_LAYOUT]) + "\n"


INSTALL = """\
## Setting up

```
python3 -m venv .venv                   # Python 3.11 or newer
source .venv/bin/activate
pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu   # optional: CPU-only torch, smaller
pip install -e .
pytest -m activations                   # the first chapter's checks: they fail until you write the code
```"""

EDITION_LAYOUT = """\
## Layout

| folder | holds |
|---|---|
| `exercises/` | your room: one module per component, each function raising `NotImplementedError` until you write it |
| `tests/public/` | the checks you run with `pytest` |
| `docs/` | one chapter per component (`mkdocs serve` shows them as a site, with `pip install -e ".[docs]"`) |
| `grader/` | the engine: the pytest plugin, the numerical checks, the `fromscratch` command |
| `datasets/` | the data manifest (sources, checksums, licences) |
| `.github/workflows/classroom.yml` | the autograding of a GitHub Classroom assignment: the public checks of each component |"""

"""Stage 2 of grading: from a staged submission, copy only the component modules into a clean folder.

The grader imports nothing else a learner sent: no ``conftest.py``, ``pytest.ini``, ``setup.cfg``,
``pyproject.toml``, ``sitecustomize.py``, ``*.pth``, tests, other modules or caches, any of which
could change how the hidden suites run. The ``exercises/`` package is looked for at the top of the
staged tree, then one folder down, then two (``alice-fromscratch/exercises/``); the shallowest level
that has one wins, and two at that level refuse the submission. Only ``exercises/<component>.py``
for the components being graded is copied, as a regular 0644 file, next to an empty
``__init__.py`` written by the grader; everything left behind is listed in ``Sanitized.ignored``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from grader.components import component_named
from grader.grading.collect import create_regular, open_regular

MAX_MODULE_BYTES = 1 << 20
SEARCH_DEPTH = 2
PACKAGE = "exercises"
LAYOUT = ("a submission is a folder or archive holding an exercises/ folder with your modules, e.g. "
          "exercises/linear.py (the exercises/ folder may also sit one or two folders down, as in "
          "fromscratch/exercises/linear.py)")


@dataclass
class Sanitized:
    """What sanitize kept of one staged submission."""

    folder: Path | None                  # the clean folder holding exercises/, None when refused
    exercises: str | None = None         # where exercises/ was found, relative to the staged folder
    copied: list[str] = field(default_factory=list)     # component names whose module was copied
    ignored: list[str] = field(default_factory=list)    # staged paths left behind ("/" ends a folder)
    notes: list[str] = field(default_factory=list)
    refused: str | None = None

    def to_dict(self) -> dict:
        return {"folder": None if self.folder is None else str(self.folder), "exercises": self.exercises,
                "copied": list(self.copied), "ignored": list(self.ignored), "notes": list(self.notes),
                "refused": self.refused}


def sanitize(staged: Path, clean: Path, components: Iterable[str], *,
             max_module_bytes: int = MAX_MODULE_BYTES) -> Sanitized:
    """Copy ``exercises/<component>.py`` of ``components`` from ``staged`` into ``clean/exercises/``."""
    wanted = [component_named(name).name for name in components]
    staged, clean = Path(staged), Path(clean)
    found = _find_package(staged)
    if len(found) > 1:
        listed = ", ".join(f"{relative}/" for relative in found)
        return Sanitized(None, refused=f"the submission holds {len(found)} exercises/ folders at the same depth "
                                       f"({listed}): keep only the one with your code and resubmit")
    if not found:
        return Sanitized(None, refused=f"no exercises/ folder found ({_top_level(staged)}); {LAYOUT}")
    result = Sanitized(clean, exercises=found[0])
    package = staged / found[0]
    target = clean / PACKAGE
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in (clean, target):  # a sandboxed worker under another account must reach the modules
        folder.chmod(0o755)
    create_regular(target / "__init__.py").close()
    result.ignored = _left_around(staged, found[0])
    refused: set[str] = set()
    for entry in sorted(os.scandir(package), key=lambda entry: entry.name):
        relative = f"{found[0]}/{entry.name}"
        module = entry.name.removesuffix(".py")
        if entry.name.endswith(".py") and module in wanted and entry.is_file(follow_symlinks=False):
            problem = _copy_module(Path(entry.path), target / entry.name, max_module_bytes)
            if problem:
                result.notes.append(f"{relative} was not copied: {problem}")
                refused.add(module)
            else:
                result.copied.append(module)
        else:
            result.ignored.append(relative + ("/" if entry.is_dir(follow_symlinks=False) else ""))
    result.notes += [f"no exercises/{name}.py" for name in wanted if name not in {*result.copied, *refused}]
    return result


def _find_package(staged: Path) -> list[str]:
    """Relative paths of the exercises/ folders at the shallowest depth (up to SEARCH_DEPTH) that has any."""
    level = [""]
    for _ in range(SEARCH_DEPTH + 1):
        found = [f"{prefix}{PACKAGE}" for prefix in level if _is_folder(staged / prefix / PACKAGE)]
        if found:
            return found
        level = [f"{prefix}{name}/" for prefix in level for name in _subfolders(staged / prefix)]
    return []


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _subfolders(folder: Path) -> list[str]:
    return sorted(entry.name for entry in os.scandir(folder)
                  if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."))


def _left_around(staged: Path, found: str) -> list[str]:
    """What sits beside exercises/ and beside each folder above it, up to the staged root."""
    ignored, prefix = [], ""
    for step in found.split("/"):
        for entry in sorted(os.scandir(staged / prefix), key=lambda entry: entry.name):
            if entry.name != step:
                ignored.append(f"{prefix}{entry.name}" + ("/" if entry.is_dir(follow_symlinks=False) else ""))
        prefix += step + "/"
    return ignored


def _top_level(staged: Path) -> str:
    names = sorted(entry.name + ("/" if entry.is_dir(follow_symlinks=False) else "") for entry in os.scandir(staged))
    if not names:
        return "the submission is empty"
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return f"its top level holds {shown}"


def _copy_module(source: Path, target: Path, max_bytes: int) -> str | None:
    """Copy one module as UTF-8 text; the problem when it cannot be (the learner reads it)."""
    try:
        with open_regular(source) as file:
            content = file.read(max_bytes + 1)
    except OSError as error:
        return f"it could not be read ({error.strerror})"
    if len(content) > max_bytes:
        return f"it is larger than {max_bytes >> 10} KiB; a module of an exercise is far smaller: resubmit your own"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        return (f"it is not UTF-8 text (byte 0x{content[error.start]:02x} at offset {error.start}): save it as "
                f"UTF-8 in your editor and resubmit")
    with create_regular(target) as file:
        file.write(content)
    return None

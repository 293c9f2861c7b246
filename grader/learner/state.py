"""What the learner's commands remember between runs, in one folder beside ``exercises/``.

``.fromscratch/`` (or ``$FROMSCRATCH_STATE``) holds small JSON documents, one
per concern: ``progress.json`` (the last outcome of each public check),
``hints.json`` (how many hints of each chapter were shown), ``solutions.json``
(references shown, and whether ``--force`` was used) and ``backups/`` (what
``reset`` replaced). A missing or unreadable document reads as empty: the
state is a convenience, never a reason for a command to fail.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.components import REPO_ROOT


def state_dir() -> Path:
    return Path(os.environ.get("FROMSCRATCH_STATE") or REPO_ROOT / ".fromscratch")


def load(name: str) -> dict:
    """The document ``name`` (``progress``, ``hints``, ...), or ``{}`` if absent or unreadable."""
    try:
        data = json.loads((state_dir() / f"{name}.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(name: str, data: dict) -> None:
    """Replace the document ``name`` atomically (a reader never sees half of it)."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".json")
    with os.fdopen(handle, "w") as stream:
        json.dump(data, stream, indent=1, sort_keys=True)
    os.replace(temporary, folder / f"{name}.json")

"""How far the learner has got: the last outcome of every public check, per component.

Every pytest run against the learner's own room (``--impl exercises``, not
sandboxed) records its public checks here, whether it was started by
``fromscratch check``, ``fromscratch watch`` or a plain ``pytest -m softmax``:
the plugin's results recorder calls :func:`record_run` when the session ends.
Runs against ``solutions`` or a submission folder record nothing: they are not
the learner's progress.

The ``progress`` state document (see ``grader.learner.state``) holds, per component::

    {"when": "2025-05-01T10:00:00+02:00", "module_hash": "<sha256 of exercises/<c>.py at that run>",
     "checks": {"<nodeid>": {"outcome": "passed", "kind": null, "when": "..."}, ...}}

A run of a few checks (``pytest tests/public/test_x.py::test_one``) updates
those and keeps the others' last outcomes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from grader.components import BY_NAME, CURRICULUM, REPO_ROOT, component_named
from grader.learner import state

DOCUMENT = "progress"
LEARNER_ROOM = REPO_ROOT / "exercises"


@dataclass(frozen=True)
class Status:
    """One component's standing, from its last recorded checks."""

    state: str  # "not started", "failing" or "passing"
    passed: int  # checks that passed at their last run (skipped ones are not counted)
    total: int  # checks run at least once, skipped ones left out
    changed_since_run: bool  # the module's text differs from what the last run checked

    @property
    def state_label(self) -> str:
        """``passing``, ``failing (3/8)`` or ``not started``."""
        return f"failing ({self.passed}/{self.total})" if self.state == "failing" else self.state

    @property
    def label(self) -> str:
        """The state label, with ``changed since last run`` when it is."""
        return f"{self.state_label}, changed since last run" if self.changed_since_run else self.state_label


def module_hash(path: Path) -> str | None:
    """The SHA-256 of a module's bytes; None when the file is missing or unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def is_learner_room(folder: Path) -> bool:
    """Whether ``folder`` is the kit's own ``exercises/``, the room whose progress is kept."""
    return folder.resolve() == LEARNER_ROOM.resolve()


def snapshot(room: Path = LEARNER_ROOM) -> dict[str, str | None]:
    """Every component module's hash now: taken when a run starts, stored when it ends."""
    return {component.name: module_hash(room / f"{component.name}.py") for component in CURRICULUM}


def record_run(records: list[dict], hashes: dict[str, str | None]) -> None:
    """Merge a run's public-suite records (the plugin's ``--results-json`` records) into the progress."""
    public = [record for record in records if record.get("suite") == "public" and record.get("component") in BY_NAME]
    if not public:
        return
    document = state.load(DOCUMENT)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    for name in dict.fromkeys(record["component"] for record in public):
        entry = document.get(name) if isinstance(document.get(name), dict) else {}
        checks = entry.get("checks") if isinstance(entry.get("checks"), dict) else {}
        for record in public:
            if record["component"] == name:
                checks[record["nodeid"]] = {"outcome": record["outcome"], "kind": record.get("kind"), "when": now}
        document[name] = {"when": now, "module_hash": hashes.get(name), "checks": checks}
    state.save(DOCUMENT, document)


def component_status(component: str) -> Status:
    """The standing of ``component`` in the learner's room (ValueError for an unknown name)."""
    component_named(component)
    entry = state.load(DOCUMENT).get(component)
    checks = entry.get("checks") if isinstance(entry, dict) else None
    if not isinstance(checks, dict):
        return Status("not started", 0, 0, False)
    counted = [check for check in checks.values() if isinstance(check, dict) and check.get("outcome") != "skipped"]
    passed = sum(check.get("outcome") == "passed" for check in counted)
    changed = entry.get("module_hash") != module_hash(LEARNER_ROOM / f"{component}.py")
    if not counted or all(check.get("kind") == "not_implemented" for check in counted):
        return Status("not started", 0, len(counted), changed)
    return Status("passing" if passed == len(counted) else "failing", passed, len(counted), changed)


def next_component() -> str | None:
    """The first component, in curriculum order, that is not passing; None when all are."""
    return next((component.name for component in CURRICULUM
                 if component_status(component.name).state != "passing"), None)

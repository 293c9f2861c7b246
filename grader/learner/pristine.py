"""The untouched stub of a component, wherever the kit was installed from.

In the kit's own checkout the stub is generated from ``solutions/`` (the
single source). The learner edition has no ``solutions/``: ``fromscratch
release`` writes each stub to ``grader/pristine/<component>.py`` instead.
"""

from __future__ import annotations

from grader import stubs
from grader.components import REPO_ROOT, component_named

PRISTINE_DIR = REPO_ROOT / "grader" / "pristine"


def pristine_stub(component: str) -> str:
    """The text ``exercises/<component>.py`` had before the learner touched it."""
    component_named(component)
    solution = REPO_ROOT / "solutions" / f"{component}.py"
    if solution.is_file():
        return stubs.make_stub(solution.read_text(), component, f"solutions/{component}.py")
    kept = PRISTINE_DIR / f"{component}.py"
    if kept.is_file():
        return kept.read_text()
    raise FileNotFoundError(f"no stub of {component} here: neither solutions/{component}.py nor "
                            f"grader/pristine/{component}.py exists (was this kit released incompletely?)")

"""`fromscratch check COMPONENT`: the public checks of one component, told one verdict per check.

First the module is read without importing it (``grader.learner.source_check``):
a syntax error or a signature that differs from the kit's is said once, with
its line, and nothing runs. Then the public suite runs in a fresh pytest
process (``grader.runner``) and ``grader.learner.verdict`` prints the verdicts
and explains the first failure. Exit status 0 when every check passes, 1 when
one does not, 2 for arguments it refuses.

A run against the learner's own room (``--impl exercises``) updates the
progress that ``fromscratch list`` shows, through the plugin, as a plain
``pytest`` run does. ``--impl PATH`` (someone's submission folder) records nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from grader.components import component_named


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "check", help="run one component's public checks: a verdict per check, the first failure explained",
        description="Run the public checks of COMPONENT against your exercises/: one line per check, "
                    "then the first failure explained (what was checked, expected against got, the likely "
                    "cause, the command that reproduces it). Exit 0 when every check passes.")
    command.add_argument("component", metavar="COMPONENT", help="e.g. activations; `fromscratch list` shows them all")
    command.add_argument("--impl", default="exercises", metavar="exercises|PATH",
                         help="exercises (default: your room), solutions, or a folder holding an exercises/ package")
    command.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    command.set_defaults(run=run)


def run_public_suite(component: str, impl: str = "exercises", *, seed: int = 0) -> list[dict]:
    """The records (the plugin's ``--results-json``) of ``tests/public/test_<component>.py`` against ``impl``.

    A folder given relative to the current one is made absolute: the suite runs from the kit's folder.
    """
    from grader.runner import run_suites

    component_named(component)
    if impl not in ("exercises", "solutions"):
        impl = str(Path(impl).expanduser().resolve())
    run = run_suites([f"tests/public/test_{component}.py"], impl=impl, seed=seed, profile="learner")
    if not run.records:
        raise RuntimeError(f"pytest reported no check of {component} (exit status {run.returncode}):\n{run.output}")
    return run.records


def run(args: argparse.Namespace) -> int:
    from grader.implementation import ImplementationError, resolve
    from grader.learner.source_check import problems
    from grader.learner.verdict import describe_problems, explain

    component = args.component
    try:
        component_named(component)
        implementation = resolve(args.impl)
    except (ValueError, ImplementationError) as error:
        print(f"fromscratch check: {error}", file=sys.stderr)
        return 2
    found = problems(component, implementation.folder / f"{component}.py")
    if found:
        print(describe_problems(component, found))
        return 1
    print(f"{component}: running its public checks against {args.impl}, seed {args.seed} ...", flush=True)
    started = time.perf_counter()
    try:
        records = run_public_suite(component, args.impl, seed=args.seed)
    except RuntimeError as error:
        print(f"fromscratch check: {error}", file=sys.stderr)
        return 1
    print(explain(component, records, elapsed=time.perf_counter() - started))
    return 0 if all(record["outcome"] in ("passed", "skipped") for record in records) else 1


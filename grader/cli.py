"""The ``fromscratch`` command line.

    fromscratch stubs [--check]          write exercises/ from solutions/ (or verify it)
    fromscratch selftest [--impl ...]    run the suites against an implementation, per-component table
    fromscratch mutants [COMPONENT]      run the hidden suites against the known-wrong implementations
    fromscratch train TASK [--impl ...]  train an implementation on real data: per-epoch lines, PNG plots
    fromscratch grade SUBMISSIONS --out REPORTS  grade a cohort with the hidden suites: reports, gradebook

The learner's commands (list, check, hint, watch, compare, solution, reset)
live in ``grader.learner``, the course builders (release, nbgrader,
gradescope) in ``grader.course``; each module adds its own subcommand through
``register(commands)`` and imports nothing heavy until it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence

from grader import stubs
from grader.components import CURRICULUM, REPO_ROOT, TRAINING_TASKS, component_named


def _stubs(args: argparse.Namespace) -> int:
    solutions, exercises = REPO_ROOT / "solutions", REPO_ROOT / "exercises"
    for name in args.components or []:
        component_named(name)
    try:
        if args.check:
            problems = stubs.stale_stubs(solutions, exercises, args.components)
            for problem in problems:
                print(problem)
            if problems:
                print("exercises/ is out of date: run `fromscratch stubs` and commit the result.")
                return 1
            print("exercises/ matches solutions/.")
            return 0
        changed = stubs.write_stubs(solutions, exercises, args.components)
    except stubs.MarkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(changed)} stub(s): {', '.join(changed)}" if changed else "exercises/ already up to date.")
    return 0


def _selftest(args: argparse.Namespace) -> int:
    from grader.runner import run_suites

    names = args.components or [c.name for c in CURRICULUM]
    for name in names:
        component_named(name)
    paths = [f"tests/{suite}/test_{name}.py" for suite in args.suites for name in names]
    print(f"running the {' and '.join(args.suites)} suites of {len(names)} component(s) "
          f"against {args.impl} (seed {args.seed}) ...", flush=True)
    started = time.perf_counter()
    run = run_suites(paths, impl=args.impl, seed=args.seed, profile=args.profile)
    elapsed = time.perf_counter() - started
    table = run.by_component()
    print(f"\n{'component':<14}{'passed':>8}{'failed':>8}{'errors':>8}{'skipped':>9}")
    for name in names:
        counts = table.get(name, {})
        print(f"{name:<14}{counts.get('passed', 0):>8}{counts.get('failed', 0):>8}"
              f"{counts.get('error', 0):>8}{counts.get('skipped', 0):>9}")
    totals = run.outcomes()
    print(f"\n{totals['passed']} passed, {totals['failed']} failed, {totals['error']} errors, "
          f"{totals['skipped']} skipped in {elapsed:.1f} s")
    if not run.records:
        print(run.output)
        return 1
    return 0 if totals["failed"] + totals["error"] == 0 else 1


def _mutants(args: argparse.Namespace) -> int:
    from grader.mutants import checks_no_mutant_fails, discover, run_mutants

    if args.component:
        component_named(args.component)
    found = discover(args.component)
    results = run_mutants(found)
    for mutant, result in zip(found, results):
        verdict = f"caught by {len(result.killed_by)} test(s)" if result.caught else "SURVIVED"
        print(f"{mutant.name:<42} {verdict:<22} {mutant.bug}", flush=True)
    caught = sum(result.caught for result in results)
    print(f"\n{caught} of {len(found)} mutants caught")
    idle = [nodeid for nodeids in checks_no_mutant_fails(results).values() for nodeid in nodeids]
    for nodeid in idle:
        print(f"no mutant fails {nodeid}")
    return 0 if caught == len(found) and not idle else 1


def _train(args: argparse.Namespace) -> int:
    from grader.datasets import DataError
    from grader.implementation import ComponentImportError, ImplementationError
    from grader.training_run import run

    try:
        run(args.task, impl=args.impl, data=args.data, epochs=args.epochs, seed=args.seed, out=args.out)
    except (DataError, ImplementationError, ComponentImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except NotImplementedError as error:
        print(f"error: not implemented yet: {error}", file=sys.stderr)
        return 1
    return 0


def _grade(args: argparse.Namespace) -> int:
    from grader.grading.collect import StagingError
    from grader.grading.pipeline import grade_cohort, make_plan
    from grader.grading.progress import ConsoleProgress

    plan = make_plan(args.submissions, args.out, components=args.components, rubric=args.rubric,
                     workers=args.workers, force=args.force, visibility=args.visibility)  # ValueError: exit 2
    progress = ConsoleProgress()
    try:
        outcomes = grade_cohort(plan, progress)
    except StagingError as error:
        print(f"error: {error}; free some space (or fix the permissions) and grade again", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: the learners already graded are kept; run the same command again to go on",
              file=sys.stderr)
        return 130
    progress.end(plan, outcomes)
    return 1 if any(outcome.status == "error" for outcome in outcomes) else 0


# Modules that add subcommands: the learner's first, then the course builders, then the kit's own below.
COMMAND_MODULES = (
    "grader.learner.listing",      # list
    "grader.learner.check",        # check
    "grader.learner.hints",        # hint
    "grader.learner.watch",        # watch
    "grader.learner.compare",      # compare
    "grader.learner.reference",    # solution
    "grader.learner.reset",        # reset
    "grader.course.release",       # release
    "grader.course.notebooks",     # nbgrader
    "grader.course.gradescope",    # gradescope
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fromscratch", description="Deep learning from scratch, test-driven.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands)

    command = commands.add_parser(
        "stubs", help="generate exercises/ from solutions/",
        description="Each `# BEGIN SOLUTION` ... `# END SOLUTION` region of solutions/<component>.py becomes a "
                    "`raise NotImplementedError` pointing to the chapter; everything else is copied verbatim.")
    command.add_argument("--check", action="store_true", help="exit 1 if exercises/ is not what would be generated")
    command.add_argument("--components", nargs="+", metavar="COMPONENT", help="only these components (default: all)")
    command.set_defaults(run=_stubs)

    command = commands.add_parser("selftest", help="run suites against an implementation, summarised per component",
                                  description="Prints passed / failed / errors / skipped per component; exit 1 "
                                              "if anything failed.")
    command.add_argument("--impl", default="solutions", help="exercises, solutions (default) or a submission folder")
    command.add_argument("--suites", nargs="+", default=["public"], choices=["public", "hidden"])
    command.add_argument("--components", nargs="+", metavar="COMPONENT", help="default: all, in curriculum order")
    command.add_argument("--seed", type=int, default=0)
    command.add_argument("--profile", default="ci", help="hypothesis profile: learner, ci or grading")
    command.set_defaults(run=_selftest)

    command = commands.add_parser("mutants", help="check the hidden suites catch the known-wrong implementations",
                                  description="Runs the hidden suites against every mutant in tests/kit/mutants/; "
                                              "exit 1 if one survives or a hidden test catches none.")
    command.add_argument("component", nargs="?", help="default: every component with mutants")
    command.set_defaults(run=_mutants)

    command = commands.add_parser(
        "train", help="train an implementation on real data, print per-epoch figures, write PNG plots",
        description="Trains the implementation's own `training` module (see docs/training.md): a progress bar "
                    "and one line per epoch.",
        epilog="It writes curves.png (loss and accuracy per epoch), confusion.png (true against predicted "
               "class), misclassified.png (mlp, cnn: wrongly classified digits) or decision_boundary.png (xor, "
               "moons); charlm writes curves.png (training and validation loss) and samples.txt (text "
               "generated at temperature 0.8, also printed). Exit status 2 when the data or the "
               "implementation cannot be loaded, 1 when a function is not implemented yet.")
    command.add_argument("task", choices=TRAINING_TASKS, help="xor, moons (toy 2-D sets), mlp or cnn (MNIST), charlm "
                                                     "(Tiny Shakespeare)")
    command.add_argument("--impl", default="exercises", help="exercises (default), solutions or a submission folder")
    command.add_argument("--data", default=None, metavar="DIR",
                         help="the data folder (default: $FROMSCRATCH_DATA, else ../shared/datasets)")
    command.add_argument("--epochs", type=int, default=None, metavar="N",
                         help="epochs (default per task: xor 150, moons 30, mlp 10, cnn 2, charlm 1)")
    command.add_argument("--seed", type=int, default=0, help="seed of the initialisation and the shuffling")
    command.add_argument("--out", default=None, metavar="DIR", help="where the plots go (default: runs/<task>/)")
    command.set_defaults(run=_train)

    command = commands.add_parser(
        "grade", help="grade every submission of a folder with the hidden suites: a report per learner, "
                      "gradebook.csv, summary.html",
        description="Learner code runs sandboxed (docs/reference.md, the sandbox); runs are parallel and "
                    "resumable, and a regrade gives the same scores (see docs/instructor.md, grading a cohort).",
        epilog="Exit status 2 for arguments it refuses (with what to do), 1 when grading a learner failed for "
               "a reason of the grader's own (the next run retries that learner), 0 otherwise, refused "
               "submissions included.")
    command.add_argument("submissions", metavar="SUBMISSIONS_DIR",
                         help="one folder, .zip or .tar.gz per learner (read, never written)")
    command.add_argument("--out", required=True, metavar="REPORTS_DIR", help="where the reports go")
    command.add_argument("--workers", type=int, default=None, metavar="N",
                         help="learners graded at once (default: one per core)")
    command.add_argument("--rubric", default=None, metavar="FILE", help="a rubric TOML (default: the built-in one)")
    command.add_argument("--components", nargs="+", metavar="COMPONENT", help="default: all, in curriculum order")
    command.add_argument("--force", action="store_true", help="grade again learners whose reports are up to date")
    command.add_argument("--visibility", default="visible", choices=["visible", "after_due_date"],
                         help="when Gradescope shows results.json to the learner (default: visible)")
    command.set_defaults(run=_grade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

"""`fromscratch watch`: the current component's public checks again, on every save.

The watcher is the warm parent of ``grader.learner.warm``: it imports NumPy,
torch (never touching CUDA), pytest, hypothesis and the kit's plugin once,
then polls the room's ``exercises/*.py`` every tenth of a second. Saving
``exercises/<c>.py`` makes ``<c>`` the current component and runs
``tests/public/test_<c>.py`` in a fork of the watcher, so the learner's module
is imported afresh every time and a crash in it (a segfault, ``os._exit``)
ends only that run; the verdict is ``grader.learner.verdict``'s, as for
``fromscratch check``. A save during a run abandons it and starts again, so
an endless loop costs one more save. Saving any other file of the room runs
the current component again. Ctrl-C stops the watcher (exit 0).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from grader.components import BY_NAME, component_named

if TYPE_CHECKING:
    from grader.learner.warm import Finished, Run

POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.02  # a save is over when the room has not changed for this long
SLOW_RUN_SECONDS = 10.0  # after this long a run says which test it is in
CLEAR_SCREEN = "\033[H\033[2J"
WIDTH = 80
PROGRESS_LINE = re.compile(r"[.FEsxX]*\s*(\[\s*\d+%\])?")


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "watch", help="run a component's public checks again every time you save a file of exercises/",
        description="Watch exercises/: on every save of exercises/<component>.py, run that component's "
                    "public checks (in well under a second: the interpreter and torch stay warm) and print "
                    "the verdict, as `fromscratch check` does. Ctrl-C stops.")
    command.add_argument("component", metavar="COMPONENT", nargs="?",
                         help="the component to check first (default: the first one not passing yet, "
                              "as `fromscratch list` says)")
    command.add_argument("--impl", default="exercises", metavar="exercises|PATH",
                         help="the room to watch: exercises (default: yours), solutions, or a folder holding "
                              "an exercises/ package")
    command.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    command.add_argument("--runs", type=int, default=None, metavar="N",
                         help="stop after N runs (for scripts and tests; default: watch until Ctrl-C)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.implementation import ImplementationError, resolve

    try:
        implementation = resolve(args.impl)
        if args.component is not None:
            component_named(args.component)
    except (ValueError, ImplementationError) as error:
        print(f"fromscratch watch: {error}", file=sys.stderr)
        return 2
    if args.runs is not None and args.runs < 1:
        print(f"fromscratch watch: --runs {args.runs}: give a number of runs of at least 1, "
              "or leave --runs out to watch until Ctrl-C", file=sys.stderr)
        return 2
    print(f"fromscratch watch: warming up (NumPy, torch, pytest) to watch {shown(implementation.folder)}/ ...",
          flush=True)
    try:
        watcher = Watcher(implementation.folder, implementation.package, impl=args.impl, seed=args.seed)
        watcher.watch(args.component or first_component(implementation.folder), runs=args.runs)
    except KeyboardInterrupt:
        print("\nfromscratch watch: stopped.", flush=True)
    # The warm parent's heap (torch, and triton once a Part 2 suite pulled it in) is frozen and large:
    # tearing it down only costs time, and extension modules print leak warnings while it happens.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def shown(folder: Path) -> str:
    """The folder as the learner would type it (relative to the current one when inside it)."""
    from grader.learner.source_check import display_path

    return display_path(folder)


def first_component(room: Path) -> str:
    """The first component not passing yet; when all pass, the component saved last."""
    from grader.learner.progress import next_component

    following = next_component()
    if following is not None:
        return following
    saved = [path for path in room.glob("*.py") if path.stem in BY_NAME]
    return max(saved, key=lambda path: path.stat().st_mtime).stem if saved else next(iter(BY_NAME))


def snapshot(room: Path) -> dict[Path, tuple[int, int]]:
    """(modification time, size) of every module of the room: what a save changes."""
    found = {}
    for path in room.glob("*.py"):
        try:
            status = path.stat()
        except OSError:  # removed between the listing and the stat
            continue
        found[path] = (status.st_mtime_ns, status.st_size)
    return found


def settled(room: Path, now: dict[Path, tuple[int, int]]) -> dict[Path, tuple[int, int]]:
    """The room's snapshot once a save has finished: editors truncate, then write, sometimes in pieces."""
    while True:
        time.sleep(SETTLE_SECONDS)
        again = snapshot(room)
        if again == now:
            return now
        now = again


def saved_since(before: dict[Path, tuple[int, int]], now: dict[Path, tuple[int, int]]) -> list[Path]:
    """The modules written or created since ``before``, the one saved last at the end."""
    changed = [path for path, stamp in now.items() if before.get(path) != stamp]
    return sorted(changed, key=lambda path: now[path])


class Watcher:
    """The warm parent, the room it watches, and one run at a time."""

    def __init__(self, room: Path, package: str, *, impl: str, seed: int):
        from grader.learner.warm import WarmParent

        self.room, self.package, self.impl, self.seed = room, package, impl, seed
        self.parent = WarmParent()
        self.scratch = Path(tempfile.mkdtemp(prefix="fromscratch-watch-"))
        self.interactive = sys.stdout.isatty()
        self.completed = 0

    def watch(self, component: str, *, runs: int | None) -> None:
        """Run ``component`` now, then again after every save, until ``runs`` runs have completed."""
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        stamps, reason = snapshot(self.room), "first run"
        try:
            while True:
                component, stamps, reason = self._run_until_done(component, stamps, reason)
                self.completed += 1
                if runs is not None and self.completed >= runs:
                    return
                print(f"\nwatching {shown(self.room)}/ for saves (Ctrl-C to stop) ...", flush=True)
                component, stamps, reason = self._wait_for_save(component, stamps)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _wait_for_save(self, component: str, stamps: dict) -> tuple[str, dict, str]:
        while True:
            time.sleep(POLL_SECONDS)
            changed, stamps = self._saves(stamps)
            if changed:
                return self._component_after(changed, component), stamps, f"{changed[-1].name} saved"

    def _saves(self, stamps: dict) -> tuple[list[Path], dict]:
        """The modules saved since ``stamps`` (once a save under way has finished), and the room's stamps now."""
        now = snapshot(self.room)
        if saved_since(stamps, now):
            now = settled(self.room, now)
        return saved_since(stamps, now), now

    def _component_after(self, changed: list[Path], component: str) -> str:
        saved = [path.stem for path in changed if path.stem in BY_NAME]
        return saved[-1] if saved else component

    def _run_until_done(self, component: str, stamps: dict, reason: str) -> tuple[str, dict, str]:
        """One run of ``component``; a save before it ends starts it again, for the component saved."""
        while True:
            self._clear()
            print(f"{component}: {reason} at {datetime.now():%H:%M:%S}, running the public checks "
                  f"(run {self.completed + 1}) ...", flush=True)
            if self._report_problems(component):
                return component, stamps, reason
            run = self.parent.start([f"tests/public/test_{component}.py"], impl=self.impl, seed=self.seed,
                                    scratch=self.scratch)
            try:
                changed, stamps = self._wait_for_run(run, stamps)
            finally:
                run.stop()
            if not changed:
                self._report(component, run.wait())
                self.parent.learn(run, self.package)
                return component, stamps, reason
            component, reason = self._component_after(changed, component), f"{changed[-1].name} saved again"

    def _wait_for_run(self, run: Run, stamps: dict) -> tuple[list[Path], dict]:
        """Wait for ``run`` to end; returns early with what was saved if something was."""
        slow_said = False
        while not run.done():
            time.sleep(POLL_SECONDS / 4)
            changed, stamps = self._saves(stamps)
            if changed:
                return changed, stamps
            if not slow_said and time.perf_counter() - run.started > SLOW_RUN_SECONDS:
                slow_said = True
                print(f"still running {run.running_test() or 'the checks'} after {SLOW_RUN_SECONDS:.0f} s; "
                      "save a file to start again, Ctrl-C to stop.", flush=True)
        return [], stamps

    def _report_problems(self, component: str) -> bool:
        """Print what stops the module from being checked at all (``source_check``); True if anything does."""
        from grader.learner.source_check import problems
        from grader.learner.verdict import describe_problems

        found = problems(component, self.room / f"{component}.py")
        if found:
            print(describe_problems(component, found), flush=True)
        return bool(found)

    def _report(self, component: str, finished: Finished) -> None:
        from grader.learner.verdict import explain

        if finished.died:
            print(died_message(component, self.room, finished), flush=True)
        elif not finished.records:
            print(f"{component}: pytest ran no check (exit status {finished.exit_status}); what it said:\n"
                  f"{_tail(finished.output)}", flush=True)
        else:
            print(explain(component, finished.records, elapsed=finished.seconds, again="save the file"), flush=True)

    def _clear(self) -> None:
        if self.interactive:
            print(CLEAR_SCREEN, end="")
        elif self.completed:
            print("\n" + "-" * WIDTH)


def died_message(component: str, room: Path, finished: Finished) -> str:
    """Why a run gave no verdict: the process running the checks ended, inside the learner's code."""
    during = f" during {finished.running_test}" if finished.running_test else ""
    lines = [_fill(f"{component}: the process running the checks {_ending(finished)}{during}, before it could "
                   "report.")]
    frames = learner_frames(finished.output, room)
    if frames:
        lines += ["Where your code was when it happened (most recent call first):", *(f"  {f}" for f in frames)]
    lines.append(_fill(f"Code in {room.name}/{component}.py ended the process: os._exit(), a crash in a C call "
                       "(ctypes, a NumPy array over freed memory), or running out of memory. A check's "
                       "functions must return or raise, never end the process. Fix it and save: the watcher "
                       "is still running."))
    printed = _tail(finished.output)
    if printed and not frames:
        lines += ["What the run printed last:", printed]
    return "\n".join(lines)


def _fill(text: str) -> str:
    """``text`` wrapped to the terminal's width, never inside a path or a test's id."""
    return textwrap.fill(text, WIDTH, break_long_words=False, break_on_hyphens=False)


def _ending(finished: Finished) -> str:
    if finished.signal_number is not None:
        name = signal.Signals(finished.signal_number).name
        return f"was killed by {name} ({signal.strsignal(finished.signal_number)})"
    return f"exited with status {finished.exit_status}"


def learner_frames(output: str, room: Path) -> list[str]:
    """``file:line in function`` for the faulthandler frames (``File "...", line N in f``) in the room."""
    folder = str(room.resolve())
    found = []
    for match in re.finditer(r'File "([^"]+)", line (\d+) in (\S+)', output):
        path, line, function = match.groups()
        if str(Path(path).resolve()).startswith(folder):
            found.append(f"{room.name}/{Path(path).name}:{line} in {function}")
    return found


def _tail(text: str, lines: int = 20) -> str:
    """The last lines of a run's output, without pytest's progress lines (``..F.   [ 50%]``)."""
    kept = [line for line in text.rstrip().splitlines() if not PROGRESS_LINE.fullmatch(line.strip())]
    return "\n".join(kept[-lines:])


def _stop_on_sigterm(number: int, frame) -> None:
    raise KeyboardInterrupt

"""A warm parent for repeated pytest runs: the imports done once, each run a fork of it.

``fromscratch watch`` runs one component's public suite again on every save.
A fresh interpreter pays about two seconds for torch alone; a fork of a
process that has imported everything pays nothing for it, and still imports
the learner's module afresh (a fork's imports never reach its parent), while a
crash in it (``os._exit``, a segfault) ends only the fork. What a forked run
still paid, measured on the 2-core kit machine for activations, softmax and
linear (about 1.6 s a run at first), and what is done about it here:

- pytest's ``gc.collect()`` calls at exit walked the parent's whole heap
  (torch's million objects, 0.37 s): the parent freezes its heap
  (``gc.freeze``) before forking, so a collection sees only the run's objects;
- pytest's plugins from other packages' entry points are not loaded (anyio
  and platformdirs cost 0.5 s with their assertion rewriting, and every
  scan of the installed packages' metadata tens of milliseconds); the one
  the suites need, hypothesis's, is handed to ``pytest.main`` directly;
- what the first run imports lazily (the first autograd backward pulls in
  sympy, 0.7 s; ``numpy.random``; pytest's own plugins; ``torch._dynamo`` for
  some Part 2 suites) the parent imports after that run, so only the first
  run of a kind pays for it.

What remains (about 0.3 s) is pytest's configuration and collection, the
tests themselves, and the fresh interpreter ``grader.forbidden`` starts to see
what a Part 1 module loads on import. See bench/learner_latency.py.

A small plugin in each fork (:class:`Witness`) tells the parent, through
files in the run's scratch folder, which test was running when the fork died
and which modules the run imported.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.components import REPO_ROOT
from grader.runner import CHILD_ENVIRONMENT, PRELOAD, pytest_arguments

# What every public run needs beyond grader.runner.PRELOAD: the tests' helpers and oracles.
WATCH_PRELOAD = [*PRELOAD, "grader.checks", "grader.parity", "grader.torch_guard", "torch.nn.functional",
                 "torch.fx.experimental.symbolic_shapes", "numpy.random", "_hypothesis_pytestplugin"]
RUNNING_FILE, IMPORTED_FILE, OUTPUT_FILE = "running.txt", "imported.txt", "output.txt"
# Never imported into the parent: the code under test and the suites, which each run imports afresh.
NEVER_WARMED = frozenset({"exercises", "solutions", "tests", "conftest", "__main__", "__mp_main__"})


@dataclass(frozen=True)
class Finished:
    """How a forked run ended. ``records`` is None when the fork died before writing them."""

    records: list[dict] | None
    exit_status: int | None  # the fork's exit status, None when a signal ended it
    signal_number: int | None
    output: str
    running_test: str | None  # the test under way when the fork ended, if it ended inside one
    seconds: float

    @property
    def died(self) -> bool:
        return self.records is None


class Run:
    """One forked pytest session; poll it with :meth:`done`, end it early with :meth:`stop`."""

    def __init__(self, pid: int, scratch: Path, results: Path):
        self.pid, self.scratch, self.results = pid, scratch, results
        self.started = time.perf_counter()
        self._status: int | None = None

    def done(self) -> bool:
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self._status = status
        return True

    def wait(self) -> Finished:
        if self._status is None:
            self._status = os.waitpid(self.pid, 0)[1]
        return self._finished()

    def stop(self) -> None:
        """Kill the fork and whatever it started (it leads a process group of its own)."""
        if self._status is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._status = os.waitpid(self.pid, 0)[1]

    def running_test(self) -> str | None:
        return _read(self.scratch / RUNNING_FILE) or None

    def imported_modules(self) -> list[str]:
        return _read(self.scratch / IMPORTED_FILE).split()

    def _finished(self) -> Finished:
        status = self._status
        try:
            records = json.loads(self.results.read_text())
        except (OSError, ValueError):  # never written, or cut short: the fork died first
            records = None
        return Finished(records, os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                        os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                        _read(self.scratch / OUTPUT_FILE), self.running_test(),
                        time.perf_counter() - self.started)


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


class WarmParent:
    """This process, made the warm parent: call once, before anything imports NumPy or torch.

    The thread settings of grader.runner's children are set first (torch and
    NumPy's BLAS read them on import, and a fork must not inherit a thread pool).
    """

    def __init__(self, preload: Iterable[str] = WATCH_PRELOAD):
        os.environ.update(CHILD_ENVIRONMENT)
        for name in preload:
            importlib.import_module(name)
        gc.freeze()

    def start(self, paths: list[str], *, impl: str, seed: int, scratch: Path) -> Run:
        """Fork a pytest session over ``paths``; its output, results and witness files go to ``scratch``."""
        for stale in (RUNNING_FILE, IMPORTED_FILE, OUTPUT_FILE, "results.json"):
            (scratch / stale).unlink(missing_ok=True)
        results = scratch / "results.json"
        arguments = pytest_arguments(paths, impl=impl, seed=seed, profile="learner", results=results)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the fork: it must never return into the watcher's code
            try:
                _run_pytest(arguments, scratch)
            except BaseException:  # noqa: BLE001 - the kit's own failure before pytest ran: say it, then go
                traceback.print_exc()
            finally:
                os._exit(70)
        try:  # the fork does it too; here as well, so that a stop right away finds the group
            os.setpgid(pid, pid)
        except ProcessLookupError:  # the fork has already ended
            pass
        return Run(pid, scratch, results)

    def learn(self, run: Run, learner_package: str) -> None:
        """Import here what ``run`` imported beyond this process, but the code under test and the suites."""
        for name in run.imported_modules():
            root = name.split(".")[0]
            if root in NEVER_WARMED or root == learner_package or root.startswith("test_") or name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - a module that fails here is merely not warm
                continue
        gc.freeze()


def _run_pytest(arguments: list[str], scratch: Path) -> None:
    """In the fork: pytest over ``arguments``, its output in the scratch folder, its exit status the fork's.

    First the fork is made a run: a process group of its own (the watcher
    kills the whole group), Ctrl-C left to the watcher, no core files, death
    with the watcher, stdin from /dev/null.
    """
    import _hypothesis_pytestplugin
    import pytest

    from grader.sandbox.isolation import die_with_parent

    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    die_with_parent()
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.chdir(REPO_ROOT)
    output = os.open(scratch / OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for stream in (1, 2):  # stdout, stderr
        os.dup2(output, stream)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    code = pytest.main(arguments, plugins=[_hypothesis_pytestplugin, Witness(scratch)])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


class Witness:
    """A pytest plugin in the fork: the test under way, and at the end what the run imported, in files."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.modules_before = frozenset(sys.modules)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        (self.scratch / RUNNING_FILE).write_text(nodeid)

    def pytest_runtest_logfinish(self) -> None:
        (self.scratch / RUNNING_FILE).write_text("")

    def pytest_unconfigure(self) -> None:
        (self.scratch / IMPORTED_FILE).write_text("\n".join(sorted(set(sys.modules) - self.modules_before)))

"""The pytest plugin: which implementation is under test, seeds, markers, results.

Loaded with ``-p grader.plugin`` (the kit's ``pyproject.toml`` adds it). It adds

- ``--impl {exercises,solutions,PATH}``: the implementation under test;
- ``--seed N``: the seed behind every random input (printed in the header);
- ``--results-json FILE``: one record per test, for the kit's own tools;
- the learner's progress: a run against the learner's own room (``--impl
  exercises``, not sandboxed) records its public checks in the ``progress``
  state document (``grader.learner.progress``), read by ``fromscratch list``;
- a fixture per component (``def test_x(softmax): softmax.softmax_forward(...)``);
- a marker per component, applied from the file name ``test_<component>.py``
  under ``public/`` or ``hidden/``, so ``pytest -m softmax`` runs one component;
- ``rng``: a NumPy Generator seeded from ``--seed`` and the test's id;
- ``device`` (Part 2): ``cpu``, and ``cuda`` marked ``cuda`` and skipped with the
  reason when no GPU is present; TF32 is off for the run;
- around every test of a Part 2 component, the guard of ``grader.torch_guard``:
  learner code that reaches a forbidden torch call fails the test, naming it.

Test processes run torch and NumPy's BLAS on one thread (unless OMP_NUM_THREADS says otherwise):
the suites use tiny tensors, for which a thread pool costs far more than it
gives, and the kit runs several pytest processes side by side.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shlex
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from grader.checks import CheckFailure
from grader.components import BY_NAME, CURRICULUM
from grader.devices import DEVICES, NO_GPU_REASON
from grader.profiles import DEFAULT_PROFILE, PROFILE_ENV, setup_hypothesis
from grader.forbidden import assert_numpy_only
from grader.implementation import ComponentImportError, ImplementationError, resolve

SUITES = ("public", "hidden")
_IMPL_KEY = pytest.StashKey[object]()
_SANDBOX_KEY = pytest.StashKey[object]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fromscratch")
    group.addoption("--impl", default="exercises", metavar="exercises|solutions|PATH",
                    help="implementation under test: the learner's exercises (default), the "
                         "reference solutions, or a folder holding an exercises/ package")
    group.addoption("--seed", type=int, default=None,
                    help="seed for every random input; printed in the header to reproduce a run")
    group.addoption("--results-json", default=None, metavar="FILE",
                    help="write one JSON record per test (nodeid, component, outcome) to FILE")
    group.addoption("--sandbox", action="store_true",
                    help="run the implementation's code in sandboxed worker processes, the tests' code here "
                         "(what `fromscratch grade` does)")
    group.addoption("--sandbox-zygotes", default=None, metavar="DIR",
                    help="sockets of running sandbox zygotes (default: start them for this session)")
    group.addoption("--sandbox-limits", default=None, metavar="JSON",
                    help='limits per component, e.g. {"call_seconds": 30, "training": {"call_seconds": 300}}')
    group.addoption("--sandbox-hide", nargs="*", default=[], metavar="PATH",
                    help="more folders the learner's workers must not see")
    group.addoption("--sandbox-logs", default=None, metavar="DIR", help="where the workers' output goes")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if "OMP_NUM_THREADS" not in os.environ:
        os.environ["OMP_NUM_THREADS"] = "1"  # read by torch when the tests first import it
        _pin_numpy_threads(config)
    try:
        config.stash[_IMPL_KEY] = resolve(config.getoption("impl"))
    except ImplementationError as error:
        raise pytest.UsageError(str(error)) from None
    if config.getoption("seed") is None:
        config.option.seed = int.from_bytes(os.urandom(4), "little")
    _choose_hypothesis_profile(config)
    for component in CURRICULUM:
        config.addinivalue_line("markers", component.marker_help)
    config.addinivalue_line("markers", "cuda: needs a CUDA device; skipped with the reason when none is present")
    config.addinivalue_line("markers", "part2: every test of a Part 2 (torch) component, on every device")
    target = config.getoption("results_json")
    progress = _progress_baseline(config)
    if target or progress is not None:
        config.pluginmanager.register(ResultsRecorder(Path(target) if target else None, progress),
                                      "fromscratch-results")
    if config.getoption("sandbox"):
        _start_sandbox(config)


def _progress_baseline(config: pytest.Config) -> dict[str, str | None] | None:
    """For a run in the learner's own room, its modules' hashes now; None for any other run."""
    from grader.learner import progress

    impl = config.stash[_IMPL_KEY]
    if config.getoption("sandbox") or not progress.is_learner_room(impl.folder):
        return None
    return progress.snapshot(impl.folder)


def _start_sandbox(config: pytest.Config) -> None:
    from grader.sandbox.session import SandboxSession

    zygotes, logs = config.getoption("sandbox_zygotes"), config.getoption("sandbox_logs")
    impl = config.stash[_IMPL_KEY]
    session = SandboxSession(impl.folder, impl.package, zygotes=Path(zygotes) if zygotes else None,
                             limits=SandboxSession.limits_from_option(config.getoption("sandbox_limits")),
                             hide=config.getoption("sandbox_hide"), logs=Path(logs) if logs else None)
    config.stash[_SANDBOX_KEY] = session
    config.add_cleanup(session.close)


def _pin_numpy_threads(config: pytest.Config) -> None:
    """NumPy's BLAS read the thread count when numpy was imported, before this hook: limit it now."""
    from threadpoolctl import threadpool_limits

    config.add_cleanup(threadpool_limits(limits=1).restore_original_limits)


def _choose_hypothesis_profile(config: pytest.Config) -> None:
    """Have hypothesis load the kit's profile without importing it now (see grader.profiles)."""
    os.environ[PROFILE_ENV] = getattr(config.option, "hypothesis_profile", None) or DEFAULT_PROFILE
    if "hypothesis" in sys.modules or not _setup_hook_installed():  # the hook ran already, or never will
        setup_hypothesis()


def _setup_hook_installed() -> bool:
    return any(entry.value == "grader.profiles:setup_hypothesis"
               for entry in importlib.metadata.entry_points(group="hypothesis"))


def _settle_hypothesis(config: pytest.Config) -> None:
    """After collection: seed hypothesis from ``--seed`` if a test uses it, else drop its plugin.

    The seed is what ``--hypothesis-seed`` would set. Hypothesis's pytest plugin
    imports hypothesis (about 0.9 s) in its terminal summary even when no test
    used it, as in every public-suite run; with no hypothesis test collected it
    has nothing to report, so it is unregistered.
    """
    if "hypothesis" not in sys.modules:
        if (plugin := config.pluginmanager.get_plugin("hypothesispytest")) is not None:
            config.pluginmanager.unregister(plugin)
    elif getattr(config.option, "hypothesis_seed", None) is None:
        from hypothesis import core

        core.global_force_seed = config.getoption("seed")


def pytest_report_header(config: pytest.Config) -> list[str]:
    impl = config.stash[_IMPL_KEY]
    return [
        f"fromscratch: implementation under test: {impl.describe()}",
        f"fromscratch: seed {config.getoption('seed')} (reproduce with --seed {config.getoption('seed')}), "
        f"hypothesis profile {os.environ[PROFILE_ENV]!r}",
    ]


def component_of(path: Path) -> str | None:
    """The component a test file belongs to: ``<suite>/test_<component>.py``."""
    if path.parent.name not in SUITES or not path.name.startswith("test_"):
        return None
    return path.stem[len("test_"):]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _settle_hypothesis(config)
    for item in items:
        name = component_of(item.path)
        if name is None:
            continue
        if name not in BY_NAME:
            raise pytest.UsageError(
                f"{item.path}: no component named {name!r} in grader/components.py; "
                "rename the file test_<component>.py or add the component to the curriculum"
            )
        item.add_marker(getattr(pytest.mark, name))
        if not BY_NAME[name].numpy_only:
            item.add_marker(pytest.mark.part2)


def _component_fixture(name: str):
    @pytest.fixture(scope="session", name=name)
    def load(request: pytest.FixtureRequest):
        """Import the module once; a module that cannot be used fails every test of its component."""
        sandbox = request.config.stash.get(_SANDBOX_KEY, None)
        if sandbox is not None:
            return _load_sandboxed(sandbox, name)
        try:
            module = request.config.stash[_IMPL_KEY].load(name)
            if BY_NAME[name].numpy_only:
                assert_numpy_only(module, name)
            else:
                from grader.torch_guard import assert_source_allowed

                assert_source_allowed(module, BY_NAME[name])
        except ComponentImportError as error:
            raise ComponentUnavailable(str(error), "import") from None
        except CheckFailure as error:
            raise ComponentUnavailable(str(error), "forbidden") from None
        return module

    load.__doc__ = f"The {name} module of the implementation under test."
    return load


for _component in CURRICULUM:
    globals()[f"component_{_component.name}"] = _component_fixture(_component.name)


class ComponentUnavailable(pytest.fail.Exception):
    """The component's module cannot be used; ``grading_kind`` says why (import, forbidden, crash, timeout)."""

    def __init__(self, message: str, kind: str):
        super().__init__(message, pytrace=False)
        self.grading_kind = kind


def _load_sandboxed(sandbox, name: str):
    try:
        return sandbox.load(name)
    except ComponentImportError as error:
        raise ComponentUnavailable(str(error), "import") from None
    except CheckFailure as error:
        kind = getattr(error, "grading_kind", "forbidden")
        raise ComponentUnavailable(f"importing exercises/{name}.py: {error}" if kind in ("crash", "timeout")
                                   else str(error), "import" if kind in ("crash", "timeout") else kind) from None
    except Exception as error:  # noqa: BLE001 - the learner's import raised: say where
        where = getattr(error, "learner_traceback", None) or [f"exercises/{name}.py"]
        text = getattr(error, "learner_text", str(error))
        raise ComponentUnavailable(f"{where[-1]}: importing {name}.py raised {type(error).__name__}: {text}\n"
                                   "Code at module level runs on import; keep work inside the functions.",
                                   "import") from None


@pytest.fixture(autouse=True)
def _sandbox_reset(request: pytest.FixtureRequest):
    """With --sandbox: after each test, the workers forget its objects (the modules stay imported)."""
    yield
    sandbox = request.config.stash.get(_SANDBOX_KEY, None)
    if sandbox is not None:
        sandbox.reset()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "device" in metafunc.fixturenames:
        metafunc.parametrize("device", [_device_param(name) for name in DEVICES], indirect=True, scope="session")


def _device_param(name: str):
    if name == "cpu":
        return pytest.param(name, id=name)
    from grader.devices import cuda_device_name

    skip = pytest.mark.skipif(cuda_device_name() is None, reason=NO_GPU_REASON)
    return pytest.param(name, id=name, marks=[pytest.mark.cuda, skip])


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> str:
    """The device a Part 2 test runs on: ``cpu``, or ``cuda`` when present (TF32 off)."""
    from grader.devices import disable_tf32

    disable_tf32()
    return request.param


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    if not any("device" in getattr(item, "fixturenames", ()) for item in items):
        return []
    from grader.devices import cuda_device_name

    gpu = cuda_device_name()
    devices = f"cpu and cuda ({gpu})" if gpu else f"cpu only; cuda tests skip ({NO_GPU_REASON})"
    return [f"fromscratch: devices: {devices}; TF32 off for parity checks"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Run a Part 2 test under its component's guard; a swallowed violation still fails it."""
    name = component_of(item.path)
    component = BY_NAME.get(name) if name else None
    if component is None or component.numpy_only or _SANDBOX_KEY in item.config.stash:
        return (yield)  # with --sandbox the guard runs in the learner's worker
    from grader.torch_guard import TorchGuard

    guard = TorchGuard(component, item.config.stash[_IMPL_KEY].folder)
    with guard:
        result = yield
    if guard.violations:
        raise guard.violations[0]
    return result


@pytest.fixture
def seed(request: pytest.FixtureRequest) -> int:
    """This test's seed: derived from ``--seed`` and the test id, so order does not matter."""
    return zlib.crc32(request.node.nodeid.encode()) ^ request.config.getoption("seed")


@pytest.fixture
def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _failure_properties(item: pytest.Item, excinfo: pytest.ExceptionInfo) -> list[tuple[str, str | None]]:
    """Why a check failed, as the grader's reports classify it (see docs/instructor.md), and how to rerun it."""
    error = excinfo.value
    kind = getattr(error, "grading_kind", None)
    if kind is None:
        if isinstance(error, NotImplementedError):
            kind = "not_implemented"
        elif isinstance(error, AssertionError):
            kind = "check"
        else:
            kind = "exception"
    properties = [("kind", kind), ("quantity", getattr(error, "quantity", None)), ("cause", getattr(error, "cause", None)),
                  ("reproduce", _reproduce_command(item))]
    if kind == "exception":
        properties.append(("where", _learner_frame(item, excinfo)))
    if isinstance(error, ComponentUnavailable):
        properties.append(("message", str(error)))
    return properties


def _learner_frame(item: pytest.Item, excinfo: pytest.ExceptionInfo) -> str | None:
    """``FILE:LINE in FUNCTION``: the innermost frame of the implementation's code, where it raised."""
    folder = item.config.stash[_IMPL_KEY].folder.resolve()
    for entry in reversed(excinfo.traceback):
        path = Path(entry.path)
        if path.parent.resolve() == folder:
            return f"{path}:{entry.lineno + 1} in {entry.name}"
    return None


def _reproduce_command(item: pytest.Item) -> str:
    config = item.config
    return (f"pytest {shlex.quote(item.nodeid)} --impl {shlex.quote(config.getoption('impl'))} "
            f"--seed {config.getoption('seed')}")


def _not_implemented_message(excinfo: pytest.ExceptionInfo) -> str | None:
    """The stub's pointer, when the failure is an exercise not written yet."""
    if not excinfo.errisinstance(NotImplementedError):
        return None
    return f"not implemented yet: {excinfo.value}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or component_of(item.path) is None:
        return
    if call.excinfo is not None:
        report.user_properties.extend(_failure_properties(item, call.excinfo))
    if call.excinfo is not None and (message := _not_implemented_message(call.excinfo)):
        report.longrepr = message
    report.sections.append(("fromscratch", f"reproduce: {_reproduce_command(item)}"))


class ResultsRecorder:
    """Keeps one record per test; when the session ends, writes them to ``--results-json``
    and, for a run in the learner's room, into the learner's progress.

    A test's outcome is the worst of its phases: an error in setup or teardown
    makes it an ``error`` even when its call passed. ``progress`` holds the
    room's module hashes from the start of the run (see ``grader.learner.progress``).
    """

    SEVERITY = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}

    def __init__(self, target: Path | None, progress: dict[str, str | None] | None = None):
        self.target = target
        self.progress = progress
        self.records: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and report.passed:
            return
        outcome = report.outcome if report.when == "call" or report.skipped else "error"
        previous = self.records.get(report.nodeid)
        if previous and self.SEVERITY[previous["outcome"]] >= self.SEVERITY[outcome]:
            return
        path = Path(report.fspath)
        properties = dict(report.user_properties)
        self.records[report.nodeid] = {
            "nodeid": report.nodeid,
            "component": component_of(path),
            "test": report.nodeid.split("::")[-1].split("[")[0],
            "suite": path.parent.name,
            "outcome": outcome,
            "kind": None if report.passed or report.skipped else properties.get("kind", "exception"),
            "quantity": properties.get("quantity"),
            "cause": properties.get("cause"),
            "skip_reason": _skip_reason(report) if report.skipped else None,
            "duration": round(report.duration, 4),
            "message": "" if report.passed else properties.get("message") or _failure_message(report),
            "where": properties.get("where"),
            "reproduce": properties.get("reproduce"),
        }

    def pytest_sessionfinish(self) -> None:
        if self.target is not None:
            self.target.write_text(json.dumps(list(self.records.values()), indent=1))
        if self.progress is not None:
            from grader.learner.progress import record_run

            try:
                record_run(list(self.records.values()), self.progress)
            except OSError as error:  # the progress is a convenience: never fail a run for it
                sys.stderr.write(f"fromscratch: could not record your progress ({error}); the results stand\n")


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


def _failure_message(report: pytest.TestReport, limit: int = 2000) -> str:
    """What failed, without the traceback: the exception's own text when pytest kept it."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text[:limit]

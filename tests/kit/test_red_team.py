"""Red team: hostile and broken submissions, each graded through collect -> sanitize -> run -> score.

Every case must get an exact score, and an honest learner graded by the same Judge right after it must
still get full marks (nothing leaks from one learner to the next). The learner files of a case are text
fixtures in ``tests/kit/red_team/<case>/``, each name with ``.txt`` added so that neither pytest nor a
linter ever takes them for the kit's code: ``exercises/gradcheck.py.txt`` is appended to the case's base
module (the reference from ``solutions/``, the stub from ``exercises/``, or nothing), every other file is
placed at its path in the submission, and ``@PORT@``, ``@VICTIM_TMP@``, ``@VICTIM_VAR@`` are filled in
here. Archives are built in tmp_path.

One Judge grades every case on the ``gradcheck`` component (its hidden suite takes ~1.5 s on the
reference), two learners at a time. Expected scores follow from the rubric and from which hidden test
functions reach the function a case sabotages (read from the suite's and the reference's source), never
from a run. Cases that rely on an isolation feature this machine lacks skip with the reason; the holes
found by this catalog (inherited descriptors, shared scratch folders, a message size announced to make the
grader reserve memory) are fixed and kept here as plain cases.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import socket
import tarfile
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pytest

from grader.components import REPO_ROOT
from grader.grading import collect, report, rubric, run, sanitize, score
from grader.runner import run_suites
from grader.sandbox.isolation import Limits
from grader.sandbox.zygote import FIRST_UID

COMPONENT = "gradcheck"
FIXTURES = Path(__file__).parent / "red_team"
MUTANTS = Path(__file__).parent / "mutants" / COMPONENT
RUBRIC = "[limits]\ncall_seconds = 3\ncomponent_seconds = 10\nmemory_mib = 512\n"
UID, NETWORK = "separate user id and process limit", "network namespace (no network)"
MOUNTS = "mount namespace (hidden suites, solutions, other learners invisible)"


# -- which hidden tests a sabotaged function costs, read from the sources -----------------------------------

def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)}


HIDDEN = {name: node for name, node in _functions(REPO_ROOT / "tests" / "hidden" / f"test_{COMPONENT}.py").items()
          if name.startswith("test_")}
REFERENCE = _functions(REPO_ROOT / "solutions" / f"{COMPONENT}.py")
ALL = frozenset(HIDDEN)


def function_of(nodeid: str) -> str:
    return nodeid.split("::")[-1].split("[")[0]


def calling(function: str) -> frozenset[str]:
    """The hidden tests that call ``function`` of the learner's module themselves."""
    return frozenset(test for test, node in HIDDEN.items() if any(
        isinstance(part, ast.Attribute) and part.attr == function and isinstance(part.value, ast.Name)
        and part.value.id == COMPONENT for part in ast.walk(node)))


def reaching(function: str) -> frozenset[str]:
    """The hidden tests that run ``function``: they call it, or call a reference function that calls it."""
    callers, todo = {function}, [function]
    while todo:
        callee = todo.pop()
        for name, node in REFERENCE.items():
            if name not in callers and any(isinstance(part, ast.Name) and part.id == callee for part in ast.walk(node)):
                callers.add(name)
                todo.append(name)
    return frozenset().union(*(calling(name) for name in callers))


def reading(key: str) -> frozenset[str]:
    """The hidden tests that look up ``key`` in a result (``report["numerical"]``)."""
    return frozenset(test for test, node in HIDDEN.items() if any(
        isinstance(part, ast.Subscript) and isinstance(part.slice, ast.Constant) and part.slice.value == key
        for part in ast.walk(node)))


def mentioning(word: str) -> frozenset[str]:
    return frozenset(test for test, node in HIDDEN.items() if word in ast.unparse(node))


NUMERICAL, REL_ERROR, CHECK = (reaching(name) for name in ("numerical_gradient", "rel_error", "gradient_check"))


@dataclass(frozen=True)
class Case:
    name: str                             # the learner id, and the folder of its fixtures
    attack: str
    fails: frozenset[str] = frozenset()   # hidden test functions that must fail, every case of them
    base: str | None = "solutions"        # what exercises/gradcheck.py starts from: solutions/, exercises/ (stubs)
    needs: tuple[str, ...] = ()           # isolation features the case relies on
    pack: str = "folder"                  # how it is handed in: folder, zip_slip, symlink_tar (refused)
    plant: tuple[str, ...] = ()           # cases whose other files are planted in the clean folder, past sanitize
    mutant: str | None = None             # tests/kit/mutants/gradcheck/<mutant>.py appended to the reference
    report_says: tuple[str, ...] = ()     # what the learner's report must say
    gradings: int = 1

    @property
    def refused(self) -> bool:
        return self.pack != "folder"


STUB = "exercises"
SANITIZED_AWAY = ("conftest_in_exercises", "conftest_at_root", "pytest_ini_addopts", "setup_cfg_addopts",
                  "pyproject_addopts", "sitecustomize", "shadow_numpy")
CASES = [
    Case("reference", "the reference solution, submitted honestly"),
    Case("stubs", "the stubs as generated: every function raises NotImplementedError", ALL, STUB,
         report_says=("not implemented yet",)),
    Case("mutant_rel_error_mean", "a realistic bug from tests/kit/mutants: rel_error takes the mean, not the max",
         mutant="rel_error_mean"),
    Case("conftest_in_exercises", "exercises/conftest.py rewrites every report as a pass", ALL, STUB,
         report_says=("exercises/conftest.py",)),
    Case("conftest_at_root", "conftest.py never calls the tests and drops every exception", ALL, STUB),
    Case("pytest_ini_addopts", "pytest.ini's addopts load a plugin that logs every failure as a pass", ALL, STUB),
    Case("setup_cfg_addopts", "setup.cfg's addopts load a plugin that swaps each test for one that passes", ALL, STUB),
    Case("pyproject_addopts", "pyproject.toml's addopts load a plugin that turns failures into skips", ALL, STUB),
    Case("sitecustomize", "sitecustomize.py and usercustomize.py patch pytest's reports and the checks", ALL, STUB),
    Case("shadow_numpy", "a numpy.py beside the modules whose comparisons always agree", ALL, STUB),
    Case("planted_past_sanitize", "every file of the cases above planted in the clean folder, past sanitize",
         ALL, STUB, plant=SANITIZED_AWAY),
    Case("patch_pytest_reports", "patches pytest's TestReport at import (Part 1 may not load pytest)", ALL,
         report_says=("forbids",)),
    Case("always_equal_raising", "numerical_gradient returns an object equal to anything, __array__ raising",
         NUMERICAL),
    Case("always_equal_reference", "numerical_gradient returns an object equal to anything, __array__ right",
         calling("numerical_gradient") | reading("numerical")),
    Case("lying_ndarray", "numerical_gradient returns zeros as an ndarray subclass whose == always agrees",
         NUMERICAL),
    Case("lying_float", "rel_error returns a wrong float subclass whose == always agrees", REL_ERROR),
    Case("patch_numpy_checks", "patches numpy.allclose, isclose, array_equal and numpy.testing at import",
         NUMERICAL),
    Case("patch_grader_checks", "patches grader.checks.assert_close and CheckFailure at import", NUMERICAL),
    Case("sys_exit_at_import", "sys.exit(0) at import", ALL, report_says=("your module failed to import",)),
    Case("os_exit_at_import", "os._exit(0) at import", ALL, report_says=("your module failed to import",)),
    Case("os_exit_in_function", "os._exit(0) inside gradient_check", CHECK,
         report_says=("the process running your code died",)),
    Case("forged_results_json", "writes a results.json where all passed: cwd, /tmp, the judge's scratch",
         ALL, STUB, needs=(UID, MOUNTS)),
    Case("fake_pytest_output", "prints a passing pytest summary on stdout and stderr", ALL, STUB),
    Case("reads_hidden_files", "gradient_check reads tests/hidden and solutions/ (open and import)", CHECK,
         needs=(MOUNTS,)),
    Case("infinite_loop", "numerical_gradient loops for ever on a float32 point",
         NUMERICAL & mentioning("float32"), report_says=("timed out",)),
    Case("memory_bomb_array", "gradient_check allocates np.ones(10**11)", CHECK),
    Case("memory_bomb_list", "gradient_check grows a list of megabytes until memory runs out", CHECK),
    Case("fork_bomb", "gradient_check forks for ever", CHECK, needs=(UID,)),
    Case("daemon_left_behind", "a double-forked, setsid daemon sleeping for ever, left at import", needs=(UID,)),
    Case("output_flood", "gradient_check prints a gigabyte", CHECK),
    Case("invalid_utf8_output", "writes bytes that are not UTF-8 to stdout and stderr at import"),
    Case("reads_stdin", "gradient_check calls input()", CHECK, report_says=("your code raised an exception",)),
    Case("network", "gradient_check connects to 1.1.1.1:80 and to a server on this machine", CHECK,
         needs=(NETWORK,)),
    Case("writes_outside_folder", "removes and overwrites files outside its folder, writes into the repository",
         needs=(UID, MOUNTS)),
    Case("zip_slip", "a zip with a ../../ entry", ALL, pack="zip_slip", report_says=("climbs out",)),
    Case("symlink_in_archive", "a tar.gz whose gradcheck.py links to solutions/gradcheck.py", ALL, None,
         pack="symlink_tar", report_says=("symbolic link",)),
    Case("syntax_error", "a half-typed function: the module does not parse", ALL,
         report_says=("your module failed to import", "exercises/gradcheck.py:")),
    Case("missing_module", "exercises/grad_check.py instead of exercises/gradcheck.py", ALL, None,
         report_says=("No exercises/gradcheck.py",)),
    Case("wrong_signature", "gradient_check(f, x) without its other parameters (TypeError)", CHECK),
    Case("nan_outputs", "numerical_gradient returns NaN everywhere", NUMERICAL),
    Case("nondeterministic", "rel_error adds unseeded noise in [1e-3, 2e-3)", REL_ERROR, gradings=2),
    Case("kills_parent", "signals its parent, the parent's group and pid 1 at import", needs=(UID,)),
    Case("kills_every_process_it_can", "gradient_check calls os.kill(-1, SIGKILL)", CHECK, needs=(UID,)),
    Case("inherited_descriptors", "lists the file descriptors it inherited, at import"),
    Case("oversized_message", "announces a 1 GiB message to the grader on its channel, then stalls",
         NUMERICAL & mentioning("float32")),
    Case("leaves_files_behind", "writes files into /dev/shm, /var/tmp and /run/lock at import", needs=(UID,)),
]
HONEST = Case("honest", "the reference, graded right after each case")
BY_NAME = {case.name: case for case in CASES}
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
SHARED_FOLDERS = ("/dev/shm", "/var/tmp", "/run/lock")  # world-writable, outside the worker's private /tmp


def only(*names: str):
    """Parametrize a test over the named cases (every test here takes a case, so a -k run grades only those)."""
    return pytest.mark.parametrize("case", [BY_NAME[name] for name in names], ids=list(names))


every_case = pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])


# -- building submissions -----------------------------------------------------------------------------------

def fixture_files(name: str, fill: dict[str, str]) -> dict[str, str]:
    """The fixture files of case ``name`` by their path in a submission, placeholders filled."""
    folder, files = FIXTURES / name, {}
    for path in sorted(folder.rglob("*.txt")) if folder.is_dir() else []:
        text = path.read_text()
        for key, value in fill.items():
            text = text.replace(key, value)
        assert not PLACEHOLDER.search(text), f"{path}: unfilled placeholder {PLACEHOLDER.search(text).group()}"
        files[path.relative_to(folder).as_posix().removesuffix(".txt")] = text
    return files


def learner_files(case: Case, fill: dict[str, str]) -> dict[str, str]:
    files = fixture_files(case.name, fill)
    module = f"exercises/{COMPONENT}.py"
    fragment = files.pop(module, None)
    if case.mutant:
        fragment = (MUTANTS / f"{case.mutant}.py").read_text()
    if case.base is not None:
        base = (REPO_ROOT / case.base / f"{COMPONENT}.py").read_text()
        files[module] = base if fragment is None else f"{base}\n\n{fragment}"
    elif fragment is not None:
        files[module] = fragment
    return files


def hand_in(case: Case, files: dict[str, str], submissions: Path) -> None:
    """Put the case's submission in SUBMISSIONS_DIR as the learner would: a folder or an archive."""
    if case.pack == "folder":
        for relative, text in files.items():
            (submissions / case.name / relative).parent.mkdir(parents=True, exist_ok=True)
            (submissions / case.name / relative).write_text(text)
    elif case.pack == "zip_slip":
        escaped = files.pop("escaped.py")
        with zipfile.ZipFile(submissions / f"{case.name}.zip", "w") as archive:
            for relative, text in files.items():
                archive.writestr(relative, text)
            archive.writestr("../../escaped.py", escaped)
    elif case.pack == "symlink_tar":
        with tarfile.open(submissions / f"{case.name}.tar.gz", "w:gz") as archive:
            folder = tarfile.TarInfo("exercises")
            folder.type, folder.mode = tarfile.DIRTYPE, 0o755
            link = tarfile.TarInfo(f"exercises/{COMPONENT}.py")
            link.type, link.linkname = tarfile.SYMTYPE, str(REPO_ROOT / "solutions" / f"{COMPONENT}.py")
            archive.addfile(folder)
            archive.addfile(link)
    else:
        raise ValueError(f"case {case.name}: unknown pack {case.pack!r}")


def plant(case: Case, clean: Path) -> None:
    """Put the other cases' extra files straight into the clean folder, as if sanitize had let them through."""
    for name in case.plant:
        for relative, text in fixture_files(name, {}).items():
            if relative != f"exercises/{COMPONENT}.py":
                (clean / relative).parent.mkdir(parents=True, exist_ok=True)
                (clean / relative).write_text(text)


# -- grading the cohort -------------------------------------------------------------------------------------

@dataclass
class Graded:
    case: Case
    submission: dict
    logs: Path
    sanitized: dict | None = None
    runs: list[dict] = field(default_factory=list)
    scorecards: list[score.Scorecard] = field(default_factory=list)
    honest_run: dict | None = None
    honest_scorecard: score.Scorecard | None = None
    in_process: list[dict] | None = None

    @property
    def run(self) -> dict:
        return self.runs[0]

    def log(self) -> str:
        """Everything the learner's workers wrote, in every grading (invalid UTF-8 replaced)."""
        return "".join(path.read_bytes().decode(errors="replace") for path in sorted(self.logs.rglob("*.log")))

    def markers(self) -> list[str]:
        return [line for line in self.log().splitlines() if line.startswith("RED-TEAM")]

    def records(self, tests: frozenset[str]) -> list[dict]:
        return [record for record in self.run["records"] if record["test"] in tests]


@dataclass
class Cohort:
    root: Path
    graded: dict[str, Graded]
    grader_peak_mib: float  # the largest peak RSS of a grading (pytest) process, 0 when not watched


class GraderMemory:
    """Watches the peak RSS (VmHWM) of the grading processes: the children of this process's forkserver."""

    def __init__(self) -> None:
        self.peak_kib, self.stop = 0, threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def __enter__(self) -> GraderMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join()

    def watch(self) -> None:
        while not self.stop.wait(0.25):
            for server in _children(os.getpid(), b"forkserver"):
                for child in _children(server):
                    try:
                        status = Path(f"/proc/{child}/status").read_text()
                    except OSError:
                        continue
                    if found := re.search(r"VmHWM:\s+(\d+)", status):
                        self.peak_kib = max(self.peak_kib, int(found.group(1)))


def _children(pid: int, named: bytes = b"") -> list[int]:
    """The child processes of ``pid`` (of any of its threads) whose command line holds ``named``."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    found = []
    for child in children:
        try:
            if named in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


@dataclass
class Resources:
    fill: dict[str, str]
    victims: dict[Path, bytes]
    accepted: list
    checks_digest: str


def feature_gaps(case: Case, judge: run.Judge) -> list[str]:
    features = judge.isolation()
    unknown = [name for name in case.needs if name not in features]
    assert not unknown, f"the sandbox no longer reports {unknown}; it reports {sorted(features)}"
    return [f"{name}: {features[name]}" for name in case.needs if features[name] != "active"]


def graded(cohort: Cohort, case: Case, judge: run.Judge) -> Graded:
    if gaps := feature_gaps(case, judge):
        pytest.skip(f"{case.name} needs isolation this machine lacks: {'; '.join(gaps)}")
    return cohort.graded[case.name]


@pytest.fixture(scope="module")
def grading_rubric(tmp_path_factory) -> rubric.Rubric:
    path = tmp_path_factory.mktemp("rubric") / "rubric.toml"
    path.write_text(RUBRIC)
    return rubric.load_rubric(path)


@pytest.fixture(scope="module")
def cohort_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cohort")
    for folder in ("submissions", "staging"):
        (root / folder).mkdir()
    return root


@pytest.fixture(scope="module")
def judge(grading_rubric, cohort_root):
    limits = {**grading_rubric.limits, COMPONENT: grading_rubric.limits_for(COMPONENT)}
    hide = [str(cohort_root / "submissions"), str(cohort_root / "staging")]  # as the pipeline hides them
    with run.Judge([COMPONENT], limits, hide=hide) as judge:
        yield judge


@pytest.fixture(scope="module")
def resources(tmp_path_factory):
    """Files a learner must not touch, and a server on this machine that a learner must not reach."""
    victim_tmp = tmp_path_factory.mktemp("victims") / "victim.txt"
    victim_tmp.write_bytes(b"the instructor's file in /tmp\n")
    handle, name = tempfile.mkstemp(prefix="red-team-victim-", dir="/var/tmp" if os.path.isdir("/var/tmp") else None)
    os.write(handle, b"the instructor's file in /var/tmp\n")
    os.close(handle)
    os.chmod(name, 0o644)
    victim_var = Path(name)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, address = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(address)
            connection.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    fill = {"@PORT@": str(listener.getsockname()[1]), "@VICTIM_TMP@": str(victim_tmp), "@VICTIM_VAR@": str(victim_var)}
    yield Resources(fill, {path: path.read_bytes() for path in (victim_tmp, victim_var)}, accepted,
                    hashlib.sha256((REPO_ROOT / "grader" / "checks.py").read_bytes()).hexdigest())
    stop.set()
    server.join()
    listener.close()
    victim_var.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def cohort(request, judge, grading_rubric, resources, cohort_root):
    """Every selected case and the honest learner in one SUBMISSIONS_DIR, graded two at a time."""
    here = Path(__file__)
    wanted = {item.callspec.params["case"].name for item in request.session.items
              if item.path == here and hasattr(item, "callspec") and "case" in item.callspec.params}
    cases = [case for case in CASES if case.name in wanted and not feature_gaps(case, judge)]
    root = cohort_root
    for case in [*cases, HONEST]:
        hand_in(case, learner_files(case, resources.fill), root / "submissions")
    staged = {submission.learner: submission for submission in collect.collect(root / "submissions", root / "staging")}
    honest = sanitize.sanitize(staged[HONEST.name].staged, root / "clean" / HONEST.name, [COMPONENT]).folder

    def grade_then_honest(case: Case) -> Graded:
        submission = staged[case.name]
        result = Graded(case, submission.to_dict(), root / "logs" / case.name)
        if submission.refused:
            result.scorecards.append(
                score.Scorecard.refused(case.name, submission.refused, grading_rubric, [COMPONENT]))
        else:
            clean = sanitize.sanitize(submission.staged, root / "clean" / case.name, [COMPONENT])
            plant(case, clean.folder)
            result.sanitized = clean.to_dict()
            for grading in range(case.gradings):
                outcome = judge.run(clean.folder, case.name, result.logs / str(grading))
                result.runs.append(outcome)
                result.scorecards.append(score.score(outcome, grading_rubric, components=[COMPONENT]))
            if case.mutant:
                result.in_process = run_suites(run.suite_paths([COMPONENT]), impl=clean.folder,
                                               seed=run.learner_seed(case.name), profile=run.PROFILE, warm=True).records
        result.honest_run = judge.run(honest, HONEST.name, root / "logs" / f"{HONEST.name}-after-{case.name}")
        result.honest_scorecard = score.score(result.honest_run, grading_rubric, components=[COMPONENT])
        return result

    try:
        with GraderMemory() as memory, ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(grade_then_honest, cases))
        yield Cohort(root, {result.case.name: result for result in results}, memory.peak_kib / 1024)
    finally:
        for path in files_of(worker_uids(judge)):  # what learners left on the machine goes with the cohort
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


# -- expectations -------------------------------------------------------------------------------------------

def expected_failing(case: Case, result: Graded, judge: run.Judge) -> set[str]:
    if case.mutant:
        return {record["nodeid"] for record in result.in_process if record["outcome"] != "passed"}
    return {nodeid for nodeid in judge.expected if function_of(nodeid) in case.fails}


def expected_points(failing: set[str], judge: run.Judge, grading_rubric: rubric.Rubric) -> Fraction:
    """The rubric's split: the component's points evenly across test functions, each evenly across its cases."""
    cases: dict[str, list[str]] = {}
    for nodeid in judge.expected:
        cases.setdefault(function_of(nodeid), []).append(nodeid)
    share = grading_rubric.points_for(COMPONENT) / len(cases)
    return sum((share * Fraction(sum(nodeid not in failing for nodeid in ids), len(ids)) for ids in cases.values()),
               Fraction(0))


def learner_pages(result: Graded, folder: Path) -> str:
    paths = report.write_learner_report(folder, result.scorecards[0], result.runs[0] if result.runs else None,
                                        result.sanitized)
    return "\n".join(path.read_text() for path in paths.values())


def processes_of(uids: set[int]) -> list[str]:
    """'pid (uid)' of every live or zombie process whose real user id is in ``uids``."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if uid in uids:
            found.append(f"{status.parent.name} (uid {uid})")
    return found


def worker_uids(judge: run.Judge) -> set[int]:
    """The user ids the judge's zygotes give their workers (a block of 1000 per zygote)."""
    blocks = {FIRST_UID + (zygote.process.pid % 1000) * 1000 for zygote in judge.zygotes}
    return {first + offset for first in blocks for offset in range(1000)}


def files_of(uids: set[int]) -> list[Path]:
    """Entries of the shared, world-writable folders owned by one of ``uids``."""
    found = []
    for folder in filter(os.path.isdir, SHARED_FOLDERS):
        for path in Path(folder).iterdir():
            try:
                if path.lstat().st_uid in uids:
                    found.append(path)
            except OSError:
                continue
    return found


def wait_until_gone(uids: set[int], seconds: float = 5.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := processes_of(uids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


# -- every case ---------------------------------------------------------------------------------------------

@every_case
def test_exact_score(case, cohort, judge, grading_rubric):
    result = graded(cohort, case, judge)
    possible = grading_rubric.points_for(COMPONENT)
    if case.refused:
        card = result.scorecards[0]
        assert (card.status, card.points, card.max_points) == ("refused", 0, possible), card.to_dict()
        return
    failing = expected_failing(case, result, judge)
    for outcome, card in zip(result.runs, result.scorecards):
        verdicts = {record["nodeid"]: record["outcome"] for record in outcome["records"]}
        assert set(verdicts) == set(judge.expected)
        unfinished = {nodeid: verdict for nodeid, verdict in verdicts.items() if verdict in ("missing", "skipped")}
        assert not unfinished, f"{case.name}: checks without a verdict (or turned into skips): {unfinished}"
        failed = {nodeid for nodeid, verdict in verdicts.items() if verdict != "passed"}
        assert failed == failing, (f"{case.name} ({case.attack}): failed but should have passed: "
                                   f"{sorted(failed - failing)}; passed but should have failed: "
                                   f"{sorted(failing - failed)}")
        assert card.points == expected_points(failing, judge, grading_rubric)
        assert card.max_points == possible


@every_case
def test_honest_learner_graded_right_after_gets_full_marks(case, cohort, judge):
    result = graded(cohort, case, judge)
    failed = [record["nodeid"] for record in result.honest_run["records"] if record["outcome"] != "passed"]
    assert not failed, f"after {case.name}, the honest learner failed {failed}"
    assert result.honest_scorecard.points == result.honest_scorecard.max_points > 0


@pytest.mark.parametrize("case", [case for case in CASES if case.report_says], ids=lambda case: case.name)
def test_learner_report_says_what_happened_and_reveals_nothing_hidden(case, cohort, judge, tmp_path):
    result = graded(cohort, case, judge)
    pages = learner_pages(result, tmp_path)
    for phrase in case.report_says:
        assert phrase in pages, f"{case.name}: the learner's report does not say {phrase!r}"
    assert "RED-TEAM" not in pages, "the report shows what the learner's code printed or raised"
    assert str(cohort.root) not in pages, "the report shows the grading machine's folders"
    for record in (result.runs[0]["records"] if result.runs else []):
        if record["outcome"] != "passed" and record["kind"] != "import":
            shown = [line.strip() for line in record["message"].splitlines() if len(line.strip()) >= 12
                     and not line.strip().startswith("likely cause") and line.strip() in pages]
            assert not shown, f"{record['nodeid']}: the report shows the hidden message: {shown}"


# -- what specific cases must not manage -------------------------------------------------------------------

@only("mutant_rel_error_mean")
def test_the_sandbox_changes_no_verdict(case, cohort, judge):
    result = graded(cohort, case, judge)
    sandboxed = {record["nodeid"]: (record["outcome"], record["kind"]) for record in result.run["records"]}
    in_process = {record["nodeid"]: (record["outcome"], record["kind"]) for record in result.in_process}
    assert sandboxed == in_process
    assert any(outcome != "passed" for outcome, _ in in_process.values()), "the mutant must lose points"


@only("nondeterministic")
def test_regrading_gives_the_same_verdicts(case, cohort, judge):
    first, again = (graded(cohort, case, judge).runs[index] for index in (0, 1))
    assert first["seed"] == again["seed"]
    verdicts = [[(record["nodeid"], record["outcome"]) for record in grading["records"]] for grading in (first, again)]
    assert verdicts[0] == verdicts[1]


@only("reads_hidden_files")
def test_hidden_suite_and_solutions_cannot_be_read(case, cohort, judge):
    result = graded(cohort, case, judge)
    assert not [line for line in result.markers() if line.startswith("RED-TEAM read")], result.markers()
    for record in result.records(case.fails):
        assert ("RED-TEAM could not read tests/hidden/test_gradcheck.py: FileNotFoundError; solutions/gradcheck.py: "
                "FileNotFoundError; import solutions.gradcheck: ModuleNotFoundError") in record["message"], record


@only("daemon_left_behind", "fork_bomb")
def test_no_process_of_the_learner_survives_its_grading(case, cohort, judge):
    result = graded(cohort, case, judge)
    uids = {int(uid) for uid in re.findall(r"uid=(\d+)", "\n".join(result.markers()))}
    assert uids, f"{case.name} did not run: {result.log()[-2000:]}"
    assert not any(uid in (0, os.getuid()) for uid in uids), "learner code ran as the grader's own user"
    assert not wait_until_gone(uids), f"still running after the grading: {processes_of(uids)}"


def test_no_worker_outlives_the_cohort(cohort, judge):
    if gaps := feature_gaps(Case("uids", "", needs=(UID,)), judge):
        pytest.skip(f"workers run as the grader's user: {gaps}")
    uids = worker_uids(judge)
    assert not wait_until_gone(uids), f"workers left running: {processes_of(uids)}"


@only("output_flood")
def test_output_is_capped_and_the_grade_finishes(case, cohort, judge):
    result = graded(cohort, case, judge)
    sizes = {str(path): path.stat().st_size for path in result.logs.rglob("*.log")}
    assert sizes and all(size <= Limits().output_bytes for size in sizes.values()), sizes
    assert "RED-TEAM flood" in result.run["log_tail"]
    assert result.run["seconds"] < judge.time_limit()


@only("invalid_utf8_output")
def test_output_that_is_not_utf8_arrives_replaced(case, cohort, judge, tmp_path):
    result = graded(cohort, case, judge)
    tail = result.run["log_tail"]
    assert "RED-TEAM bytes \ufffd" in tail and "RED-TEAM more \ufffd" in tail, tail
    json.dumps(result.run, ensure_ascii=False).encode()  # the run result is plain, encodable text
    assert "RED-TEAM" not in learner_pages(result, tmp_path)


@only("reads_stdin")
def test_reading_stdin_ends_at_once(case, cohort, judge):
    for record in graded(cohort, case, judge).records(case.fails):
        assert record["kind"] == "exception" and "EOFError" in record["message"], record
        assert record["duration"] < judge.limits[COMPONENT]["call_seconds"], record


@only("network")
def test_no_connection_leaves_the_worker(case, cohort, judge, resources):
    result = graded(cohort, case, judge)
    assert resources.accepted == [], f"the learner reached a server on the grading machine: {resources.accepted}"
    with socket.create_connection(("127.0.0.1", int(resources.fill["@PORT@"])), timeout=5):
        pass  # the server was listening: the learner's attempts were refused, not missed
    deadline = time.monotonic() + 5
    while not resources.accepted and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(resources.accepted) == 1
    for record in result.records(case.fails):
        assert "RED-TEAM no network: 1.1.1.1:80: " in record["message"], record


@only("writes_outside_folder")
def test_files_outside_the_submission_are_untouched(case, cohort, judge, resources):
    result = graded(cohort, case, judge)
    attempts = result.markers()
    # a write into /var/tmp may succeed: the worker has a private, empty one; the real file must be untouched
    reached = [line for line in attempts if line.endswith(": done") and "/var/tmp/" not in line]
    assert len(attempts) == 5 and not reached, attempts
    for path, content in resources.victims.items():
        assert path.read_bytes() == content, f"{path} was changed"
    assert not (REPO_ROOT / "red-team-was-here.txt").exists()
    assert hashlib.sha256((REPO_ROOT / "grader" / "checks.py").read_bytes()).hexdigest() == resources.checks_digest


@only("forged_results_json")
def test_forged_results_are_never_read(case, cohort, judge):
    attempts = graded(cohort, case, judge).markers()
    assert "RED-TEAM forged results.json: PermissionError" in attempts, attempts
    assert not list(judge.scratch.rglob("results.json")), "a forged results file reached the judge's folder"


@only("kills_parent")
def test_signals_to_the_grader_are_refused(case, cohort, judge):
    attempts = graded(cohort, case, judge).markers()
    assert len(attempts) == 4 and all(line.endswith(": PermissionError") for line in attempts), attempts
    assert all(zygote.process.poll() is None for zygote in judge.zygotes)


@only("zip_slip", "symlink_in_archive")
def test_hostile_archive_is_refused_and_nothing_escapes(case, cohort, judge):
    result = graded(cohort, case, judge)
    assert result.submission["refused"] and result.submission["staged"] is None, result.submission
    assert not list(cohort.root.rglob("escaped.py")) and not (cohort.root / "staging" / case.name).exists()


@only("syntax_error")
def test_import_error_shows_the_learners_own_line(case, cohort, judge):
    text = learner_files(case, {})[f"exercises/{COMPONENT}.py"]
    with pytest.raises(SyntaxError) as error:
        compile(text, COMPONENT, "exec")
    reason = graded(cohort, case, judge).scorecards[0].component(COMPONENT).reason
    assert f"exercises/{COMPONENT}.py:{error.value.lineno}" in reason and str(cohort.root) not in reason, reason


@only("inherited_descriptors")
def test_worker_inherits_nothing_but_stdio_and_its_channel(case, cohort, judge):
    descriptors = dict(line.split(" ", 3)[2:] for line in graded(cohort, case, judge).markers())
    others = {fd: target for fd, target in descriptors.items() if int(fd) > 2 and target != "/dev/null"}
    sockets = [target for target in others.values() if target.startswith("socket:")]
    assert len(others) == len(sockets) == 1, f"inherited beyond stdio and its channel: {others}"


@only("reference")
def test_the_grading_processes_memory_is_watched(case, cohort, judge):
    graded(cohort, case, judge)
    assert cohort.grader_peak_mib > 100, "GraderMemory saw no grading process: the check below would be vacuous"


@only("leaves_files_behind")
def test_no_file_of_the_learner_survives_its_grading(case, cohort, judge):
    graded(cohort, case, judge)
    assert not files_of(worker_uids(judge)), f"left on the grading machine: {files_of(worker_uids(judge))}"


@pytest.mark.parametrize("case, marker", [(BY_NAME["inherited_descriptors"], "RED-TEAM fd 0 /dev/null"),
                                          (BY_NAME["leaves_files_behind"], "RED-TEAM left /dev/shm/")],
                         ids=["inherited_descriptors", "leaves_files_behind"])
def test_the_hostile_code_behind_a_hole_check_ran(case, marker, cohort, judge):
    """The attack itself ran (so the check beside it is not vacuous)."""
    assert any(line.startswith(marker) for line in graded(cohort, case, judge).markers())


@only("oversized_message")
def test_a_worker_cannot_make_the_grader_reserve_a_gigabyte(case, cohort, judge):
    graded(cohort, case, judge)
    assert 0 < cohort.grader_peak_mib < 1024, f"a grading process peaked at {cohort.grader_peak_mib:.0f} MiB"


def test_catalog_covers_every_fixture_and_names_real_tests():
    assert len(CASES) >= 30 and len(BY_NAME) == len(CASES)
    assert {path.name for path in FIXTURES.iterdir() if path.is_dir()} <= set(BY_NAME)
    assert all(case.fails <= ALL for case in CASES)
    assert all(case.mutant is None or (MUTANTS / f"{case.mutant}.py").is_file() for case in CASES)

"""`fromscratch gradescope OUT.zip`: an autograder for Gradescope that grades with the hidden suites.

Gradescope's autograder specification (gradescope-autograders.readthedocs.io, "Autograder
Specifications"; docs/specs.md in github.com/gradescope/autograder_samples): the zip holds
``setup.sh`` (run once, as root, when Gradescope builds the image: it installs the
dependencies) and ``run_autograder`` (run for each submission) at its root; it is unpacked
into ``/autograder/source``, the learner's upload lies in ``/autograder/submission``, and
``/autograder/results/results.json`` is what Gradescope reads back; whatever the script
prints goes to ``results/stdout``, which only instructors see.

The bundle holds the engine, the stubs, the public and hidden suites of the chosen
components, the datasets manifest, a ``pyproject.toml`` without ``solutions``, the rubric
(``rubric.toml`` when ``--rubric`` is given) and ``fromscratch-autograder.json`` (the
components and the visibility). No solution: the builder checks the bundle for solution
code and mutant names before it writes the zip.

``run_autograder`` calls :func:`autograde`, which puts the upload in a one-learner cohort
(``exercises/*.py``, a whole repository, an archive, or bare ``<component>.py`` files,
which are moved into ``exercises/``) and grades it with the grading pipeline of
``fromscratch grade`` (collect, sanitize, the sandboxed hidden suites, score, report); the
pipeline's ``results.json`` becomes Gradescope's. Whatever goes wrong, a ``results.json``
is written: an upload the grader refuses scores 0 with the reason, a fault of the grader
scores 0 with a message to tell the instructor (its traceback goes to stdout), and if
Python itself cannot start the script writes one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.components import CURRICULUM, REPO_ROOT

CONFIG = "fromscratch-autograder.json"
RUBRIC_FILE = "rubric.toml"
LEARNER = "submission"
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
EXECUTABLE = 0o755
GRADER_FAULT = ("The autograder could not grade this submission because of a fault of the grader, not of your "
                "code. Tell your instructor; your submission is kept and can be graded again.")


@dataclass
class Bundle:
    path: Path
    components: list[str]
    files: int


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("gradescope", help="build a Gradescope autograder zip that grades with the "
                                                     "hidden suites")
    command.add_argument("out", metavar="OUT.zip", help="the autograder to upload to Gradescope")
    command.add_argument("--components", nargs="+", metavar="COMPONENT",
                         help="the components this assignment grades (default: all, in curriculum order)")
    command.add_argument("--rubric", default=None, metavar="FILE", help="a rubric TOML (default: the built-in one)")
    command.add_argument("--visibility", default="visible",
                         choices=["visible", "after_due_date", "after_published", "hidden"],
                         help="when learners see each test's result in Gradescope (default: visible)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    bundle = build_bundle(Path(args.out), args.components, rubric=args.rubric, visibility=args.visibility)
    print(f"wrote {bundle.path}: an autograder for {len(bundle.components)} component(s) "
          f"({', '.join(bundle.components)}), {bundle.files} files")
    print("upload it in Gradescope: the assignment's Configure Autograder page, 'Zip file upload' (Ubuntu 22.04 or "
          "24.04 base image); see docs/instructor/course.md")
    return 0


def build_bundle(out: Path, components: list[str] | None = None, *, rubric: str | Path | None = None,
                 visibility: str = "visible", kit: Path = REPO_ROOT) -> Bundle:
    """Write the autograder zip ``out``; a ValueError (nothing written) says what to change."""
    from grader.course.leaks import find_leaks
    from grader.course.release import chosen_components, edition_pyproject
    from grader.grading.rubric import load_rubric
    from grader.stubs import expected_exercises

    if out.suffix != ".zip":
        raise ValueError(f"{out}: Gradescope takes the autograder as a .zip file; name it e.g. autograder.zip")
    names = chosen_components(components)
    load_rubric(Path(rubric) if rubric else None)  # a RubricError (ValueError) names the key and the fix
    with tempfile.TemporaryDirectory(prefix="fromscratch-gradescope-") as scratch:
        source = Path(scratch)
        shutil.copytree(kit / "grader", source / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        _write(source / "exercises" / "__init__.py", (kit / "exercises" / "__init__.py").read_text())
        for file_name, stub in expected_exercises(kit / "solutions", names).items():
            _write(source / "exercises" / file_name, stub)
        for name in names:
            for suite in ("public", "hidden"):
                shutil.copy(kit / "tests" / suite / f"test_{name}.py", _parent(source / "tests" / suite))
        for support in [*(kit / "tests").glob("*.py"), *(kit / "tests" / "hidden").glob("*.py")]:
            if not support.name.startswith("test_"):
                shutil.copy(support, _parent(source / support.relative_to(kit)))
        shutil.copy(kit / "datasets" / "manifest.toml", _parent(source / "datasets"))
        _write(source / "pyproject.toml", edition_pyproject((kit / "pyproject.toml").read_text()))
        _write(source / "README.md", "# fromscratch autograder\n\nBuilt by `fromscratch gradescope`; see "
                                     "docs/instructor/course.md in the kit.\n")
        if rubric:
            shutil.copy(rubric, source / RUBRIC_FILE)
        _write(source / CONFIG, json.dumps({"components": names, "visibility": visibility,
                                            "rubric": RUBRIC_FILE if rubric else None}, indent=1) + "\n")
        _write(source / "setup.sh", SETUP_SH, EXECUTABLE)
        _write(source / "run_autograder", RUN_AUTOGRADER, EXECUTABLE)
        leaks = find_leaks(source, kit, kinds=("solution", "mutant"))
        if leaks:
            listed = "\n  ".join(map(str, leaks))
            raise ValueError(f"the autograder would hold what learners must never get:\n  {listed}\nremove it from "
                             f"the kit and build again")
        files = _zip(source, out)
    return Bundle(out, names, files)


def _parent(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(target: Path, text: str, mode: int = 0o644) -> None:
    _parent(target.parent)
    target.write_text(text)
    target.chmod(mode)


def _zip(source: Path, out: Path) -> int:
    """Zip the files of ``source`` at the archive's root, keeping the executable bits; the file count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    files = sorted(path for path in source.rglob("*") if path.is_file())
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | path.stat().st_mode & 0o777) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial.replace(out)
    return len(files)


def autograde(root: Path) -> int:
    """Grade ``root/submission`` into ``root/results/results.json`` (run by ``run_autograder``); always 0."""
    results = _parent(Path(root) / "results") / "results.json"
    try:
        results.write_text(json.dumps(_grade_upload(Path(root)), indent=2, ensure_ascii=False) + "\n")
    except Exception:
        traceback.print_exc(file=sys.stdout)  # stdout: instructors only
        results.write_text(json.dumps(fault_results(GRADER_FAULT), indent=2) + "\n")
    return 0


def fault_results(message: str) -> dict:
    """A results.json scoring 0 that says what happened (a run the grader could not finish)."""
    return {"score": 0.0, "execution_time": 0, "output": message, "output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


def _grade_upload(root: Path) -> dict:
    """The pipeline's results.json for the upload in ``root/submission``."""
    from grader.grading.pipeline import grade_cohort, make_plan
    from grader.grading.progress import ConsoleProgress

    config = json.loads((REPO_ROOT / CONFIG).read_text())
    rubric = REPO_ROOT / config["rubric"] if config.get("rubric") else None
    with tempfile.TemporaryDirectory(prefix="fromscratch-autograde-") as scratch:
        cohort, reports = Path(scratch) / "cohort", Path(scratch) / "reports"
        stage_upload(root / "submission", cohort)
        plan = make_plan(cohort, reports, components=config["components"], rubric=rubric, workers=1,
                         visibility=config.get("visibility", "visible"))
        progress = ConsoleProgress()
        outcomes = grade_cohort(plan, progress)
        progress.end(plan, outcomes)
        graded = reports / outcomes[0].learner / "results.json"
        if outcomes[0].status == "error" or not graded.is_file():
            raise RuntimeError(f"the pipeline did not grade the upload: {outcomes[0].reason}")
        return json.loads(graded.read_text())


def stage_upload(submission: Path, cohort: Path) -> Path:
    """The upload as the one learner of ``cohort``: a folder holding exercises/, or the archive uploaded."""
    cohort.mkdir(parents=True)
    entries = sorted(submission.iterdir()) if submission.is_dir() else []
    visible = [entry for entry in entries if not entry.name.startswith(".")]
    archive = next((suffix for suffix in ARCHIVE_SUFFIXES if len(visible) == 1 and visible[0].is_file()
                    and visible[0].name.lower().endswith(suffix)), None)
    if archive:
        return Path(shutil.copy(visible[0], cohort / f"{LEARNER}{archive}"))
    learner = cohort / LEARNER
    modules = [entry for entry in visible if entry.suffix == ".py" and entry.stem in _component_names()]
    if modules and not (submission / "exercises").exists():  # bare <component>.py files, uploaded one by one
        for module in modules:
            shutil.copy(module, _parent(learner / "exercises"), follow_symlinks=False)
        return learner
    if submission.is_dir():
        shutil.copytree(submission, learner, symlinks=True)  # collect refuses links, with the reason
    else:
        learner.mkdir()  # nothing uploaded: sanitize says the submission is empty
    return learner


def _component_names() -> set[str]:
    return {component.name for component in CURRICULUM}


SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (written by `fromscratch gradescope`).
# It makes /autograder/venv: Python 3.11 or newer, CPU-only torch, and this kit installed from /autograder/source.
set -euxo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
PY=python3
if ! command -v python3 >/dev/null || ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PY=python3.11
fi
VERSION=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
apt-get install -y --no-install-recommends "python${VERSION}-venv" || true
"$PY" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --upgrade pip
/autograder/venv/bin/python -m pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/python -m pip install -e /autograder/source
/autograder/venv/bin/python -c "import numpy, torch, pytest, hypothesis, grader"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission (written by `fromscratch gradescope`).
# AUTOGRADER_ROOT (default /autograder) and PYTHON (default: the venv setup.sh made) allow a trial run elsewhere.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/venv/bin/python" ]; then PYTHON="$ROOT/venv/bin/python"; else PYTHON=python3; fi
fi
SOURCE="$ROOT/source"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$SOURCE" && PYTHONPATH="$SOURCE" "$PYTHON" -m grader.course.gradescope --autograde "$ROOT"
if [ ! -s "$RESULTS" ]; then
    echo "run_autograder: $PYTHON could not run the grader (see above); writing a results.json that says so"
    cat > "$RESULTS" <<'JSON'
{"score": 0.0, "execution_time": 0, "output": "The autograder could not start, a fault of its setup, not of your code. Tell your instructor; your submission is kept and can be graded again.", "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}
JSON
fi
exit 0
"""


def main(argv: list[str]) -> int:
    """``python -m grader.course.gradescope --autograde ROOT``: what ``run_autograder`` calls."""
    if len(argv) != 2 or argv[0] != "--autograde":
        print("usage: python -m grader.course.gradescope --autograde AUTOGRADER_ROOT (run_autograder calls this)",
              file=sys.stderr)
        return 2
    return autograde(Path(argv[1]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

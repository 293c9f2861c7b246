"""`fromscratch gradescope`: the bundle runs as Gradescope runs it and always leaves a valid results.json.

A bundle for ``activations`` is unzipped into ``tmp/autograder/source``; each case puts an
upload in ``tmp/autograder/submission`` and runs ``bash run_autograder`` with
``AUTOGRADER_ROOT`` and ``PYTHON`` set, as the specification's layout has it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.components import REPO_ROOT
from grader.course.gradescope import build_bundle
from grader.course.leaks import find_leaks
from grader.grading.report import VISIBILITIES

pytestmark = pytest.mark.kit
COMPONENT = "activations"
STATUSES = ("passed", "failed")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return build_bundle(tmp_path_factory.mktemp("bundle") / "autograder.zip", [COMPONENT]).path


def run_autograder(bundle: Path, root: Path, upload: dict[str, bytes], python: str = sys.executable) -> dict:
    """Unzip ``bundle`` into ``root/source``, write ``upload`` into ``root/submission``, run it; results.json."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # extractall drops the permission bits; Gradescope keeps them
            (root / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    for name, content in upload.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(content)
    (root / "submission").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHON": python}
    completed = subprocess.run(["bash", "run_autograder"], cwd=root / "source", env=env, capture_output=True,
                               text=True, timeout=400)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    check_against_the_specification(results)
    return results


def check_against_the_specification(results: dict) -> None:
    """The fields of Gradescope's results.json that the autograder writes, with their types and values."""
    assert isinstance(results["score"], float) and results["score"] >= 0
    assert isinstance(results["execution_time"], int)
    assert isinstance(results["output"], str) and results["output"]
    assert results["output_format"] in ("text", "md", "simple_format", "html", "ansi")
    assert results["stdout_visibility"] in VISIBILITIES and results["visibility"] in VISIBILITIES
    assert isinstance(results["tests"], list)
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in STATUSES and isinstance(test["output"], str)
        assert test["visibility"] in VISIBILITIES
    if results["tests"]:
        assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]), abs=1e-3)


def test_the_bundle_follows_the_layout_and_holds_no_solution(bundle, tmp_path):
    with zipfile.ZipFile(bundle) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        archive.extractall(tmp_path / "source")
    for script in ("setup.sh", "run_autograder"):
        assert script in infos, f"{script} must sit at the root of the zip"
        assert infos[script].external_attr >> 16 & stat.S_IXUSR, f"{script} must be executable"
        assert infos[script].filename.count("/") == 0
    assert f"tests/hidden/test_{COMPONENT}.py" in infos and "pyproject.toml" in infos
    assert not any(name.startswith(("solutions/", "tests/kit/")) or "__pycache__" in name for name in infos)
    assert "--index-url https://download.pytorch.org/whl/cpu" in (tmp_path / "source" / "setup.sh").read_text()
    reference_line = next(line.strip() for line in (REPO_ROOT / "solutions" / "activations.py").read_text().splitlines()
                          if "np.maximum(x, 0)" in line and "return" in line)
    assert reference_line not in (tmp_path / "source" / "exercises" / "activations.py").read_text()
    assert find_leaks(tmp_path / "source", REPO_ROOT, kinds=("solution", "mutant")) == []


def test_reference_uploaded_as_bare_files_scores_full_marks(bundle, tmp_path):
    upload = {"activations.py": (REPO_ROOT / "solutions" / "activations.py").read_bytes()}
    results = run_autograder(bundle, tmp_path / "autograder", upload)
    assert results["tests"] and all(test["status"] == "passed" for test in results["tests"])
    assert results["score"] == results["max_score"] == pytest.approx(10.0)


def test_stub_scores_zero_with_every_test_failed(bundle, tmp_path):
    upload = {"fromscratch/exercises/activations.py": (REPO_ROOT / "exercises" / "activations.py").read_bytes(),
              "fromscratch/README.md": b"my repository\n"}
    results = run_autograder(bundle, tmp_path / "autograder", upload)
    assert results["score"] == 0.0 and results["tests"]
    assert all(test["status"] == "failed" for test in results["tests"])
    assert any("not implemented" in test["output"] for test in results["tests"])


def test_an_upload_cut_short_scores_zero_and_says_why(bundle, tmp_path):
    shutil.make_archive(str(tmp_path / "whole"), "zip", REPO_ROOT, "solutions")
    cut = (tmp_path / "whole.zip").read_bytes()[:300]
    results = run_autograder(bundle, tmp_path / "autograder", {"mywork.zip": cut})
    assert results["score"] == 0.0
    assert "could not be graded" in results["output"] and "zip" in results["output"], results["output"]


def test_a_grader_that_cannot_start_still_leaves_results(bundle, tmp_path):
    results = run_autograder(bundle, tmp_path / "autograder", {"activations.py": b"x = 1\n"}, python="/bin/false")
    assert results["score"] == 0.0 and "Tell your instructor" in results["output"]


def test_a_bad_rubric_or_name_is_refused_before_anything_is_written(tmp_path):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[components.linaer]\npoints = 5\n")
    with pytest.raises(ValueError, match="linaer"):
        build_bundle(tmp_path / "a.zip", [COMPONENT], rubric=rubric)
    with pytest.raises(ValueError, match=r"\.zip"):
        build_bundle(tmp_path / "a.tar", [COMPONENT])
    assert list(tmp_path.iterdir()) == [rubric]

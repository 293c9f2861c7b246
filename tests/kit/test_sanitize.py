"""Sanitize copies only the graded component modules out of a staged submission, and says what it left."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from grader.grading.sanitize import sanitize

MODULE = "def relu(x):\n    return x\n"
GRADED = ["activations", "linear", "softmax"]


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def clean_files(clean: Path) -> dict[str, str]:
    return {path.relative_to(clean).as_posix(): path.read_text() for path in clean.rglob("*") if path.is_file()}


def test_only_the_graded_modules_are_copied_and_the_rest_is_listed(tmp_path):
    staged = tree(tmp_path / "staged", {
        "exercises/activations.py": MODULE, "exercises/linear.py": "W = 1\n", "exercises/conftest.py": "boom",
        "exercises/__init__.py": "import os", "exercises/helpers.py": "", "exercises/optim.py": MODULE,
        "exercises/__pycache__/linear.cpython-311.pyc": b"\0", "exercises/tests/test_x.py": "",
        "conftest.py": "", "pytest.ini": "", "setup.cfg": "", "pyproject.toml": "", "tox.ini": "",
        "sitecustomize.py": "", "usercustomize.py": "", "evil.pth": "import os", "tests/test_linear.py": ""})
    os.chmod(staged / "exercises" / "linear.py", 0o6777)
    umask = os.umask(0o077)  # a grading account's strict umask must not hide the modules from the worker
    try:
        result = sanitize(staged, tmp_path / "clean", GRADED)
    finally:
        os.umask(umask)
    assert result.refused is None and result.folder == tmp_path / "clean" and result.exercises == "exercises"
    assert clean_files(tmp_path / "clean") == {"exercises/__init__.py": "", "exercises/activations.py": MODULE,
                                                "exercises/linear.py": "W = 1\n"}
    for path in (tmp_path / "clean" / "exercises").iterdir():
        assert stat.S_ISREG(path.lstat().st_mode) and stat.S_IMODE(path.stat().st_mode) == 0o644
    for folder in (tmp_path / "clean", tmp_path / "clean" / "exercises"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert result.copied == ["activations", "linear"]
    assert result.ignored == [
        "conftest.py", "evil.pth", "pyproject.toml", "pytest.ini", "setup.cfg", "sitecustomize.py", "tests/",
        "tox.ini", "usercustomize.py", "exercises/__init__.py", "exercises/__pycache__/", "exercises/conftest.py",
        "exercises/helpers.py", "exercises/optim.py", "exercises/tests/"]
    assert result.notes == ["no exercises/softmax.py"]
    json.dumps(result.to_dict())


@pytest.mark.parametrize("prefix", ["alice-fromscratch/", "fromscratch-main/alice/"])
def test_an_exercises_folder_one_or_two_levels_down_is_found(tmp_path, prefix):
    staged = tree(tmp_path / "staged", {f"{prefix}exercises/linear.py": MODULE, f"{prefix}README.md": ""})
    result = sanitize(staged, tmp_path / "clean", ["linear"])
    assert result.exercises == f"{prefix}exercises" and result.copied == ["linear"]
    assert clean_files(tmp_path / "clean")["exercises/linear.py"] == MODULE
    assert f"{prefix}README.md" in result.ignored


def test_the_shallowest_exercises_folder_wins(tmp_path):
    staged = tree(tmp_path / "staged", {"exercises/linear.py": MODULE, "build/lib/exercises/linear.py": "stale"})
    result = sanitize(staged, tmp_path / "clean", ["linear"])
    assert result.exercises == "exercises" and "build/" in result.ignored
    assert clean_files(tmp_path / "clean")["exercises/linear.py"] == MODULE


def test_two_exercises_folders_at_one_depth_are_refused_by_name(tmp_path):
    staged = tree(tmp_path / "staged", {"old/exercises/linear.py": "", "new/exercises/linear.py": MODULE})
    result = sanitize(staged, tmp_path / "clean", ["linear"])
    assert result.folder is None and not (tmp_path / "clean").exists()
    assert result.refused == ("the submission holds 2 exercises/ folders at the same depth (new/exercises/, "
                              "old/exercises/): keep only the one with your code and resubmit")


def test_a_submission_without_exercises_is_refused_with_the_layout_expected(tmp_path):
    staged = tree(tmp_path / "staged", {"linear.py": MODULE, "Exercises/softmax.py": MODULE,
                                        "a/b/c/exercises/linear.py": MODULE})
    result = sanitize(staged, tmp_path / "clean", ["linear"])
    assert result.folder is None
    assert result.refused.startswith("no exercises/ folder found (its top level holds Exercises/, a/, linear.py); "
                                     "a submission is a folder or archive holding an exercises/ folder")
    assert "exercises/linear.py" in result.refused


def test_modules_that_are_not_utf8_too_big_or_links_are_not_copied(tmp_path):
    staged = tree(tmp_path / "staged", {"exercises/linear.py": b"x = '\xe9'\n", "exercises/softmax.py": "#" * 2048,
                                        "secret.txt": "hidden"})
    (staged / "exercises" / "activations.py").symlink_to(staged / "secret.txt")
    result = sanitize(staged, tmp_path / "clean", GRADED, max_module_bytes=1024)
    assert clean_files(tmp_path / "clean") == {"exercises/__init__.py": ""} and result.copied == []
    assert result.notes == [
        "exercises/linear.py was not copied: it is not UTF-8 text (byte 0xe9 at offset 5): save it as UTF-8 in "
        "your editor and resubmit",
        "exercises/softmax.py was not copied: it is larger than 1 KiB; a module of an exercise is far smaller: "
        "resubmit your own",
        "no exercises/activations.py"]
    assert "exercises/activations.py" in result.ignored


def test_sanitizing_again_replaces_what_an_earlier_run_left(tmp_path):
    tree(tmp_path / "clean", {"exercises/stale.py": "", "exercises/softmax.py": "old"})
    staged = tree(tmp_path / "staged", {"exercises/linear.py": MODULE})
    sanitize(staged, tmp_path / "clean", ["linear", "softmax"])
    assert clean_files(tmp_path / "clean") == {"exercises/__init__.py": "", "exercises/linear.py": MODULE}


def test_an_unknown_component_is_refused_with_the_valid_names(tmp_path):
    with pytest.raises(ValueError, match="no component named 'linaer'; the components are: activations, linear"):
        sanitize(tree(tmp_path / "staged", {"exercises/linear.py": MODULE}), tmp_path / "clean", ["linaer"])

"""`fromscratch release`: the learner edition is complete, self-contained, and leaks nothing.

Releases are built into tmp folders from the kit itself (read only); the learner's
commands run inside them with ``grader`` and ``exercises`` imported from the edition.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli
from grader.components import CURRICULUM, REPO_ROOT
from grader.course import leaks as leak_check
from grader.course.release import build_release, trim_nav, unlink_absent
from grader.stubs import find_regions

pytestmark = pytest.mark.kit
SMALL = ["activations", "linear"]


@pytest.fixture(scope="module")
def small_release(tmp_path_factory) -> Path:
    return build_release(tmp_path_factory.mktemp("small") / "edition", SMALL).folder


def learner_run(edition: Path, *arguments: str, state: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """A command in the edition, as its learner runs it: cwd and imports from ``edition``."""
    env = {**os.environ, "PYTHONPATH": str(edition), "FROMSCRATCH_STATE": str(state)}
    return subprocess.run([sys.executable, *arguments], cwd=edition, env=env, capture_output=True, text=True,
                          input=stdin, timeout=300)


def test_a_release_of_the_whole_kit_has_everything_a_learner_needs_and_no_leak(tmp_path):
    release = build_release(tmp_path / "edition", None)
    root = release.folder
    for component in CURRICULUM:
        for path in (f"exercises/{component.name}.py", f"tests/public/test_{component.name}.py",
                     f"docs/{component.name}.md", f"grader/pristine/{component.name}.py"):
            assert (root / path).is_file(), f"{path} is missing from the edition"
        assert (root / "exercises" / f"{component.name}.py").read_text() == \
            (root / "grader" / "pristine" / f"{component.name}.py").read_text()
    for path in ("README.md", ".gitignore", "pyproject.toml", "datasets/manifest.toml", "docs/index.md",
                 ".github/workflows/classroom.yml", "grader/cli.py"):
        assert (root / path).is_file(), f"{path} is missing from the edition"
    assert not any(root.glob("docs/instructor*")), "an instructor page was released"
    assert "solutions" not in (root / "pyproject.toml").read_text()
    assert not (root / "datasets" / "cache").exists()
    findings = "\n".join(map(str, release.leaks))
    assert release.leaks == [], f"the release of the whole kit leaks:\n{findings}"


def test_each_planted_leak_is_reported_where_it_is(small_release, tmp_path):
    edition = tmp_path / "planted"
    shutil.copytree(small_release, edition)
    before = set(leak_check.find_leaks(edition, REPO_ROOT))
    solution = (REPO_ROOT / "solutions" / "linear.py").read_text().splitlines(keepends=True)
    region = find_regions(solution, "solutions/linear.py")[-1]
    pasted = "".join(line.strip() + "\n" for line in solution[region.begin:region.end - 1])  # re-indented
    with open(edition / "docs" / "activations.md", "a") as page:
        page.write("\n## A hint\n\nReLU is `np.maximum(x, 0)`, and its slope is 1 where x > 0.\n\n```python\n"
                   f"{pasted}```\n")
    hidden_name = sorted(leak_check.KitSecrets(REPO_ROOT).hidden_test_names)[0]
    stub = edition / "exercises" / "activations.py"
    stub.write_text(stub.read_text() + f"# the grader runs {hidden_name} on this\n")
    mutant = next(path for path in sorted((REPO_ROOT / "tests" / "kit" / "mutants").glob("*/*_*.py")))
    with open(edition / "README.md", "a") as readme:
        readme.write(f"\nBeware of {mutant.stem}.\n")
    (edition / "solutions").mkdir()
    shutil.copy(REPO_ROOT / "solutions" / "linear.py", edition / "solutions" / "linear.py")

    new = sorted(set(leak_check.find_leaks(edition, REPO_ROOT)) - before, key=str)
    found = {(leak.kind, leak.path) for leak in new}
    assert found == {("solution", "docs/activations.md"), ("hidden test", "exercises/activations.py"),
                     ("mutant", "README.md"), ("path", "solutions/")}, "\n".join(map(str, new))
    pasted_at = next(leak for leak in new if leak.kind == "solution")
    page_lines = (edition / "docs" / "activations.md").read_text().splitlines()
    region_lines = {line.strip() for line in solution[region.begin:region.end - 1]}
    assert page_lines[pasted_at.line - 1].strip() in region_lines, "the leak's line is not in the pasted code"
    assert f"solutions/linear.py:{region.begin}" in pasted_at.detail


def test_a_formula_stated_in_the_docs_is_not_a_leak(tmp_path):
    edition = tmp_path / "edition"
    (edition / "docs").mkdir(parents=True)
    solution = (REPO_ROOT / "solutions" / "linear.py").read_text().splitlines(keepends=True)
    region = find_regions(solution, "solutions/linear.py")[-1]
    one_line = solution[region.begin + 1].strip()
    (edition / "docs" / "hint.md").write_text(
        f"The gradient is `{one_line}`, in words: the rows of dout summed.\n\n```\n{one_line}\n```\n")
    assert leak_check.find_leaks(edition, REPO_ROOT) == []


def test_the_edition_runs_on_its_own_stub_fails_and_reference_passes(small_release, tmp_path):
    edition = tmp_path / "edition"
    shutil.copytree(small_release, edition)
    where = learner_run(edition, "-c", "import grader, exercises; print(grader.__file__); print(exercises.__file__)",
                        state=tmp_path / "state")
    assert [Path(line).is_relative_to(edition) for line in where.stdout.split()] == [True, True], where.stdout

    suite = ("-m", "pytest", "-m", "activations", "-q", "-p", "no:cacheprovider")
    on_stub = learner_run(edition, *suite, state=tmp_path / "state")
    assert on_stub.returncode == 1 and "not implemented yet" in on_stub.stdout, on_stub.stdout[-3000:]
    shutil.copy(REPO_ROOT / "solutions" / "activations.py", edition / "exercises" / "activations.py")
    on_reference = learner_run(edition, *suite, state=tmp_path / "state")
    assert on_reference.returncode == 0, on_reference.stdout[-3000:]
    assert " passed" in on_reference.stdout and "failed" not in on_reference.stdout


def test_solution_and_reset_in_the_edition(small_release, tmp_path):
    edition = tmp_path / "edition"
    shutil.copytree(small_release, edition)
    solution = learner_run(edition, "-m", "grader", "solution", "activations", "--force", state=tmp_path / "state")
    if "not built yet" in solution.stdout:
        pytest.skip("`fromscratch solution` is still a placeholder")
    assert solution.returncode == 2 and "no reference" in (solution.stdout + solution.stderr), solution
    assert "def relu_forward" not in solution.stdout

    room = edition / "exercises" / "linear.py"
    stub = room.read_text()
    room.write_text(stub + "\nmy_work = 1\n")
    reset = learner_run(edition, "-m", "grader", "reset", "linear", "--yes", state=tmp_path / "state")
    if "not built yet" in reset.stdout:
        pytest.skip("`fromscratch reset` is still a placeholder")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert room.read_text() == stub
    backups = list((tmp_path / "state" / "backups").glob("linear-*.py"))
    assert [backup.read_text() for backup in backups] == [stub + "\nmy_work = 1\n"]


def test_components_limit_the_exercises_suites_and_chapters_not_the_engine(small_release):
    released = {path.stem for path in (small_release / "exercises").glob("*.py")} - {"__init__"}
    assert released == set(SMALL)
    assert {path.name for path in (small_release / "tests" / "public").iterdir()} == {f"test_{n}.py" for n in SMALL}
    assert not (small_release / "docs" / "softmax.md").exists()
    assert (small_release / "grader" / "grading" / "pipeline.py").is_file()
    index = (small_release / "docs" / "index.md").read_text()
    assert "(softmax.md)" not in index and "(instructor.md)" not in index, "a link to a page not released"
    if (REPO_ROOT / "mkdocs.yml").is_file():
        nav = (small_release / "mkdocs.yml").read_text().split("nav:", 1)[1]
        assert "activations.md" in nav and "softmax.md" not in nav and "instructor" not in nav


def test_release_refuses_a_non_empty_folder_and_a_stale_room(tmp_path, capsys):
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    assert cli.main(["release", str(occupied), "--components", "activations"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (occupied / "notes.txt").read_text() == "mine"

    kit = tmp_path / "kit"
    shutil.copytree(REPO_ROOT / "solutions", kit / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "exercises", kit / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    with open(kit / "exercises" / "linear.py", "a") as room:
        room.write("# edited by hand\n")
    with pytest.raises(ValueError, match=r"exercises/linear.py differs(.|\n)*fromscratch stubs"):
        build_release(tmp_path / "new", ["linear"], kit=kit)
    assert not (tmp_path / "new").exists()


def test_trim_nav_drops_absent_pages_and_emptied_sections(tmp_path):
    (tmp_path / "index.md").write_text("# home\n")
    (tmp_path / "linear.md").write_text("# linear\n")
    config = ("site_name: x\nnav:\n  - Home: index.md\n  - Part 1:\n      - linear.md\n      - softmax.md\n"
              "  - Instructors:\n      - instructor.md\n      - instructor/course.md\nvalidation:\n  nav: {}\n")
    assert trim_nav(config, tmp_path) == ("site_name: x\nnav:\n  - Home: index.md\n  - Part 1:\n      - linear.md\n"
                                          "validation:\n  nav: {}\n")


def test_unlink_absent_keeps_links_to_released_pages_and_urls(tmp_path):
    (tmp_path / "linear.md").write_text("")
    text = "[linear](linear.md#backward), [guide](instructor.md), [site](https://x.org/a.md), [up](#top)"
    assert unlink_absent(text, tmp_path, tmp_path) == \
        "[linear](linear.md#backward), guide, [site](https://x.org/a.md), [up](#top)"


def test_the_editions_docs_build_as_a_site_without_warnings(small_release, tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install -e '.[docs]')")
    if not (small_release / "mkdocs.yml").is_file():
        pytest.skip("the kit has no mkdocs.yml to release")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                           cwd=small_release, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr[-3000:]
    assert (tmp_path / "site" / "activations" / "index.html").is_file()

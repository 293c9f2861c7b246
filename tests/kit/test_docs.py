"""The documentation site: every page reachable, the command reference generated from the CLI, a strict build."""

import argparse
import importlib.util
import re
import subprocess
import sys

import pytest

from grader import cli_reference
from grader.cli import build_parser
from grader.components import CURRICULUM, REPO_ROOT

DOCS = REPO_ROOT / "docs"


def _pages() -> list[str]:
    return sorted(str(page.relative_to(DOCS)) for page in DOCS.rglob("*.md"))


def _nav_pages() -> list[str]:
    """Every page named in mkdocs.yml's nav (read without YAML: one `- [title:] page.md` per line)."""
    nav = (REPO_ROOT / "mkdocs.yml").read_text().split("\nnav:\n", 1)[1]
    return re.findall(r"-\s+(?:[^:\n]+:\s+)?([\w/]+\.md)\s*$", nav, flags=re.MULTILINE)


def test_the_command_page_is_what_the_command_line_generates():
    page = DOCS / "cli.md"
    assert page.is_file() and page.read_text() == cli_reference.render(), (
        "docs/cli.md is out of date with the command line: run `python -m grader.cli_reference --write`")


def test_the_generated_reference_names_every_command_argument_and_choice():
    rendered = cli_reference.render()
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    for name, subparser in commands.choices.items():
        assert f"## `fromscratch {name}`" in rendered, f"the reference has no section for `fromscratch {name}`"
        for action in subparser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
                continue
            shown = action.option_strings[0] if action.option_strings else (action.metavar or action.dest)
            assert shown in rendered, f"the reference does not show `fromscratch {name}` {shown}"
            for choice in action.choices or ():
                assert f"`{choice}`" in rendered, f"the reference does not list {choice!r} for {name} {shown}"


def test_every_page_is_in_the_site_navigation_and_every_entry_exists():
    nav = _nav_pages()
    assert sorted(nav) == _pages(), (
        f"mkdocs.yml nav and docs/ differ: not in nav {sorted(set(_pages()) - set(nav))}, "
        f"missing files {sorted(set(nav) - set(_pages()))}")


def test_the_learner_path_follows_the_curriculum():
    nav = _nav_pages()
    chapters = [page for page in nav if page.removesuffix(".md") in {c.name for c in CURRICULUM}]
    assert chapters == [f"{c.name}.md" for c in CURRICULUM], "the site's chapters are not in curriculum order"
    index = (DOCS / "index.md").read_text()
    positions = [index.index(f"]({c.name}.md)") for c in CURRICULUM]
    assert positions == sorted(positions), "docs/index.md does not list the chapters in curriculum order"


def test_every_page_is_linked_from_the_home_page():
    index = (DOCS / "index.md").read_text()
    for page in _pages():
        if page != "index.md":
            assert f"]({page})" in index, f"docs/index.md does not link {page}"


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                    reason="mkdocs is not installed (make setup installs it, with the docs extra)")
def test_the_site_builds_with_warnings_as_errors(tmp_path):
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=REPO_ROOT, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                                             "PATH": "/usr/bin:/bin"})
    warnings = [line for line in built.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert built.returncode == 0 and not warnings, "mkdocs build --strict failed:\n" + "\n".join(
        warnings or built.stderr.splitlines()[-20:])
    assert (tmp_path / "site" / "cli" / "index.html").is_file()


CHAPTER_SECTIONS = ("## The API", "## A worked example", "## Common mistakes", "## Hints", "## Running the checks")
MATH_HEADING = re.compile(r"^## (The math|The loop|The measurement|How the bookkeeping works)", re.MULTILINE)


@pytest.mark.parametrize("component", [c.name for c in CURRICULUM])
def test_every_chapter_teaches_the_same_way(component):
    """Why it exists, the API, the math with shapes, a worked example, the mistakes, hints, how to check."""
    text = (DOCS / f"{component}.md").read_text()
    intro = text.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    assert len(intro.split(". ")) >= 2, f"docs/{component}.md opens without saying why the component exists"
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    missing = [section for section in CHAPTER_SECTIONS if not any(h.startswith(section) for h in headings)]
    assert not missing, f"docs/{component}.md has no {missing} section"
    assert MATH_HEADING.search(text), f"docs/{component}.md has no section with the math (## The math ...)"
    order = [next(i for i, h in enumerate(headings) if h.startswith(s)) for s in CHAPTER_SECTIONS]
    assert order == sorted(order), f"docs/{component}.md: sections out of order, expected {CHAPTER_SECTIONS}"
    running = text.split("## Running the checks", 1)[1]
    assert f"fromscratch check {component}" in running, \
        f"docs/{component}.md: 'Running the checks' does not show `fromscratch check {component}`"

"""The command reference names every command and option the command line really has."""

import argparse
import re

from grader.cli import build_parser
from grader.components import REPO_ROOT


def test_reference_lists_every_command_and_option():
    reference = (REPO_ROOT / "docs" / "reference.md").read_text()
    parser = build_parser()
    (commands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    for name, subparser in commands.choices.items():
        assert f"`fromscratch {name}" in reference, f"docs/reference.md does not describe `fromscratch {name}`"
        for action in subparser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert re.search(rf"[`\s]{re.escape(flag)}\b", reference), \
                        f"docs/reference.md does not describe {name} {flag}"


def test_every_chapter_is_linked_from_the_learner_path():
    index = (REPO_ROOT / "docs" / "index.md").read_text()
    for chapter in (REPO_ROOT / "docs").glob("*.md"):
        if chapter.name != "index.md":
            assert f"]({chapter.name})" in index, f"docs/index.md does not link {chapter.name}"


def test_every_link_of_the_learner_path_leads_to_a_chapter():
    index = (REPO_ROOT / "docs" / "index.md").read_text()
    for target in re.findall(r"\]\(([^)#]+\.md)\)", index):
        assert (REPO_ROOT / "docs" / target).is_file(), f"docs/index.md links {target}, which does not exist"

"""`fromscratch hint`: the chapter parser, the terminal rendering, the one-more-each-time progression."""

import argparse
import json
import re

import pytest

from grader.components import CURRICULUM
from grader.learner import hints
from grader.learner.hints import HintFormatError, hints_of, parse_hints, render


def hint_block(number, title, body):
    return f'<details markdown="1">\n<summary>Hint {number}: {title}</summary>\n\n{body}\n\n</details>\n'


GOOD_BODIES = {
    1: "The idea: multiply the <b>upstream</b> gradient by the local derivative &mdash; no Jacobian.",
    2: "Shapes:\n\n```python\n# x: (N, D)\n## not a heading: inside a fence\n</details> is text here\n```",
    3: "The formula: `dx = dout * (x > 0)`.",
}


def chapter(blocks=None, *, before="# Title\n\nIntro.\n\n", after="## Running the checks\n\npytest -m x\n"):
    blocks = [hint_block(n, t, GOOD_BODIES[n]) for n, t in
              ((1, "the idea"), (2, "the shapes"), (3, "the formula"))] if blocks is None else blocks
    return before + "## Hints\n\n" + "\n".join(blocks) + "\n" + after


def test_a_well_formed_section_gives_every_hint_with_its_text():
    found = parse_hints(chapter(), "docs/x.md")
    assert [(h.number, h.title) for h in found] == [(1, "the idea"), (2, "the shapes"), (3, "the formula")]
    assert found[1].text == GOOD_BODIES[2], "a fenced </details> or ## line belongs to the hint, verbatim"
    lines = chapter().splitlines()
    assert all(lines[h.line - 1] == '<details markdown="1">' for h in found), "Hint.line is its <details> line"


def test_the_section_ends_at_the_next_heading():
    text = chapter(after="## Running the checks\n\n" + hint_block(4, "outside", "not a hint of the section"))
    assert len(parse_hints(text, "docs/x.md")) == 3


def replace_block(number, new):
    blocks = [hint_block(n, t, GOOD_BODIES[n]) for n, t in ((1, "the idea"), (2, "the shapes"), (3, "the formula"))]
    blocks[number - 1] = new
    return chapter(blocks)


MALFORMED = {
    "missing section": ("# T\n\n## The math\n\n## Running the checks\n", "no `## Hints` section", 5),
    "unclosed details": (replace_block(3, '<details markdown="1">\n<summary>Hint 3: f</summary>\n\ntext\n'),
                         "never closed", 27),
    "next opens before close": (replace_block(2, '<details markdown="1">\n<summary>Hint 2: s</summary>\n\nx\n'),
                                "not closed before the next one", 14),
    "no summary": (replace_block(2, '<details markdown="1">\n\nsome text\n\n</details>\n'), "has no <summary>", 14),
    "summary not Hint N": (replace_block(2, '<details markdown="1">\n<summary>Shapes</summary>\n\nx\n\n</details>\n'),
                           "does not read `Hint N: title`", 15),
    "numbering skips": (replace_block(2, hint_block(3, "the shapes", "x")), "Hint 3 where Hint 2 was expected", 15),
    "fewer than three": (chapter([hint_block(1, "a", "x"), hint_block(2, "b", "y")]), "2 hint(s)", 5),
    "details without markdown=1": (replace_block(1, hint_block(1, "a", "x").replace(' markdown="1"', "")),
                                   'is not `<details markdown="1">`', 7),
    "text between hints": (replace_block(2, "Some stray words.\n\n" + hint_block(2, "b", "y")),
                           "text outside any hint", 14),
    "empty hint": (replace_block(3, hint_block(3, "f", "")), "Hint 3 is empty", 27),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_section_is_refused_with_file_line_and_fix(case):
    text, problem, line = MALFORMED[case]
    with pytest.raises(HintFormatError) as caught:
        parse_hints(text, "docs/x.md")
    assert problem in caught.value.problem, str(caught.value)
    assert caught.value.line == line, f"{case}: blamed line {caught.value.line}, the fault is at {line}"
    assert str(caught.value).startswith(f"docs/x.md:{line}: ") and "fix: " in str(caught.value)


def test_hints_of_reads_the_chapter_from_the_docs_folder_given(tmp_path):
    (tmp_path / "linear.md").write_text(chapter())
    assert [h.title for h in hints_of("linear", docs_dir=tmp_path)] == ["the idea", "the shapes", "the formula"]
    with pytest.raises(HintFormatError, match="the chapter does not exist"):
        hints_of("softmax", docs_dir=tmp_path)


def test_render_strips_html_keeps_code_verbatim_and_inline_code_whole():
    shown = render(GOOD_BODIES[1] + "\n\n" + GOOD_BODIES[2] + "\n\n" + "word " * 30 + "`a = b * c`", width=40)
    assert "<b>" not in shown and "upstream" in shown and "\u2014" in shown, shown
    assert "    # x: (N, D)\n    ## not a heading: inside a fence\n    </details> is text here" in shown
    assert "```" not in shown
    assert "`a = b * c`" in shown, "inline code must not be split across lines"
    assert max(len(line) for line in shown.splitlines() if not line.startswith("    ")) <= 40


# ----------------------------------------------------------------------------- the command

@pytest.fixture
def room(tmp_path, monkeypatch):
    """A docs folder with one chapter, and an empty state folder, both in tmp."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "activations.md").write_text(chapter())
    monkeypatch.setattr(hints, "DOCS_DIR", docs)
    monkeypatch.setenv("FROMSCRATCH_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "80")
    return tmp_path


def hint(capsys, *arguments):
    parser = argparse.ArgumentParser()
    hints.register(parser.add_subparsers())
    args = parser.parse_args(["hint", "activations", *arguments])
    code = args.run(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_each_call_shows_one_more_hint_and_lists_those_already_shown(room, capsys):
    code, first = hint(capsys)
    assert code == 0 and "Hint 1 of 3: the idea" in first and "local derivative" in first
    assert "Hint 2" not in first.split("2 more")[0] and "# x: (N, D)" not in first, "only one hint per call"
    code, second = hint(capsys)
    assert "Hint 2 of 3: the shapes" in second and "# x: (N, D)" in second and "local derivative" not in second
    assert re.search(r"Already shown for activations: 1\. the idea", second), second
    _, third = hint(capsys)
    assert "Hint 3 of 3: the formula" in third and "last hint" in third
    assert json.loads((room / "state" / "hints.json").read_text()) == {"activations": 3}
    code, done = hint(capsys)
    assert code == 0 and "All 3 hints of activations are shown" in done
    assert "docs/activations.md" in done and "fromscratch compare activations" in done
    assert "fromscratch solution activations" in done and "local derivative" not in done


def test_again_reprints_without_revealing_and_reset_starts_over(room, capsys):
    _, none_yet = hint(capsys, "--again")
    assert "no hint shown yet" in none_yet and "local derivative" not in none_yet
    hint(capsys)
    hint(capsys)
    _, again = hint(capsys, "--again")
    assert "Hint 1 of 3" in again and "Hint 2 of 3" in again and "Hint 3" not in again
    assert json.loads((room / "state" / "hints.json").read_text()) == {"activations": 2}, "--again reveals nothing"
    hint(capsys, "--reset")
    _, restart = hint(capsys)
    assert "Hint 1 of 3: the idea" in restart and "Already shown" not in restart


def test_a_malformed_chapter_is_the_kits_fault_and_says_where(room, capsys):
    (room / "docs" / "activations.md").write_text(MALFORMED["numbering skips"][0])
    code, shown = hint(capsys)
    assert code == 2 and "Hint 3 where Hint 2 was expected" in shown and "instructor" in shown, shown
    assert f"{room / 'docs' / 'activations.md'}:15: " in shown, shown
    assert not (room / "state" / "hints.json").exists(), "a refused chapter must not count a hint as shown"


# ----------------------------------------------------------------------------- the real chapters

@pytest.mark.parametrize("component", [component.name for component in CURRICULUM])
def test_every_chapter_has_three_well_formed_hints_before_running_the_checks(component):
    found = hints_of(component)
    assert len(found) >= 3
    text = (hints.DOCS_DIR / f"{component}.md").read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    position = headings.index("## Hints")
    assert headings[position + 1:position + 2] == ["## Running the checks"], (
        f"docs/{component}.md: put `## Hints` just before `## Running the checks` (it is followed by "
        f"{headings[position + 1:position + 2]})")

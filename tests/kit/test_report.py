"""Learner reports: what a learner sees first, what they never see, Gradescope's format, atomic files."""

import html
import json
import os
import re
from fractions import Fraction

import pytest

from grader.grading import pages
from grader.grading.pages import number, unbalanced_tags, write_atomic
from grader.grading.report import write_learner_report
from grader.grading.rubric import load_rubric
from grader.grading.score import Scorecard, score

RUBRIC = load_rubric(None)
SECRET = "SECRET-7f3a"  # stands for hidden inputs: shapes and values in messages and case ids
NO_GPU = "no CUDA device on the grading machine"


def record(component, test, case, outcome="passed", kind=None, **extra) -> dict:
    return {"nodeid": f"tests/hidden/test_{component}.py::{test}[{case}]", "component": component, "test": test,
            "outcome": outcome, "kind": kind, "quantity": None, "cause": None,
            "message": f"x of shape (3, 5) {SECRET}", "skip_reason": None, "duration": 0.01, **extra}


def realistic_run(learner="ada") -> dict:
    records = [
        record("linear", "test_forward", "a"), record("linear", "test_forward", f"{SECRET}-b"),
        record("linear", "test_backward_matches_numerical", f"{SECRET}-1", "failed", "check",
               quantity="dw of linear_backward", cause="transpose x before the product"),
        record("linear", "test_backward_matches_numerical", "2", "failed", "check",
               quantity="dw of linear_backward", cause="transpose x before the product"),
        record("linear", "test_backward_matches_numerical", "3"),
        record("softmax", "test_stable", "1", "failed", "timeout"),
        record("softmax", "test_loss", "1", "error", "exception", quantity="cross_entropy"),
        record("softmax", "test_grad", "1", "failed", "crash"),
        record("softmax", "test_grad", "2", "missing", None),
        record("mlp", "test_forward", "1", "failed", "not_implemented"),
        record("mlp", "test_forward", "2", "failed", "forbidden", quantity="torch.nn.functional.linear"),
        record("conv2d", "test_forward", "1", "error", "import",
               message=f"/srv/stage/{learner}/exercises/conv2d.py:4: NameError: name 'np' is not defined\n{SECRET}"),
        record("softmax_torch", "test_parity", "cpu"),
        record("softmax_torch", "test_parity", "cuda", "skipped", skip_reason=NO_GPU),
        record("softmax_torch", "test_events", "cuda", "skipped", skip_reason=NO_GPU),
    ]
    return {"learner": learner, "seed": 4242, "records": records,
            "isolation": {"network": "active", "seccomp": "unavailable: kernel built without seccomp"},
            "log_tail": f"learner printed {SECRET}", "seconds": 12.6}


SUBMISSION = {"ignored": ["notes.txt", "exercises/helpers.py"], "notes": ["no exercises/rnn.py"]}


def shown(files: dict[str, str]) -> dict[str, str]:
    """The text a reader sees: tags dropped and entities decoded in HTML, escapes dropped in Markdown."""
    return {"report.html": html.unescape(re.sub(r"<[^>]+>", "", files["report.html"])),
            "report.md": files["report.md"].replace("\\", "")}


@pytest.fixture
def written(tmp_path):
    run_result = realistic_run()
    card = score(run_result, RUBRIC)
    paths = write_learner_report(tmp_path / "ada", card, run_result, SUBMISSION)
    return card, {name: path.read_text() for name, path in paths.items()}


def test_writes_the_three_files(written):
    _, files = written
    assert set(files) == {"report.html", "report.md", "results.json"}


def test_the_total_comes_first_then_the_table_then_what_to_fix_then_notes(written):
    card, files = written
    total = f"{number(card.points)} / {number(card.max_points)}"
    for text, heading in ((files["report.html"], "<h2>{}</h2>"), (shown(files)["report.md"], "## {}")):
        order = [text.index(total)] + [text.index(heading.format(title))
                                       for title in ("Score per component", "What to fix", "Notes")]
        assert order == sorted(order)
        assert text.index("linear") < text.index("softmax_torch")
        assert "1 of 3 cases failed" not in text and "2 of 3 cases failed" in text


def test_failures_carry_quantity_cause_and_kind(written):
    _, files = written
    for text in shown(files).values():
        assert "dw of linear_backward is wrong; likely cause: transpose x before the product (2 cases)" in text
        assert "timed out: over 30 s for one call, or 240 s for the whole component" in text
        assert "your code raised an exception while computing cross_entropy" in text
        assert "more than 2048 MiB of memory" in text
        assert "no result came back for this check" in text
        assert "not implemented yet" in text
        assert "forbids: torch.nn.functional.linear" in text
        assert "your module failed to import: exercises/conv2d.py:4: NameError: name 'np' is not defined" in text


def test_hidden_messages_case_ids_and_logs_never_reach_the_learner(written):
    _, files = written
    for name, text in files.items():
        assert SECRET not in text, name
        assert "/srv/stage" not in text, name


def test_notes_say_skips_ignored_files_isolation_and_seed(written):
    _, files = written
    text = shown(files)["report.md"]
    assert f"2 checks skipped: {NO_GPU}" in text
    assert "3 checks" not in text  # one skipped function, one skipped case: 2 in all
    assert "Not graded (only exercises/<component>.py files are): notes.txt, exercises/helpers.py." in text
    assert "No exercises/rnn.py." in text
    assert "seccomp was not available on the grading machine (kernel built without seccomp)" in text
    assert "network" not in text
    assert "seed 4242" in text


def test_results_json_follows_gradescope_field_by_field(written):
    card, files = written
    results = json.loads(files["results.json"])
    assert set(results) == {"score", "max_score", "execution_time", "output", "output_format", "test_output_format",
                            "test_name_format", "visibility", "stdout_visibility", "tests"}
    assert results["score"] == round(float(card.points), 4) and results["max_score"] == round(float(card.max_points), 4)
    assert results["execution_time"] == 13 and isinstance(results["execution_time"], int)
    assert isinstance(results["output"], str) and results["output"].startswith("Total: ")
    assert results["visibility"] == "visible" and results["stdout_visibility"] == "hidden"
    assert results["output_format"] == results["test_output_format"] == results["test_name_format"] == "text"
    names = [test["name"] for test in results["tests"]]
    assert len(names) == len(set(names)) == 8  # one per function; the wholly skipped test_events left out
    for test in results["tests"]:
        assert set(test) == {"name", "name_format", "score", "max_score", "status", "output", "output_format", "tags",
                             "visibility"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert all(isinstance(test[key], float) for key in ("score", "max_score"))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] == ("passed" if test["score"] == test["max_score"] else "failed")
        assert test["visibility"] == "visible" and test["name_format"] == test["output_format"] == "text"
        assert test["tags"] == [test["name"].split(":")[0]]
    assert sum(test["score"] for test in results["tests"]) == pytest.approx(results["score"], abs=1e-3)
    backward = next(test for test in results["tests"] if test["name"] == "linear: backward matches numerical")
    assert backward["score"] == round(float(Fraction(5, 3)), 4) and backward["output"].startswith("1 of 3 cases passed")


def test_test_visibility_is_configurable_and_checked(tmp_path):
    run_result = realistic_run()
    card = score(run_result, RUBRIC)
    paths = write_learner_report(tmp_path, card, run_result, {}, visibility="after_due_date")
    assert {test["visibility"] for test in json.loads(paths["results.json"].read_text())["tests"]} == {"after_due_date"}
    with pytest.raises(ValueError, match="'later'.*after_due_date"):
        write_learner_report(tmp_path / "other", card, run_result, {}, visibility="later")
    assert not (tmp_path / "other").exists()  # refused before anything was written


def test_pages_are_well_formed_and_self_contained(written):
    _, files = written
    page = files["report.html"]
    assert unbalanced_tags(page) == []
    assert "<style>" in page and not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page


def test_unbalanced_tags_finds_what_is_left_open_or_misclosed():
    assert unbalanced_tags("<p><b>x</p></b>")
    assert unbalanced_tags("<div><p>x</p>") == ["<div> never closed"]
    assert unbalanced_tags("<p>a<br>b<img src='x.png'></p>") == []


def test_learner_text_is_escaped(tmp_path):
    run_result = realistic_run(learner="<script>alert(1)</script>")
    conv2d = next(record for record in run_result["records"] if record["component"] == "conv2d")
    conv2d["message"] = "exercises/conv2d.py:1: SyntaxError near <b>|*"
    card = score(run_result, RUBRIC)
    page = write_learner_report(tmp_path, card, run_result, {})["report.html"].read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page and "near &lt;b&gt;" in page
    markdown = (tmp_path / "report.md").read_text()
    assert "<script>" not in markdown and "near \\<b\\>\\|\\*" in markdown


def test_a_refused_submission_gets_a_report_saying_why(tmp_path):
    card = Scorecard.refused("bob", "bob.zip is not a zip archive", RUBRIC)
    paths = write_learner_report(tmp_path, card, None, None)
    page = paths["report.html"].read_text()
    assert "could not be graded" in page and "bob.zip is not a zip archive" in page
    assert f"0 / {number(RUBRIC.max_points)}" in page
    results = json.loads(paths["results.json"].read_text())
    assert results["score"] == 0 and results["max_score"] == float(RUBRIC.max_points)
    assert all(test["status"] == "failed" for test in results["tests"])


def test_a_full_score_says_there_is_nothing_to_fix(tmp_path):
    run_result = {"learner": "cy", "seed": 1, "records": [record("linear", "test_forward", "a")], "seconds": 1.0}
    paths = write_learner_report(tmp_path, score(run_result, RUBRIC), run_result, {})
    assert "Nothing: every check that ran passed." in paths["report.md"].read_text()
    assert json.loads(paths["results.json"].read_text())["tests"][0]["status"] == "passed"


def test_a_failed_replace_leaves_the_old_files_whole_and_no_temporary_file(tmp_path, monkeypatch):
    run_result = realistic_run()
    card = score(run_result, RUBRIC)
    write_learner_report(tmp_path, card, run_result, {})
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    replaced = []

    def replace_then_fail(source, target):
        if replaced:
            raise OSError("disk full")
        replaced.append(target)
        os.rename(source, target)

    monkeypatch.setattr(pages.os, "replace", replace_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_learner_report(tmp_path, score({**run_result, "seed": 5}, RUBRIC), run_result, {})
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(before)
    unchanged = [name for name, content in before.items() if (tmp_path / name).read_bytes() == content]
    assert len(unchanged) == 2  # the first file was replaced whole, the second never


def test_a_write_that_fails_midway_leaves_nothing_behind(tmp_path, monkeypatch):
    class Exploding:
        def __init__(self, handle, mode):
            self.file = open(handle, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.file.write(data[:10])
            raise OSError("no space left on device")

    monkeypatch.setattr(pages.os, "fdopen", Exploding)
    with pytest.raises(OSError, match="no space"):
        write_atomic(tmp_path / "report.html", "<p>" + "x" * 1000 + "</p>")
    assert list(tmp_path.iterdir()) == []


def test_files_are_readable_by_whoever_hands_them_out(tmp_path):
    path = write_atomic(tmp_path / "report.md", "# hello\n")
    assert path.stat().st_mode & 0o777 == 0o644 and path.read_text() == "# hello\n"


@pytest.mark.parametrize("value, shown", [(10, "10"), (7.5, "7.5"), (Fraction(30, 7), "4.29"),
                                          (Fraction(33, 8), "4.13"), (0, "0"), (Fraction(1, 1000), "0")])
def test_numbers_show_at_most_two_decimals_halves_up(value, shown):
    assert number(value) == shown

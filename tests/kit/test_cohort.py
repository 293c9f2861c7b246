"""The cohort's gradebook.csv and summary.html: rows, columns, rates, embedded plots, nothing external."""

import base64
import csv
import io
import re

import pytest

from grader.grading import pages
from grader.grading.cohort import component_stats, failed_checks, write_cohort
from grader.grading.pages import unbalanced_tags
from grader.grading.rubric import load_rubric
from grader.grading.score import Scorecard, score

RUBRIC = load_rubric(None)


def record(component, test, case, outcome="passed") -> dict:
    return {"nodeid": f"tests/hidden/test_{component}.py::{test}[{case}]", "component": component, "test": test,
            "outcome": outcome, "kind": None if outcome in ("passed", "skipped") else "check", "quantity": None,
            "cause": None, "message": "", "skip_reason": "no GPU" if outcome == "skipped" else None, "duration": 0.0}


def card(learner: str, linear_failed: int, softmax_failed: int, gpu: str = "passed") -> Scorecard:
    records = ([record("linear", "test_backward", i, "failed" if i < linear_failed else "passed") for i in range(4)]
               + [record("linear", "test_forward", 0)]
               + [record("softmax", "test_loss", i, "failed" if i < softmax_failed else "passed") for i in range(2)]
               + [record("gpu_timing", "test_events", 0, gpu)])
    return score({"learner": learner, "seed": 1, "records": records}, RUBRIC)


def cohort() -> list:
    return [card("carol", 0, 0), card("alice", 2, 0, gpu="skipped"), card("bob", 4, 2, gpu="failed"),
            Scorecard.refused("dave", "dave.zip is not a zip archive", RUBRIC, ["linear", "softmax", "gpu_timing"])
            .to_dict()]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort")
    paths = write_cohort(folder, cohort())
    return {name: path.read_text() for name, path in paths.items()}


def test_gradebook_has_a_row_per_learner_sorted_and_a_column_per_component(written):
    rows = list(csv.reader(io.StringIO(written["gradebook.csv"])))
    assert rows[0] == ["learner", "status", "linear", "softmax", "gpu_timing", "total", "max", "reason"]
    assert [row[0] for row in rows[1:]] == ["alice", "bob", "carol", "dave"]
    by_learner = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_learner["carol"] == {"learner": "carol", "status": "graded", "linear": "10", "softmax": "10",
                                   "gpu_timing": "5", "total": "25", "max": "25", "reason": ""}
    assert (by_learner["alice"]["linear"], by_learner["alice"]["gpu_timing"]) == ("7.5", "0")
    assert (by_learner["alice"]["total"], by_learner["alice"]["max"]) == ("17.5", "20")  # the skip leaves the max
    assert (by_learner["bob"]["total"], by_learner["bob"]["max"]) == ("5", "25")
    assert by_learner["dave"] == {"learner": "dave", "status": "refused", "linear": "0", "softmax": "0",
                                  "gpu_timing": "0", "total": "0", "max": "25",
                                  "reason": "dave.zip is not a zip archive"}


def test_summary_embeds_three_pngs_and_loads_nothing_from_elsewhere(written):
    summary = written["summary.html"]
    images = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', summary)
    assert len(images) == 3 == summary.count("<img")
    assert all(base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    assert not re.search(r"https?://", summary) and "<script" not in summary and "@import" not in summary
    assert unbalanced_tags(summary) == []


def test_summary_tables_give_rates_and_learners(written):
    summary = written["summary.html"]
    assert "4 submissions: 3 graded, 1 refused" in summary
    assert re.search(r"gpu_timing</span></td>.*?<td[^>]*>50%</td>", summary)  # carol of carol and bob; alice skipped
    assert re.search(r"<td>dave</td><td>refused</td>", summary)


def test_pass_rate_counts_learners_passing_every_check_that_ran():
    cards = [scorecard.to_dict() if isinstance(scorecard, Scorecard) else scorecard for scorecard in cohort()]
    stats = {entry["name"]: entry for entry in component_stats(cards, ["linear", "softmax", "gpu_timing"])}
    assert stats["linear"]["pass_rate"] == pytest.approx(1 / 3) and stats["linear"]["failing"] == 2
    assert stats["softmax"]["pass_rate"] == pytest.approx(2 / 3)
    assert stats["gpu_timing"]["pass_rate"] == 0.5 and stats["gpu_timing"]["failing"] == 1
    assert stats["linear"]["mean"] == pytest.approx((10 + 7.5 + 5) / 3)


def test_failed_checks_count_learners_not_cases():
    cards = [scorecard.to_dict() if isinstance(scorecard, Scorecard) else scorecard for scorecard in cohort()]
    assert failed_checks(cards) == {("linear", "test_backward"): 2, ("softmax", "test_loss"): 1,
                                    ("gpu_timing", "test_events"): 1}


def test_the_same_learner_twice_is_refused(tmp_path):
    with pytest.raises(ValueError, match="more than one scorecard: alice"):
        write_cohort(tmp_path, [card("alice", 0, 0), card("alice", 1, 0)])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_cohort_files(tmp_path, monkeypatch):
    (tmp_path / "gradebook.csv").write_text("old gradebook")
    (tmp_path / "summary.html").write_text("old summary")

    def fail(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(pages.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_cohort(tmp_path, cohort())
    assert {path.name: path.read_text() for path in tmp_path.iterdir()} == {"gradebook.csv": "old gradebook",
                                                                          "summary.html": "old summary"}

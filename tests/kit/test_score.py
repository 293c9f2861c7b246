"""Scoring: exact shares per function and per case, skipped out of the maximum, failures at 0."""

import json
from fractions import Fraction

import pytest

from grader.grading.rubric import load_rubric
from grader.grading.score import Scorecard, score

RUBRIC = load_rubric(None)


def record(component: str, test: str, case: str | None = None, outcome: str = "passed", kind: str | None = None,
           **extra) -> dict:
    nodeid = f"tests/hidden/test_{component}.py::{test}" + (f"[{case}]" if case is not None else "")
    return {"nodeid": nodeid, "component": component, "test": test, "outcome": outcome, "kind": kind,
            "quantity": None, "cause": None, "message": "", "skip_reason": None, "duration": 0.01, **extra}


def run(*records: dict) -> dict:
    return {"learner": "ada", "seed": 7, "records": list(records), "isolation": {}, "log_tail": "", "seconds": 1.0}


def cases(component, test, passed: int, failed: int, **failure) -> list[dict]:
    return ([record(component, test, f"p{i}") for i in range(passed)]
            + [record(component, test, f"f{i}", "failed", "check", **failure) for i in range(failed)])


def test_three_of_seven_cases_earn_exactly_three_sevenths_of_the_share():
    card = score(run(*cases("linear", "test_backward", 3, 4), record("linear", "test_forward")), RUBRIC)
    linear = card.component("linear")
    assert linear.points == Fraction(10, 2) * Fraction(3, 7) + 5
    assert linear.tests[0].points == Fraction(15, 7)
    assert linear.max_points == 10 and card.max_points == 10
    assert card.points == Fraction(50, 7)


def test_thirds_add_up_to_the_component_exactly():
    records = [record("softmax", test, case) for test in ("test_a", "test_b", "test_c") for case in range(3)]
    card = score(run(*records), RUBRIC)
    assert {case.share for case in card.component("softmax").cases} == {Fraction(10, 9)}
    assert card.points == card.max_points == 10


def test_totals_are_the_exact_sum_of_the_components():
    card = score(run(*cases("linear", "test_a", 1, 2), *cases("softmax", "test_b", 5, 2),
                     *cases("training", "test_c", 2, 1)), RUBRIC)
    assert card.points == Fraction(10, 3) + Fraction(50, 7) + Fraction(40, 3)
    assert card.points == sum((component.points for component in card.components), Fraction(0))
    assert card.max_points == 40


def test_skipped_cases_leave_score_and_maximum_and_are_counted():
    skip = "no CUDA device on the grading machine"
    records = [record("softmax_torch", "test_parity", "cpu"),
               record("softmax_torch", "test_parity", "cuda", "skipped", skip_reason=skip),
               record("softmax_torch", "test_grad", "cpu", "failed", "check"),
               record("softmax_torch", "test_grad", "cuda", "skipped", skip_reason=skip)]
    component = score(run(*records), RUBRIC).component("softmax_torch")
    assert component.max_points == Fraction(5, 2) + Fraction(5, 2)
    assert component.points == Fraction(5, 2)
    assert component.skipped == 2
    assert [test.status for test in component.tests] == ["passed", "failed"]


def test_a_component_whose_every_check_skipped_is_worth_nothing_either_way():
    records = [record("gpu_timing", "test_events", "cuda", "skipped", skip_reason="no GPU")]
    card = score(run(*records, record("linear", "test_forward")), RUBRIC)
    assert card.component("gpu_timing").max_points == 0
    assert card.component("gpu_timing").tests[0].status == "skipped"
    assert not card.component("gpu_timing").passed
    assert card.points == card.max_points == 10


@pytest.mark.parametrize("outcome, kind", [("failed", "check"), ("error", "exception"), ("missing", None),
                                           ("failed", "crash"), ("failed", "timeout"), ("failed", "forbidden"),
                                           ("failed", "not_implemented")])
def test_anything_but_a_pass_scores_zero(outcome, kind):
    card = score(run(record("linear", "test_a", "x", outcome, kind), record("linear", "test_a", "y")), RUBRIC)
    assert card.points == 5 and card.max_points == 10
    assert card.component("linear").tests[0].status == "failed"


def test_a_module_that_fails_to_import_scores_zero_with_its_first_line():
    message = "/srv/stage/ada/exercises/conv2d.py:3: SyntaxError: invalid syntax\n  details"
    records = [record("conv2d", test, None, "error", "import", message=message) for test in ("test_a", "test_b")]
    component = score(run(*records), RUBRIC).component("conv2d")
    assert component.points == 0 and component.max_points == 10
    assert component.reason == "your module failed to import: exercises/conv2d.py:3: SyntaxError: invalid syntax"


def test_an_absent_module_scores_zero_saying_it_is_absent():
    message = ("/srv/stage/ada/exercises/rnn.py does not exist: the /srv/stage/ada implementation has no rnn "
               "module (copy exercises/rnn.py from the kit to start it)")
    component = score(run(record("rnn", "test_a", None, "error", "import", message=message)), RUBRIC).component("rnn")
    assert (component.points, component.max_points) == (0, 10)
    assert component.reason == "exercises/rnn.py is not in your submission"


def test_a_listed_component_without_records_scores_zero_of_its_points():
    card = score(run(record("linear", "test_a")), RUBRIC, components=["linear", "training"])
    assert [component.name for component in card.components] == ["linear", "training"]
    assert card.component("training").points == 0 and card.component("training").max_points == 20
    assert "no result came back" in card.component("training").reason
    assert card.max_points == 30


def test_components_come_in_curriculum_order():
    card = score(run(record("attention", "test_a"), record("activations", "test_a"), record("mlp", "test_a")),
                 RUBRIC)
    assert [component.name for component in card.components] == ["activations", "mlp", "attention"]


def test_the_rubric_sets_the_points(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text("[components.linear]\npoints = 7\n")
    card = score(run(*cases("linear", "test_a", 1, 2)), load_rubric(path))
    assert card.points == Fraction(7, 3) and card.max_points == 7
    assert card.rubric == load_rubric(path).fingerprint() != RUBRIC.fingerprint()


@pytest.mark.parametrize("change, problem", [
    ({"outcome": "xpassed"}, "outcome 'xpassed'"),
    ({"kind": "oops"}, "kind 'oops'"),
    ({"component": "linaer"}, "unknown component 'linaer'.*activations"),
])
def test_malformed_records_are_refused(change, problem):
    with pytest.raises(ValueError, match=problem):
        score(run({**record("linear", "test_a"), **change}), RUBRIC)


def test_records_lacking_keys_or_repeated_are_refused():
    incomplete = record("linear", "test_a")
    del incomplete["test"]
    with pytest.raises(ValueError, match="lacks test"):
        score(run(incomplete), RUBRIC)
    with pytest.raises(ValueError, match="appears twice"):
        score(run(record("linear", "test_a"), record("linear", "test_a")), RUBRIC)
    with pytest.raises(ValueError, match="no list of records"):
        score({"learner": "ada"}, RUBRIC)


def test_to_dict_is_plain_data_with_exact_values_beside_the_floats():
    data = score(run(*cases("linear", "test_a", 3, 4)), RUBRIC).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["points_exact"] == "30/7" and data["points"] == pytest.approx(30 / 7)
    linear = data["components"][0]
    assert (linear["checks"], linear["failed"], linear["skipped"], linear["passed"]) == (7, 4, 0, False)
    assert [case["outcome"] for case in linear["tests"][0]["cases"]].count("passed") == 3
    assert "message" not in json.dumps(data)


def test_a_refused_submission_scores_zero_of_everything():
    card = Scorecard.refused("bob", "bob.zip is not a zip archive", RUBRIC)
    assert card.status == "refused" and card.reason == "bob.zip is not a zip archive"
    assert card.points == 0 and card.max_points == RUBRIC.max_points
    assert all(component.reason == card.reason for component in card.components)

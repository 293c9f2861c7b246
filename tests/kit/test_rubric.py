"""The rubric: built-in defaults, files laid over them, loud refusals, limits, a stable fingerprint."""

from fractions import Fraction

import pytest

from grader.components import CURRICULUM
from grader.grading.rubric import RubricError, load_rubric


def rubric_file(tmp_path, text: str):
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    return path


def test_built_in_rubric_gives_every_component_its_points():
    rubric = load_rubric(None)
    assert list(rubric.points) == [component.name for component in CURRICULUM]
    assert rubric.points_for("linear") == 10
    assert rubric.points_for("training") == 20
    assert rubric.points_for("gpu_timing") == 5
    assert rubric.max_points == 10 * (len(CURRICULUM) - 2) + 20 + 5


def test_limits_have_defaults_and_per_component_overrides():
    rubric = load_rubric(None)
    assert rubric.limits_for("linear") == {"call_seconds": 30, "component_seconds": 240, "memory_mib": 2048}
    assert rubric.limits_for("training") == {"call_seconds": 300, "component_seconds": 900, "memory_mib": 2048}


def test_a_file_changes_only_what_it_lists(tmp_path):
    rubric = load_rubric(rubric_file(tmp_path, """
        [defaults]
        points = 4
        [components.linear]
        points = 2.5
        [limits]
        memory_mib = 4096
        [limits.conv2d]
        call_seconds = 60
    """))
    assert rubric.points_for("linear") == Fraction(5, 2)
    assert rubric.points_for("softmax") == 4
    assert rubric.points_for("training") == 20  # the built-in override stays
    assert rubric.limits_for("conv2d") == {"call_seconds": 60, "component_seconds": 240, "memory_mib": 4096}
    assert rubric.limits_for("training")["call_seconds"] == 300
    assert rubric.source == str(tmp_path / "rubric.toml")


@pytest.mark.parametrize("text, named, listed", [
    ("[component.linear]\npoints = 3", "'component'", "defaults, components, limits"),
    ("[components.linaer]\npoints = 3", "'linaer'", "activations, linear"),
    ("[components.linear]\npoint = 3", "'point'", "points"),
    ("[defaults]\npionts = 3", "'pionts'", "points"),
    ("[limits]\ncall_second = 3", "'call_second'", "call_seconds, component_seconds, memory_mib"),
    ("[limits.convv2d]\ncall_seconds = 3", "'convv2d'", "conv2d"),
    ("[limits.conv2d]\nmemory = 3", "'memory'", "memory_mib"),
])
def test_unknown_keys_and_components_are_refused_by_name_with_the_valid_ones(tmp_path, text, named, listed):
    with pytest.raises(RubricError) as caught:
        load_rubric(rubric_file(tmp_path, text))
    message = str(caught.value)
    assert named in message and listed in message and "rubric.toml" in message


@pytest.mark.parametrize("text, problem", [
    ("[components.linear]\npoints = -1", "negative"),
    ("[components.linear]\npoints = 'ten'", "not a number"),
    ("[components.linear]\npoints = true", "not a number"),
    ("[components.linear]\npoints = inf", "not a number"),
    ("[limits]\ncall_seconds = 0", "more than 0"),
    ("components = 3", "must be a table"),
    ("[components]\nlinear = 3", "must be a table"),
    ("[components.linear\npoints = 1", "not valid TOML"),
])
def test_bad_values_are_refused(tmp_path, text, problem):
    with pytest.raises(RubricError, match=problem):
        load_rubric(rubric_file(tmp_path, text))


def test_a_missing_file_is_refused_with_the_fix(tmp_path):
    with pytest.raises(RubricError, match="no such file.*built-in"):
        load_rubric(tmp_path / "nope.toml")


def test_limits_for_an_unknown_component_lists_the_components():
    with pytest.raises(ValueError, match="'lineer'.*activations"):
        load_rubric(None).limits_for("lineer")


def test_fingerprint_follows_meaning_not_spelling(tmp_path):
    default = load_rubric(None).fingerprint()
    assert load_rubric(None).fingerprint() == default
    respelt = "# a comment\n[defaults]\npoints = 10.0\n[limits]\nmemory_mib = 2048.0\n"
    assert load_rubric(rubric_file(tmp_path, respelt)).fingerprint() == default
    assert load_rubric(rubric_file(tmp_path, "[components.linear]\npoints = 11\n")).fingerprint() != default
    assert load_rubric(rubric_file(tmp_path, "[limits.linear]\nmemory_mib = 1\n")).fingerprint() != default

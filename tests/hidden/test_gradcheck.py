"""Hidden checks for gradcheck: exactness on known gradients, precision, side effects, reporting."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import strategies as gs
from grader.checks import assert_close, assert_dtype

CENTRAL = "central differences (f(x + h e_i) - f(x - h e_i)) / (2 h); one-sided ones are O(h) off"


@given(x=gs.float_arrays(gs.shapes(max_dims=2), bound=3.0))
def test_gradient_of_a_cube(gradcheck, x):
    grad = gradcheck.numerical_gradient(lambda v: v**3, x)
    assert_close(grad, 3 * x**2, name="numerical_gradient of sum(x**3)", inputs={"x": x},
                 rtol=1e-6, atol=1e-6, cause=CENTRAL)


def test_central_difference_error_is_exactly_h_squared(gradcheck):
    # For x**3 the central difference is exactly 3 x**2 + h**2, whatever the step.
    x, h = np.array([1.0, 2.0, -3.0]), 1e-2
    grad = gradcheck.numerical_gradient(lambda v: v**3, x, h=h)
    assert_close(grad, 3 * x**2 + h**2, name="numerical_gradient of sum(x**3) with h=1e-2",
                 inputs={"x": x, "h": h}, rtol=1e-9, cause=f"{CENTRAL}; and use the h you are given")


@given(data=st.data())
def test_gradient_of_a_matrix_product_with_dout(gradcheck, data):
    x = data.draw(gs.float_arrays(gs.shapes(min_dims=2, max_dims=2)), label="x")
    a = data.draw(gs.float_arrays((x.shape[1], data.draw(st.integers(1, 4)))), label="a")
    dout = data.draw(gs.float_arrays((x.shape[0], a.shape[1])), label="dout")
    grad = gradcheck.numerical_gradient(lambda v: v @ a, x, dout)
    assert_close(grad, dout @ a.T, name="numerical_gradient of sum((x @ a) * dout)",
                 inputs={"x": x, "a": a, "dout": dout}, rtol=1e-6, atol=1e-6,
                 cause="the objective is sum(f(x) * dout): multiply by dout before summing")


def test_scalar_valued_functions(gradcheck):
    x = np.array([[0.3, -0.2], [0.1, 0.4]])
    grad = gradcheck.numerical_gradient(lambda v: float(np.sum(np.exp(v))), x)
    assert_close(grad, np.exp(x), name="numerical_gradient of a function returning a float",
                 inputs={"x": x}, rtol=1e-7, cause="f may return a plain number; np.sum handles both")


def test_the_point_is_left_unchanged(gradcheck):
    x = np.array([[1.0, -2.0], [0.5, 4.0]])
    before = x.copy()
    grad = gradcheck.numerical_gradient(lambda v: v**2, x)
    assert_close(x, before, name="x after numerical_gradient", rtol=0, atol=0,
                 cause="restore x[i] to its saved value after evaluating f(x + h) and f(x - h)")
    assert_close(grad, 2 * before, name="numerical_gradient of sum(x**2)", inputs={"x": x}, rtol=1e-6,
                 cause="restore x[i] before moving to the next coordinate")


def test_works_in_float64_for_float32_points(gradcheck):
    x = np.array([1.5, -0.5, 2.0], dtype=np.float32)
    grad = gradcheck.numerical_gradient(lambda v: v**3, x)
    assert_dtype(grad, np.float64, name="numerical_gradient of a float32 point",
                 cause="copy x to float64 first: in float32, x + 1e-6 rounds back to x")
    assert_close(grad, 3 * x.astype(np.float64) ** 2, name="numerical_gradient of a float32 point",
                 inputs={"x": x}, rtol=1e-6, cause="work in float64 whatever the input dtype")


@pytest.mark.parametrize("a, b, expected", [
    ([1.0, 2.0], [1.0, 2.0], 0.0),
    ([1.0, 1.0], [3.0, 1.0], 0.5),
    ([0.0, 0.0], [0.0, 0.0], 0.0),
    ([-1.0, 2.0], [1.0, 2.0], 1.0),
    ([1e-9, 0.0], [0.0, 0.0], 0.1),
    ([4.0, 100.0], [4.0, 101.0], 1 / 201),
])
def test_rel_error_values(gradcheck, a, b, expected):
    got = gradcheck.rel_error(np.array(a), np.array(b))
    assert_close(got, expected, name=f"rel_error({a}, {b})", rtol=1e-9,
                 cause="the MAX over elements of |a - b| / max(1e-8, |a| + |b|), with absolute values")


def test_gradient_check_finds_the_wrong_coordinate(gradcheck):
    x = np.array([[0.5, -1.0, 0.3], [2.0, 0.1, -0.7]])
    wrong = np.cos(x)
    wrong[1, 2] += 0.05
    report = gradcheck.gradient_check(np.sin, x, wrong)
    assert report["ok"] is False, f"gradient_check accepted a gradient that is off by 0.05 at (1, 2): {report}"
    assert tuple(report["worst_index"]) == (1, 2), (
        f"worst_index is {report['worst_index']}, the wrong coordinate is (1, 2): take the argmax of the "
        "elementwise relative error and np.unravel_index it")
    assert_close(report["max_rel_error"], 0.05 / (abs(wrong[1, 2]) + np.cos(-0.7)), name="max_rel_error",
                 rtol=1e-5, cause="max_rel_error is rel_error(analytic, numerical)")


def test_gradient_check_respects_the_tolerance(gradcheck):
    x = np.array([0.2, 0.9])
    nearly = np.cos(x) * (1 + 1e-4)
    loose = gradcheck.gradient_check(np.sin, x, nearly, tolerance=1e-3)
    strict = gradcheck.gradient_check(np.sin, x, nearly, tolerance=1e-6)
    assert loose["ok"] is True and strict["ok"] is False, (
        f"a relative error of 5e-5 must pass at tolerance 1e-3 and fail at 1e-6; got ok={loose['ok']} "
        f"and ok={strict['ok']}")
    assert_close(strict["numerical"], np.cos(x), name="numerical of gradient_check", rtol=1e-7)


@given(data=st.data())
def test_gradient_check_agrees_with_the_exact_gradient(gradcheck, data):
    x = data.draw(gs.float_arrays(gs.shapes(max_dims=2), bound=2.0), label="x")
    dout = data.draw(gs.float_arrays(x.shape, bound=2.0, away_from_zero=0.1), label="dout")
    report = gradcheck.gradient_check(np.tanh, x, dout * (1 - np.tanh(x) ** 2), dout)
    assert report["ok"] is True, f"gradient_check rejected the exact gradient of tanh with dout: {report}"

"""Public checks for gradcheck: gradients of functions whose derivative is known by heart."""

import numpy as np

from grader.checks import assert_close


def test_numerical_gradient_of_a_square(gradcheck):
    x = np.array([1.0, -2.0, 3.0])
    grad = gradcheck.numerical_gradient(lambda v: v**2, x)
    assert_close(grad, 2 * x, name="numerical_gradient of sum(x**2)", inputs={"x": x}, rtol=1e-6,
                 cause="central differences: (f(x + h) - f(x - h)) / (2 h), one coordinate at a time")


def test_numerical_gradient_uses_dout(gradcheck):
    x, dout = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0]])
    grad = gradcheck.numerical_gradient(lambda v: 5 * v, x, dout)
    assert_close(grad, [[15.0, -5.0]], name="numerical_gradient of sum(5x * dout)",
                 inputs={"x": x, "dout": dout}, rtol=1e-6, cause="weight f(x) by dout before summing")


def test_rel_error_fixed_values(gradcheck):
    assert_close(gradcheck.rel_error(np.array([1.0]), np.array([3.0])), 0.5, name="rel_error([1], [3])",
                 cause="|a - b| / max(1e-8, |a| + |b|) = 2 / 4")
    assert_close(gradcheck.rel_error(np.array([2.0, 5.0]), np.array([2.0, 5.0])), 0.0,
                 name="rel_error of equal arrays")


def test_gradient_check_accepts_a_right_gradient(gradcheck):
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    report = gradcheck.gradient_check(np.sin, x, np.cos(x))
    assert report["ok"] is True, f"gradient_check rejected the exact gradient of sin: {report}"
    assert report["max_rel_error"] < 1e-7, f"max_rel_error {report['max_rel_error']:.2e} for an exact gradient"

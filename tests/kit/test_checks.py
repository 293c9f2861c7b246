"""The checks library: messages that teach, gradients that are right, parity that compares everything."""

import numpy as np
import pytest

from grader.checks import (CheckFailure, assert_close, assert_dtype, assert_gradient, assert_raises,
                           numerical_gradient, rel_error)
from grader.parity import assert_matches_torch, torch_forward_backward


def failure(call) -> CheckFailure:
    with pytest.raises(CheckFailure) as caught:
        call()
    return caught.value


def test_close_values_pass():
    assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), name="out")


def test_mismatch_names_quantity_inputs_worst_element_tolerance_and_cause():
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[1, 2] += 0.5
    got[0, 1] += 0.1
    message = str(failure(lambda: assert_close(got, expected, name="dw of linear_backward",
                                               inputs={"x": np.zeros((2, 4)), "p": 0.5},
                                               cause="transpose x")))
    assert message.startswith("dw of linear_backward: values differ from the reference")
    assert "inputs: x=array(2, 4) float64, p=0.5" in message
    assert "worst: dw[1, 2] expected 5, got 5.5" in message
    assert "2 of 6 elements outside rtol=1e-07, atol=1e-10" in message
    assert "likely cause: transpose x" in message


def test_shape_none_and_non_numbers_are_named():
    assert "shape (3,), expected (2,)" in str(failure(lambda: assert_close(np.zeros(3), np.zeros(2), name="dx")))
    assert "no `return`" in str(failure(lambda: assert_close(None, np.zeros(2), name="dx")))
    assert "not numbers" in str(failure(lambda: assert_close(["a", "b"], np.zeros(2), name="dx")))


def test_non_finite_results_point_at_overflow():
    caught = failure(lambda: assert_close(np.array([np.nan, 1.0]), np.array([0.5, 1.0]), name="out of softmax"))
    assert "got nan at out[0]" in str(caught) and "maximum" in caught.cause


def test_dtype_check():
    assert_dtype(np.zeros(2, np.float32), np.float32, name="out")
    assert "dtype float64, expected float32" in str(failure(
        lambda: assert_dtype(np.zeros(2), np.float32, name="out")))


def test_rel_error_is_cs231n():
    assert rel_error([1.0, 0.0], [3.0, 0.0]) == 0.5
    assert rel_error([0.0], [0.0]) == 0.0


def test_numerical_gradient_is_central_and_leaves_x_alone():
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])
    before = x.copy()
    np.testing.assert_allclose(numerical_gradient(lambda v: v**3, x, h=1e-2), 3 * x**2 + 1e-4, rtol=1e-10)
    np.testing.assert_array_equal(x, before)
    dout = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(np.sin, x, dout), np.cos(x) * dout, rtol=1e-8)


def test_assert_gradient_accepts_right_and_rejects_wrong():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    assert_gradient(2 * x, lambda v: v**2, x, name="dx")
    caught = failure(lambda: assert_gradient(x, lambda v: v**2, x, name="dx", cause="factor 2"))
    assert caught.quantity == "dx (vs numerical gradient)" and caught.cause == "factor 2"


def test_assert_raises_distinguishes_missing_and_wrong_exceptions():
    def bad():
        raise IndexError("index -1")

    assert_raises(ValueError, lambda: int("x"), name="f", why="text")
    assert "accepted text without raising ValueError" in str(failure(
        lambda: assert_raises(ValueError, lambda: None, name="f", why="text")))
    assert "raised IndexError (index -1) for text" in str(failure(
        lambda: assert_raises(ValueError, bad, name="f", why="text")))


def test_torch_forward_backward_returns_output_and_gradients():
    import torch

    x, w = np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])
    out, grads = torch_forward_backward(lambda x, w: torch.tanh(x @ w), {"x": x, "w": w}, grads_of=["w"])
    np.testing.assert_allclose(out, np.tanh(x @ w))
    np.testing.assert_allclose(grads["w"], x.T @ (1 - np.tanh(x @ w) ** 2))
    assert set(grads) == {"w"}


def test_parity_failure_names_the_gradient():
    import torch

    x = np.array([1.0, -2.0])
    assert_matches_torch(torch.relu, {"input": x}, out=np.maximum(x, 0), grads={"input": (x > 0) * 1.0},
                         forward="relu_forward", backward="relu_backward")
    caught = failure(lambda: assert_matches_torch(torch.relu, {"input": x}, out=np.maximum(x, 0),
                                                  grads={"input": np.ones(2)}, forward="relu_forward",
                                                  backward="relu_backward", causes={"input": "mask"}))
    assert caught.quantity == "dinput of relu_backward" and caught.cause == "mask"

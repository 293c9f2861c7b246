"""Devices and tolerances: one table, tensor checks that teach, cuda cases that skip with the reason."""

import pytest
import torch

from grader.checks import CheckFailure
from grader.devices import TOLERANCES, Tolerance, assert_tensor_close, cuda_device_name, tolerance

from .test_plugin import pytest_run


def test_tolerances_come_from_one_table():
    assert tolerance(torch.float32, torch.device("cpu")) == TOLERANCES[("float32", "cpu")]
    assert tolerance("float64", "cuda:0") == TOLERANCES[("float64", "cuda")]
    assert tolerance(torch.float32, "cpu").rtol > tolerance(torch.float64, "cpu").rtol
    with pytest.raises(KeyError, match="add one to grader.devices.TOLERANCES"):
        tolerance(torch.int64, "cpu")


@pytest.mark.parametrize("got, problem, cause", [
    (lambda e: e.numpy(), "expected a torch.Tensor", "return torch tensors"),
    (lambda e: e.to("meta"), "tensor on meta, expected cpu", "device=x.device"),
    (lambda e: e.double(), "dtype torch.float64, expected torch.float32", "dtype=x.dtype"),
    (lambda e: e[:, :2], "shape (2, 2), expected (2, 3)", None),
    (lambda e: e + 1e-3, "values differ from the reference", None),
])
def test_a_tensor_mismatch_says_what_and_why(got, problem, cause):
    expected = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    with pytest.raises(CheckFailure) as failure:
        assert_tensor_close(got(expected), expected, name="out", inputs={"x": expected})
    assert problem in str(failure.value)
    assert "x=tensor(2, 3) float32 on cpu" in str(failure.value)
    if cause:
        assert cause in failure.value.cause


def test_the_table_decides_what_is_close_enough():
    expected = torch.ones(4, dtype=torch.float32)
    assert_tensor_close(expected * (1 + 5e-5), expected, name="out")  # inside float32's rtol 1e-4
    assert_tensor_close(expected * (1 + 5e-3), expected, name="out", tol=Tolerance(1e-2, 0))
    with pytest.raises(CheckFailure):
        assert_tensor_close(expected.double() * (1 + 5e-5), expected.double(), name="out")  # float64 is tighter


def test_cuda_cases_exist_and_skip_with_the_reason_without_a_gpu():
    result = pytest_run("tests/public/test_softmax_torch.py", "--impl", "solutions", "-rs", "-q")
    assert result.returncode == 0, result.stdout
    if cuda_device_name() is None:
        assert "fromscratch: devices: cpu only; cuda tests skip" in result.stdout
        assert "SKIPPED" in result.stdout and "no CUDA device" in result.stdout
    assert "TF32 off for parity checks" in result.stdout
    collected = pytest_run("tests/public/test_softmax_torch.py", "--collect-only", "-q", "-m", "cuda").stdout
    assert "[cuda" in collected and "[cpu" not in collected

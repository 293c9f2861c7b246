"""Numerical checks whose failures teach.

Every failed check raises :class:`CheckFailure`, an AssertionError whose text
names the quantity (``dw of linear_backward``), the inputs' shapes and dtypes,
the worst element with expected and got values, the tolerance, and the likely
cause when the test knows one. The grader reads the structured fields
(``quantity``, ``cause``) to write feedback without revealing hidden inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


class CheckFailure(AssertionError):
    """A check that failed, with what was checked kept apart from the details."""

    def __init__(self, quantity: str, problem: str, details: list[str], cause: str | None = None):
        self.quantity, self.problem, self.details, self.cause = quantity, problem, details, cause
        lines = [f"{quantity}: {problem}", *(f"  {line}" for line in details)]
        if cause:
            lines.append(f"  likely cause: {cause}")
        super().__init__("\n".join(lines))


def is_tensor(value: Any) -> bool:
    """True for a torch.Tensor, without importing torch."""
    return type(value).__module__.startswith("torch") and hasattr(value, "detach") and hasattr(value, "device")


def tensor_to_numpy(tensor: Any) -> np.ndarray:
    """A detached host copy of a tensor on any device (bfloat16 widened, which NumPy lacks)."""
    host = tensor.detach().cpu()
    if str(host.dtype) == "torch.bfloat16":
        host = host.float()
    return host.numpy()


def describe_value(value: Any) -> str:
    """A short, input-revealing-free description: shape and dtype for arrays and tensors."""
    if is_tensor(value):
        return f"tensor{tuple(value.shape)} {str(value.dtype).removeprefix('torch.')} on {value.device}"
    if isinstance(value, np.ndarray):
        return f"array{tuple(value.shape)} {value.dtype}"
    if isinstance(value, (bool, int, float, np.number)):
        return repr(value.item() if isinstance(value, np.number) else value)
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of {len(value)}"
    return type(value).__name__


def describe_inputs(inputs: Mapping[str, Any] | None) -> str:
    if not inputs:
        return ""
    return ", ".join(f"{name}={describe_value(value)}" for name, value in inputs.items())


def _as_array(got: Any, quantity: str, details: list[str], cause: str | None) -> np.ndarray:
    if got is None:
        raise CheckFailure(quantity, "got None", details,
                           cause or "the function has no `return`, or returns before computing")
    try:
        array = tensor_to_numpy(got) if is_tensor(got) else np.asarray(got)
    except Exception as error:  # noqa: BLE001 - anything unconvertible is the finding
        raise CheckFailure(quantity, f"got {type(got).__name__}, not an array ({error})", details, cause)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise CheckFailure(quantity, f"got {type(got).__name__} of dtype {array.dtype}, not numbers",
                           details, cause)
    return array


def _index(flat_index: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return ""
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat_index, shape)) + "]"


def assert_close(
    got: Any,
    expected: Any,
    *,
    name: str,
    inputs: Mapping[str, Any] | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    cause: str | None = None,
) -> None:
    """Require ``|got - expected| <= atol + rtol * |expected|`` elementwise, shapes equal."""
    details = [f"inputs: {describe_inputs(inputs)}"] if inputs else []
    expected = tensor_to_numpy(expected) if is_tensor(expected) else np.asarray(expected)
    got = _as_array(got, name, details, cause)
    if got.shape != expected.shape:
        raise CheckFailure(name, f"shape {got.shape}, expected {expected.shape}", details, cause)
    got64, expected64 = got.astype(np.float64), expected.astype(np.float64)
    bad_values = ~np.isfinite(got64) & np.isfinite(expected64)
    if bad_values.any():
        where = int(np.flatnonzero(bad_values)[0])
        raise CheckFailure(
            name,
            f"got {got64.flat[where]} at {name.split()[0]}{_index(where, got.shape)}, "
            f"expected {expected64.flat[where]:.9g}",
            [*details, f"{int(bad_values.sum())} of {got.size} elements are not finite"],
            cause or "overflow in exp or log of 0: subtract the maximum before exponentiating",
        )
    with np.errstate(invalid="ignore"):  # inf - inf: equal infinities are exact, handled next
        error = np.where(got64 == expected64, 0.0, np.abs(got64 - expected64))
    excess = error - (atol + rtol * np.abs(expected64))
    excess = np.where(np.isnan(excess), np.inf, excess)  # nan where both are inf of opposite sign
    if not (excess > 0).any():
        return
    worst = int(np.argmax(excess))
    expected_value, got_value = expected64.flat[worst], got64.flat[worst]
    relative = error.flat[worst] / max(abs(expected_value), 1e-300)
    details += [
        f"worst: {name.split()[0]}{_index(worst, got.shape)} expected {expected_value:.9g}, "
        f"got {got_value:.9g} (abs error {error.flat[worst]:.2e}, rel error {relative:.2e})",
        f"{int((excess > 0).sum())} of {got.size} elements outside rtol={rtol:g}, atol={atol:g}",
    ]
    raise CheckFailure(name, "values differ from the reference", details, cause)


def assert_shape(got: Any, shape: tuple[int, ...], *, name: str, cause: str | None = None) -> None:
    array = _as_array(got, name, [], cause)
    if array.shape != tuple(shape):
        raise CheckFailure(name, f"shape {array.shape}, expected {tuple(shape)}", [], cause)


def assert_dtype(got: Any, dtype: Any, *, name: str, cause: str | None = None) -> None:
    array = _as_array(got, name, [], cause)
    if array.dtype != np.dtype(dtype):
        raise CheckFailure(
            name, f"dtype {array.dtype}, expected {np.dtype(dtype)}", [],
            cause or "a float64 constant or np.zeros(...) without dtype= promoted the result",
        )


def rel_error(a: Any, b: Any) -> float:
    """CS231n's relative error: ``max over elements of |a-b| / max(1e-8, |a|+|b|)``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def numerical_gradient(
    f: Callable[[np.ndarray], Any], x: Any, dout: Any = None, h: float = 1e-6
) -> np.ndarray:
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x`` by central differences, in float64.

    ``dout`` defaults to ones (the gradient of ``sum(f(x))``). Each evaluation is
    taken relative to ``f(x)`` before weighting and summing: the same gradient,
    without the rounding of a large total swamping a small difference. The
    caller's ``x`` is never modified.
    """
    point = np.array(x, dtype=np.float64)
    weights = None if dout is None else np.asarray(dout, dtype=np.float64)
    baseline = np.asarray(f(point.copy()), dtype=np.float64)

    def objective() -> float:
        change = np.asarray(f(point.copy()), dtype=np.float64) - baseline
        return float(np.sum(change if weights is None else change * weights))

    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        above = objective()
        point[index] = original - h
        below = objective()
        point[index] = original
        gradient[index] = (above - below) / (2 * h)
    return gradient


def assert_gradient(
    analytic: Any,
    f: Callable[[np.ndarray], Any],
    x: Any,
    *,
    name: str,
    dout: Any = None,
    inputs: Mapping[str, Any] | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    cause: str | None = None,
) -> None:
    """Compare a hand-written gradient with the numerical one.

    The absolute tolerance scales with the largest numerical entry, so rounding
    in the differences of large sums does not fail a correct backward pass.
    """
    numerical = numerical_gradient(f, x, dout)
    scale = max(1.0, float(np.max(np.abs(numerical), initial=0.0)))
    assert_close(analytic, numerical, name=f"{name} (vs numerical gradient)", inputs=inputs,
                 rtol=rtol, atol=atol * scale, cause=cause)


def assert_raises(
    expected: type[BaseException],
    call: Callable[[], Any],
    *,
    name: str,
    why: str,
    cause: str | None = None,
) -> None:
    """Require ``call()`` to raise ``expected``; ``why`` says what was wrong with the input."""
    try:
        call()
    except expected:
        return
    except Exception as error:  # noqa: BLE001 - the wrong exception is the finding
        raise CheckFailure(name, f"raised {type(error).__name__} ({error}) for {why}; expected {expected.__name__}",
                           [], cause) from None
    raise CheckFailure(name, f"accepted {why} without raising {expected.__name__}", [], cause)

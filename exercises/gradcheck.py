# Exercise generated from solutions/gradcheck.py by `fromscratch stubs`.
# Replace each `raise NotImplementedError(...)` with your code; check it with `pytest -m gradcheck`.
"""Numerical gradient checking: the tool that tells you whether a backward pass is right.

For a function f and an upstream gradient ``dout`` (the same shape as f(x)),
the quantity checked is the gradient of ``L(x) = sum(f(x) * dout)``, whose
analytic form is exactly what a layer's backward returns for that ``dout``.

Central differences, one coordinate at a time::

    dL/dx[i] ~ (L(x + h e_i) - L(x - h e_i)) / (2 h)     error O(h**2)

whereas the one-sided ``(L(x + h e_i) - L(x)) / h`` has error O(h). Always
work in float64: in float32 the rounding error of L swamps the difference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def numerical_gradient(f: Callable[[Array], Any], x: Array, dout: Array | None = None,
                       h: float = 1e-6) -> NDArray[np.float64]:
    """Gradient of ``sum(f(x) * dout)`` with respect to x by central differences.

    Args:
        f: maps an array shaped like x to an array (or a number).
        x: (...) the point; it must be unchanged when the function returns.
        dout: same shape as f(x); None means ones (the gradient of sum(f(x))).
        h: the step.
    Returns:
        grad: same shape as x, float64.
    """
    raise NotImplementedError("gradcheck.numerical_gradient: see docs/gradcheck.md")


def rel_error(a: Array, b: Array) -> float:
    """CS231n's relative error: ``max over elements of |a - b| / max(1e-8, |a| + |b|)``.

    Relative, so that large and small gradients are judged alike; the 1e-8
    keeps it finite where both are zero. Rough guide in float64: below 1e-7
    is right, above 1e-4 is almost surely a bug.

    Args:
        a, b: arrays of the same shape.
    Returns:
        the largest elementwise relative error, a float (0.0 for empty arrays).
    """
    raise NotImplementedError("gradcheck.rel_error: see docs/gradcheck.md")


def gradient_check(f: Callable[[Array], Any], x: Array, analytic: Array, dout: Array | None = None,
                   h: float = 1e-6, tolerance: float = 1e-6) -> dict[str, Any]:
    """Compare an analytic gradient with the numerical one and report the worst coordinate.

    Args:
        f, x, dout, h: as for numerical_gradient.
        analytic: (same shape as x) the gradient to check.
        tolerance: the largest relative error accepted.
    Returns:
        a dict with
            "ok": bool, max_rel_error <= tolerance;
            "max_rel_error": float, rel_error(analytic, numerical);
            "worst_index": tuple of ints, the coordinate with the largest relative error;
            "numerical": the numerical gradient, float64, shaped like x.
    """
    raise NotImplementedError("gradcheck.gradient_check: see docs/gradcheck.md")

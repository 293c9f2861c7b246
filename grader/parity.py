"""Torch as the oracle: run the same computation with autograd and compare everything.

Torch is imported lazily so that suites which never compare with torch do not
pay its two-second import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from grader.checks import assert_close


def torch_forward_backward(
    torch_fn: Callable[..., Any],
    inputs: Mapping[str, Any],
    *,
    dout: Any = None,
    grads_of: Iterable[str] = (),
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run ``torch_fn(**inputs)`` on tensors and backpropagate ``dout`` (ones by default).

    Arrays become tensors of the same dtype; other values pass through unchanged.
    Returns the output and the gradient of every input named in ``grads_of``.
    """
    import torch

    wanted = set(grads_of)
    tensors = {}
    for key, value in inputs.items():
        if isinstance(value, np.ndarray):
            tensors[key] = torch.tensor(value, requires_grad=key in wanted)
        else:
            tensors[key] = value
    out = torch_fn(**tensors)
    if wanted:
        seed = torch.ones_like(out) if dout is None else torch.as_tensor(np.asarray(dout), dtype=out.dtype)
        out.backward(seed)
    grads = {key: tensors[key].grad.numpy() for key in wanted}
    return out.detach().numpy(), grads


def assert_matches_torch(
    torch_fn: Callable[..., Any],
    inputs: Mapping[str, Any],
    *,
    out: Any,
    forward: str,
    grads: Mapping[str, Any] | None = None,
    backward: str | None = None,
    dout: Any = None,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    causes: Mapping[str, str] | None = None,
) -> None:
    """Compare a learner's output (and gradients, keyed by input name) with torch's.

    ``causes`` maps ``"out"`` or an input name to the likely cause of a mismatch.
    """
    grads = grads or {}
    causes = causes or {}
    expected_out, expected_grads = torch_forward_backward(torch_fn, inputs, dout=dout, grads_of=grads)
    shown = {**inputs, **({"dout": np.asarray(dout)} if dout is not None else {})}
    assert_close(out, expected_out, name=f"out of {forward}", inputs=shown,
                 rtol=rtol, atol=atol, cause=causes.get("out"))
    for key, got in grads.items():
        assert_close(got, expected_grads[key], name=f"d{key} of {backward or forward}", inputs=shown,
                     rtol=rtol, atol=atol, cause=causes.get(key))

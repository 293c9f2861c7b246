"""Devices and tolerances for Part 2, in one place.

Every Part 2 suite takes a ``device`` fixture: ``cpu`` always, ``cuda`` too,
marked ``cuda`` and skipped with the reason when no GPU is present. Parity
with torch is judged per dtype and device with :data:`TOLERANCES`; TF32 is
switched off for the whole run (it rounds float32 matmuls and convolutions on
recent GPUs to 10 mantissa bits, which no float32 tolerance should absorb),
and the pytest header says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from grader.checks import CheckFailure, assert_close, describe_value, is_tensor

DEVICES = ("cpu", "cuda")


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float


TOLERANCES: dict[tuple[str, str], Tolerance] = {
    ("float64", "cpu"): Tolerance(1e-7, 1e-9),
    ("float64", "cuda"): Tolerance(1e-7, 1e-9),
    ("float32", "cpu"): Tolerance(1e-4, 1e-5),
    ("float32", "cuda"): Tolerance(1e-4, 1e-5),  # with TF32 off; different reduction order than the CPU
    ("float16", "cuda"): Tolerance(1e-2, 1e-3),
    ("bfloat16", "cuda"): Tolerance(2e-2, 1e-2),
    ("float16", "cpu"): Tolerance(1e-2, 1e-3),
    ("bfloat16", "cpu"): Tolerance(2e-2, 1e-2),
}


def _key(dtype: Any, device: Any) -> tuple[str, str]:
    dtype_name = str(dtype).removeprefix("torch.")
    device_type = getattr(device, "type", None) or str(device).split(":")[0]
    return dtype_name, device_type


def tolerance(dtype: Any, device: Any) -> Tolerance:
    """The parity tolerance for ``dtype`` on ``device`` (torch objects or their names)."""
    try:
        return TOLERANCES[_key(dtype, device)]
    except KeyError:
        raise KeyError(f"no tolerance for {_key(dtype, device)}; add one to grader.devices.TOLERANCES") from None


@cache
def cuda_device_name() -> str | None:
    """The GPU's name, or None when torch sees no CUDA device."""
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def disable_tf32() -> None:
    import torch

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


NO_GPU_REASON = "no CUDA device: torch.cuda.is_available() is False (run on a GPU machine; see docs/gpu.md)"


def assert_tensor_close(
    got: Any,
    expected: Any,
    *,
    name: str,
    inputs: dict[str, Any] | None = None,
    cause: str | None = None,
    tol: Tolerance | None = None,
) -> None:
    """Require a tensor on ``expected``'s device, with its dtype and shape, close in value.

    The tolerance is :func:`tolerance` for the expected dtype and device unless
    ``tol`` is given (for a quantity whose error is known to grow, such as
    fifty optimizer steps).
    """
    details = [f"inputs: {', '.join(f'{k}={describe_value(v)}' for k, v in inputs.items())}"] if inputs else []
    if not is_tensor(got):
        raise CheckFailure(name, f"got {describe_value(got)}, expected a torch.Tensor", details,
                           cause or "Part 2 works on tensors end to end: return torch tensors, not arrays or lists")
    if got.device.type != expected.device.type:
        raise CheckFailure(name, f"tensor on {got.device}, expected {expected.device}", details,
                           "a tensor created without device= lands on the CPU: pass device=x.device "
                           "(or use torch.zeros_like / x.new_zeros) so the code runs wherever its inputs are")
    if got.dtype != expected.dtype:
        raise CheckFailure(name, f"dtype {got.dtype}, expected {expected.dtype}", details,
                           "a tensor created without dtype= is float32 (or a Python float promoted it): "
                           "pass dtype=x.dtype or use x.new_zeros / torch.zeros_like")
    tol = tol or tolerance(expected.dtype, expected.device)
    assert_close(got, expected, name=name, inputs=inputs, rtol=tol.rtol, atol=tol.atol, cause=cause)


def dtype_id(dtype: Any) -> str:
    """A test id for a torch dtype: ``float32`` rather than ``dtype0``."""
    return str(dtype).removeprefix("torch.")

"""Comparing one output of the learner's with the reference's: a row per array inside it.

An output may be an array, a tensor, a number, or a dict, list or tuple of
those; the two values are walked side by side, the reference's structure
leading, and every array inside becomes a :class:`Row` named by its path
(``mlp_backward.grads_relu[w0]``). Floating arrays match within a tolerance
chosen by dtype; integers, booleans and strings must be equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

# (rtol, atol) per floating dtype; an element matches when |yours - ref| <= atol + rtol * |ref|.
TOLERANCES = {"float64": (1e-6, 1e-9), "float32": (1e-4, 1e-6), "float16": (1e-2, 1e-3), "bfloat16": (1e-2, 1e-3)}
TOLERANCE_NOTE = ("float64 rtol 1e-6 atol 1e-9 · float32 rtol 1e-4 atol 1e-6 · float16/bfloat16 rtol 1e-2 atol 1e-3 "
                  "· integers, booleans, strings exact; relative error = |yours - reference| / max(|reference|, atol)")


@dataclass
class Leaf:
    """An array ready to compare, with the dtype its owner had (a bfloat16 tensor is read as float32)."""

    array: np.ndarray
    dtype: str


@dataclass
class Row:
    """How one array of one output compares."""

    name: str
    function: str
    verdict: str  # match | DIFFERS | not written | error | skipped
    note: str = ""
    yours: Leaf | None = None
    reference: Leaf | None = None
    max_abs: float | None = None
    max_rel: float | None = None
    worst: tuple[int, ...] | None = None

    @property
    def matches(self) -> bool:
        return self.verdict == "match"


def compare_values(name: str, function: str, yours: Any, reference: Any) -> list[Row]:
    """Rows for every array in ``reference``, each against the same place in ``yours``."""
    if isinstance(reference, Mapping):
        if not isinstance(yours, Mapping):
            return [_structure(name, function, yours, f"a dict with keys {list(reference)}")]
        rows = [row for key in reference for row in
                (compare_values(f"{name}[{key}]", function, yours[key], reference[key]) if key in yours
                 else [Row(f"{name}[{key}]", function, "DIFFERS", "missing from yours")])]
        extra = [key for key in yours if key not in reference]
        return rows + ([Row(name, function, "DIFFERS", f"yours has keys the reference lacks: {extra}")]
                       if extra else [])
    if isinstance(reference, (list, tuple)):
        if not isinstance(yours, (list, tuple)):
            return [_structure(name, function, yours, f"a {type(reference).__name__} of {len(reference)}")]
        rows = [row for index, (mine, theirs) in enumerate(zip(yours, reference))
                for row in compare_values(f"{name}[{index}]", function, mine, theirs)]
        if len(yours) != len(reference):
            rows.append(Row(name, function, "DIFFERS", f"yours has {len(yours)} items, the reference "
                                                        f"{len(reference)}"))
        return rows
    return [compare_leaves(name, function, yours, reference)]


def compare_leaves(name: str, function: str, yours: Any, reference: Any) -> Row:
    """One array (or number, string, None) against the reference's."""
    theirs, mine = as_leaf(reference), as_leaf(yours)
    if theirs is None or mine is None:  # None, a string, an object: equal or not
        same = _plain(yours) == _plain(reference)
        return Row(name, function, "match" if same else "DIFFERS",
                   "" if same else f"yours is {_plain(yours)!r}, the reference {_plain(reference)!r}")
    row = Row(name, function, "match", yours=mine, reference=theirs)
    if mine.array.shape != theirs.array.shape:
        row.verdict, row.note = "DIFFERS", "shapes differ"
        return row
    notes = [] if mine.dtype == theirs.dtype else [f"dtype {mine.dtype}, the reference's {theirs.dtype}"]
    _measure(row)
    if row.worst is not None or notes:
        row.verdict, row.note = "DIFFERS", "; ".join(notes)
    return row


def as_leaf(value: Any) -> Leaf | None:
    """An array for a tensor, an array or a number; None for anything else (None, strings, objects)."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        tensor = value.detach().cpu()
        dtype = str(tensor.dtype).removeprefix("torch.")
        if dtype == "bfloat16":
            tensor = tensor.float()
        return Leaf(tensor.resolve_conj().resolve_neg().numpy(), dtype)
    if isinstance(value, (np.ndarray, np.generic, bool, int, float)):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            return Leaf(array, str(array.dtype))
    return None


def _plain(value: Any) -> str | None:
    """What is compared of a value that is not an array: None, the string, or the type's name."""
    if value is None or isinstance(value, str):
        return value
    if type(value).__module__.startswith("torch") and type(value).__name__ in ("dtype", "device"):
        return str(value)
    return f"<{type(value).__name__}>"


def _structure(name: str, function: str, yours: Any, expected: str) -> Row:
    described = f"a {type(yours).__name__}" + (f" of {len(yours)}" if isinstance(yours, (list, tuple)) else "")
    return Row(name, function, "DIFFERS", f"yours is {described}, the reference {expected}")


def _tolerance(row: Row) -> tuple[float, float] | None:
    """(rtol, atol), the looser of both dtypes'; None for exact comparison."""
    if row.reference.dtype not in TOLERANCES:
        return None
    return max(TOLERANCES[leaf.dtype] for leaf in (row.yours, row.reference) if leaf.dtype in TOLERANCES)


def _measure(row: Row) -> None:
    """Fill max_abs, max_rel and worst (the element furthest outside the tolerance, None if all inside)."""
    mine, theirs = row.yours.array, row.reference.array
    if mine.size == 0:
        return
    tolerance = _tolerance(row)
    if tolerance is None:
        differs = mine != theirs
        row.max_abs = float(np.abs(mine.astype(np.float64) - theirs.astype(np.float64)).max())
        if differs.any():
            row.worst = tuple(int(i) for i in np.unravel_index(np.argmax(differs), differs.shape))
        return
    rtol, atol = tolerance
    a, b = mine.astype(np.float64), theirs.astype(np.float64)
    with np.errstate(all="ignore"):
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        error = np.where(same, 0.0, np.abs(a - b))
        error = np.where(np.isnan(error), np.inf, error)
        relative = error / np.maximum(np.abs(np.nan_to_num(b)), atol)
        excess = error / (atol + rtol * np.abs(np.nan_to_num(b)))
    row.max_abs, row.max_rel = float(error.max()), float(relative.max())
    if excess.max() > 1:
        row.worst = tuple(int(i) for i in np.unravel_index(np.argmax(excess), excess.shape))

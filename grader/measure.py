"""Measurements taken where the learner's code runs: in this process, or in its sandboxed worker.

A test that judges how learner code behaves (not only what it returns) must
measure in the process that runs it. With ``--sandbox`` that is the worker,
so the measurement is a request to it; without, it is taken here.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any


def consume_traced(function: Callable, *args: Any, **kwargs: Any) -> tuple[int, int]:
    """Iterate over ``function(*args, **kwargs)`` to the end: (items, peak bytes allocated meanwhile)."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in function(*args, **kwargs))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def peak_allocation(function: Callable, *args: Any, **kwargs: Any) -> tuple[int, int]:
    """:func:`consume_traced`, run in the learner's worker when ``function`` lives there."""
    return _where_it_runs("traced", consume_traced, function, args, kwargs)


def _where_it_runs(request: str, measure: Callable, function: Callable, args: tuple, kwargs: dict) -> tuple[int, int]:
    from grader.sandbox.remote import RemoteObject

    if not isinstance(function, RemoteObject):
        return measure(function, *args, **kwargs)
    result = function._connection.request(request, tuple(args), dict(kwargs), target=function)
    if not (isinstance(result, tuple) and len(result) == 2 and all(type(n) is int for n in result)):
        raise TypeError("the worker's measurement came back malformed")
    return result


def consume_counting_operators(function: Callable, *args: Any, **kwargs: Any) -> tuple[int, int]:
    """Iterate over ``function(*args, **kwargs)`` to the end: (items, torch operators dispatched meanwhile)."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class CountOperators(TorchDispatchMode):
        count = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            CountOperators.count += 1
            return func(*args, **(kwargs or {}))

    with CountOperators():
        items = sum(1 for _ in function(*args, **kwargs))
    return items, CountOperators.count


def operator_count(function: Callable, *args: Any, **kwargs: Any) -> tuple[int, int]:
    """:func:`consume_counting_operators`, run in the learner's worker when ``function`` lives there."""
    return _where_it_runs("counted", consume_counting_operators, function, args, kwargs)

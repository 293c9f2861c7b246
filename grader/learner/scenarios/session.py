"""Running a component's scenario against one implementation, output by output.

A scenario is a list of *cases*, small functions that draw inputs from their
own seeded generator and call the implementation through a :class:`Session`::

    @case("activations")
    def relu(s: Session, rng: np.random.Generator) -> None:
        x, dout = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
        out, cache = s.call("relu_forward", x, record=("out", None))
        s.call("relu_backward", dout, cache, record="dx")

Every recorded value becomes a named output (``relu_forward.out``,
``relu_backward.dx``). A call that raises records why against its own outputs
and ends its case only: the case's later outputs read "skipped" (a backward
cannot run without its forward's cache) while every other case still runs.
Each case's generator is seeded from the seed and the case's name, so both
implementations see the same inputs whatever the other cases did.
"""

from __future__ import annotations

import inspect
import traceback
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

Record = str | tuple[str | None, ...] | None
Case = Callable[["Session", np.random.Generator], None]


@dataclass
class Outcome:
    """What one output came to: a value, or why there is none."""

    function: str  # the exercise function (or Class.method) that computes it
    case: str
    value: Any = None
    status: str = "computed"  # computed | not written | error | skipped
    reason: str = ""  # for the other statuses: what happened, where

    @property
    def computed(self) -> bool:
        return self.status == "computed"


class CaseAborted(Exception):
    """A call failed; the rest of its case cannot run."""


class ScenarioBroken(RuntimeError):
    """The reference itself failed a scenario: a bug in the kit, not in the learner's code."""


@dataclass
class Session:
    """One implementation's run through a scenario: the outputs, in the order they were recorded."""

    module: ModuleType
    learner_folder: Path | None  # where the learner's files live (None for the reference)
    outputs: dict[str, Outcome] = field(default_factory=dict)
    aborted: dict[str, str] = field(default_factory=dict)  # case -> why it stopped
    changed_inputs: dict[str, str] = field(default_factory=dict)  # function -> the first argument it wrote to
    called: set[str] = field(default_factory=set)  # every function a failure could be charged to
    _case: str = ""
    _last_function: str = ""

    def fn(self, name: str) -> Callable:
        """The implementation's ``name`` (``"relu_forward"``, ``"Linear"``, ``"DataLoader.epoch_batches"``)."""
        target: Any = self.module
        for part in name.split("."):
            if not hasattr(target, part):
                raise AttributeError(f"{self.module.__name__} has no {name!r}: write it with the kit's name "
                                     "(compare with the stub, `fromscratch check` lists what differs)")
            target = getattr(target, part)
        return target

    def call(self, function: str, *args: Any, record: Record = None, keep_going: bool = False,
             **kwargs: Any) -> Any:
        """``function(*args, **kwargs)`` on copies of the arrays, recording the result as ``record`` says."""
        given, kept = copied((args, kwargs)), copied((args, kwargs))
        result = self.run(function, lambda: self.fn(function)(*given[0], **given[1]), record, keep_going=keep_going)
        for where in changed_arrays(given, kept, _parameters(self.fn(function)) if hasattr(self.module, function)
                                    else []):
            self.changed_inputs.setdefault(function, where)
        return result

    def run(self, function: str, compute: Callable[[], Any], record: Record = None, *,
            keep_going: bool = False) -> Any:
        """``compute()``, its failure charged to ``function``; ``record`` names what to keep of the result.

        ``record`` is None (keep nothing), a name (keep the result), or a tuple of
        names and Nones, one per element of a tuple result (``("out", None)``
        keeps out and drops the cache). A failure ends the case, unless
        ``keep_going`` says that nothing after this call needs its result.
        """
        self._last_function = function
        self.called.add(function)
        names = [f"{function}.{name}" for name in _record_names(record)]
        try:
            result = compute()
        except Exception as error:  # noqa: BLE001 - whatever the learner's code raises is reported
            if self.learner_folder is None:
                raise ScenarioBroken(f"the reference failed in case {self._case!r} at {function}") from error
            status, reason = self._describe(error)
            self._charge(function, names, status, reason)
            if not keep_going:
                raise self._stop(function, status, reason) from None
            return None
        values = self._split(function, result, record, names, keep_going)
        for name, value in zip(names, values):
            self.outputs[name] = Outcome(function, self._case, snapshot(value))
        return result

    def record(self, function: str, name: str, value: Any) -> None:
        """Keep ``value``, worked out by the scenario from what ``function`` returned, as ``function.name``."""
        self.outputs[f"{function}.{name}"] = Outcome(function, self._case, snapshot(value))

    def run_case(self, name: str, case: Case, seed: int) -> None:
        """Run one case with its own generator; a failure stops this case only."""
        self._case, self._last_function = name, ""
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                case(self, rng)
            except CaseAborted as stop:
                self.aborted[name] = str(stop)
            except Exception as error:  # noqa: BLE001 - the scenario tripped over what the learner returned
                if self.learner_folder is None:
                    raise ScenarioBroken(f"the reference failed in case {name!r}") from error
                after = f"what {self._last_function} returned" if self._last_function else "the inputs"
                self.aborted[name] = (f"{after} could not be used: {type(error).__name__}: {error}"
                                      f"{self._where(error)}")

    def _charge(self, function: str, names: list[str], status: str, reason: str) -> None:
        for name in names:
            self.outputs[name] = Outcome(function, self._case, status=status, reason=reason)

    @staticmethod
    def _stop(function: str, status: str, reason: str) -> CaseAborted:
        if status == "not written":
            return CaseAborted(f"{function} is not written yet")
        return CaseAborted(f"{function} failed: {reason}")

    def _split(self, function: str, result: Any, record: Record, names: list[str], keep_going: bool) -> list[Any]:
        if record is None or isinstance(record, str):
            return [result] if record is not None else []
        if not isinstance(result, (tuple, list)) or len(result) != len(record):
            got = f"a {type(result).__name__}" + (f" of {len(result)}" if isinstance(result, (tuple, list)) else "")
            reason = f"returned {got}; the kit's {function} returns a tuple of {len(record)}"
            if self.learner_folder is None:
                raise ScenarioBroken(f"case {self._case!r}: {reason}")
            self._charge(function, names, "error", reason)
            if keep_going:
                return []
            raise self._stop(function, "error", reason)
        return [value for value, name in zip(result, record) if name is not None]

    def _describe(self, error: Exception) -> tuple[str, str]:
        if isinstance(error, NotImplementedError):
            return "not written", str(error)
        return "error", f"raised {type(error).__name__}: {error}{self._where(error)}"

    def _where(self, error: BaseException) -> str:
        """`` at exercises/x.py:LINE``: the deepest frame in the learner's files, if any."""
        from grader.learner.source_check import display_path

        folder = self.learner_folder.resolve() if self.learner_folder else None
        frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if folder is not None and Path(frame.filename).resolve().is_relative_to(folder)]
        if not frames:
            return ""
        return f" at {display_path(Path(frames[-1].filename))}:{frames[-1].lineno}"


def copied(value: Any) -> Any:
    """``value`` with every NumPy array copied, so that a call cannot change the scenario's inputs."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(copied(item) for item in value)
    if isinstance(value, list):
        return [copied(item) for item in value]
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    return value


def snapshot(value: Any) -> Any:
    """``value`` as it is now: arrays and tensors copied, so that later in-place updates do not change it."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(snapshot(item) for item in value) if type(value) in (list, tuple) else value
    if isinstance(value, dict):
        return {key: snapshot(item) for key, item in value.items()}
    return copied(value)


def changed_arrays(given: tuple[tuple, dict], kept: tuple[tuple, dict], parameters: list[str]) -> list[str]:
    """The arguments (``argument x``) whose arrays no longer hold their original values."""
    (args, kwargs), (kept_args, kept_kwargs) = given, kept
    labels = [*parameters[:len(args)], *(str(index + 1) for index in range(len(parameters), len(args)))]
    named = [(f"argument {label}", mine, theirs) for label, mine, theirs in zip(labels, args, kept_args)]
    named += [(f"argument {key}", kwargs[key], kept_kwargs[key]) for key in kwargs]
    return [label for label, mine, theirs in named if _differs(mine, theirs)]


def _parameters(function: Callable) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def _differs(given: Any, kept: Any) -> bool:
    if isinstance(given, np.ndarray):
        return not (given.shape == kept.shape and np.array_equal(given, kept, equal_nan=given.dtype.kind in "fc"))
    if isinstance(given, (tuple, list)):
        return any(_differs(mine, theirs) for mine, theirs in zip(given, kept))
    if isinstance(given, dict):
        return any(_differs(given[key], kept[key]) for key in given)
    return False


def refusals(*attempts: Callable[[], Any]) -> np.ndarray:
    """For each attempt, whether it refused its input with a ValueError (anything else raised goes on up)."""
    refused = []
    for attempt in attempts:
        try:
            attempt()
        except ValueError:
            refused.append(True)
        else:
            refused.append(False)
    return np.array(refused)


def _record_names(record: Record) -> list[str]:
    if record is None:
        return []
    if isinstance(record, str):
        return [record]
    return [name for name in record if name is not None]

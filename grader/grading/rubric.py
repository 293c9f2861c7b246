"""The rubric: how many points each component is worth, and the limits learner code runs under.

A rubric file is TOML and lists only what it changes; everything else comes from
the built-in rubric, ``DEFAULT_RUBRIC`` below (10 points per component, 20 for
``training`` which trains four models, 5 for ``gpu_timing`` which is short and
skips without a GPU). So a file holding only ``[components.linear] points = 15``
grades everything as the default does except ``linear``.

Points are exact: whole numbers or decimals (``2.5``), kept as fractions. Limits
are read by the run stage through :meth:`Rubric.limits_for`. An unknown section,
key or component name is refused with a message naming it and listing the valid
ones, so a typo never silently grades with a default.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from grader.components import BY_NAME, CURRICULUM

DEFAULT_RUBRIC = """\
[defaults]
points = 10                  # per component

[components.training]
points = 20

[components.gpu_timing]
points = 5

[limits]                     # read by the run stage
call_seconds = 30            # wall limit per call into learner code
component_seconds = 240      # wall budget per component
memory_mib = 2048

[limits.training]
call_seconds = 300
component_seconds = 900
"""

SECTIONS = ("defaults", "components", "limits")
POINT_KEYS = ("points",)
LIMIT_KEYS = ("call_seconds", "component_seconds", "memory_mib")


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file, the key and the fix."""


@dataclass(frozen=True)
class Rubric:
    points: Mapping[str, Fraction]  # every component of the curriculum, in curriculum order
    limits: Mapping[str, float]  # the default limits
    component_limits: Mapping[str, Mapping[str, float]]  # overrides, per component
    source: str  # the file it came from, or "built-in"

    def points_for(self, component: str) -> Fraction:
        return self.points[_known_component(component, "points_for")]

    def limits_for(self, component: str) -> dict[str, float]:
        """``call_seconds``, ``component_seconds`` and ``memory_mib`` for ``component``."""
        return {**self.limits, **self.component_limits.get(_known_component(component, "limits_for"), {})}

    @property
    def max_points(self) -> Fraction:
        return sum(self.points.values(), Fraction(0))

    def to_dict(self) -> dict[str, Any]:
        """Plain data: points as exact strings ("2.5" is "5/2"), limits as numbers."""
        return {"points": {name: str(value) for name, value in self.points.items()},
                "limits": dict(self.limits),
                "component_limits": {name: dict(values) for name, values in self.component_limits.items()}}

    def fingerprint(self) -> str:
        """A hash of what the rubric means (not of how the file is written): equal rubrics, equal hashes."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def load_rubric(path: Path | None = None) -> Rubric:
    """The rubric of ``path`` laid over the built-in one; the built-in rubric when ``path`` is None."""
    default = tomllib.loads(DEFAULT_RUBRIC)
    if path is None:
        return _build(default, "built-in")
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RubricError(f"rubric {path}: no such file (leave --rubric out to use the built-in rubric)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RubricError(f"rubric {path}: not valid TOML ({error}); see the format in "
                          "grader/grading/rubric.py") from None
    _check_keys(data, SECTIONS, str(path), "a section")
    return _build(_merge(default, data), str(path))


def _build(data: dict, source: str) -> Rubric:
    _check_keys(data.get("defaults", {}), POINT_KEYS, f"{source} [defaults]", "a key")
    components = _table(data, "components", source)
    _check_components(components, f"{source} [components]")
    fallback = _points(data.get("defaults", {}).get("points", 0), f"{source} [defaults] points")
    points = {}
    for component in CURRICULUM:
        table = _table(components, component.name, f"{source} [components]")
        _check_keys(table, POINT_KEYS, f"{source} [components.{component.name}]", "a key")
        where = f"{source} [components.{component.name}] points"
        points[component.name] = _points(table["points"], where) if "points" in table else fallback

    limits = _table(data, "limits", source)
    overrides = {key: value for key, value in limits.items() if isinstance(value, dict)}
    defaults = {key: value for key, value in limits.items() if not isinstance(value, dict)}
    _check_keys(defaults, LIMIT_KEYS, f"{source} [limits]", "a limit (or a component's table)")
    _check_components(overrides, f"{source} [limits]")
    for name, table in overrides.items():
        _check_keys(table, LIMIT_KEYS, f"{source} [limits.{name}]", "a limit")
    return Rubric(
        points=points,
        limits={key: _limit(value, f"{source} [limits] {key}") for key, value in defaults.items()},
        component_limits={name: {key: _limit(value, f"{source} [limits.{name}] {key}")
                                  for key, value in table.items()}
                           for name, table in overrides.items() if table},
        source=source,
    )


def _merge(base: dict, layer: dict) -> dict:
    """``base`` with ``layer``'s values over it, table by table."""
    merged = dict(base)
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RubricError(f"rubric {where}: {key!r} must be a table ([{key}] or [{key}.NAME]), "
                          f"not {type(value).__name__}")
    return value


def _check_keys(table: dict, valid: tuple[str, ...], where: str, what: str) -> None:
    for key in table:
        if key not in valid:
            raise RubricError(f"rubric {where}: unknown key {key!r}; {what} is one of: {', '.join(valid)}")


def _check_components(table: dict, where: str) -> None:
    for name in table:
        if name not in BY_NAME:
            raise RubricError(f"rubric {where}: unknown component {name!r}; the components are: "
                              f"{', '.join(BY_NAME)}")


def _known_component(name: str, method: str) -> str:
    if name not in BY_NAME:
        raise ValueError(f"Rubric.{method}({name!r}): no such component; the components are: {', '.join(BY_NAME)}")
    return name


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RubricError(f"rubric {where}: {value!r} is not a number; write a number such as 10 or 2.5")
    return value


def _points(value: Any, where: str) -> Fraction:
    value = _number(value, where)
    if value < 0:
        raise RubricError(f"rubric {where}: {value} is negative; points are 0 or more")
    return Fraction(str(value))  # "2.5" rather than the binary float's digits


def _limit(value: Any, where: str) -> float:
    value = _number(value, where)
    if value <= 0:
        raise RubricError(f"rubric {where}: {value} must be more than 0")
    return int(value) if float(value).is_integer() else value  # 30.0 and 30 mean the same rubric

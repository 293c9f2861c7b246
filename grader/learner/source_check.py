"""A learner's module checked before anything imports it: syntax, then the kit's API.

A syntax error, or a function whose parameters differ from the kit's, makes
every check of the component fail with the same message, or with a
``TypeError`` deep in a test. Both are cheaper to say once, up front, with
the line to fix. Nothing here imports or runs the learner's code: the module
and the pristine stub (``grader.learner.pristine``) are compared as syntax
trees.

What must match, for every public function of the stub and every public or
dunder method of its classes: the name, the parameters' names in order, their
kinds (positional-only, ``*args``, keyword-only, ``**kwargs``) and which have
a default. A default written as a literal must keep the kit's value, since the
tests rely on it (``leaky_relu_forward(x)`` means slope 0.01). Helpers whose
names start with ``_`` are the learner's to keep, rename or drop.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from grader.learner.pristine import pristine_stub

Definition = ast.FunctionDef | ast.AsyncFunctionDef


def problems(component: str, module_file: Path) -> list[str]:
    """What stops ``module_file`` from being checked as ``component``, one message each; empty if nothing."""
    shown = display_path(module_file)
    try:
        source = module_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [f"{shown}: the file does not exist. Start it again from the kit's stub "
                f"(`fromscratch reset {component}`), then run `fromscratch check {component}`."]
    except (OSError, UnicodeDecodeError) as error:
        return [f"{shown}: cannot be read ({error}). Save it as UTF-8 text and run the check again."]
    try:
        learner = ast.parse(source, filename=str(module_file))
    except SyntaxError as error:
        return [_syntax_error(shown, error, component)]
    kit = ast.parse(pristine_stub(component))
    return _api_problems(component, shown, _definitions(kit.body), _definitions(learner.body))


def display_path(path: Path) -> str:
    """``path`` as the learner would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


def _syntax_error(shown: str, error: SyntaxError, component: str) -> str:
    line = (error.text or "").rstrip("\n")
    stripped = line.lstrip()
    lines = [f"{shown}:{error.lineno}: SyntaxError: {error.msg}"]
    if stripped:
        caret = max((error.offset or 1) - 1 - (len(line) - len(stripped)), 0)
        lines += [f"    {stripped}", f"    {' ' * caret}^"]
    lines.append(f"Python cannot read the file, so no check of {component} can run. Fix it (when the line "
                 "looks right, look at the end of the line before: a missing ':', ')' or quote), "
                 f"then run `fromscratch check {component}` again.")
    return "\n".join(lines)


def _definitions(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Top-level functions and classes by name; a later definition replaces an earlier one, as in Python."""
    return {node.name: node for node in body if isinstance(node, (*Definition.__args__, ast.ClassDef))}


def _is_public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _api_problems(component: str, shown: str, kit: dict[str, ast.AST], learner: dict[str, ast.AST],
                  owner: str = "") -> list[str]:
    found = []
    for name, expected in kit.items():
        if not _is_public(name):
            continue
        qualified = f"{owner}{name}"
        got = learner.get(name)
        if got is None:
            what = "class" if isinstance(expected, ast.ClassDef) else "function"
            found.append(f"{shown}: the {what} {qualified} is missing; the tests use "
                         f"{component}.{qualified}{_signature(expected) if what == 'function' else ''}. "
                         f"Define it again (its stub is in the kit: `fromscratch reset {component}` restores "
                         "the whole file, so copy your work aside first).")
        elif isinstance(expected, ast.ClassDef):
            if not isinstance(got, ast.ClassDef):
                found.append(f"{shown}:{got.lineno}: {qualified} must be a class, as in the kit.")
            else:
                found += _api_problems(component, shown, _definitions(expected.body), _definitions(got.body),
                                       owner=f"{qualified}.")
        elif not isinstance(got, Definition.__args__):
            found.append(f"{shown}:{got.lineno}: {qualified} must be a function {qualified}"
                         f"{_signature(expected)}, as in the kit.")
        elif mismatch := _signature_mismatch(expected.args, got.args):
            found.append(f"{shown}:{got.lineno}: {qualified}{_signature(got)} takes {_signature(expected)} in the "
                         f"kit: {mismatch}. The tests call it the kit's way; write it as "
                         f"`def {qualified.split('.')[-1]}{_signature(expected)}:`.")
    return found


def _parameters(arguments: ast.arguments) -> list[tuple[str, str, ast.expr | None]]:
    """(name, kind, default) per parameter, in order; kind as ``inspect.Parameter`` names it."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    found = [(argument.arg, "positional-only" if index < len(arguments.posonlyargs) else "positional", default)
             for index, (argument, default) in enumerate(zip(positional, defaults))]
    if arguments.vararg:
        found.append((arguments.vararg.arg, "*args", None))
    found += [(argument.arg, "keyword-only", default)
              for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults)]
    if arguments.kwarg:
        found.append((arguments.kwarg.arg, "**kwargs", None))
    return found


def _signature_mismatch(kit: ast.arguments, learner: ast.arguments) -> str | None:
    """The first difference that breaks the tests' calls, in words; None when there is none."""
    expected, got = _parameters(kit), _parameters(learner)
    expected_names, got_names = [p[0] for p in expected], [p[0] for p in got]
    if expected_names != got_names:
        if len(expected_names) == len(got_names) and set(expected_names) != set(got_names):
            kit_name, got_name = next(pair for pair in zip(expected_names, got_names) if pair[0] != pair[1])
            return f"the parameter {kit_name} is called {got_name} here (the tests may pass it by name)"
        missing = [name for name in expected_names if name not in got_names]
        extra = [name for name in got_names if name not in expected_names]
        if missing:
            return f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"
        if extra:
            return f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not in the kit's version"
        return "the parameters are in another order"
    for (name, kind, default), (_, got_kind, got_default) in zip(expected, got):
        if kind != got_kind:
            return f"{name} is {got_kind} here, {kind} in the kit"
        if default is not None and got_default is None:
            return f"{name} has no default here; the tests leave it out and expect {ast.unparse(default)}"
        kit_value, got_value = _literal(default), _literal(got_default)
        if kit_value is not _UNKNOWN and got_value is not _UNKNOWN and kit_value != got_value:
            return f"{name} defaults to {ast.unparse(got_default)} here, {ast.unparse(default)} in the kit"
    return None


_UNKNOWN = object()


def _literal(node: ast.expr | None) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNKNOWN


def _signature(node: ast.AST) -> str:
    """``(dout, cache)``, ``(x, negative_slope=0.01)``, ``(*, rng)``: the parameters without annotations."""
    arguments = node.args
    parts = []
    for name, kind, default in _parameters(arguments):
        if kind == "keyword-only" and not arguments.vararg and "*" not in parts:
            parts.append("*")
        text = {"*args": f"*{name}", "**kwargs": f"**{name}"}.get(kind, name)
        parts.append(f"{text}={ast.unparse(default)}" if default is not None else text)
        if kind == "positional-only" and name == arguments.posonlyargs[-1].arg:
            parts.append("/")
    return f"({', '.join(parts)})"

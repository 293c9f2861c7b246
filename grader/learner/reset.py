"""`fromscratch reset COMPONENT`: put the untouched stub back, keeping what it replaces.

Starting a component over should never cost the learner their attempt: the
current file is copied, byte for byte, to
``<state>/backups/<component>-<YYYYmmdd-HHMMSS>.py`` (never over an older
backup) before the stub from ``grader.learner.pristine`` replaces it, and the
command prints how to bring it back. It asks first; with no terminal to ask
on it refuses unless ``--yes`` is given.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from grader.components import component_named

DECLINED = 1  # exit status: nothing was changed because the learner did not confirm


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("reset", help="restore a component's exercise to the untouched stub "
                                                "(your version is backed up first)")
    command.add_argument("component", metavar="COMPONENT", help="e.g. activations (see `fromscratch list`)")
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    command.add_argument("--impl", default="exercises",
                         help="whose file: exercises (default) or a folder holding an exercises/ package")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.learner.pristine import pristine_stub

    component = args.component
    component_named(component)
    target = exercise_file(component, args.impl)
    shown = _shown_path(target)
    try:
        stub = pristine_stub(component).encode()
    except FileNotFoundError as error:
        print(f"{component}: cannot reset: {error}; ask your instructor for the stub.")
        return 2
    if not target.exists():
        _write_atomically(target, stub)
        print(f"{shown} did not exist; it is the untouched stub now (there was nothing to back up).")
        return 0
    current = target.read_bytes()
    if current == stub:
        print(f"{shown} is already the untouched stub; nothing to do.")
        return 0
    differing = _lines_differing(current, stub)
    lines_differ = "1 line differs" if differing == 1 else f"{differing} lines differ"
    question = f"{shown}: {lines_differ} from the stub. Restore the stub? [y/N] "
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"{question.removesuffix(' [y/N] ')}\nNot without confirmation, and there is no terminal to ask "
                  f"on: run `fromscratch reset {component} --yes{_impl_option(args.impl)}` (your version is backed "
                  "up first).")
            return DECLINED
        if not _confirmed(question):
            print(f"Nothing changed: {shown} is as it was.")
            return DECLINED
    backup = keep_backup(component, current)
    _write_atomically(target, stub)
    print(f"{shown} is the untouched stub again.\n"
          f"Your version ({len(current.splitlines())} lines) is kept in {backup}\n"
          f"To bring it back:  cp {backup} {shown}")
    return 0


def exercise_file(component: str, impl: str) -> Path:
    """The learner's module of ``component`` in ``impl`` (the learner's room, or a submission folder)."""
    from grader.implementation import ImplementationError, resolve

    if impl == "solutions":
        raise ValueError("--impl solutions is the reference, which reset never touches; give `exercises` "
                         "(default) or the folder of your submission")
    try:
        return resolve(impl).folder / f"{component}.py"
    except ImplementationError as error:
        raise ValueError(str(error)) from None


def keep_backup(component: str, content: bytes) -> Path:
    """Write ``content`` to a new file under ``<state>/backups/``; an existing backup is never replaced."""
    from grader.learner.state import state_dir

    folder = state_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 1000):
        path = folder / (f"{component}-{stamp}.py" if attempt == 1 else f"{component}-{stamp}-{attempt}.py")
        try:
            with path.open("xb") as stream:  # "x": fails rather than overwrite
                stream.write(content)
            return path
        except FileExistsError:
            continue
    raise OSError(f"{folder} already holds 999 backups of {component} from {stamp}; move some away")


def _impl_option(impl: str) -> str:
    """The ``--impl`` part of a command to suggest, empty for the learner's own room."""
    return "" if impl == "exercises" else f" --impl {impl}"


def _confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _lines_differing(current: bytes, stub: bytes) -> int:
    """How many lines a reader would see changed: replaced, added or removed, counted once per pair."""
    mine = current.decode(errors="replace").splitlines()
    kit = stub.decode(errors="replace").splitlines()
    blocks = difflib.SequenceMatcher(None, kit, mine, autojunk=False).get_opcodes()
    return sum(max(kit_end - kit_start, mine_end - mine_start)
               for tag, kit_start, kit_end, mine_start, mine_end in blocks if tag != "equal")


def _write_atomically(target: Path, content: bytes) -> None:
    """Replace ``target`` in one step: an interrupted reset leaves the old file or the new, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".py")
    with os.fdopen(handle, "wb") as stream:
        stream.write(content)
    os.chmod(temporary, mode)  # mkstemp makes it private; keep the file's own permissions
    os.replace(temporary, target)


def _shown_path(path: Path) -> str:
    """``path`` relative to the current folder when it lies below it (what the learner would type)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())

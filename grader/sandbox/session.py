"""The sandbox as the pytest plugin uses it: one worker per component, the suites' code stays here.

With ``--sandbox`` the component fixtures return :class:`~grader.sandbox.remote.RemoteModule`
proxies instead of importing the learner's modules: the grader's pytest
process never runs learner code. The learner's source is still scanned here,
as text, for forbidden imports and calls; the run-time checks happen in the
worker. Part 1 workers come from a zygote that has imported NumPy only (so a
learner's ``import torch`` shows), Part 2 workers from one that has imported
torch as well.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from grader.components import BY_NAME, REPO_ROOT
from grader.sandbox.remote import Connection, RemoteModule
from grader.sandbox.zygote import Zygote, socket_name

NUMPY_PRELOAD = "numpy,numpy.random,numpy.linalg"
TORCH_PRELOAD = "numpy,numpy.random,numpy.linalg,torch,grader.torch_guard"
DEFAULT_LIMITS = {"call_seconds": 60, "component_seconds": 300, "memory_mib": 3072}
ALWAYS_HIDDEN = [REPO_ROOT / "tests", REPO_ROOT / "solutions", REPO_ROOT / "examples", REPO_ROOT / ".git",
                 REPO_ROOT / "bench"]


class SandboxSession:
    def __init__(self, folder: Path, package: str, *, zygotes: Path | None = None, limits: dict | None = None,
                 hide: list[str] = (), logs: Path | None = None):
        self.folder, self.package = folder.resolve(), package
        self.scratch = Path(tempfile.mkdtemp(prefix="fromscratch-sandbox-"))
        self.logs = logs or self.scratch
        self.limits = limits or {}
        self.hide = sorted({str(Path(path).resolve()) for path in [*ALWAYS_HIDDEN, *hide]})
        self.zygote_dir = zygotes
        self.zygotes: dict[str, Zygote] = {}
        self.connections: dict[str, Connection] = {}

    def zygote(self, preload: str) -> Zygote:
        if preload not in self.zygotes:
            if self.zygote_dir is not None:
                self.zygotes[preload] = Zygote(str(self.zygote_dir / socket_name(preload)))
            else:
                self.zygotes[preload] = Zygote.start(self.scratch, preload)
        return self.zygotes[preload]

    def limits_for(self, component: str) -> dict:
        merged = {**DEFAULT_LIMITS, **{k: v for k, v in self.limits.items() if not isinstance(v, dict)},
                  **self.limits.get(component, {})}
        return merged

    def load(self, component: str) -> RemoteModule:
        """Scan the learner's source as text, then import it in a fresh worker."""
        source_file = self.folder / f"{component}.py"
        if not source_file.is_file():
            from grader.implementation import ComponentImportError

            raise ComponentImportError(f"exercises/{component}.py does not exist in the submission")
        self._scan(component, source_file)
        limits = self.limits_for(component)
        preload = NUMPY_PRELOAD if BY_NAME[component].numpy_only else TORCH_PRELOAD
        connection = Connection(
            self.zygote(preload), self.folder, self.package, component, call_seconds=float(limits["call_seconds"]),
            component_seconds=float(limits["component_seconds"]), hide=self.hide,
            limits={"cpu_seconds": int(limits["component_seconds"]), "memory_mib": int(limits["memory_mib"])},
            log=self.logs / f"{component}.log")
        self.connections[component] = connection
        return RemoteModule(connection)

    def _scan(self, component: str, source_file: Path) -> None:
        try:
            source = source_file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as error:
            from grader.implementation import ComponentImportError

            raise ComponentImportError(f"exercises/{component}.py cannot be read as UTF-8 text: {error}") from None
        shown = f"exercises/{component}.py"
        try:
            if BY_NAME[component].numpy_only:
                from grader.forbidden import assert_numpy_only_source

                assert_numpy_only_source(source, shown, component, "exercises")
            else:
                from grader.torch_guard import assert_source_text_allowed

                assert_source_text_allowed(source, shown, BY_NAME[component])
        except SyntaxError:
            return  # the worker's import reports it, with the line

    def reset(self) -> None:
        for connection in self.connections.values():
            connection.reset()

    def close(self) -> None:
        for connection in self.connections.values():
            if connection.alive:
                connection.kill()
        for zygote in self.zygotes.values():
            zygote.close()

    @staticmethod
    def limits_from_option(text: str | None) -> dict:
        return json.loads(text) if text else {}

"""What a learner's worker process may do: applied in the forked child before any learner code runs.

Always: a session of its own, stdin from /dev/null, stdout and stderr to a
capped log file, no core files, limits on CPU seconds, address space, file
size and open files, no new privileges, death with its parent, a clean
environment. As root (Linux), also: a network namespace with no interfaces
(no network), a mount namespace in which the hidden suites, the reference
solutions, the other learners' files and the reports are empty read-only
folders and /tmp is private, a user id of its own (so it can signal and write
nothing of the grader's) and a process limit for that user. :func:`probe`
says which of these work on this machine; the grader prints what is missing.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 36, 38
_LIBC = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 300
    memory_mib: int = 2048
    output_bytes: int = 4 << 20
    processes: int = 64
    open_files: int = 256

    @classmethod
    def from_dict(cls, values: dict) -> Limits:
        known = {name: int(values[name]) for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_LIBC.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), f"mount {target}")


def die_with_parent() -> None:
    """This process gets SIGKILL when the one that started it ends, however it ends."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def become_subreaper() -> None:
    """Orphans of this process's descendants come back to it (so none can escape being killed)."""
    _LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def probe() -> dict[str, str]:
    """Which isolation features work here: each 'active' or 'unavailable: why'."""
    features = {"python -I, clean environment, stdin /dev/null": "active",
                "rlimits (CPU, memory, file size, open files, no core)": "active"}
    if os.geteuid() != 0:
        reason = "unavailable: the grader does not run as root"
        for name in ("separate user id and process limit", "network namespace (no network)",
                     "mount namespace (hidden suites, solutions, other learners invisible)"):
            features[name] = reason
        return features
    features["separate user id and process limit"] = "active"
    child = os.fork()
    if child == 0:  # exits 2 if no network namespace, 1 if no mount namespace, 0 if both work
        code = 2
        try:
            _check(_LIBC.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
            code = 1
            _check(_LIBC.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
            _mount("none", "/", None, MS_REC | MS_PRIVATE)
            code = 0
        except OSError:
            pass
        os._exit(code)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    features["network namespace (no network)"] = "active" if code in (0, 1) else "unavailable: unshare refused"
    features["mount namespace (hidden suites, solutions, other learners invisible)"] = (
        "active" if code == 0 else "unavailable: unshare(CLONE_NEWNS) refused")
    return features


def enter(folder: Path, *, uid: int | None, limits: Limits, hide: list[str], log_fd: int,
          features: dict[str, str]) -> None:
    """Turn the freshly forked child into a sandboxed worker for ``folder``. Irreversible."""
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    die_with_parent()
    if features.get("network namespace (no network)") == "active":
        _check(_LIBC.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
    if features.get("mount namespace (hidden suites, solutions, other learners invisible)") == "active":
        _hide_paths(folder, hide)
    _set_limits(limits, separate_user=uid is not None)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the cap fails instead of killing
    if uid is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    _LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
                       "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    os.chdir(folder)


def _hide_paths(folder: Path, hide: list[str]) -> None:
    """Empty read-only folders over ``hide``, private scratch folders; what the worker needs stays visible.

    Needed are the learner's ``folder`` and the Python the worker runs: the
    interpreter, its ``sys.path`` and the grader's package (imports made after
    the fork read them). Where one lies under a covered folder (a checkout
    in /tmp, say), it is bound back into the cover, and nothing else of it is.
    """
    _check(_LIBC.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    import grader

    needed = {os.path.realpath(path) for path in [sys.base_prefix, sys.prefix, *filter(os.path.isdir, sys.path),
                                                  os.path.dirname(grader.__file__), str(folder)]}
    _open_the_way(sorted(needed))
    keep = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in needed}  # opened in the new namespace
    covers = [(shared, "size=64m,mode=1777", False) for shared in PRIVATE_SCRATCH if os.path.isdir(shared)]
    for path in sorted(hide, key=len):  # one inside a folder already covered (or /tmp) is gone with it
        if os.path.isdir(path) and not os.path.samefile(path, folder) and \
                not any(_within(path, covered) for covered, _, _ in covers):
            covers.append((path, "size=1m,mode=0755", True))
    for path, options, read_only in covers:
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, options)
        for kept in sorted(kept for kept in keep if _within(kept, os.path.realpath(path))):
            target = os.path.join(path, os.path.relpath(kept, os.path.realpath(path)))
            os.makedirs(target, exist_ok=True)
            _mount(f"/proc/self/fd/{keep[kept]}", target, None, MS_BIND | MS_REC)
        if read_only:
            _mount("none", path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for descriptor in keep.values():
        os.close(descriptor)


PRIVATE_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")  # world-writable: each worker gets its own


def _within(path: str, folder: str) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(folder)


def _open_the_way(needed: list[str]) -> None:
    """Let another user reach ``needed`` through private folders (Python under /root, mode 700).

    Each ancestor that others cannot enter becomes an empty, enterable folder
    holding only the way on to what is needed; nothing else in it is visible.
    """
    ways: dict[str, set[str]] = {}
    for path in map(os.path.realpath, needed):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            ancestor = "/" + "/".join(parts[:depth])
            if not os.stat(ancestor).st_mode & 0o001:
                ways.setdefault(ancestor, set()).add(parts[depth])
    for ancestor in sorted(ways, key=len):
        inside = {name: os.open(os.path.join(ancestor, name), os.O_PATH) for name in ways[ancestor]}
        _mount("tmpfs", ancestor, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        for name, fd in inside.items():
            target = os.path.join(ancestor, name)
            os.mkdir(target)
            _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
            os.close(fd)


def _set_limits(limits: Limits, *, separate_user: bool) -> None:
    def cap(which: int, value: int) -> None:
        resource.setrlimit(which, (value, value))

    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_FSIZE, limits.output_bytes)
    cap(resource.RLIMIT_NOFILE, limits.open_files)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    cap(resource.RLIMIT_AS, _address_space_now() + limits.memory_mib * (1 << 20))
    if separate_user:
        cap(resource.RLIMIT_NPROC, limits.processes)


def _address_space_now() -> int:
    """Bytes of address space already mapped (NumPy and torch are imported before the fork)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")

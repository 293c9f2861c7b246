"""The warm parent of learners' workers: imports NumPy (and torch) once, forks a sandboxed worker per request.

Started as ``python -I -m grader.sandbox.zygote SOCKET [--preload numpy,torch]``
by :class:`Zygote`. It never runs learner code and never touches CUDA. A
client connects to SOCKET and sends one request with two file descriptors
(its end of the worker's channel, and the log file); the zygote forks, the
child enters the sandbox (grader.sandbox.isolation) and serves the channel
(grader.sandbox.worker). The connection stays open as the worker's control
line: ``{"kill": true}`` kills the worker's whole process tree, and the zygote
reports ``{"exit": status}`` when the worker is gone. Each worker gets a user
id of its own (as root), so killing the tree means killing every process of
that user; the zygote is also a subreaper, so a daemonised grandchild comes
back to it and is killed with the rest.
"""

from __future__ import annotations

import argparse
import array
import importlib
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

from grader.sandbox import isolation

_LENGTH = struct.Struct("<I")
FIRST_UID = 200_000


def send_json(sock: socket.socket, value: dict, fds: list[int] | None = None) -> None:
    body = json.dumps(value).encode()
    data = _LENGTH.pack(len(body)) + body
    if fds:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.sendall(data)


def receive_json(sock: socket.socket, max_fds: int = 0) -> tuple[dict | None, list[int]]:
    """One message and the descriptors sent with it; (None, []) when the other end closed."""
    header, fds, _, _ = socket.recv_fds(sock, _LENGTH.size, max_fds) if max_fds else (sock.recv(_LENGTH.size), [], 0, 0)
    if len(header) < _LENGTH.size:
        return None, fds
    (length,) = _LENGTH.unpack(header)
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            return None, fds
        body += chunk
    return json.loads(body), fds


class Server:
    def __init__(self, path: str):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        os.chmod(path, 0o600)
        self.listener.listen(64)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.wakeup_read, self.wakeup_write = os.pipe()
        os.set_blocking(self.wakeup_write, False)
        signal.set_wakeup_fd(self.wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.wakeup_read, selectors.EVENT_READ, "child")
        self.workers: dict[int, tuple[socket.socket, int | None]] = {}  # pid -> (control line, uid)
        self.next_uid = FIRST_UID + (os.getpid() % 1000) * 1000
        self.features = isolation.probe()
        isolation.become_subreaper()

    def serve(self) -> None:
        while True:
            for key, _ in self.selector.select():
                if key.data == "accept":
                    connection, _ = self.listener.accept()
                    self.selector.register(connection, selectors.EVENT_READ, "request")
                elif key.data == "child":
                    os.read(self.wakeup_read, 4096)
                    self.reap()
                else:
                    self.handle(key.fileobj)

    def handle(self, connection: socket.socket) -> None:
        try:
            request, fds = receive_json(connection, max_fds=2)
        except OSError:
            request, fds = None, []
        worker = next((pid for pid, (line, _) in self.workers.items() if line is connection), None)
        if request is None:
            self.selector.unregister(connection)
            if worker is not None:
                self.kill(worker)
            else:
                connection.close()
            return
        if request.get("features"):
            send_json(connection, {"features": self.features})
        elif request.get("spawn") and len(fds) == 2:
            self.spawn(connection, request, fds)
        elif request.get("kill") and worker is not None:
            self.kill(worker)

    def spawn(self, connection: socket.socket, request: dict, fds: list[int]) -> None:
        uid = None
        if os.geteuid() == 0:
            uid, self.next_uid = self.next_uid, self.next_uid + 1
        pid = os.fork()
        if pid == 0:
            self._become_worker(connection, request, fds, uid)
        for fd in fds:
            os.close(fd)
        self.workers[pid] = (connection, uid)
        send_json(connection, {"pid": pid, "uid": uid, "features": self.features})

    def _become_worker(self, connection: socket.socket, request: dict, fds: list[int], uid: int | None) -> None:
        code = 70
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            self.selector.close()
            self.listener.close()
            os.close(self.wakeup_read)
            os.close(self.wakeup_write)
            connection.close()  # the zygote's end of this worker's control line
            for line, _ in self.workers.values():
                line.close()
            channel_fd, log_fd = fds
            folder = Path(request["folder"])
            isolation.enter(folder, uid=uid, limits=isolation.Limits.from_dict(request.get("limits", {})),
                            hide=list(request.get("hide", [])), log_fd=log_fd, features=self.features)
            os.close(log_fd)
            sys.stdout.reconfigure(line_buffering=True)  # what learner code prints reaches the log before os._exit
            from grader.sandbox.worker import serve

            serve(socket.socket(fileno=channel_fd), folder, str(request.get("package", "exercises")),
                  str(request.get("component", "")))
            code = 0
        except BaseException as error:  # noqa: BLE001 - the worker's end: report and go
            print(f"worker setup failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        os._exit(code)

    def kill(self, pid: int) -> None:
        _, uid = self.workers.get(pid, (None, None))
        if uid is not None:
            kill_user(uid)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        self.reap()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.workers:
                connection, uid = self.workers.pop(pid)
                if uid is not None:
                    kill_user(uid)  # whatever it left behind
                try:
                    send_json(connection, {"exit": os.waitstatus_to_exitcode(status)})
                except OSError:
                    pass
                try:
                    self.selector.unregister(connection)
                except (KeyError, ValueError):
                    pass
                connection.close()


def kill_user(uid: int) -> None:
    """SIGKILL every process of ``uid`` (a worker's own user): fork, become that user, kill(-1)."""
    child = os.fork()
    if child == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        os._exit(0)
    os.waitpid(child, 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -I -m grader.sandbox.zygote")
    parser.add_argument("socket")
    parser.add_argument("--preload", default="numpy")
    args = parser.parse_args(argv)
    isolation.die_with_parent()  # a grader killed with SIGKILL leaves no zygote (and so no worker) behind
    if os.getppid() == 1:
        return
    for name in filter(None, args.preload.split(",")):
        importlib.import_module(name)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    if "grader.torch_guard" in sys.modules:
        sys.modules["grader.torch_guard"]._mode_classes()
    import grader.sandbox.worker  # noqa: F401 - imported once here, not in every worker

    server = Server(args.socket)
    print("ready", flush=True)
    server.serve()


class Zygote:
    """The grader's handle on a zygote process: start it (or connect to one), spawn workers from it, stop it."""

    def __init__(self, path: str, process: subprocess.Popen | None = None):
        self.path, self.process = path, process
        self._features: dict[str, str] | None = None

    @classmethod
    def start(cls, directory: Path, preload: str = "numpy") -> Zygote:
        path = str(directory / socket_name(preload))
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_NUM_THREADS": "1",
                       "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
        process = subprocess.Popen([sys.executable, "-I", "-m", "grader.sandbox.zygote", path, "--preload", preload],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=environment,
                                   start_new_session=True)
        line = process.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"the sandbox zygote did not start (exit {process.poll()}): {line!r}")
        return cls(path, process)

    def features(self) -> dict[str, str]:
        if self._features is None:
            with self._connect() as connection:
                send_json(connection, {"features": True})
                reply, _ = receive_json(connection)
                self._features = reply["features"]
        return self._features

    def _connect(self) -> socket.socket:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(self.path)
        return connection

    def spawn(self, folder: Path, *, package: str, component: str, limits: dict, hide: list[str], log: Path
              ) -> tuple[socket.socket, socket.socket, int]:
        """A new worker for the package in ``folder``: (its channel, its control line, its pid)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        control = self._connect()
        try:
            send_json(control, {"spawn": True, "folder": str(folder), "package": package, "component": component, "limits": limits,
                                "hide": hide}, [theirs.fileno(), log_fd])
            reply, _ = receive_json(control)
        finally:
            theirs.close()
            os.close(log_fd)
        if reply is None or "pid" not in reply:
            raise RuntimeError("the sandbox zygote did not start a worker")
        self._features = reply["features"]
        return ours, control, reply["pid"]

    def close(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            self.process.wait()
        for _ in range(50):
            if not os.path.exists(self.path):
                break
            try:
                os.unlink(self.path)
            except OSError:
                time.sleep(0.01)


def socket_name(preload: str) -> str:
    """Short: a Unix socket's whole path must fit in 107 bytes."""
    return f"z{zlib.crc32(preload.encode()):08x}.sock"


def wait_exit(control: socket.socket, timeout: float) -> int | None:
    """The worker's exit status as the zygote reports it, or None if not within ``timeout``."""
    control.settimeout(timeout)
    try:
        reply, _ = receive_json(control)
    except (OSError, ValueError):
        return None
    return None if reply is None else reply.get("exit")


if __name__ == "__main__":
    main()

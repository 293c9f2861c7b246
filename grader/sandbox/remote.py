"""The grader's side of the channel: a learner's module as a proxy, so the suites run unchanged.

``RemoteModule`` stands where the imported module would: ``linear.linear_forward(x, w, b)``
sends the arguments to the learner's worker and returns the result as plain
data, decoded strictly (grader.sandbox.wire). Objects that cannot travel stay
in the worker behind :class:`RemoteObject` proxies, which forward attribute
access, calls, iteration and indexing, and never ask the learner's object
whether it equals anything. The grader's callables travel as callbacks.
Tensors that come out of a call with a graph are wired into this process's
autograd by :class:`Bridge`, whose backward asks the worker for the gradients.

Each request has a wall-clock limit and every component a time budget; past
either, the worker's process tree is killed and the test fails as a timeout.
A worker that dies fails the tests it touched (a crash); the next test gets
a fresh worker.
"""

from __future__ import annotations

import builtins
import socket
import sys
import time
from pathlib import Path
from typing import Any

from grader.checks import CheckFailure
from grader.sandbox.mirrors import Mirror, MirroredCodec
from grader.sandbox.wire import ChannelClosed, ProtocolError, receive_message, send_message
from grader.sandbox.zygote import Zygote, send_json, wait_exit

GRADER_PARITY = 0


class LearnerFailure(CheckFailure):
    """The learner's process timed out, crashed or spoke out of turn; ``grading_kind`` says which."""

    QUANTITY = {"crash": "the process running your code", "timeout": "time limit", "time budget": "time limit"}

    def __init__(self, kind: str, problem: str, cause: str):
        self.grading_kind = "timeout" if kind == "time budget" else kind
        super().__init__(self.QUANTITY.get(kind, kind), problem, [], cause)


class GraderCodec(MirroredCodec):
    bridge_outputs = True

    def __init__(self, connection: Connection):
        super().__init__(connection.mirror)
        self.connection = connection
        self.sent: list[tuple[int, Any]] = []

    def encode_tensor(self, tensor: Any, depth: int) -> Any:
        tree = super().encode_tensor(tensor, depth)
        self.sent.append((tree["id"], tensor))
        return tree

    def encode_other(self, value: Any) -> Any:
        if isinstance(value, RemoteObject):
            return value._reference(self.connection)
        if callable(value):
            return self.connection.callback_for(value)
        raise TypeError(f"cannot send a {type(value).__name__} to the learner's process")

    def decode_reference(self, tag: str, tree: dict, depth: int) -> Any:
        if tag == "handle":
            return self.connection.proxy(tree)
        return super().decode_reference(tag, tree, depth)


class Connection:
    """One component's worker: spawned from a zygote, restarted after a crash, within its time budget."""

    def __init__(self, zygote: Zygote, folder: Path, package: str, component: str, *, call_seconds: float,
                 component_seconds: float, limits: dict, hide: list[str], log: Path):
        self.zygote, self.folder, self.package, self.component = zygote, folder, package, component
        self.call_seconds, self.budget = call_seconds, component_seconds
        self.limits, self.hide, self.log = limits, hide, log
        self.sock: socket.socket | None = None
        self.control: socket.socket | None = None
        self.generation = 0
        self.sequence = 0
        self.mirror = Mirror(GRADER_PARITY)
        self.callbacks: dict[int, Any] = {}
        self.callback_failure: BaseException | None = None
        self.cached: dict[str, RemoteObject] = {}
        self.proxies: dict[int, RemoteObject] = {}
        self.used = False

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> RemoteObject:
        """A fresh worker with the component imported; returns the module's proxy."""
        if self.budget <= 0:
            raise LearnerFailure("time budget", f"{self.component} used up its time budget",
                                 "an earlier check ran into the time limit: look for an endless loop")
        self.sock, self.control, _ = self.zygote.spawn(self.folder, package=self.package, component=self.component, limits=self.limits,
                                                       hide=self.hide, log=self.log)
        self.generation += 1
        self.mirror.clear()
        self.cached.clear()
        self.proxies.clear()
        return self.request("import")

    def kill(self) -> int | None:
        if self.control is None:
            return None
        try:
            send_json(self.control, {"kill": True})
        except OSError:
            pass
        status = wait_exit(self.control, 10)
        self.close()
        return status

    def close(self) -> None:
        for sock in (self.sock, self.control):
            if sock is not None:
                sock.close()
        self.sock = self.control = None

    @property
    def alive(self) -> bool:
        return self.sock is not None

    # -- requests -------------------------------------------------------------------------------------
    def request(self, op: str, *values: Any, target: RemoteObject | None = None, **fields: Any) -> Any:
        if not self.alive:
            raise LearnerFailure("crash", "ended during an earlier check",
                                 "see the first failed check of this component")
        self.used = True
        codec = GraderCodec(self)
        header = {"op": op, **fields, "seq": self._next_sequence()}
        if target is not None:
            header["target"] = target._reference(self)["id"]
        header["values"] = [codec.encode(value) for value in values]
        if op == "call":
            header["grad_inputs"] = _grad_inputs(codec.sent)
            header["grad_enabled"] = _grad_enabled()
        header["sync"] = codec.encode_sync()
        self._send(header, codec.buffers)
        return self._await(header["seq"])

    def _next_sequence(self) -> int:
        self.sequence += 2
        return self.sequence

    def _send(self, header: dict, buffers: list) -> None:
        try:
            send_message(self.sock, header, buffers)
        except ChannelClosed:
            self._crashed()

    def _await(self, sequence: int) -> Any:
        while True:
            tree, buffers = self._receive()
            codec = GraderCodec(self)
            codec.received = buffers
            try:
                codec.apply_sync(tree.get("sync", []))
                if tree.get("op") == "callback":
                    self._serve_callback(tree, codec)
                    continue
                if tree.get("seq") != sequence or tree.get("op") not in ("reply", "error"):
                    raise ProtocolError(f"unexpected message {tree.get('op')!r}")
                error = tree.get("error") if tree["op"] == "error" else None
                value = None if error is not None else codec.decode(tree["values"][0])
                if "bridge" in tree:
                    _wire(self, tree["bridge"], codec.bridged)
            except (ProtocolError, KeyError, TypeError, IndexError, ValueError) as problem:
                self.kill()
                raise LearnerFailure("crash", f"sent a malformed reply ({problem})",
                                     "code that writes to the grader's channel or replaces its functions") from None
            if error is not None:
                self._raise(error)
            self._check_foreign(tree.get("foreign", []))
            return value

    def _receive(self) -> tuple[Any, list]:
        limit = min(self.call_seconds, self.budget)
        self.sock.settimeout(max(limit, 0.001))
        started = time.monotonic()
        try:
            return receive_message(self.sock)
        except TimeoutError:
            self.budget -= time.monotonic() - started
            self.kill()
            whose = " (the component's time budget)" if self.budget <= 0 else ""
            raise LearnerFailure("timeout", f"no answer within {limit:.0f} s{whose}",
                                 "an endless loop, or far more work than needed (a Python loop over every "
                                 "element)") from None
        except ChannelClosed:
            self.budget -= time.monotonic() - started
            self._crashed()
        else:
            self.budget -= time.monotonic() - started

    def _crashed(self) -> None:
        status = wait_exit(self.control, 10) if self.control is not None else None
        self.close()
        if status is not None and status < 0:
            how = f"was killed by signal {-status}"
            cause = "running out of memory or CPU time (signal 9 or 24), or a crash in native code"
        else:
            how = f"exited with status {status}"
            cause = "sys.exit() or os._exit() in your code"
        raise LearnerFailure("crash", how, cause)

    def _raise(self, error: Any) -> None:
        if not isinstance(error, dict):
            raise ProtocolError("bad error report")
        if error.get("type") == "CallbackError" and self.callback_failure is not None:
            failure, self.callback_failure = self.callback_failure, None
            raise failure
        raise remote_exception(error)

    def _check_foreign(self, foreign: list) -> None:
        if foreign:
            from grader.forbidden import numpy_only_failure

            failure = numpy_only_failure(self.component, f"your code loaded {', '.join(map(str, foreign))}")
            failure.grading_kind = "forbidden"
            raise failure

    # -- callbacks and handles ------------------------------------------------------------------------
    def callback_for(self, function: Any) -> dict:
        callback_id = len(self.callbacks) + 1
        self.callbacks[callback_id] = function
        return {"$": "callback", "id": callback_id}

    def _serve_callback(self, tree: dict, codec: GraderCodec) -> None:
        function = self.callbacks.get(tree.get("id"))
        if function is None:
            raise ProtocolError("callback to an unknown function")
        args, kwargs = (codec.decode(value) for value in tree.get("values", [(), {}]))
        try:
            result = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - re-raised when the learner's call returns
            self.callback_failure = error
            self._send({"op": "error", "seq": tree.get("seq"), "error": {"message": str(error)},
                        "sync": GraderCodec(self).encode_sync()}, [])
            return
        reply = GraderCodec(self)
        header = {"op": "reply", "seq": tree.get("seq"), "values": [reply.encode(result)]}
        header["sync"] = reply.encode_sync()
        self._send(header, reply.buffers)

    def proxy(self, tree: dict) -> RemoteObject:
        """One proxy per learner object, so that ``model.eval() is model`` holds here too."""
        handle = tree.get("id")
        if type(handle) is not int:
            raise ProtocolError("bad handle")
        if handle not in self.proxies:
            self.proxies[handle] = RemoteObject(self, handle, str(tree.get("type", "object"))[:100],
                                                bool(tree.get("callable")), str(tree.get("repr", ""))[:200])
        return self.proxies[handle]

    def reset(self) -> None:
        """After each test: forget its objects on both sides (the module and its functions stay)."""
        if self.alive and self.used:
            self.request("reset", keep=[proxy._handle for proxy in self.cached.values()])
        self.mirror.clear()
        self.callbacks.clear()
        kept = {proxy._handle for proxy in self.cached.values()}
        self.proxies = {handle: proxy for handle, proxy in self.proxies.items() if handle in kept}
        self.used = False


class RemoteObject:
    """A learner's object living in their worker. Equality is identity: the learner is never asked."""

    __slots__ = ("_connection", "_handle", "_generation", "_type", "_callable", "_repr")

    def __init__(self, connection: Connection, handle: int, type_name: str, is_callable: bool, text: str):
        for name, value in (("_connection", connection), ("_handle", handle), ("_generation", connection.generation),
                            ("_type", type_name), ("_callable", is_callable), ("_repr", text)):
            object.__setattr__(self, name, value)

    def _reference(self, connection: Connection) -> dict:
        if connection is not self._connection or self._generation != connection.generation:
            raise LearnerFailure("crash", f"this {self._type} belonged to a process that has ended",
                                 "an earlier check crashed or timed out")
        return {"$": "handle", "id": self._handle}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._connection.request("getattr", target=self, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._connection.request("setattr", value, target=self, name=name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._connection.request("call", tuple(args), dict(kwargs), target=self)

    def __iter__(self) -> RemoteObject:
        return self._connection.request("iter", target=self)

    def __next__(self) -> Any:
        return self._connection.request("next", target=self)

    def __len__(self) -> int:
        length = self._connection.request("len", target=self)
        if type(length) is not int:
            raise TypeError(f"len() of a {self._type} gave {type(length).__name__}")
        return length

    def __getitem__(self, key: Any) -> Any:
        return self._connection.request("getitem", key, target=self)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._connection.request("setitem", key, value, target=self)

    def __contains__(self, item: Any) -> bool:
        return self._connection.request("contains", item, target=self) is True

    def __enter__(self) -> Any:
        return self._connection.request("enter", target=self)

    def __exit__(self, *exc_info: Any) -> None:
        self._connection.request("exit", target=self)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<learner's {self._type}: {self._repr}>"


class RemoteModule:
    """The component module of a learner, as the suites see it."""

    def __init__(self, connection: Connection):
        self._connection = connection
        self._proxy = connection.start()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        connection = self._connection
        if not connection.alive and connection.budget > 0:
            self._proxy = connection.start()
        cached = connection.cached.get(name)
        if cached is not None and cached._generation == connection.generation:
            return cached
        value = connection.request("getattr", target=self._proxy, name=name)
        if isinstance(value, RemoteObject) and value._callable:
            connection.cached[name] = value
        return value

    def __repr__(self) -> str:
        return f"<learner's module exercises.{self._connection.component} in a sandboxed worker>"


class Bridge:
    """Built on first use (torch is imported only when a tensor with a graph comes back)."""

    function: Any = None


def _wire(connection: Connection, bridge: Any, received: list) -> None:
    """Give the tensors that came back with a graph a grad_fn that asks the worker for gradients."""
    import torch

    if Bridge.function is None:
        class RemoteGraph(torch.autograd.Function):
            @staticmethod
            def forward(ctx, info, anchor, *inputs):
                ctx.info = info
                return tuple(info["outputs"])

            @staticmethod
            def backward(ctx, *grads):
                info = ctx.info
                found = info["connection"].request("backward", list(grads), token=info["token"])
                if not isinstance(found, list) or len(found) != info["count"]:
                    raise LearnerFailure("crash", "the gradient request came back malformed", "")
                return (None, None, *found)

        Bridge.function = RemoteGraph
    if not isinstance(bridge, dict):
        raise ProtocolError("bad bridge")
    outputs = [connection.mirror.get(mirror_id) for mirror_id in bridge.get("outputs", [])]
    inputs = [connection.mirror.get(mirror_id) for mirror_id in bridge.get("inputs", [])]
    fresh = {id(tensor) for _, tensor in received}
    if not outputs or any(id(tensor) not in fresh for tensor in outputs):
        raise ProtocolError("bridge names tensors that did not come with the reply")
    anchor = torch.zeros((), requires_grad=True)
    info = {"connection": connection, "token": bridge.get("token"), "outputs": outputs, "count": len(inputs)}
    Bridge.function.apply(info, anchor, *inputs)
    for mirror_id in bridge.get("outputs", []):
        connection.mirror.mark_synced(mirror_id)


def _grad_inputs(sent: list) -> list[int]:
    seen: list[int] = []
    for mirror_id, tensor in sent:
        if tensor.requires_grad and mirror_id not in seen:
            seen.append(mirror_id)
    return seen if _grad_enabled() else []


def _grad_enabled() -> bool:
    torch = sys.modules.get("torch")
    return True if torch is None else torch.is_grad_enabled()


_EXCEPTION_CLASSES: dict[tuple[str, str], type] = {}


def remote_exception(error: dict) -> BaseException:
    """The learner's exception, rebuilt from data: same builtin base class, same name, same text."""
    name, base_name = str(error.get("type", "Exception"))[:100], error.get("builtin")
    where = [str(line)[:300] for line in error.get("where", [])][-3:]
    message = str(error.get("message", ""))
    check = error.get("check")
    if isinstance(check, dict):
        from grader.torch_guard import ForbiddenCall

        failure = ForbiddenCall(str(check.get("quantity")), str(check.get("problem")),
                                [str(line) for line in check.get("details", [])], check.get("cause"))
        failure.grading_kind = "forbidden"
        return failure
    base = getattr(builtins, base_name, None) if isinstance(base_name, str) else None
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception
    if name == base.__name__:
        cls = base
    else:
        cls = _EXCEPTION_CLASSES.setdefault((name, base.__name__), type(name, (base,), {"__module__": "learner"}))
    if where and base is not NotImplementedError:
        message = f"{message}\n  (raised at {where[-1]})"
    exception = cls(message)
    exception.learner_text, exception.learner_traceback = str(error.get("message", "")), where
    return exception

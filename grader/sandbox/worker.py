"""The learner's side of the channel: imports their module and runs what the grader asks, nothing more.

It answers requests (``import``, ``getattr``, ``call``, ``iter``, ``next``,
``backward``, ...) with plain data. What cannot travel as data (a learner's
object, an iterator) stays here under a handle; the grader holds a proxy. A
tensor that requires grad and comes out of a call stays here with its graph,
and the grader's copy is wired into the grader's autograd (see
grader.sandbox.remote), so ``loss.backward()`` in a test reaches back here.
Part 2 calls run under the component's TorchGuard; for Part 1 components a
package other than NumPy showing up in ``sys.modules`` is reported. This
process never decides whether anything is right.
"""

from __future__ import annotations

import builtins
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from grader.sandbox.mirrors import Mirror, MirroredCodec
from grader.sandbox.wire import ChannelClosed, receive_message, send_message

WORKER_PARITY = 1


class WorkerCodec(MirroredCodec):
    """Objects that are not data become handles; the grader's callables arrive as callbacks."""

    def __init__(self, worker: Worker):
        super().__init__(worker.mirror)
        self.worker = worker

    def encode_other(self, value: Any) -> Any:
        return self.worker.handle_for(value)

    def decode_reference(self, tag: str, tree: dict, depth: int) -> Any:
        if tag == "handle":
            return self.worker.object(tree.get("id"))
        if tag == "callback":
            return self.worker.callback(tree.get("id"))
        return super().decode_reference(tag, tree, depth)


class Worker:
    def __init__(self, sock: socket.socket, folder: Path, package: str, component: str):
        self.sock, self.folder, self.package, self.component = sock, folder, package, component
        self.mirror = Mirror(WORKER_PARITY)
        self.objects: dict[int, Any] = {}
        self.object_ids: dict[int, int] = {}
        self.pinned: set[int] = set()
        self.next_handle = 1
        self.sequence = 1
        self.graphs: dict[int, tuple[list, list, list]] = {}
        self.baseline_packages = {name.split(".")[0] for name in sys.modules}
        self.guard = None

    # -- handles --------------------------------------------------------------------------------------
    def handle_for(self, value: Any) -> dict:
        handle = self.object_ids.get(id(value))
        if handle is None:
            handle, self.next_handle = self.next_handle, self.next_handle + 1
            self.objects[handle] = value
            self.object_ids[id(value)] = handle
        return {"$": "handle", "id": handle, "type": type(value).__name__, "callable": callable(value),
                "repr": _safe_repr(value)}

    def object(self, handle: Any) -> Any:
        if handle not in self.objects:
            raise LookupError(f"no object {handle!r} (it belonged to an earlier test)")
        return self.objects[handle]

    def callback(self, callback_id: Any):
        def call_grader(*args, **kwargs):
            return self.request({"op": "callback", "id": callback_id, "args": args, "kwargs": kwargs})

        return call_grader

    # -- the loop -------------------------------------------------------------------------------------
    def request(self, message: dict) -> Any:
        """Ask the grader (a callback); serve its requests until the answer comes."""
        sequence = self.sequence = self.sequence + 2
        args, kwargs = message.pop("args", ()), message.pop("kwargs", {})
        self.send({**message, "seq": sequence}, args, kwargs)
        return self.serve(until=sequence)

    def send(self, header: dict, *values: Any) -> None:
        codec = WorkerCodec(self)
        header["values"] = [codec.encode(value) for value in values]
        header["sync"] = codec.encode_sync()
        send_message(self.sock, header, codec.buffers)

    def serve(self, until: int | None = None) -> Any:
        while True:
            tree, buffers = receive_message(self.sock)
            codec = WorkerCodec(self)
            codec.received = buffers
            codec.apply_sync(tree.get("sync", []))
            if tree.get("op") in ("reply", "error") and tree.get("seq") == until:
                if tree["op"] == "error":
                    raise CallbackError(str(tree.get("error", {}).get("message", "the grader's function failed")))
                return codec.decode(tree["values"][0])
            self.answer(tree, codec)

    def answer(self, tree: dict, codec: WorkerCodec) -> None:
        sequence = tree.get("seq")
        try:
            values = [codec.decode(value) for value in tree.get("values", [])]
            result, extra = self.perform(tree.get("op"), tree, values)
            failure = None
        except (GraderError, ChannelClosed):
            raise
        except BaseException as error:  # noqa: BLE001 - every failure of learner code goes back as data
            failure = error
        if self.guard is not None and self.guard.violations:
            failure = self.guard.violations[0]  # even when the learner's own try/except swallowed it
            self.guard.violations.clear()
        if failure is not None:
            self.send({"op": "error", "seq": sequence, "error": describe_error(failure, self.folder)})
            return
        reply = {"op": "reply", "seq": sequence, **extra}
        codec_out = WorkerCodec(self)
        reply["values"] = [codec_out.encode(result)]
        bridged = codec_out.bridged
        if tree.get("op") == "call" and bridged:
            reply["bridge"] = self.keep_graph(bridged)
        reply["sync"] = codec_out.encode_sync()
        send_message(self.sock, reply, codec_out.buffers)

    def perform(self, op: Any, tree: dict, values: list) -> tuple[Any, dict]:
        if op == "import":
            return self.import_component(), {"foreign": self.foreign_modules()}
        if op == "reset":
            self.reset(tree.get("keep", []))
            return None, {}
        if op == "backward":
            return self.backward(tree.get("token"), values[0]), {}
        target = self.object(tree.get("target"))
        with self.guarded():
            if op == "getattr":
                return getattr(target, str(tree.get("name"))), {}
            if op == "setattr":
                setattr(target, str(tree.get("name")), values[0])
                return None, {}
            if op == "call":
                return self.call(target, values, tree), {"foreign": self.foreign_modules()}
            if op in MEASUREMENTS:
                import grader.measure

                measure = getattr(grader.measure, MEASUREMENTS[op])
                return measure(target, *values[0], **values[1]), {"foreign": self.foreign_modules()}
            if op in _PROTOCOL:
                return _PROTOCOL[op](target, *values), {}
        raise ValueError(f"unknown request {op!r}")

    # -- operations -----------------------------------------------------------------------------------
    def import_component(self) -> Any:
        import importlib

        from grader.implementation import _install_package

        _install_package(self.package, self.folder)
        with self.guarded():
            module = importlib.import_module(f"{self.package}.{self.component}")
        handle = self.handle_for(module)
        self.pinned.add(handle["id"])
        return module

    def call(self, target: Any, values: list, tree: dict) -> Any:
        args, kwargs = values
        torch = sys.modules.get("torch")
        if torch is None:
            return target(*args, **kwargs)
        args, kwargs = self.cut_graphs((args, kwargs), tree.get("grad_inputs", []))
        with torch.set_grad_enabled(bool(tree.get("grad_enabled", True))):
            return target(*args, **kwargs)

    def cut_graphs(self, arguments: Any, grad_inputs: list) -> Any:
        """Arguments that carry a graph from an earlier call start a fresh one here (the grader holds the rest)."""
        self.call_inputs = {}
        for mirror_id in grad_inputs:
            tensor = self.mirror.get(mirror_id)
            leaf = tensor if tensor.is_leaf else tensor.detach().requires_grad_()
            self.call_inputs[id(tensor)] = (mirror_id, leaf)
        replace = {key: leaf for key, (_, leaf) in self.call_inputs.items()}
        return _replace(arguments, replace) if any(k != id(v) for k, v in replace.items()) else arguments

    def keep_graph(self, outputs: list) -> dict:
        """Remember a call's graph; tell the grader which of its tensors the outputs depend on."""
        inputs = [leaf for _, leaf in self.call_inputs.values()]
        input_ids = [mirror_id for mirror_id, _ in self.call_inputs.values()]
        seen = {id(leaf) for leaf in inputs}
        own_leaves = []
        for leaf in _leaves([tensor for _, tensor in outputs]):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            mirror_id = self.mirror.known(leaf)
            if mirror_id is not None:
                inputs.append(leaf)
                input_ids.append(mirror_id)
            else:
                own_leaves.append(leaf)
        token = self.sequence = self.sequence + 2
        self.graphs[token] = ([tensor for _, tensor in outputs], inputs, own_leaves)
        return {"token": token, "outputs": [mirror_id for mirror_id, _ in outputs], "inputs": input_ids}

    def backward(self, token: Any, grads: list) -> list:
        import torch

        if token not in self.graphs:
            raise LookupError("the graph of that call is gone (it belonged to an earlier test)")
        outputs, inputs, own_leaves = self.graphs[token]
        pairs = [(out, grad) for out, grad in zip(outputs, grads) if grad is not None]
        targets = inputs + own_leaves
        if not pairs or not targets:
            return [None] * len(inputs)
        found = torch.autograd.grad([out for out, _ in pairs], targets, [grad for _, grad in pairs],
                                    retain_graph=True, allow_unused=True)
        for leaf, grad in zip(own_leaves, found[len(inputs):]):
            if grad is not None:
                leaf.grad = grad if leaf.grad is None else leaf.grad + grad
        return [None if grad is None else grad.detach() for grad in found[:len(inputs)]]

    def reset(self, keep: list) -> None:
        """Forget everything of the last test but the imported module and what the grader keeps."""
        kept = self.pinned | {handle for handle in keep if type(handle) is int}
        self.objects = {h: o for h, o in self.objects.items() if h in kept}
        self.object_ids = {id(o): h for h, o in self.objects.items()}
        self.mirror.clear()
        self.graphs.clear()

    def guarded(self):
        from contextlib import nullcontext

        from grader.components import BY_NAME

        component = BY_NAME.get(self.component)
        if component is None or component.numpy_only:
            return nullcontext()
        if self.guard is None:
            from grader.torch_guard import TorchGuard

            self.guard = TorchGuard(component, self.folder)
        return self.guard

    def foreign_modules(self) -> list[str]:
        """Top-level packages other than NumPy loaded since the worker started (Part 1 only)."""
        from grader.components import BY_NAME
        from grader.forbidden import NUMPY_ONLY, _foreign

        component = BY_NAME.get(self.component)
        if component is None or not component.numpy_only:
            return []
        new = {name.split(".")[0] for name in list(sys.modules)} - self.baseline_packages
        return sorted(name for name in new if _foreign(name, NUMPY_ONLY, self.package) and _installed(name))


class GraderError(Exception):
    """The grader's side failed while this worker waited: stop serving."""


class CallbackError(Exception):
    """A function of the grader's, called from learner code, raised."""


def _installed(name: str) -> bool:
    """A package installed beside NumPy (not an extension module's internals such as cython_runtime)."""
    location = getattr(sys.modules.get(name), "__file__", None) or ""
    return "site-packages" in location or "dist-packages" in location


def _replace(value: Any, replace: dict[int, Any]) -> Any:
    if id(value) in replace:
        return replace[id(value)]
    if type(value) in (list, tuple):
        return type(value)(_replace(item, replace) for item in value)
    if type(value) is dict:
        return {key: _replace(item, replace) for key, item in value.items()}
    return value


def _leaves(outputs: list) -> list:
    """The leaf tensors (AccumulateGrad nodes) that ``outputs`` depend on."""
    leaves, seen, stack = [], set(), [out.grad_fn for out in outputs if out.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        variable = getattr(node, "variable", None)
        if variable is not None:
            leaves.append(variable)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return leaves


MEASUREMENTS = {"traced": "consume_traced", "counted": "consume_counting_operators"}
_PROTOCOL = {
    "iter": lambda target: iter(target),
    "next": lambda target: next(target),
    "len": lambda target: len(target),
    "getitem": lambda target, key: target[key],
    "setitem": lambda target, key, value: target.__setitem__(key, value),
    "contains": lambda target, item: item in target,
    "repr": lambda target: repr(target),
    "str": lambda target: str(target),
    "enter": lambda target: target.__enter__(),
    "exit": lambda target: target.__exit__(None, None, None),
}


def describe_error(error: BaseException, folder: Path) -> dict:
    """An exception as data: its class and the builtin it derives from, its text, where in learner code."""
    builtin = next((cls.__name__ for cls in type(error).__mro__
                    if getattr(builtins, cls.__name__, None) is cls and issubclass(cls, Exception)), None)
    inside, prefix = str(folder.resolve()) + "/", str(folder.resolve().parent) + "/"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.startswith(inside)]
    where = [f"{frame.filename.removeprefix(prefix)}:{frame.lineno} in {frame.name}" for frame in frames]
    described = {"type": type(error).__name__, "builtin": builtin, "message": _safe_str(error)[:4000],
                 "where": where[-5:]}
    if isinstance(error, SyntaxError):
        described["where"] = [f"{str(error.filename).removeprefix(prefix)}:{error.lineno}"]
    check = getattr(error, "quantity", None)
    if check is not None and type(error).__name__ == "ForbiddenCall":
        described["check"] = {"quantity": error.quantity, "problem": error.problem, "details": error.details,
                              "cause": error.cause}
    return described


def _safe_str(value: Any) -> str:
    try:
        return str(value)
    except BaseException:  # noqa: BLE001 - a learner's __str__ may raise anything
        return f"<{type(value).__name__} whose str() failed>"


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)[:200]
    except BaseException:  # noqa: BLE001
        return f"<{type(value).__name__}>"


def serve(sock: socket.socket, folder: Path, package: str, component: str) -> None:
    worker = Worker(sock, folder, package, component)
    try:
        worker.serve()
    except (ChannelClosed, GraderError):
        pass

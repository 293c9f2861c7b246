"""Tensors and random generators kept in step on both sides of the channel.

A tensor that crosses the channel is registered on both sides under one id
and travels whole only once; afterwards it travels as a reference, so a
parameter handed out twice is the same tensor object both times. Every
message carries a ``sync`` list: the registered tensors whose values, shape,
``requires_grad`` or ``.grad`` changed on the sending side since they were
last in step (found from torch's version counters), and the generators whose
state moved. The receiver copies them in. In-place updates therefore reach the
other side as they would in one process: an optimizer step in the learner's
process updates the grader's tensors, a ``p.grad = None`` in a test reaches the
learner's optimizer.

Ids are even on the grader's side and odd on the worker's, so both can
register without asking.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from grader.sandbox.wire import Codec, ProtocolError, numpy_generator, torch_dtype


def _torch():
    import torch

    return torch


class Mirror:
    """The registry of one side: id <-> object, and the signature each object had when last in step."""

    def __init__(self, parity: int):
        self.parity = parity
        self.next_id = parity
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(object) -> mirror id
        self.synced: dict[int, Any] = {}

    def register(self, value: Any, mirror_id: int | None = None) -> int:
        if mirror_id is None:
            mirror_id = self.next_id
            self.next_id += 2
        self.objects[mirror_id] = value
        self.ids[id(value)] = mirror_id
        self.synced[mirror_id] = signature(value)
        return mirror_id

    def known(self, value: Any) -> int | None:
        return self.ids.get(id(value))

    def get(self, mirror_id: Any) -> Any:
        if type(mirror_id) is not int or mirror_id not in self.objects:
            raise ProtocolError(f"reference to unknown mirrored object {mirror_id!r}")
        return self.objects[mirror_id]

    def dirty(self) -> list[int]:
        return [mirror_id for mirror_id, value in self.objects.items() if signature(value) != self.synced[mirror_id]]

    def mark_synced(self, mirror_id: int) -> None:
        self.synced[mirror_id] = signature(self.objects[mirror_id])

    def clear(self) -> None:
        self.objects.clear()
        self.ids.clear()
        self.synced.clear()


def signature(value: Any) -> Any:
    """What must match for two copies to be in step; cheap for tensors (version counters)."""
    if isinstance(value, np.random.Generator):
        return repr(value.bit_generator.state)
    torch = sys.modules["torch"]
    if isinstance(value, torch.Generator):
        return bytes(value.get_state().numpy())
    grad = value.grad if value.is_leaf else None
    grad_signature = None if grad is None else (id(grad), grad._version)
    return value._version, tuple(value.shape), value.dtype, value.requires_grad, grad_signature


class MirroredCodec(Codec):
    """A Codec that sends tensors and generators through a :class:`Mirror`."""

    bridge_outputs = False  # the grader's side: tensors with a graph over there arrive without one, to be wired

    def __init__(self, mirror: Mirror):
        super().__init__()
        self.mirror = mirror
        self.bridged: list[tuple[int, Any]] = []  # (id, tensor) of tensors sent or received with a graph

    # -- tensors --------------------------------------------------------------------------------------
    def encode_tensor(self, tensor: Any, depth: int) -> Any:
        known = self.mirror.known(tensor)
        if known is not None:
            return {"$": "tref", "id": known}
        payload = self.tensor_payload(tensor)
        payload["id"] = self.mirror.register(tensor)
        if tensor.requires_grad and not tensor.is_leaf:
            self.bridged.append((payload["id"], tensor))
        return payload

    def tensor_payload(self, tensor: Any) -> dict:
        """Values (not the graph) of a tensor: dtype, shape, device, requires_grad, leaf-ness and grad."""
        torch = _torch()
        plain = tensor.detach()
        payload = {"$": "tensor", "dtype": str(plain.dtype).removeprefix("torch."), "shape": list(plain.shape),
                   "device": str(plain.device), "rg": bool(tensor.requires_grad), "leaf": bool(tensor.is_leaf),
                   "b": None, "grad": None}
        if plain.device.type != "meta":
            host = plain.to("cpu", copy=True).contiguous().reshape(-1)
            payload["b"] = self.add_buffer(bytes(host.view(torch.uint8).numpy()) if host.numel() else b"")
        grad = tensor.grad if tensor.is_leaf else None
        if grad is not None:
            payload["grad"] = self.tensor_payload(grad)
        return payload

    def tensor_from(self, payload: Any, wire: bool = False) -> Any:
        """A fresh leaf tensor holding a payload's values, on its device, requiring grad as it did."""
        torch = _torch()
        if not isinstance(payload, dict) or payload.get("$") != "tensor":
            raise ProtocolError("expected a tensor payload")
        dtype, shape = torch_dtype(payload.get("dtype")), self._shape(payload.get("shape"))
        try:
            device = torch.device(str(payload.get("device")))
        except RuntimeError as error:
            raise ProtocolError(f"bad device: {error}") from None
        if device.type == "meta":
            tensor = torch.empty(shape, dtype=dtype, device="meta")
        else:
            data = self.buffer(payload.get("b"))
            itemsize = torch.empty((), dtype=dtype).element_size()
            count = int(np.prod(shape, dtype=np.int64))
            if len(data) != count * itemsize:
                raise ProtocolError(f"tensor buffer of {len(data)} bytes does not fit {shape} {dtype}")
            flat = torch.frombuffer(data, dtype=dtype) if count else torch.empty(0, dtype=dtype)
            tensor = flat.reshape(shape).to(device, copy=True)
        if payload.get("rg") and (tensor.is_floating_point() or tensor.is_complex()) and not wire:
            tensor.requires_grad_()
        if payload.get("grad") is not None:
            tensor.grad = self.tensor_from(payload["grad"])
        return tensor

    def _decode_tensor(self, tree: dict, depth: int) -> Any:
        wire = self.bridge_outputs and bool(tree.get("rg")) and not tree.get("leaf")
        tensor = self.tensor_from(tree, wire)
        mirror_id = self.mirror.register(tensor, self._fresh_id(tree.get("id")))
        if wire:
            self.bridged.append((mirror_id, tensor))
        return tensor

    def _decode_tref(self, tree: dict, depth: int) -> Any:
        return self.mirror.get(tree.get("id"))

    def _fresh_id(self, mirror_id: Any) -> int:
        if type(mirror_id) is not int or mirror_id % 2 == self.mirror.parity or mirror_id in self.mirror.objects:
            raise ProtocolError(f"bad id {mirror_id!r} for a new mirrored object")
        return mirror_id

    # -- generators -----------------------------------------------------------------------------------
    def encode_numpy_generator(self, generator: np.random.Generator) -> Any:
        known = self.mirror.known(generator)
        if known is not None:
            return {"$": "gref", "id": known}
        return {"$": "npgen", "id": self.mirror.register(generator), "state": self.encode(generator.bit_generator.state)}

    def encode_torch_generator(self, generator: Any) -> Any:
        known = self.mirror.known(generator)
        if known is not None:
            return {"$": "gref", "id": known}
        return {"$": "tgen", "id": self.mirror.register(generator), "device": str(generator.device),
                "state": self.add_buffer(bytes(generator.get_state().numpy()))}

    def _decode_npgen(self, tree: dict, depth: int) -> np.random.Generator:
        generator = numpy_generator(self.decode(tree.get("state"), depth + 1))
        self.mirror.register(generator, self._fresh_id(tree.get("id")))
        return generator

    def _decode_tgen(self, tree: dict, depth: int) -> Any:
        torch = _torch()
        try:
            generator = torch.Generator(device=str(tree.get("device")))
            generator.set_state(torch.frombuffer(bytearray(self.buffer(tree.get("state"))), dtype=torch.uint8))
        except RuntimeError as error:
            raise ProtocolError(f"bad torch generator: {error}") from None
        self.mirror.register(generator, self._fresh_id(tree.get("id")))
        return generator

    def _decode_gref(self, tree: dict, depth: int) -> Any:
        return self.mirror.get(tree.get("id"))

    # -- keeping in step ------------------------------------------------------------------------------
    def encode_sync(self) -> list:
        """Updates for every mirrored object that changed here since it was last in step."""
        updates = []
        for mirror_id in self.mirror.dirty():
            value = self.mirror.objects[mirror_id]
            if isinstance(value, np.random.Generator):
                updates.append({"id": mirror_id, "npstate": self.encode(value.bit_generator.state)})
            elif not hasattr(value, "requires_grad"):
                updates.append({"id": mirror_id, "tstate": self.add_buffer(bytes(value.get_state().numpy()))})
            else:
                updates.append({"id": mirror_id, "tensor": self.tensor_payload(value)})
            self.mirror.mark_synced(mirror_id)
        return updates

    def apply_sync(self, updates: Any) -> None:
        if not isinstance(updates, list):
            raise ProtocolError("sync is not a list")
        for update in updates:
            if not isinstance(update, dict):
                raise ProtocolError("bad sync entry")
            mirror_id = update.get("id")
            value = self.mirror.get(mirror_id)
            if "npstate" in update and isinstance(value, np.random.Generator):
                value.bit_generator.state = numpy_generator(self.decode(update["npstate"])).bit_generator.state
            elif "tstate" in update and not isinstance(value, np.random.Generator) and not hasattr(value, "grad"):
                torch = _torch()
                value.set_state(torch.frombuffer(bytearray(self.buffer(update["tstate"])), dtype=torch.uint8))
            elif "tensor" in update and hasattr(value, "grad"):
                self._copy_into(value, self.tensor_from(update["tensor"]))
            else:
                raise ProtocolError(f"sync entry does not fit object {mirror_id}")
            self.mirror.mark_synced(mirror_id)

    @staticmethod
    def _copy_into(tensor: Any, fresh: Any) -> None:
        torch = _torch()
        with torch.no_grad():
            if fresh.shape == tensor.shape and fresh.dtype == tensor.dtype and fresh.device == tensor.device:
                if tensor.device.type != "meta":
                    tensor.copy_(fresh)
            else:
                tensor.data = fresh.detach()
        if tensor.is_leaf:
            if tensor.requires_grad != fresh.requires_grad:
                tensor.requires_grad_(fresh.requires_grad)
            if fresh.grad is not None and tensor.grad is not None and tensor.grad.shape == fresh.grad.shape:
                with torch.no_grad():
                    tensor.grad.copy_(fresh.grad)
            else:
                tensor.grad = fresh.grad

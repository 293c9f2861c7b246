"""The channel between the grader and a learner's worker: plain data only, never pickle.

A message is a JSON tree plus raw byte buffers. Values are encoded by
:class:`Codec`: ``None``, booleans, ints, floats (non-finite ones tagged),
strings and lists are JSON; every other value is an object tagged ``"$"``::

    tuple, dict (any plain keys), bytes, complex, slice, numpy arrays and scalars
    (numeric and bool dtypes only), torch dtypes, devices and tensors, numpy and
    torch random generators, and references: ``handle`` (an object living in the
    worker), ``callback`` (a callable living in the grader).

Decoding is strict: an unknown tag, a dtype that is not numeric, a buffer
whose length does not match its shape, nesting deeper than ``MAX_DEPTH`` or a
message over ``MAX_MESSAGE`` bytes is refused with :class:`ProtocolError`, so
whatever the learner's process sends, the grader only ever receives data.
Subclasses of plain types (an ``int`` whose ``__eq__`` always says yes, an
``ndarray`` subclass) arrive as the plain type's value.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import sys
from typing import Any

import numpy as np

MAX_DEPTH = 64
MAX_MESSAGE = 1 << 30
_HEADER = struct.Struct("<II")  # JSON length, buffer count
_LENGTH = struct.Struct("<Q")
NUMERIC_KINDS = frozenset("biufc")
PLAIN_TYPES = {cls.__name__: cls for cls in (bool, int, float, complex, str)}
GENERATOR_NAMES = frozenset({"PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937"})


class ProtocolError(Exception):
    """A message that is not what the channel carries."""


class ChannelClosed(Exception):
    """The other end went away (its process ended or was killed)."""


def send_message(sock: socket.socket, tree: Any, buffers: list[bytes]) -> None:
    body = json.dumps(tree, separators=(",", ":"), allow_nan=False).encode()
    parts = [_HEADER.pack(len(body), len(buffers)), *(_LENGTH.pack(len(b)) for b in buffers), body, *buffers]
    try:
        sock.sendall(b"".join(parts))
    except (BrokenPipeError, ConnectionResetError) as error:
        raise ChannelClosed(str(error)) from None


def _receive_exactly(sock: socket.socket, size: int) -> bytearray:
    """``size`` bytes, stored as they arrive: an announced size reserves nothing before its bytes come."""
    data = bytearray()
    while len(data) < size:
        try:
            chunk = sock.recv(min(size - len(data), 1 << 20))
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ChannelClosed("the other end closed the channel")
        data += chunk
    return data


def receive_message(sock: socket.socket) -> tuple[Any, list[bytearray]]:
    body_length, count = _HEADER.unpack(_receive_exactly(sock, _HEADER.size))
    lengths = [_LENGTH.unpack(_receive_exactly(sock, _LENGTH.size))[0] for _ in range(count)]
    if body_length + sum(lengths) > MAX_MESSAGE or count > 1 << 20:
        raise ProtocolError(f"message of {body_length + sum(lengths)} bytes exceeds the channel's limit")
    try:
        tree = json.loads(_receive_exactly(sock, body_length))
    except ValueError as error:
        raise ProtocolError(f"malformed message: {error}") from None
    return tree, [_receive_exactly(sock, length) for length in lengths]


def _torch():
    import torch

    return torch


def is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


class Codec:
    """Encodes values into a JSON tree and buffers, and back. Subclasses add references.

    ``encode_other`` and ``decode_reference`` are the hooks: the worker turns
    objects it cannot send into handles, the grader turns callables into
    callbacks; tensors and generators go through ``tensors`` and ``generators``
    when the side keeps them in step (see grader.sandbox.mirrors).
    """

    def __init__(self) -> None:
        self.buffers: list[bytes] = []
        self.received: list[bytearray] = []

    # -- encoding -------------------------------------------------------------------------------------
    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError(f"value nested deeper than {MAX_DEPTH} levels")
        kind = type(value)
        if value is None or kind is bool or kind is str:
            return value
        if kind is int:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if kind is list:
            return [self.encode(item, depth + 1) for item in value]
        if kind is tuple:
            return {"$": "tuple", "v": [self.encode(item, depth + 1) for item in value]}
        if kind is dict:
            return {"$": "dict", "k": [self.encode(k, depth + 1) for k in value],
                    "v": [self.encode(v, depth + 1) for v in value.values()]}
        if isinstance(value, np.ndarray):
            return self._encode_array(np.asarray(value).view(np.ndarray))
        if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS | {"?"}:
            return {"$": "scalar", "a": self._encode_array(np.asarray(value))}
        if isinstance(value, np.random.Generator):
            return self.encode_numpy_generator(value)
        if isinstance(value, np.dtype):
            return {"$": "npdtype", "v": self._encode_dtype(value)}
        if isinstance(value, type) and value in PLAIN_TYPES.values():
            return {"$": "type", "v": value.__name__}
        if isinstance(value, type) and issubclass(value, np.generic):
            return {"$": "nptype", "v": self._encode_dtype(np.dtype(value))}
        if is_tensor(value):
            return self.encode_tensor(value, depth)
        torch = sys.modules.get("torch")
        if torch is not None:
            if isinstance(value, torch.dtype):
                return {"$": "tdtype", "v": str(value).removeprefix("torch.")}
            if isinstance(value, torch.device):
                return {"$": "tdevice", "v": str(value)}
            if isinstance(value, torch.Size):
                return {"$": "tuple", "v": [int(n) for n in value]}
            if isinstance(value, torch.Generator):
                return self.encode_torch_generator(value)
        if isinstance(value, bytes):
            return {"$": "bytes", "b": self.add_buffer(bytes(value))}
        if isinstance(value, complex):
            return {"$": "complex", "v": [self.encode(value.real), self.encode(value.imag)]}
        if isinstance(value, slice):
            return {"$": "slice", "v": [self.encode(part, depth + 1) for part in (value.start, value.stop, value.step)]}
        return self.encode_subclass(value, depth)

    def encode_subclass(self, value: Any, depth: int) -> Any:
        """Plain types' subclasses travel as the plain value; anything else goes to ``encode_other``."""
        for plain in (bool, int, float, str, tuple, list, dict):
            if isinstance(value, plain):
                return self.encode(plain(value.items()) if plain is dict else plain(value), depth)
        return self.encode_other(value)

    def encode_other(self, value: Any) -> Any:
        raise TypeError(f"cannot send a {type(value).__name__} across the channel")

    def add_buffer(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _encode_array(self, array: np.ndarray) -> dict:
        if array.dtype.kind not in NUMERIC_KINDS and array.dtype != np.bool_:
            raise TypeError(f"cannot send an array of dtype {array.dtype}: numbers and booleans only")
        contiguous = np.asarray(array, order="C")
        return {"$": "nd", "dtype": contiguous.dtype.str, "shape": list(contiguous.shape),
                "b": self.add_buffer(contiguous.tobytes())}

    @staticmethod
    def _encode_dtype(dtype: np.dtype) -> str:
        if dtype.kind not in NUMERIC_KINDS and dtype != np.bool_:
            raise TypeError(f"cannot send dtype {dtype}: numbers and booleans only")
        return dtype.str

    def encode_numpy_generator(self, generator: np.random.Generator) -> Any:
        return {"$": "npgen", "state": self.encode(generator.bit_generator.state)}

    def encode_torch_generator(self, generator: Any) -> Any:
        raise TypeError("torch generators travel only between mirrored sides")

    def encode_tensor(self, tensor: Any, depth: int) -> Any:
        raise TypeError("tensors travel only between mirrored sides")

    # -- decoding -------------------------------------------------------------------------------------
    def decode(self, tree: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError(f"value nested deeper than {MAX_DEPTH} levels")
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if isinstance(tree, list):
            return [self.decode(item, depth + 1) for item in tree]
        if not isinstance(tree, dict) or not isinstance(tree.get("$"), str):
            raise ProtocolError(f"unexpected value in a message: {type(tree).__name__}")
        tag = tree["$"]
        method = getattr(self, f"_decode_{tag}", None)
        if method is None:
            return self.decode_reference(tag, tree, depth)
        return method(tree, depth)

    def decode_reference(self, tag: str, tree: dict, depth: int) -> Any:
        raise ProtocolError(f"unknown tag {tag!r} in a message")

    def buffer(self, index: Any) -> bytearray:
        if type(index) is not int or not 0 <= index < len(self.received):
            raise ProtocolError(f"message refers to buffer {index!r}, which it does not carry")
        return self.received[index]

    def _decode_float(self, tree: dict, depth: int) -> float:
        if tree.get("v") not in ("nan", "inf", "-inf"):
            raise ProtocolError(f"bad float {tree.get('v')!r}")
        return float(tree["v"])

    def _decode_tuple(self, tree: dict, depth: int) -> tuple:
        return tuple(self.decode(self._list(tree, "v"), depth + 1))

    def _decode_dict(self, tree: dict, depth: int) -> dict:
        keys, values = self._list(tree, "k"), self._list(tree, "v")
        if len(keys) != len(values):
            raise ProtocolError("dict with unequal keys and values")
        try:
            return {self.decode(k, depth + 1): self.decode(v, depth + 1) for k, v in zip(keys, values)}
        except TypeError as error:  # an unhashable key
            raise ProtocolError(f"bad dict key: {error}") from None

    def _decode_bytes(self, tree: dict, depth: int) -> bytes:
        return bytes(self.buffer(tree.get("b")))

    def _decode_complex(self, tree: dict, depth: int) -> complex:
        real, imag = (self.decode(part, depth + 1) for part in self._list(tree, "v"))
        return complex(real, imag)

    def _decode_slice(self, tree: dict, depth: int) -> slice:
        parts = self.decode(self._list(tree, "v"), depth + 1)
        if len(parts) != 3 or not all(p is None or type(p) is int for p in parts):
            raise ProtocolError("bad slice")
        return slice(*parts)

    def _decode_nd(self, tree: dict, depth: int) -> np.ndarray:
        try:
            dtype = np.dtype(tree.get("dtype"))
        except TypeError:
            raise ProtocolError(f"bad dtype {tree.get('dtype')!r}") from None
        if dtype.kind not in NUMERIC_KINDS and dtype != np.bool_:
            raise ProtocolError(f"arrays carry numbers only, not {dtype}")
        shape = self._shape(tree.get("shape"))
        data = self.buffer(tree.get("b"))
        if len(data) != math.prod(shape) * dtype.itemsize:
            raise ProtocolError(f"array buffer of {len(data)} bytes does not fit shape {shape} {dtype}")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def _decode_npdtype(self, tree: dict, depth: int) -> np.dtype:
        try:
            dtype = np.dtype(str(tree.get("v")))
        except TypeError:
            raise ProtocolError(f"bad dtype {tree.get('v')!r}") from None
        if dtype.kind not in NUMERIC_KINDS and dtype != np.bool_:
            raise ProtocolError(f"dtypes are numeric only, not {dtype}")
        return dtype

    def _decode_nptype(self, tree: dict, depth: int) -> type:
        return self._decode_npdtype(tree, depth).type

    def _decode_type(self, tree: dict, depth: int) -> type:
        if tree.get("v") not in PLAIN_TYPES:
            raise ProtocolError(f"bad type {tree.get('v')!r}")
        return PLAIN_TYPES[tree["v"]]

    def _decode_scalar(self, tree: dict, depth: int) -> np.generic:
        array = self._decode_nd(tree.get("a") if isinstance(tree.get("a"), dict) else {}, depth)
        if array.shape != ():
            raise ProtocolError("a scalar with a shape")
        return array[()]

    def _decode_npgen(self, tree: dict, depth: int) -> np.random.Generator:
        return numpy_generator(self.decode(tree.get("state"), depth + 1))

    def _decode_tdtype(self, tree: dict, depth: int) -> Any:
        return torch_dtype(tree.get("v"))

    def _decode_tdevice(self, tree: dict, depth: int) -> Any:
        try:
            return _torch().device(str(tree.get("v")))
        except RuntimeError as error:
            raise ProtocolError(f"bad device: {error}") from None

    @staticmethod
    def _list(tree: dict, key: str) -> list:
        value = tree.get(key)
        if not isinstance(value, list):
            raise ProtocolError(f"expected a list under {key!r}")
        return value

    @staticmethod
    def _shape(shape: Any) -> tuple[int, ...]:
        if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
            raise ProtocolError(f"bad shape {shape!r}")
        return tuple(shape)


def numpy_generator(state: Any) -> np.random.Generator:
    """A numpy Generator in ``state`` (one of numpy's own bit generators, nothing else)."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in GENERATOR_NAMES:
        raise ProtocolError(f"unknown bit generator {name!r}")
    bit_generator = getattr(np.random, name)()
    try:
        bit_generator.state = state
    except (TypeError, ValueError, KeyError) as error:
        raise ProtocolError(f"bad generator state: {error}") from None
    return np.random.Generator(bit_generator)


def torch_dtype(name: Any) -> Any:
    torch = _torch()
    dtype = getattr(torch, name, None) if isinstance(name, str) else None
    if not isinstance(dtype, torch.dtype):
        raise ProtocolError(f"bad torch dtype {name!r}")
    return dtype

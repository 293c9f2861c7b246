"""The IDX file format (MNIST, Fashion-MNIST): read and write, gzip-compressed or raw.

An IDX file is a 4-byte magic number ``0x00 0x00 <dtype code> <ndim>``, then ``ndim``
big-endian uint32 dimension sizes, then the values in C order, big-endian. MNIST's
images are ``(N, 28, 28)`` uint8 (code 0x08) and its labels ``(N,)`` uint8.

Every problem (not gzip though named ``.gz``, a truncated stream, a wrong magic number,
an unknown dtype code, fewer or more bytes than the dimensions say) raises
``grader.datasets.DataError`` naming the file and what to do.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from grader.datasets import DataError

# dtype code -> big-endian numpy dtype, as in the format's definition (LeCun et al.)
DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
MAX_DIMS = 8


def _fix(path: Path) -> str:
    return (f"Delete {path} and fetch it again (`--download`, or copy a good copy into the data folder); "
            f"see docs/datasets.md")


def read_bytes(path: str | Path) -> bytes:
    """The file's content, decompressed when it is gzip (detected by its first bytes, not its name)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file. Put it there, point FROMSCRATCH_DATA (or --data) at the folder "
                        f"that holds it, or use --download")
    raw = path.read_bytes()
    if raw[:2] == GZIP_MAGIC:
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as error:
            raise DataError(f"{path}: the gzip stream is truncated or corrupt ({error}). {_fix(path)}") from None
    if path.suffix == ".gz":
        raise DataError(f"{path}: named .gz but it is not gzip data (first bytes {raw[:4]!r}). {_fix(path)}")
    return raw


def parse_idx(data: bytes, path: str | Path = "<bytes>") -> np.ndarray:
    """Decode IDX bytes into an array of the file's shape, in native byte order.

    Returns ``(d0, d1, ...)`` with the dtype the header names (uint8 for MNIST).
    """
    path = Path(path)
    if len(data) < 4:
        raise DataError(f"{path}: {len(data)} bytes, too short for an IDX header (4 bytes at least). {_fix(path)}")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in DTYPES or not 1 <= ndim <= MAX_DIMS:
        raise DataError(f"{path}: magic number {data[:4].hex()} is not IDX (expected 0000<dtype code><ndim>, "
                        f"dtype codes {sorted(hex(c) for c in DTYPES)}, 1 to {MAX_DIMS} dims). {_fix(path)}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: truncated in the header ({len(data)} bytes, {ndim} dims need {header}). "
                        f"{_fix(path)}")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    body = len(data) - header
    if body != expected:
        what = "truncated" if body < expected else "longer than its header says"
        raise DataError(f"{path}: {what}: shape {shape} of {dtype.name} needs {expected} bytes of data, "
                        f"the file has {body}. {_fix(path)}")
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=True)


def read_idx(path: str | Path, *, ndim: int | None = None, dtype: str | None = None) -> np.ndarray:
    """Read an IDX file, gzip or raw; check its number of dims and dtype when given.

    Example: ``read_idx("t10k-images-idx3-ubyte.gz", ndim=3, dtype="uint8")`` -> ``(10000, 28, 28)`` uint8.
    """
    array = parse_idx(read_bytes(path), path)
    if ndim is not None and array.ndim != ndim:
        raise DataError(f"{path}: {array.ndim} dims {array.shape}, expected {ndim}; is it the right file "
                        f"(images are idx3, labels idx1)?")
    if dtype is not None and array.dtype != np.dtype(dtype):
        raise DataError(f"{path}: dtype {array.dtype}, expected {dtype}; is it the right file?")
    return array


def write_idx(path: str | Path, array: np.ndarray) -> Path:
    """Write ``array`` (any shape, a dtype in DTYPES) as IDX; gzip-compressed when the name ends in .gz."""
    path = Path(path)
    codes = {dtype.newbyteorder("="): code for code, dtype in DTYPES.items()}
    array = np.asarray(array)
    if array.dtype.newbyteorder("=") not in codes:
        raise ValueError(f"IDX cannot hold dtype {array.dtype}; use one of {[d.name for d in DTYPES.values()]}")
    code = codes[array.dtype.newbyteorder("=")]
    data = (struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
            + array.astype(DTYPES[code]).tobytes())
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path

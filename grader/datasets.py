"""The data manifest (``datasets/manifest.toml``) and where data files are found.

The data folder is ``$FROMSCRATCH_DATA`` when set, else ``../shared/datasets``
beside the checkout. Files are laid out as ``<dataset>/<file name>``.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.components import REPO_ROOT

MANIFEST = REPO_ROOT / "datasets" / "manifest.toml"
CACHE = REPO_ROOT / "datasets" / "cache"
DATA_ENV = "FROMSCRATCH_DATA"


class DataError(Exception):
    """A data file that is corrupt or not what the manifest says; the message says what to do."""


@dataclass(frozen=True)
class DataFile:
    dataset: str
    name: str
    md5: str
    bytes: int
    mirror: str

    @property
    def url(self) -> str:
        return self.mirror + self.name


def data_root() -> Path:
    configured = os.environ.get(DATA_ENV)
    return Path(configured).expanduser() if configured else REPO_ROOT.parent / "shared" / "datasets"


def manifest() -> dict[str, dict]:
    return tomllib.loads(MANIFEST.read_text())


def files(dataset: str) -> list[DataFile]:
    entry = manifest()[dataset]
    return [DataFile(dataset, f["name"], f["md5"], f["bytes"], entry["mirror"]) for f in entry["files"]]


def locate(file: DataFile) -> Path | None:
    """The verified path of ``file`` in the data folder or the cache, or None when absent."""
    for folder in (data_root(), CACHE):
        path = folder / file.dataset / file.name
        if path.is_file():
            verify(file, path)
            return path
    return None


def verify(file: DataFile, path: Path) -> None:
    size = path.stat().st_size
    if size != file.bytes:
        raise DataError(f"{path}: {size} bytes, the manifest says {file.bytes}; the file is truncated or "
                        f"another file. Delete it and download it again from {file.url}")
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    if digest != file.md5:
        raise DataError(f"{path}: md5 {digest}, the manifest says {file.md5}; the file is corrupt. "
                        f"Delete it and download it again from {file.url}")

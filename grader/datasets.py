"""The data manifest (``datasets/manifest.toml``) and where data files are found.

The data folder is ``$FROMSCRATCH_DATA`` when set (the CLI's ``--data`` sets it),
else ``../shared/datasets`` beside the checkout. Files are laid out as
``<dataset>/<file name>``; torchvision's layout ``<Class>/raw/<file name>`` (what
``torchvision.datasets.MNIST(root, download=True)`` leaves) is accepted too, in the
data folder and in the download cache ``datasets/cache/``. Every file found is checked
against the manifest's size and md5 before use.
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
    """The configured data folder: ``$FROMSCRATCH_DATA``, else ``../shared/datasets`` beside the checkout."""
    configured = os.environ.get(DATA_ENV)
    return Path(configured).expanduser() if configured else REPO_ROOT.parent / "shared" / "datasets"


def manifest() -> dict[str, dict]:
    return tomllib.loads(MANIFEST.read_text())


def entry(dataset: str) -> dict:
    """The manifest section of ``dataset``; a DataError listing the known names when there is none."""
    sections = manifest()
    if dataset not in sections:
        raise DataError(f"{dataset!r} is not in {MANIFEST}; it knows {sorted(sections)}")
    return sections[dataset]


def files(dataset: str) -> list[DataFile]:
    section = entry(dataset)
    return [DataFile(dataset, f["name"], f["md5"], f["bytes"], section["mirror"]) for f in section["files"]]


def candidates(file: DataFile, data_dir: Path | None = None) -> list[Path]:
    """Where ``file`` is looked for, in order: the data folder, then the download cache.

    In each: ``<folder>/<dataset>/<name>``, then torchvision's ``<folder>/<Class>/raw/<name>``.
    """
    torchvision_class = entry(file.dataset).get("torchvision")
    paths = []
    for folder in (Path(data_dir) if data_dir is not None else data_root(), CACHE):
        paths.append(folder / file.dataset / file.name)
        if torchvision_class:
            paths.append(folder / torchvision_class / "raw" / file.name)
    return paths


def locate(file: DataFile, data_dir: Path | None = None) -> Path | None:
    """The verified path of ``file`` in the data folder or the cache, or None when absent.

    A file that is present but whose size or md5 differs raises DataError: never a fallback.
    """
    for path in candidates(file, data_dir):
        if path.is_file():
            verify(file, path)
            return path
    return None


def missing_reason(dataset: str, names: list[str] | None = None) -> str | None:
    """Why ``dataset``'s files (all, or ``names``) cannot be used here, or None when all are present.

    For tests and tools that skip without data: the reason names the files, the folder and the setting.
    """
    absent = [f.name for f in files(dataset) if (names is None or f.name in names) and locate(f) is None]
    if not absent:
        return None
    return (f"{dataset}: {', '.join(absent)} not in {data_root() / dataset} nor {CACHE} "
            f"(set {DATA_ENV} or --data to a data folder, or fetch with --download)")


def verify(file: DataFile, path: Path) -> None:
    size = path.stat().st_size
    if size != file.bytes:
        raise DataError(f"{path}: {size} bytes, the manifest says {file.bytes}; the file is truncated or "
                        f"another file. Delete it and download it again from {file.url}")
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    if digest != file.md5:
        raise DataError(f"{path}: md5 {digest}, the manifest says {file.md5}; the file is corrupt. "
                        f"Delete it and download it again from {file.url}")

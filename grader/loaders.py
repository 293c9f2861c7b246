"""Data for the training examples: image sets, toy sets and a character corpus, as NumPy arrays.

- ``load_images("mnist" | "fashion_mnist" | "digits")`` -> ``Split`` with images ``(N, 1, H, W)``
  float32 in [0, 1] and labels ``(N,)`` int64. MNIST and Fashion-MNIST come from the data folder
  (``grader.datasets.data_root()``: ``$FROMSCRATCH_DATA`` / ``--data``, else ``../shared/datasets``)
  or the download cache, read by the kit's IDX reader after their md5 is checked; ``download=True``
  fetches them first with torchvision's own dataset class (its mirrors, checksums, progress bar).
  When only the 10,000 test images are there, the split is the fixed offline one (OFFLINE_* below).
- ``load_toy("xor" | "moons" | "spirals")`` -> ``Split`` with points ``(N, 2)`` float32.
- ``load_corpus("tinyshakespeare")`` -> ``Corpus``: the text, its sorted character vocabulary and
  int64 ids, the first ``1 - eval_fraction`` to train and the rest to evaluate.

A missing folder or file, a wrong size or checksum, a truncated file: ``DataError`` naming the
file and what to do. Never a silent fallback to other data. See docs/datasets.md.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from grader import datasets
from grader.datasets import DataError
from grader.idx import read_idx

IMAGE_SETS = ("mnist", "fashion_mnist", "digits")
TOY_SETS = ("xor", "moons", "spirals")
# The offline split, used when only the official test files are present: a permutation of the
# 10,000 test images from np.random.default_rng(OFFLINE_SEED), its first 8,000 (4/5) to train, the other 2,000
# to evaluate.
OFFLINE_SEED = 0
OFFLINE_TRAIN_FRACTION = 0.8
DIGITS_SEED = 0
DIGITS_EVAL = 360  # of 1,797: 1,437 train / 360 eval
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "t10k": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
WHAT_TO_DO = (f"Point {datasets.DATA_ENV} (or the CLI's --data) at a folder holding {{name}}/<files>, "
              f"pass download=True (--download) to fetch them with torchvision into datasets/cache/, "
              f"or use 'digits', which needs no files")


@dataclass(frozen=True)
class Split:
    """A classification set: ``train_x (N, ...)`` float32, ``train_y (N,)`` int64, the same for eval."""

    name: str
    train_x: np.ndarray
    train_y: np.ndarray
    eval_x: np.ndarray
    eval_y: np.ndarray
    classes: int
    description: str

    def summary(self) -> str:
        """One line for a log: the name, the shapes and where the data came from."""
        return (f"{self.name}: train {self.train_x.shape}, eval {self.eval_x.shape}, {self.classes} classes; "
                f"{self.description}")


@dataclass(frozen=True)
class Corpus:
    """A character corpus: ``vocab`` sorted unique characters, ``train_ids``/``eval_ids`` ``(T,)`` int64."""

    text: str
    vocab: list[str]
    train_ids: np.ndarray
    eval_ids: np.ndarray
    description: str

    @cached_property
    def _index(self) -> dict[str, int]:
        return {char: i for i, char in enumerate(self.vocab)}

    def encode(self, text: str) -> np.ndarray:
        """``(len(text),)`` int64 ids; a character outside the vocabulary is a ValueError naming it."""
        try:
            return np.array([self._index[char] for char in text], dtype=np.int64)
        except KeyError as error:
            raise ValueError(f"character {error.args[0]!r} is not in this corpus's vocabulary "
                             f"({len(self.vocab)} characters)") from None

    def decode(self, ids: np.ndarray | list[int]) -> str:
        """The text of ``(T,)`` ids."""
        return "".join(self.vocab[int(i)] for i in np.asarray(ids).reshape(-1))


def data_folder(data_dir: str | Path | None = None) -> Path:
    """The folder to read: ``data_dir``, else ``data_root()``; a configured folder that is missing is an error."""
    folder = Path(data_dir).expanduser() if data_dir is not None else datasets.data_root()
    configured = data_dir is not None or os.environ.get(datasets.DATA_ENV)
    if configured and not folder.is_dir():
        source = "data_dir" if data_dir is not None else f"${datasets.DATA_ENV}"
        raise DataError(f"the data folder {folder} (from {source}) does not exist. Create it with the "
                        f"dataset folders inside (see docs/datasets.md), or point {source} at one that does")
    return folder


def load_images(name: str = "mnist", *, data_dir: str | Path | None = None, download: bool = False) -> Split:
    """MNIST, Fashion-MNIST (``(N, 1, 28, 28)``) or scikit-learn's digits (``(N, 1, 8, 8)``), in [0, 1]."""
    if name == "digits":
        return _digits()
    if name not in IMAGE_SETS:
        raise ValueError(f"unknown image set {name!r}: use one of {IMAGE_SETS} (toy sets: load_toy)")
    folder = data_folder(data_dir)
    if download:
        _download(name, folder)
    found = {f.name: datasets.locate(f, folder) for f in datasets.files(name)}
    title = datasets.entry(name)["title"].split(":")[0]
    have = {part: all(found[n] is not None for n in names) for part, names in FILES.items()}
    partial = [n for names in FILES.values() for n in names if found[n] is None]
    if have["train"] and have["t10k"]:
        (train_x, train_y), (eval_x, eval_y) = _pair(found, "train"), _pair(found, "t10k")
        where = found[FILES["train"][0]].parent
        description = (f"official {title} split: {len(train_y):,} train / {len(eval_y):,} eval, from {where}")
    elif have["t10k"] and not any(found[n] for n in FILES["train"]):
        x, y = _pair(found, "t10k")
        order = np.random.default_rng(OFFLINE_SEED).permutation(len(y))
        cut = int(len(y) * OFFLINE_TRAIN_FRACTION)
        train, evaluate = order[:cut], order[cut:]
        train_x, train_y, eval_x, eval_y = x[train], y[train], x[evaluate], y[evaluate]
        description = (f"offline split of the {len(y):,} {title} test images (no training files in "
                       f"{folder / name}): {len(train):,} train / {len(evaluate):,} eval, "
                       f"permutation np.random.default_rng({OFFLINE_SEED})")
    else:
        raise DataError(f"{name}: {', '.join(partial)} not found in {folder / name} nor the cache "
                        f"{datasets.CACHE}. " + WHAT_TO_DO.format(name=name))
    return Split(name, train_x, train_y, eval_x, eval_y, 10, description)


def _pair(found: dict[str, Path | None], part: str) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 1, H, W)`` float32 in [0, 1] and labels ``(N,)`` int64 of ``train`` or ``t10k``."""
    images_path, labels_path = (found[n] for n in FILES[part])
    assert images_path is not None and labels_path is not None
    images = read_idx(images_path, ndim=3, dtype="uint8")
    labels = read_idx(labels_path, ndim=1, dtype="uint8")
    if len(images) != len(labels):
        raise DataError(f"{images_path} holds {len(images)} images but {labels_path} {len(labels)} labels; "
                        f"one of them is another file. Fetch both again")
    x = images.astype(np.float32)[:, None] / np.float32(255.0)
    return x, labels.astype(np.int64)


def _download(name: str, folder: Path) -> None:
    """Fetch ``name``'s four files with torchvision into ``datasets/cache/<Class>/raw/`` (md5-checked there)."""
    import torchvision.datasets

    cls = getattr(torchvision.datasets, datasets.entry(name)["torchvision"])
    datasets.CACHE.mkdir(parents=True, exist_ok=True)
    try:
        cls(root=str(datasets.CACHE), train=False, download=True)  # download() fetches all four files
    except (RuntimeError, OSError) as error:
        raise DataError(f"torchvision.datasets.{cls.__name__} could not download {name} into {datasets.CACHE}: "
                        f"{error}. Check the network, or copy the files into "
                        f"{folder / name} (see datasets/manifest.toml)") from error


def digits_file() -> Path:
    """scikit-learn's ``datasets/data/digits.csv.gz``, found without importing scikit-learn (2-4 s)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("scikit-learn is not installed, and its 8x8 digits ship with it: `pip install scikit-learn`")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():
        raise DataError(f"{path}: missing from this scikit-learn install; reinstall it (`pip install "
                        f"--force-reinstall scikit-learn`)")
    return path


def _digits() -> Split:
    """scikit-learn's 1,797 8x8 digits (shipped with it): ``(N, 1, 8, 8)`` in [0, 1], a fixed split."""
    path = digits_file()
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)  # 1,797 rows: 64 pixels (0..16), the label
    except (OSError, EOFError, ValueError) as error:
        raise DataError(f"{path}: unreadable ({error}); reinstall scikit-learn") from None
    x = (table[:, :64] / np.float32(16.0)).reshape(-1, 1, 8, 8)
    y = table[:, 64].astype(np.int64)
    order = np.random.default_rng(DIGITS_SEED).permutation(len(y))
    train, evaluate = order[DIGITS_EVAL:], order[:DIGITS_EVAL]
    description = (f"scikit-learn's 8x8 digits (embedded, no files needed): {len(train):,} train / "
                   f"{len(evaluate):,} eval, permutation np.random.default_rng({DIGITS_SEED})")
    return Split("digits", x[train], y[train], x[evaluate], y[evaluate], 10, description)


def load_toy(name: str, *, n: int | None = None, noise: float | None = None, seed: int = 0) -> Split:
    """A 2-D toy set, ``x (N, 2)`` float32: ``xor`` (the 4 points, train == eval), ``moons``, ``spirals``.

    ``moons``: ``n`` points (1,000), two classes; ``spirals``: ``n`` points (900) in three arms.
    Gaussian ``noise`` (0.1, 0.2); one fifth held out for eval by a permutation from ``seed``.
    """
    if name == "xor":
        if n not in (None, 4) or noise not in (None, 0, 0.0):
            raise ValueError("xor is exactly the 4 corners of the unit square: leave n and noise unset")
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
        y = np.array([0, 1, 1, 0], dtype=np.int64)
        return Split("xor", x, y, x.copy(), y.copy(), 2, "XOR: the 4 corners of the unit square, train == eval")
    rng = np.random.default_rng(seed)
    if name == "moons":
        n, noise, classes = n or 1000, 0.1 if noise is None else noise, 2
        y = np.arange(n) % 2  # two interleaving half circles, as sklearn.datasets.make_moons draws them
        angle = rng.uniform(0.0, np.pi, n)
        x = np.stack([np.cos(angle) + y, np.sin(angle) * (1 - 2 * y) + 0.5 * y], axis=1)
        x = x + rng.normal(0.0, noise, x.shape)
    elif name == "spirals":
        n, noise, classes = n or 900, 0.2 if noise is None else noise, 3
        y = np.arange(n) % classes
        radius = np.linspace(0.0, 1.0, n)[rng.permutation(n)]
        angle = y * (2 * np.pi / classes) + radius * 4.0 + rng.normal(0.0, noise, n)
        x = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    else:
        raise ValueError(f"unknown toy set {name!r}: use one of {TOY_SETS}")
    x, y = x.astype(np.float32), y.astype(np.int64)
    order = rng.permutation(n)
    evaluate, train = order[: n // 5], order[n // 5:]
    description = f"{name}: {n} synthetic points, noise {noise}, seed {seed}: {len(train)} train / {len(evaluate)} eval"
    return Split(name, x[train], y[train], x[evaluate], y[evaluate], classes, description)


def load_corpus(name: str = "tinyshakespeare", *, data_dir: str | Path | None = None, path: str | Path | None = None,
                eval_fraction: float = 0.1) -> Corpus:
    """A character corpus: the manifest's ``name`` from the data folder, or any UTF-8 text file at ``path``.

    The first ``1 - eval_fraction`` of the ids train, the last ``eval_fraction`` evaluate (contiguous).
    """
    if not 0.0 < eval_fraction < 1.0:
        raise ValueError(f"eval_fraction must lie strictly between 0 and 1, got {eval_fraction}")
    if path is not None:
        source = Path(path).expanduser()
        if not source.is_file():
            raise DataError(f"{source}: no such file. Give the path of a UTF-8 text file")
        origin = f"{source} (not in the manifest, unchecked)"
    else:
        (file,) = datasets.files(name)
        folder = data_folder(data_dir)
        located = datasets.locate(file, folder)
        if located is None:
            raise DataError(f"{name}: {file.name} not found in {folder / name} nor {datasets.CACHE}. Point "
                            f"{datasets.DATA_ENV} (or --data) at a folder holding {name}/{file.name}, or "
                            f"download it from {file.url} into {datasets.CACHE / name}/, or pass path=")
        source, origin = located, f"{located} (md5 checked)"
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"{source}: not UTF-8 text ({error}). Give a plain-text file") from None
    if len(text) < 2:
        raise DataError(f"{source}: {len(text)} characters, too short to split. Give a longer text")
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    alphabet = np.unique(points)
    ids = np.searchsorted(alphabet, points).astype(np.int64)
    vocab = [chr(int(c)) for c in alphabet]
    cut = len(ids) - max(1, int(len(ids) * eval_fraction))
    description = (f"{origin}: {len(text):,} characters, vocabulary {len(vocab)}, "
                   f"{cut:,} train / {len(ids) - cut:,} eval (the last {eval_fraction:.0%})")
    return Corpus(text, vocab, ids[:cut], ids[cut:], description)

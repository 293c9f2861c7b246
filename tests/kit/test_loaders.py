"""The loaders: the offline MNIST split, the official split, torchvision's download path (network faked),
the embedded sets, the corpus, and a clear DataError (never other data) for every missing or damaged file."""

import gzip
import hashlib
from urllib.error import URLError

import numpy as np
import pytest

from grader import datasets, loaders
from grader.datasets import DataError
from grader.idx import read_idx, write_idx

TRAIN_N, TEST_N = 30, 20


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    """Every test sees an empty download cache, whatever this machine's datasets/cache/ holds."""
    monkeypatch.setattr(datasets, "CACHE", tmp_path / "cache")


def need(dataset, *names):
    """Skip, naming the files, the folder and the setting, when the shared data is not on this machine."""
    reason = datasets.missing_reason(dataset, list(names) or None)
    if reason:
        pytest.skip(reason)


def synthetic_mnist(tmp_path, monkeypatch, parts=("train", "t10k")):
    """Small MNIST-shaped gz files, and a manifest (monkeypatched in) whose md5s and sizes are theirs."""
    rng = np.random.default_rng(1)
    blobs = {}
    for part, n in (("train", TRAIN_N), ("t10k", TEST_N)):
        images, labels = loaders.FILES[part]
        write_idx(tmp_path / images, rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(tmp_path / labels, (np.arange(n) % 10).astype(np.uint8))
        if part in parts:
            blobs.update({name: (tmp_path / name).read_bytes() for name in (images, labels)})
    manifest = ['[mnist]\ntitle = "MNIST handwritten digits"\ncitation = "c"\nlicence = "l"\nhomepage = "h"',
                'mirror = "https://example.invalid/mnist/"\ntorchvision = "MNIST"']
    for name in [n for names in loaders.FILES.values() for n in names]:
        data = (tmp_path / name).read_bytes()
        manifest.append(f'[[mnist.files]]\nname = "{name}"\nmd5 = "{hashlib.md5(data).hexdigest()}"\n'
                        f'bytes = {len(data)}')
    (tmp_path / "manifest.toml").write_text("\n".join(manifest) + "\n")
    monkeypatch.setattr(datasets, "MANIFEST", tmp_path / "manifest.toml")
    return blobs


def put(folder, blobs):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in blobs.items():
        (folder / name).write_bytes(data)
    return folder


def check_images(split, n_train, n_eval, side=28):
    assert split.train_x.shape == (n_train, 1, side, side) and split.eval_x.shape == (n_eval, 1, side, side)
    assert split.train_x.dtype == split.eval_x.dtype == np.float32
    assert split.train_y.dtype == split.eval_y.dtype == np.int64
    assert split.train_y.shape == (n_train,) and split.eval_y.shape == (n_eval,)
    assert 0.0 <= split.train_x.min() and split.train_x.max() <= 1.0 and split.classes == 10


def test_offline_mnist_split_is_the_documented_permutation_of_the_test_images():
    need("mnist", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    split = loaders.load_images("mnist")
    check_images(split, 8000, 2000)
    assert "offline split of the 10,000 MNIST" in split.description
    assert "8,000 train / 2,000 eval, permutation np.random.default_rng(0)" in split.description
    images = read_idx(datasets.data_root() / "mnist" / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(datasets.data_root() / "mnist" / "t10k-labels-idx1-ubyte.gz")
    order = np.random.default_rng(0).permutation(10000)
    assert np.array_equal(split.train_y, labels[order[:8000]]) and np.array_equal(split.eval_y, labels[order[8000:]])
    assert np.array_equal(split.eval_x[:, 0], images[order[8000:]] / np.float32(255))
    assert np.array_equal(loaders.load_images("mnist").train_x, split.train_x), "the split must not change"


def test_the_official_split_when_all_four_files_are_there(tmp_path, monkeypatch):
    data = put(tmp_path / "data" / "mnist", synthetic_mnist(tmp_path, monkeypatch)).parent
    split = loaders.load_images("mnist", data_dir=data)
    check_images(split, TRAIN_N, TEST_N)
    assert split.description.startswith(f"official MNIST handwritten digits split: {TRAIN_N} train / {TEST_N} eval")
    assert np.array_equal(split.eval_y, np.arange(TEST_N) % 10)


def test_torchvisions_layout_in_the_data_folder_is_accepted(tmp_path, monkeypatch):
    data = put(tmp_path / "data" / "MNIST" / "raw", synthetic_mnist(tmp_path, monkeypatch)).parent.parent
    assert "official" in loaders.load_images("mnist", data_dir=data).description


def test_only_the_test_files_give_the_offline_split_and_say_so(tmp_path, monkeypatch):
    data = put(tmp_path / "data" / "mnist", synthetic_mnist(tmp_path, monkeypatch, parts=("t10k",))).parent
    split = loaders.load_images("mnist", data_dir=data)
    check_images(split, 16, 4)
    assert f"offline split of the {TEST_N} MNIST handwritten digits test images (no training files in" in \
        split.description


def test_half_the_training_files_is_an_error_not_the_offline_split(tmp_path, monkeypatch):
    blobs = synthetic_mnist(tmp_path, monkeypatch)
    del blobs["train-labels-idx1-ubyte.gz"]
    data = put(tmp_path / "data" / "mnist", blobs).parent
    with pytest.raises(DataError, match=r"mnist: train-labels-idx1-ubyte.gz not found in .*data/mnist.*--download"):
        loaders.load_images("mnist", data_dir=data)


def test_a_file_with_the_wrong_checksum_is_refused_not_replaced(tmp_path):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"x" * 4542)
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz: md5 .* the file is corrupt. Delete it"):
        loaders.load_images("mnist", data_dir=tmp_path)


def test_a_truncated_copy_of_the_real_file_is_refused(tmp_path):
    need("mnist", "t10k-images-idx3-ubyte.gz")
    (tmp_path / "mnist").mkdir()
    real = (datasets.data_root() / "mnist" / "t10k-images-idx3-ubyte.gz").read_bytes()
    (tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(real[:100_000])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz: 100000 bytes, the manifest says 1648877"):
        loaders.load_images("mnist", data_dir=tmp_path)


def test_a_missing_folder_is_named(tmp_path, monkeypatch):
    with pytest.raises(DataError, match=f"the data folder {tmp_path / 'nowhere'} \\(from data_dir\\) does not exist"):
        loaders.load_images("mnist", data_dir=tmp_path / "nowhere")
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match=r"\(from \$FROMSCRATCH_DATA\) does not exist"):
        loaders.load_corpus()


def test_an_empty_folder_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match=r"fashion_mnist: train-images.* not found in .*FROMSCRATCH_DATA \(or the "
                                        r"CLI's --data\).*download=True \(--download\).*or use 'digits'"):
        loaders.load_images("fashion_mnist", data_dir=tmp_path)


def test_download_goes_through_torchvisions_own_code_with_the_manifests_checksums(tmp_path, monkeypatch):
    import torchvision.datasets.mnist

    blobs = synthetic_mnist(tmp_path, monkeypatch)
    calls = []

    def fake_download(url, download_root, filename=None, md5=None, **kwargs):  # no network: write the file
        calls.append((url, filename, md5))
        put(tmp_path / download_root, {filename: blobs[filename]})
        (tmp_path / download_root / filename.removesuffix(".gz")).write_bytes(gzip.decompress(blobs[filename]))

    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive", fake_download)
    (tmp_path / "empty").mkdir()
    split = loaders.load_images("mnist", data_dir=tmp_path / "empty", download=True)
    expected = [(torchvision.datasets.MNIST.mirrors[0] + name, name, md5)
                for name, md5 in torchvision.datasets.MNIST.resources]
    assert calls == expected
    assert f"from {datasets.CACHE / 'MNIST' / 'raw'}" in split.description and "official" in split.description
    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive",
                        lambda *a, **k: pytest.fail("files already in the cache must not be downloaded again"))
    assert loaders.load_images("mnist", data_dir=tmp_path / "empty", download=True).eval_y.shape == (TEST_N,)


def test_a_failed_download_is_a_data_error_with_what_to_do(tmp_path, monkeypatch):
    import torchvision.datasets.mnist

    def offline(*args, **kwargs):
        raise URLError("no network")

    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive", offline)
    with pytest.raises(DataError, match=r"(?s)torchvision.datasets.FashionMNIST could not download fashion_mnist .*"
                                        r"no network.*Check the network, or copy the files into .*fashion_mnist"):
        loaders.load_images("fashion_mnist", data_dir=tmp_path, download=True)


def test_digits_are_scikit_learns_8x8_in_a_fixed_split():
    split = loaders.load_images("digits")
    check_images(split, 1437, 360, side=8)
    x = np.concatenate([split.eval_x, split.train_x])
    y = np.concatenate([split.eval_y, split.train_y])
    order = np.random.default_rng(0).permutation(1797)
    first = x[np.argsort(order)[0], 0] * 16  # what sklearn.datasets.load_digits() gives (checked once, importing
    assert first[1].tolist() == [0, 0, 13, 15, 10, 15, 5, 0]  # scikit-learn costs 2-4 s)
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.isclose(x.sum() * 16, 561718.0)
    assert "no files needed" in split.description and "1,437 train / 360 eval" in split.summary()


def test_xor_is_the_four_corners():
    split = loaders.load_toy("xor")
    assert split.train_x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and split.train_y.tolist() == [0, 1, 1, 0]
    assert np.array_equal(split.eval_x, split.train_x) and split.classes == 2
    with pytest.raises(ValueError, match="leave n and noise unset"):
        loaders.load_toy("xor", n=100)


@pytest.mark.parametrize("name, n, classes", [("moons", 1000, 2), ("spirals", 900, 3)])
def test_toy_sets_are_seeded_balanced_and_split(name, n, classes):
    split = loaders.load_toy(name)
    assert split.train_x.shape == (n * 4 // 5, 2) and split.eval_x.shape == (n // 5, 2)
    assert split.train_x.dtype == np.float32 and split.train_y.dtype == np.int64 and split.classes == classes
    counts = np.bincount(np.concatenate([split.train_y, split.eval_y]))
    assert counts.max() - counts.min() <= 1
    assert np.array_equal(loaders.load_toy(name).train_x, split.train_x)
    assert not np.array_equal(loaders.load_toy(name, seed=1).train_x, split.train_x)
    assert loaders.load_toy(name, n=50, noise=0.0).train_x.shape == (40, 2)


def test_unknown_names_list_the_known_ones():
    with pytest.raises(ValueError, match="unknown image set 'cifar'"):
        loaders.load_images("cifar")
    with pytest.raises(ValueError, match="unknown toy set 'circles'"):
        loaders.load_toy("circles")
    with pytest.raises(DataError, match="'war_and_peace' is not in .*manifest.toml"):
        loaders.load_corpus("war_and_peace")


def test_tinyshakespeare_corpus():
    need("tinyshakespeare")
    corpus = loaders.load_corpus()
    assert len(corpus.vocab) == 65 and corpus.vocab == sorted(set(corpus.text))
    assert len(corpus.train_ids) + len(corpus.eval_ids) == 1115394 and len(corpus.eval_ids) == 111539
    assert corpus.train_ids.dtype == corpus.eval_ids.dtype == np.int64
    assert np.array_equal(np.concatenate([corpus.train_ids, corpus.eval_ids])[:5000], corpus.encode(corpus.text[:5000]))
    assert corpus.decode(corpus.train_ids[:14]) == "First Citizen:"
    assert "md5 checked" in corpus.description and "vocabulary 65" in corpus.description


def test_a_corpus_from_a_configured_path(tmp_path):
    (tmp_path / "a.txt").write_text("hello, world\n" * 10, encoding="utf-8")
    corpus = loaders.load_corpus(path=tmp_path / "a.txt", eval_fraction=0.5)
    assert corpus.vocab == sorted(set("hello, world\n")) and len(corpus.eval_ids) == 65
    assert corpus.decode(corpus.encode("low")) == "low"
    with pytest.raises(ValueError, match="character 'z' is not in this corpus's vocabulary"):
        corpus.encode("zebra")
    with pytest.raises(ValueError, match="eval_fraction must lie strictly between 0 and 1"):
        loaders.load_corpus(path=tmp_path / "a.txt", eval_fraction=1.0)


def test_corpus_errors_name_the_file(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(DataError, match="bad.txt: not UTF-8 text"):
        loaders.load_corpus(path=tmp_path / "bad.txt")
    with pytest.raises(DataError, match="none.txt: no such file"):
        loaders.load_corpus(path=tmp_path / "none.txt")
    with pytest.raises(DataError, match=r"tinyshakespeare: input.txt not found in .*or pass path="):
        loaders.load_corpus(data_dir=tmp_path)
    (tmp_path / "tinyshakespeare").mkdir()
    (tmp_path / "tinyshakespeare" / "input.txt").write_text("First Citizen:\n")
    with pytest.raises(DataError, match="input.txt: 15 bytes, the manifest says 1115394"):
        loaders.load_corpus(data_dir=tmp_path)

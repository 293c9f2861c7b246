"""The data manifest is complete, and the files present in the data folder match it."""

import pytest

from grader import datasets

REQUIRED = {"title", "citation", "licence", "homepage", "mirror", "files"}


@pytest.mark.parametrize("name", sorted(datasets.manifest()))
def test_manifest_entry_is_complete(name):
    entry = datasets.manifest()[name]
    assert REQUIRED <= entry.keys(), f"{name} lacks {sorted(REQUIRED - entry.keys())}"
    for file in datasets.files(name):
        assert len(file.md5) == 32 and file.bytes > 0 and file.url.startswith("https://")


SHARED = [("mnist", "t10k-images-idx3-ubyte.gz"), ("mnist", "t10k-labels-idx1-ubyte.gz"),
          ("tinyshakespeare", "input.txt")]


@pytest.mark.parametrize("dataset, name", SHARED)
def test_files_present_match_their_checksums(dataset, name):
    (file,) = [f for f in datasets.files(dataset) if f.name == name]
    path = datasets.locate(file)  # raises DataError on a size or md5 mismatch
    if path is None:
        pytest.skip(f"{dataset}/{name} is not in {datasets.data_root()} (set {datasets.DATA_ENV} to a data folder)")
    assert path.name == name and path.stat().st_size == file.bytes


def test_a_corrupt_file_is_refused_with_what_to_do(tmp_path, monkeypatch):
    (file,) = [f for f in datasets.files("tinyshakespeare")]
    (tmp_path / "tinyshakespeare").mkdir()
    (tmp_path / "tinyshakespeare" / "input.txt").write_bytes(b"x" * file.bytes)
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    with pytest.raises(datasets.DataError, match="md5 .* the file is corrupt. Delete it and download it again"):
        datasets.locate(file)
    (tmp_path / "tinyshakespeare" / "input.txt").write_bytes(b"short")
    with pytest.raises(datasets.DataError, match="5 bytes, the manifest says 1115394"):
        datasets.locate(file)


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_manifest_checksums_are_torchvisions(name):
    """torchvision downloads and checks these files; the manifest must agree with it on every md5."""
    import torchvision.datasets

    cls = getattr(torchvision.datasets, datasets.entry(name)["torchvision"])
    assert [(f.name, f.md5) for f in datasets.files(name)] == [tuple(r) for r in cls.resources]


def test_fashion_mnist_entry_cites_its_source():
    entry = datasets.entry("fashion_mnist")
    assert entry["licence"] == "MIT" and "Xiao" in entry["citation"] and "2017" in entry["citation"]
    assert [f.bytes for f in datasets.files("fashion_mnist")] == [26421880, 29515, 4422102, 5148]


def test_torchvisions_layout_is_looked_in_after_the_kits(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CACHE", tmp_path / "cache")
    (file, *_) = datasets.files("mnist")
    assert datasets.candidates(file, tmp_path) == [
        tmp_path / "mnist" / file.name, tmp_path / "MNIST" / "raw" / file.name,
        tmp_path / "cache" / "mnist" / file.name, tmp_path / "cache" / "MNIST" / "raw" / file.name]
    assert datasets.candidates(datasets.files("tinyshakespeare")[0], tmp_path)[1] == \
        tmp_path / "cache" / "tinyshakespeare" / "input.txt"


def test_missing_files_give_a_reason_naming_them_and_the_setting(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CACHE", tmp_path / "cache")
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    reason = datasets.missing_reason("fashion_mnist", ["t10k-labels-idx1-ubyte.gz"])
    assert reason == (f"fashion_mnist: t10k-labels-idx1-ubyte.gz not in {tmp_path / 'fashion_mnist'} nor "
                      f"{tmp_path / 'cache'} (set FROMSCRATCH_DATA or --data to a data folder, or fetch with "
                      f"--download)")
    with pytest.raises(datasets.DataError, match="'cifar' is not in .*manifest.toml; it knows"):
        datasets.files("cifar")

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

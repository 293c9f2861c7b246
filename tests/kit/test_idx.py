"""The IDX reader: every dtype round-trips, gzip or raw; every kind of damage is a DataError naming the file."""

import gzip
import shutil

import numpy as np
import pytest

from grader import datasets
from grader.datasets import DataError
from grader.idx import DTYPES, parse_idx, read_idx, write_idx


@pytest.mark.parametrize("dtype", [d.newbyteorder("=").name for d in DTYPES.values()])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_every_dtype_round_trips_gzip_or_raw(tmp_path, dtype, suffix):
    array = (np.arange(2 * 3 * 5) - 7).reshape(2, 3, 5).astype(dtype)
    back = read_idx(write_idx(tmp_path / f"a-idx3{suffix}", array))
    assert back.dtype == array.dtype and back.shape == (2, 3, 5) and np.array_equal(back, array)
    assert back.dtype.isnative and back.flags.writeable


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "labels.gz", labels)
    (tmp_path / "labels.gz").rename(tmp_path / "labels-idx1-ubyte")
    assert np.array_equal(read_idx(tmp_path / "labels-idx1-ubyte", ndim=1, dtype="uint8"), labels)


def test_big_endian_on_disk(tmp_path):
    write_idx(tmp_path / "x", np.array([1, 256], dtype=np.int32))
    assert (tmp_path / "x").read_bytes() == bytes.fromhex("00000c01 00000002 00000001 00000100")


@pytest.mark.parametrize("cut", [1, 10, 100])
def test_a_truncated_gzip_file_names_the_file(tmp_path, cut):
    path = write_idx(tmp_path / "images-idx3-ubyte.gz", np.random.default_rng(0).integers(0, 255, (20, 28, 28),
                                                                                         dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-cut])
    with pytest.raises(DataError, match=r"images-idx3-ubyte.gz: the gzip stream is truncated or corrupt.*Delete"):
        read_idx(path)


def test_a_truncated_raw_body_says_how_many_bytes_are_missing(tmp_path):
    path = write_idx(tmp_path / "images-idx3-ubyte", np.zeros((4, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(DataError, match=r"images-idx3-ubyte: truncated: shape \(4, 28, 28\) of uint8 needs 3136 "
                                        r"bytes of data, the file has 3131"):
        read_idx(path)


def test_extra_bytes_are_refused_too(tmp_path):
    path = write_idx(tmp_path / "x", np.zeros(3, np.uint8))
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(DataError, match="longer than its header says"):
        read_idx(path)


@pytest.mark.parametrize("header, problem", [
    (b"\x00\x00", "too short for an IDX header"),
    (b"\x00\x00\x08\x03\x00\x00", "truncated in the header"),
    (b"\x12\x34\x08\x01", "magic number 12340801 is not IDX"),
    (b"\x00\x00\x0a\x01\x00\x00\x00\x00", "magic number 00000a01 is not IDX"),  # 0x0a is no dtype
    (b"\x00\x00\x08\x00", "magic number 00000800 is not IDX"),  # zero dims
])
def test_bad_headers_are_named(header, problem):
    with pytest.raises(DataError, match=f"bad.idx: .*{problem}"):
        parse_idx(header, "bad.idx")


def test_a_gz_name_without_gzip_data_is_refused(tmp_path):
    (tmp_path / "x.gz").write_bytes(b"<html>not found</html>")
    with pytest.raises(DataError, match=r"x.gz: named .gz but it is not gzip data \(first bytes b'<htm'\)"):
        read_idx(tmp_path / "x.gz")


def test_wrong_rank_or_dtype_asks_whether_it_is_the_right_file(tmp_path):
    path = write_idx(tmp_path / "labels", np.zeros(5, np.uint8))
    with pytest.raises(DataError, match=r"1 dims \(5,\), expected 3; is it the right file"):
        read_idx(path, ndim=3)
    with pytest.raises(DataError, match="dtype uint8, expected float32"):
        read_idx(path, dtype="float32")


def test_a_missing_file_says_where_to_put_it(tmp_path):
    with pytest.raises(DataError, match=f"{tmp_path / 'nothing.gz'}: no such file.*FROMSCRATCH_DATA"):
        read_idx(tmp_path / "nothing.gz")


def test_writing_an_unsupported_dtype_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="IDX cannot hold dtype int64"):
        write_idx(tmp_path / "x", np.zeros(2, np.int64))


def _shared_mnist_labels():
    reason = datasets.missing_reason("mnist", ["t10k-labels-idx1-ubyte.gz"])
    if reason:
        pytest.skip(reason)
    (file,) = [f for f in datasets.files("mnist") if f.name == "t10k-labels-idx1-ubyte.gz"]
    return datasets.locate(file)


def test_the_real_mnist_test_labels_read_as_10000_digits():
    labels = read_idx(_shared_mnist_labels(), ndim=1, dtype="uint8")
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))


def test_a_copied_then_truncated_real_file_is_refused(tmp_path):
    copy = tmp_path / "t10k-labels-idx1-ubyte.gz"
    shutil.copyfile(_shared_mnist_labels(), copy)
    copy.write_bytes(copy.read_bytes()[:3000])
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz: the gzip stream is truncated"):
        read_idx(copy)
    copy.write_bytes(gzip.compress(gzip.decompress(_shared_mnist_labels().read_bytes())[:9000]))
    with pytest.raises(DataError, match=r"truncated: shape \(10000,\) of uint8 needs 10000 bytes"):
        read_idx(copy)

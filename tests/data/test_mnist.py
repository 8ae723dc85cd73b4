from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from neuralens.data import DatasetError, load_fashion_mnist, load_mnist
from neuralens.data.download import IDX_FILENAMES
from neuralens.data.mnist import load_idx_dataset, mini_path


@pytest.mark.parametrize("loader", [load_mnist, load_fashion_mnist])
@pytest.mark.parametrize(("split", "count"), [("train", 10_000), ("test", 2_000)])
def test_mini_is_bundled_and_class_balanced(loader, split, count):
    images, labels = loader(split, "mini")
    assert images.shape == (count, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (count,) and labels.dtype == np.int64
    share = np.bincount(labels, minlength=10) / count
    assert ((share >= 0.09) & (share <= 0.11)).all()


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_mini_pixels_are_identical_to_the_full_files(name, full_data_dir):
    with np.load(mini_path(name)) as mini:
        for split in ("train", "test"):
            images, labels = load_idx_dataset(name, split, "full", full_data_dir)
            index = mini[f"{split}_index"]
            assert np.array_equal(mini[f"{split}_images"], images[index])
            assert np.array_equal(mini[f"{split}_labels"], labels[index])


def test_full_mnist_reads_the_idx_files(full_data_dir):
    images, labels = load_mnist("test", "full", full_data_dir)
    assert images.shape == (10_000, 28, 28)
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    train_images, _ = load_mnist("train", "full")  # through $NEURALENS_DATA
    assert train_images.shape == (60_000, 28, 28)
    assert round(float(train_images.mean()), 2) == 33.32


def test_full_fashion_mnist_reads_the_idx_files(full_data_dir):
    _, labels = load_fashion_mnist("test", "full", full_data_dir / "fashion-mnist")
    assert np.bincount(labels).tolist() == [1000] * 10


@pytest.fixture
def mnist_copy(tmp_path: Path, full_data_dir: Path) -> Path:
    """A private copy of the real MNIST test files plus small stand-ins we may damage."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for filename in IDX_FILENAMES:
        shutil.copyfile(full_data_dir / "mnist" / filename, folder / filename)
    return folder


def test_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(DatasetError, match="neuralens data download mnist"):
        load_mnist("train", "full", tmp_path)


def test_wrong_checksum_is_reported_with_the_fix(mnist_copy):
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DatasetError, match="fails its checksum.*delete it"):
        load_mnist("test", "full", mnist_copy.parent)


def test_truncated_and_corrupt_files_raise_dataset_errors(tmp_path):
    from neuralens.data.idx import read_idx_images, read_idx_labels

    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(gzip.compress(np.array([2051, 5, 28, 28], ">u4").tobytes() + b"\0" * 99))
    with pytest.raises(DatasetError, match="truncated"):
        read_idx_images(truncated)
    wrong_magic = tmp_path / "magic.gz"
    wrong_magic.write_bytes(gzip.compress(np.array([2051, 1], ">u4").tobytes() + b"\1"))
    with pytest.raises(DatasetError, match="magic number 2051, expected 2049"):
        read_idx_labels(wrong_magic)
    not_gzip = tmp_path / "plain.gz"
    not_gzip.write_bytes(b"this is not gzip")
    with pytest.raises(DatasetError, match="not a readable gzip"):
        read_idx_labels(not_gzip)
    tiny = tmp_path / "tiny.gz"
    tiny.write_bytes(gzip.compress(b"\0\0"))
    with pytest.raises(DatasetError, match="shorter than its header"):
        read_idx_labels(tiny)


def test_idx_round_trip(tmp_path):
    from neuralens.data.idx import read_idx_images, read_idx_labels

    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(np.array([2051, 2, 3, 4], ">u4").tobytes() + images.tobytes()))
    assert np.array_equal(read_idx_images(path), images)
    labels_path = tmp_path / "labels.gz"
    labels_path.write_bytes(gzip.compress(np.array([2049, 3], ">u4").tobytes() + bytes([7, 0, 9])))
    assert read_idx_labels(labels_path).tolist() == [7, 0, 9]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"split": "valid"}, "unknown split"), ({"size": "huge"}, "unknown size")],
)
def test_bad_arguments_are_dataset_errors(kwargs, message):
    with pytest.raises(DatasetError, match=message):
        load_mnist(**kwargs)


def test_unknown_dataset_name():
    with pytest.raises(DatasetError, match="unknown dataset 'kmnist'"):
        load_idx_dataset("kmnist")


def test_available_size_is_full_only_when_the_files_check_out(full_data_dir, tmp_path):
    from neuralens.data import available_size

    assert available_size("mnist", full_data_dir) == "full"
    assert available_size("mnist", tmp_path) == "mini"  # an empty folder
    (tmp_path / "mnist").mkdir()
    for path in (full_data_dir / "mnist").glob("*.gz"):
        (tmp_path / "mnist" / path.name).write_bytes(b"not MNIST")
    assert available_size("mnist", tmp_path) == "mini"  # the files are there, their MD5 is not

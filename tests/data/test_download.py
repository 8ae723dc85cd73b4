"""The real download path, exercised on local files through file:// URLs (never the network)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from neuralens.data import DatasetError, download, load_mnist
from neuralens.data.download import IDX_FILENAMES, REGISTRY


def mirror_of(folder: Path) -> str:
    return folder.resolve().as_uri() + "/"


def test_download_fetches_and_verifies_every_file(tmp_path, full_data_dir):
    seen: list[str] = []
    folder = download("mnist", tmp_path, mirrors=(mirror_of(full_data_dir / "mnist"),),
                      progress=lambda name, done, total: seen.append(name))  # fmt: skip
    assert sorted(path.name for path in folder.iterdir()) == sorted(IDX_FILENAMES)
    assert set(seen) == set(IDX_FILENAMES)
    images, _ = load_mnist("test", "full", tmp_path)
    assert images.shape == (10_000, 28, 28)


def test_a_bad_mirror_falls_back_to_the_next(tmp_path, full_data_dir):
    broken = tmp_path / "broken"
    broken.mkdir()
    for filename in IDX_FILENAMES:
        (broken / filename).write_bytes(b"wrong bytes")
    folder = download("mnist", tmp_path / "data",
                      mirrors=(mirror_of(tmp_path / "absent"), mirror_of(broken),
                               mirror_of(full_data_dir / "mnist")))  # fmt: skip
    assert not list(folder.glob("*.part"))


def test_failed_download_keeps_the_good_file(tmp_path, full_data_dir):
    target = tmp_path / "mnist"
    target.mkdir()
    good = target / "t10k-labels-idx1-ubyte.gz"
    shutil.copyfile(full_data_dir / "mnist" / good.name, good)
    before = good.read_bytes()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "train-images-idx3-ubyte.gz").write_bytes(b"corrupt")
    with pytest.raises(DatasetError, match="MD5.*copy the file by hand"):
        download("mnist", tmp_path, mirrors=(mirror_of(broken),))
    assert good.read_bytes() == before
    assert not list(target.glob("*.part"))


def test_unknown_dataset_lists_the_downloadable_ones():
    with pytest.raises(DatasetError, match="downloadable: mnist, fashion-mnist"):
        download("cifar10", Path("unused"))


def test_registry_matches_the_published_checksums():
    assert REGISTRY["mnist"].md5["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert set(REGISTRY["fashion-mnist"].md5) == set(IDX_FILENAMES)

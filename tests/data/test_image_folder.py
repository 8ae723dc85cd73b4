"""Your own images: a folder or zip with one sub-folder per class, and its bad inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neuralens.data import DatasetError
from neuralens.data.folder import load_image_folder


def write_image(path: Path, value: int, size: tuple[int, int] = (40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (value, value, value)).save(path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "pets"
    for k in range(3):
        write_image(root / "cat" / f"{k}.png", 30)
    for k in range(2):
        write_image(root / "dog" / f"{k}.jpg", 220)
    (root / "dog" / "notes.txt").write_text("not an image, ignored")
    write_image(root / ".hidden" / "x.png", 0)
    return root


def zip_folder(folder: Path, target: Path, prefix: str) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            archive.write(file, prefix + file.relative_to(folder).as_posix())
    return target


def test_folder_gives_gray_square_images_labelled_by_sub_folder(folder):
    data = load_image_folder(folder, size=16)
    assert data.classes == ("cat", "dog")
    assert data.images.shape == (5, 16, 16) and data.images.dtype == np.uint8
    assert data.labels.tolist() == [0, 0, 0, 1, 1]
    assert abs(int(data.images[0, 8, 8]) - 30) <= 1 and abs(int(data.images[-1, 8, 8]) - 220) <= 1


@pytest.mark.parametrize("prefix", ["", "pets/"])
def test_zip_with_or_without_a_top_folder_reads_the_same(folder, tmp_path, prefix):
    archive = zip_folder(folder, tmp_path / "pets.zip", prefix)
    from_zip, from_folder = load_image_folder(archive), load_image_folder(folder)
    assert from_zip.classes == from_folder.classes
    assert np.array_equal(from_zip.images, from_folder.images)


def test_bad_inputs_raise_dataset_errors_that_say_what_to_do(folder, tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_image_folder(tmp_path / "missing")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DatasetError, match="not a readable zip"):
        load_image_folder(broken)
    (folder / "bird").mkdir()
    with pytest.raises(DatasetError, match="bird hold no images"):
        load_image_folder(folder)
    (folder / "bird").rmdir()
    (folder / "dog" / "bad.png").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="bad.png is not a readable image"):
        load_image_folder(folder)


def test_one_class_or_loose_images_are_rejected(tmp_path):
    write_image(tmp_path / "only" / "a.png", 10)
    with pytest.raises(DatasetError, match="at least two class folders"):
        load_image_folder(tmp_path)
    write_image(tmp_path / "loose.png", 10)
    with pytest.raises(DatasetError, match="not inside one class folder"):
        load_image_folder(tmp_path)


def test_split_holds_out_part_of_every_class(folder):
    data = load_image_folder(folder, size=8)
    train, test = data.split(test_fraction=0.3, seed=1)
    assert len(train) + len(test) == len(data)
    assert sorted(set(test.labels.tolist())) == [0, 1]
    assert train.classes == test.classes == data.classes
    with pytest.raises(ValueError, match="test_fraction"):
        data.split(test_fraction=1.0)
    lonely = type(data)(data.images[:4], np.array([0, 0, 0, 1]), data.classes)
    with pytest.raises(DatasetError, match="'dog' has 1 image"):
        lonely.split()

"""Your own images: a folder or zip with one sub-folder per class, and its bad inputs."""

from __future__ import annotations

import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neuralens.data import DatasetError
from neuralens.data import folder as folder_module
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


def deflated_zeros(size: int, piece: int = 64 * 2**20) -> tuple[bytes, int]:
    """A raw deflate stream of ``size`` zero bytes and its CRC-32, without deflating them all.

    After a full flush the compressor starts afresh, so every ``piece`` of zeros
    compresses to the same bytes: one piece is compressed and repeated.
    """
    if size % piece:
        raise ValueError("size must be a multiple of piece")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(piece)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    second = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first == second  # the repetition below is exact
    crc = 0
    for _ in range(size // piece):
        crc = zlib.crc32(zeros, crc)
    return second * (size // piece) + compressor.flush(), crc


def zip_bomb(path: Path, names: tuple[str, ...], size: int) -> Path:
    """A zip whose entries each unpack to ``size`` zero bytes (written by hand: deflating
    2 x 896 MiB with zipfile takes 10-20 s on a shared machine)."""
    stream, crc = deflated_zeros(size)
    local, central, offset = b"", b"", 0
    for name in names:
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0, crc, len(stream), size, len(encoded), 0)
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
        central += encoded
        local += header + stream
        offset += len(header) + len(stream)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(names), len(names), len(central),
                      offset, 0)  # fmt: skip
    path.write_bytes(local + central + end)
    return path


def test_a_zip_bomb_is_refused_from_its_headers_before_reading(tmp_path):
    """1.8 MB unpacking to 2 x 896 MiB (old code: read it all, 1.8 GB of memory)."""
    bomb = zip_bomb(tmp_path / "bomb.zip", ("cat/a.png", "dog/b.png"), 896 * 2**20)
    assert bomb.stat().st_size < 2e6
    with zipfile.ZipFile(bomb) as archive:  # a valid zip: what it declares is true
        assert [info.file_size for info in archive.infolist()] == [896 * 2**20] * 2
    tracemalloc.start()
    try:
        with pytest.raises(DatasetError, match="a.png unpacks to 896 MiB, more than the limit"):
            load_image_folder(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10e6


def test_total_unpacked_size_and_image_count_have_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_module, "MAX_TOTAL_BYTES", 1000)
    root = tmp_path / "pets"
    for label, value in (("cat", 30), ("dog", 220)):
        write_image(root / label / "a.png", value, size=(100, 100))
        (root / label / "b.bmp").write_bytes(Image.new("L", (40, 40)).tobytes())
    archive = zip_folder(root, tmp_path / "pets.zip", "")
    for source in (root, archive):
        with pytest.raises(DatasetError, match="MiB, more than the limit of 0 MiB in all"):
            load_image_folder(source)
    monkeypatch.setattr(folder_module, "MAX_TOTAL_BYTES", 2**30)
    monkeypatch.setattr(folder_module, "MAX_IMAGES", 3)
    with pytest.raises(DatasetError, match="holds 4 images, more than the limit of 3"):
        load_image_folder(archive)


def test_an_image_with_too_many_pixels_is_refused_before_decoding(tmp_path, monkeypatch):
    """Old code: PIL's raw DecompressionBombError, with the server's temp path in it."""
    for label in ("cat", "dog"):
        write_image(tmp_path / "pets" / label / "a.png", 100, size=(300, 200))
    monkeypatch.setattr(folder_module, "MAX_PIXELS", 50_000)
    with pytest.raises(DatasetError, match=r"a.png is 300x200 pixels, more than the limit") as e:
        load_image_folder(tmp_path / "pets")
    assert str(tmp_path) not in str(e.value)
    monkeypatch.setattr(folder_module, "MAX_PIXELS", 10**9)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 20_000)  # PIL's own guard, past ours
    with pytest.raises(DatasetError, match="declares more pixels than the limit"):
        load_image_folder(tmp_path / "pets")


def test_sixteen_bit_and_float_images_are_rescaled_not_clipped(tmp_path):
    """Old code: 16-bit values above 255 saturated to 255; floats in [0, 1] became 0 or 1."""
    root = tmp_path / "depths"
    (root / "wide").mkdir(parents=True)
    (root / "float").mkdir()
    Image.fromarray(np.full((8, 8), 16384, np.uint16)).save(root / "wide" / "a.png")  # 1/4
    Image.fromarray(np.full((8, 8), 0.75, np.float32)).save(root / "float" / "b.tif")
    data = load_image_folder(root, size=8)
    assert data.classes == ("float", "wide")
    assert abs(int(data.images[0, 4, 4]) - round(0.75 * 255)) <= 1
    assert abs(int(data.images[1, 4, 4]) - round(0.25 * 255)) <= 1


def test_errors_never_show_the_servers_folders(tmp_path):
    (tmp_path / "upload").mkdir()
    broken = tmp_path / "upload" / "mine.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DatasetError) as caught:
        load_image_folder(broken)
    assert str(tmp_path) not in str(caught.value) and " at 0x" not in str(caught.value)

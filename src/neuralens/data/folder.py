"""Your own images as a dataset: a folder (or a zip) with one sub-folder per class.

    flowers/                 flowers.zip
      daisy/   a.png ...       daisy/a.png ...
      tulip/   b.jpg ...       tulip/b.jpg ...

The sub-folder's name is the category, its pictures the examples: exactly the
"categories are the output" framing of MNIST, with your own categories. Every image
becomes gray and ``size`` x ``size`` (centre-cropped to a square, then resized), the
input the MNIST-sized models expect.

Uploads come from strangers: a zip's sizes are checked from its headers before any
entry is read (a 2 MB zip can hold gigabytes of zeros), and an image's pixel count
from its header before it is decoded.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from neuralens.data.errors import DatasetError
from neuralens.data.preprocess import to_unit_range

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
MAX_IMAGES = 60_000  # MNIST's training-set size; more would not fit the explorer's memory budget
MAX_IMAGE_BYTES = 64 * 2**20  # one image file; a large camera JPEG is about 20 MB
MAX_TOTAL_BYTES = 512 * 2**20  # all images together, once unpacked
MAX_PIXELS = (
    50_000_000  # one image's width x height (a 50-megapixel photo); decoding more is a bomb
)
HIGH_DEPTH_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")  # 16/32-bit integer, float


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def check_sizes(sizes: dict[str, int], source: str) -> None:
    """Refuse an image over ``MAX_IMAGE_BYTES`` or a total over ``MAX_TOTAL_BYTES``.

    >>> check_sizes({"a/x.png": 2**30}, "bomb.zip")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neuralens.data.errors.DatasetError: bomb.zip: a/x.png unpacks to 1024 MiB, more than ...
    """
    for name, size in sizes.items():
        if size > MAX_IMAGE_BYTES:
            raise DatasetError(f"{source}: {name} unpacks to {_mib(size)}, more than the limit "
                               f"of {_mib(MAX_IMAGE_BYTES)} per image")  # fmt: skip
    total = sum(sizes.values())
    if total > MAX_TOTAL_BYTES:
        raise DatasetError(f"{source}: its images unpack to {_mib(total)}, more than the limit "
                           f"of {_mib(MAX_TOTAL_BYTES)} in all")  # fmt: skip


@dataclass(frozen=True)
class LabelledImages:
    """Images ``uint8`` (N, size, size), labels ``int64`` (N,) and the class names labels index."""

    images: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.labels)

    def split(self, test_fraction: float = 0.2, seed: int = 0) -> tuple[LabelledImages, ...]:
        """(train, test): ``test_fraction`` of every class held out, at least one image each.

        Held-out images measure what the model learned, not what it memorised.

        >>> data = LabelledImages(np.zeros((10, 2, 2), np.uint8), np.repeat([0, 1], 5), ("a", "b"))
        >>> [len(part) for part in data.split(0.2)]
        [8, 2]
        """
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
        rng = np.random.default_rng(seed)
        test = []
        for label in range(len(self.classes)):
            members = np.flatnonzero(self.labels == label)
            if len(members) < 2:
                raise DatasetError(f"class {self.classes[label]!r} has {len(members)} image(s); "
                                   "it needs at least 2 to keep one for testing")  # fmt: skip
            count = max(1, round(test_fraction * len(members)))
            test.extend(rng.choice(members, size=count, replace=False))
        is_test = np.zeros(len(self), dtype=bool)
        is_test[test] = True
        return tuple(
            LabelledImages(self.images[mask], self.labels[mask], self.classes)
            for mask in (~is_test, is_test)
        )


def _is_visible(part: str) -> bool:
    """False for hidden files and the metadata folders some zip tools add."""
    return not (part.startswith(".") or part == "__MACOSX")


def _is_image(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return all(map(_is_visible, parts)) and PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def _zip_entries(path: Path) -> tuple[list[tuple[str, bytes]], set[str]]:
    """(relative path, bytes) of every image in a zip, and every class folder it names.

    A zip made from a folder often holds that one folder at the top: it is stripped.
    The sizes its headers declare are checked before any entry is read, and reading
    stops at the declared size, so a lying header cannot unpack more.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            folders = [PurePosixPath(n).parts for n in archive.namelist() if n.endswith("/")]
            names = [info.filename for info in infos if _is_image(info.filename)]
            sizes = {info.filename: info.file_size for info in infos if _is_image(info.filename)}
            if len(names) > MAX_IMAGES:
                raise DatasetError(f"{path.name} holds {len(names)} images, more than the "
                                   f"limit of {MAX_IMAGES}")  # fmt: skip
            check_sizes(sizes, path.name)
            tops = {PurePosixPath(n).parts[0] for n in names}
            nested = all(len(PurePosixPath(n).parts) > 2 for n in names)
            depth = 1 if len(tops) == 1 and nested else 0
            images = [("/".join(PurePosixPath(n).parts[depth:]), _read_entry(archive, n, sizes[n]))
                      for n in names]  # fmt: skip
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise DatasetError(f"{path.name} is not a readable zip file ({reason}); zip a folder "
                           "that holds one sub-folder of images per class") from None  # fmt: skip
    classes = {parts[depth] for parts in folders if len(parts) == depth + 1}
    return images, {name for name in classes if _is_visible(name)}


def _read_entry(archive: zipfile.ZipFile, name: str, declared: int) -> bytes:
    """An entry's bytes, never more than its header declared (plus one byte to notice a lie)."""
    with archive.open(name) as entry:
        content = entry.read(declared + 1)
    if len(content) > declared:
        raise DatasetError(f"{name} unpacks to more than its zip header says; the zip is corrupt")
    return content


def _folder_entries(path: Path) -> tuple[list[tuple[str, bytes]], set[str]]:
    """(relative path, bytes) of every image under ``path``, and its sub-folder names."""
    files = {file.relative_to(path).as_posix(): file for file in sorted(path.rglob("*"))
             if file.is_file() and _is_image(file.relative_to(path).as_posix())}  # fmt: skip
    if len(files) > MAX_IMAGES:
        raise DatasetError(
            f"{path.name} holds {len(files)} images, more than the limit of {MAX_IMAGES}"
        )
    check_sizes({name: file.stat().st_size for name, file in files.items()}, path.name)
    images = [(name, file.read_bytes()) for name, file in files.items()]
    classes = {d.name for d in path.iterdir() if d.is_dir() and _is_visible(d.name)}
    return images, classes


def _gray(image: Image.Image) -> Image.Image:
    """8-bit gray; 16-bit and float images are rescaled to [0, 255] first, not clipped."""
    if image.mode not in HIGH_DEPTH_MODES:
        return image.convert("L")
    values = np.asarray(image)
    if image.mode == "I" and values.min() >= 0 and values.max() <= np.iinfo(np.uint16).max:
        values = values.astype(np.uint16)  # a 16-bit PNG that Pillow opened as 32-bit
    return Image.fromarray(np.round(to_unit_range(values) * 255).astype(np.uint8))


def _decode(name: str, content: bytes, size: int) -> np.ndarray:
    """One image file -> gray ``uint8`` (size, size); its pixel count checked before decoding."""
    try:
        with Image.open(io.BytesIO(content)) as image:  # reads the header only
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise DatasetError(f"{name} is {width}x{height} pixels, more than the limit of "
                                   f"{MAX_PIXELS / 1e6:.0f} million per image")  # fmt: skip
            gray = _gray(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError:
        raise DatasetError(f"{name} declares more pixels than the limit of "
                           f"{MAX_PIXELS / 1e6:.0f} million per image") from None  # fmt: skip
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        if isinstance(error, DatasetError):
            raise
        reason = "not an image format Pillow reads" if isinstance(error, UnidentifiedImageError) \
            else type(error).__name__  # fmt: skip
        raise DatasetError(f"{name} is not a readable image ({reason}); remove or replace it") \
            from None  # fmt: skip
    square = ImageOps.fit(gray, (size, size), Image.Resampling.LANCZOS)  # centre crop + resize
    return np.asarray(square, dtype=np.uint8)


def load_image_folder(path: str | Path, size: int = 28) -> LabelledImages:
    """Read a folder or zip with one sub-folder of images per class.

    Classes are the sub-folders in alphabetical order; images are gray ``uint8``
    (N, size, size). Raises ``DatasetError`` for a missing path, a bad zip, an
    unreadable image, an image outside any class folder, or fewer than two
    classes with images.
    """
    path = Path(path).expanduser()
    if size < 1:
        raise ValueError(f"size must be a positive number of pixels, got {size}")
    if not path.exists():
        raise DatasetError(f"{path} does not exist; give a folder or a .zip of class folders")
    entries, folders = _folder_entries(path) if path.is_dir() else _zip_entries(path)
    by_class: dict[str, list[np.ndarray]] = {}
    for name, content in entries:
        parts = PurePosixPath(name).parts
        if len(parts) != 2:
            raise DatasetError(f"{path.name}: {name} is not inside one class folder; "
                               "expected class_name/image.png")  # fmt: skip
        by_class.setdefault(parts[0], []).append(_decode(f"{path.name}/{name}", content, size))
    empty = sorted(folders - set(by_class))
    if empty:
        raise DatasetError(f"{path.name}: class folder(s) {', '.join(empty)} hold no images "
                           f"({', '.join(IMAGE_SUFFIXES)}); add images or remove them")  # fmt: skip
    if len(by_class) < 2:
        found = ", ".join(by_class) or "none"
        raise DatasetError(
            f"{path.name} needs at least two class folders with images (found: {found})"
        )
    classes = tuple(sorted(by_class))
    images = np.stack([image for name in classes for image in by_class[name]])
    labels = np.repeat(np.arange(len(classes)), [len(by_class[name]) for name in classes])
    return LabelledImages(images, labels.astype(np.int64), classes)

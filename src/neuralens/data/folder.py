"""Your own images as a dataset: a folder (or a zip) with one sub-folder per class.

    flowers/                 flowers.zip
      daisy/   a.png ...       daisy/a.png ...
      tulip/   b.jpg ...       tulip/b.jpg ...

The sub-folder's name is the category, its pictures the examples: exactly the
"categories are the output" framing of MNIST, with your own categories. Every image
becomes gray and ``size`` x ``size`` (centre-cropped to a square, then resized), the
input the MNIST-sized models expect.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from neuralens.data.errors import DatasetError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
MAX_IMAGES = 60_000  # MNIST's training-set size; more would not fit the explorer's memory budget


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
    """
    try:
        with zipfile.ZipFile(path) as archive:
            folders = [PurePosixPath(n).parts for n in archive.namelist() if n.endswith("/")]
            names = [n for n in archive.namelist() if not n.endswith("/") and _is_image(n)]
            tops = {PurePosixPath(n).parts[0] for n in names}
            nested = all(len(PurePosixPath(n).parts) > 2 for n in names)
            depth = 1 if len(tops) == 1 and nested else 0
            images = [("/".join(PurePosixPath(n).parts[depth:]), archive.read(n)) for n in names]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DatasetError(f"{path} is not a readable zip file ({error}); zip a folder that "
                           "holds one sub-folder of images per class") from error  # fmt: skip
    classes = {parts[depth] for parts in folders if len(parts) == depth + 1}
    return images, {name for name in classes if _is_visible(name)}


def _folder_entries(path: Path) -> tuple[list[tuple[str, bytes]], set[str]]:
    """(relative path, bytes) of every image under ``path``, and its sub-folder names."""
    images = [
        (file.relative_to(path).as_posix(), file.read_bytes())
        for file in sorted(path.rglob("*"))
        if file.is_file() and _is_image(file.relative_to(path).as_posix())
    ]
    classes = {d.name for d in path.iterdir() if d.is_dir() and _is_visible(d.name)}
    return images, classes


def _decode(name: str, content: bytes, size: int) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(content)) as image:
            gray = ImageOps.exif_transpose(image).convert("L")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        message = f"{name} is not a readable image ({error}); remove or replace it"
        raise DatasetError(message) from error
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
    if len(entries) > MAX_IMAGES:
        raise DatasetError(f"{path} holds {len(entries)} images, more than {MAX_IMAGES}")
    by_class: dict[str, list[np.ndarray]] = {}
    for name, content in entries:
        parts = PurePosixPath(name).parts
        if len(parts) != 2:
            raise DatasetError(f"{path}: {name} is not inside one class folder; "
                               "expected class_name/image.png")  # fmt: skip
        by_class.setdefault(parts[0], []).append(_decode(f"{path}/{name}", content, size))
    empty = sorted(folders - set(by_class))
    if empty:
        raise DatasetError(f"{path}: class folder(s) {', '.join(empty)} hold no images "
                           f"({', '.join(IMAGE_SUFFIXES)}); add images or remove them")  # fmt: skip
    if len(by_class) < 2:
        found = ", ".join(by_class) or "none"
        raise DatasetError(f"{path} needs at least two class folders with images (found: {found})")
    classes = tuple(sorted(by_class))
    images = np.stack([image for name in classes for image in by_class[name]])
    labels = np.repeat(np.arange(len(classes)), [len(by_class[name]) for name in classes])
    return LabelledImages(images, labels.astype(np.int64), classes)

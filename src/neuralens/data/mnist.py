"""MNIST and Fashion-MNIST: 28x28 gray images, 10 categories.

``size="mini"`` is bundled in the package: a class-balanced, seeded subset of the
real files (10,000 train / 2,000 test, built by ``scripts/make_mini_datasets.py``).
``size="full"`` reads the four standard IDX ``.gz`` files from ``data_dir``, else
``$NEURALENS_DATA``, else the user cache folder, and checks their MD5 first.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path

import numpy as np

from neuralens.data.download import REGISTRY, remote
from neuralens.data.errors import DatasetError
from neuralens.data.idx import md5sum, read_idx_images, read_idx_labels

SPLITS = ("train", "test")
SIZES = ("mini", "full")
SPLIT_PREFIX = {"train": "train", "test": "t10k"}
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
DIGIT_CLASSES = tuple(str(digit) for digit in range(10))


def data_root(data_dir: str | Path | None = None) -> Path:
    """Where full datasets live: ``data_dir``, else ``$NEURALENS_DATA``, else the cache."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get("NEURALENS_DATA"):
        return Path(os.environ["NEURALENS_DATA"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "neuralens"


def mini_path(name: str) -> Path:
    """The bundled compressed subset of ``name`` ("mnist" or "fashion-mnist")."""
    return Path(str(resources.files("neuralens.data") / "files" / f"{name}-mini.npz"))


def idx_folder(name: str, data_dir: str | Path | None = None) -> Path:
    """The folder holding ``name``'s four IDX files: ``root/name``, or ``root`` itself."""
    root = data_root(data_dir)
    for folder in (root / name, root):
        if (folder / "train-labels-idx1-ubyte.gz").exists():
            return folder
    return root / name


def verify_idx_folder(name: str, folder: Path) -> None:
    """Raise a ``DatasetError`` unless all four files exist with their published MD5."""
    for filename, md5 in remote(name).md5.items():
        path = folder / filename
        if not path.exists():
            raise DatasetError(
                f"{name} (full) not found: {path} is missing; run `neuralens data download "
                f"{name}`, or put the four IDX .gz files in {folder} or point NEURALENS_DATA "
                "at their parent folder"
            )
        got = md5sum(path)
        if got != md5:
            raise DatasetError(
                f"{path} fails its checksum (MD5 {got}, expected {md5}): the file is corrupt or "
                f"a different file; delete it and run `neuralens data download {name}`"
            )


@functools.lru_cache(maxsize=8)
def _read_full(name: str, folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    verify_idx_folder(name, folder)
    prefix = SPLIT_PREFIX[split]
    images = read_idx_images(folder / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx_labels(folder / f"{prefix}-labels-idx1-ubyte.gz")
    if len(images) != len(labels):
        raise DatasetError(f"{folder}: {len(images)} images but {len(labels)} labels")
    return images, labels


def _read_mini(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    path = mini_path(name)
    if not path.exists():
        raise DatasetError(f"the bundled {name}-mini file is missing ({path}); reinstall neuralens")
    with np.load(path) as archive:
        return archive[f"{split}_images"], archive[f"{split}_labels"].astype(np.int64)


def load_idx_dataset(
    name: str, split: str = "train", size: str = "mini", data_dir: str | Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Images ``uint8`` (N, 28, 28) and labels ``int64`` (N,) of an MNIST-like dataset."""
    if name not in REGISTRY:
        raise DatasetError(f"unknown dataset {name!r}; choose one of {', '.join(REGISTRY)}")
    if split not in SPLITS:
        raise DatasetError(f"unknown split {split!r}; choose 'train' or 'test'")
    if size not in SIZES:
        raise DatasetError(f"unknown size {size!r}; choose 'mini' (bundled) or 'full'")
    if size == "mini":
        return _read_mini(name, split)
    images, labels = _read_full(name, idx_folder(name, data_dir).resolve(), split)
    return images.copy(), labels.copy()


def available_size(name: str, data_dir: str | Path | None = None) -> str:
    """ "full" when ``name``'s four IDX files are there with their published MD5 (e.g. in
    ``$NEURALENS_DATA``), else "mini", the subset bundled in the package."""
    try:
        verify_idx_folder(name, idx_folder(name, data_dir))
    except DatasetError:
        return "mini"
    return "full"


def load_mnist(
    split: str = "train", size: str = "mini", data_dir: str | Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Handwritten digits: images ``uint8`` (N, 28, 28), 0 = background, 255 = ink; labels 0-9.

    >>> images, labels = load_mnist("test")
    >>> images.shape, images.dtype, labels.dtype
    ((2000, 28, 28), dtype('uint8'), dtype('int64'))
    """
    return load_idx_dataset("mnist", split, size, data_dir)


def load_fashion_mnist(
    split: str = "train", size: str = "mini", data_dir: str | Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Zalando's clothing images, a drop-in for MNIST; class names in ``FASHION_CLASSES``."""
    return load_idx_dataset("fashion-mnist", split, size, data_dir)


# CLI name -> (loader, size, class names); torch-free, so the explorer lists them at start-up
DATASETS = {
    "mnist-mini": (load_mnist, "mini", DIGIT_CLASSES),
    "mnist": (load_mnist, "full", DIGIT_CLASSES),
    "fashion-mnist-mini": (load_fashion_mnist, "mini", FASHION_CLASSES),
    "fashion-mnist": (load_fashion_mnist, "full", FASHION_CLASSES),
}

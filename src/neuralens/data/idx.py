"""Read the IDX format of MNIST and Fashion-MNIST (gzip-compressed).

Header integers are big-endian: magic 2051 for images (count, rows, cols follow),
2049 for labels (count follows), then raw ``uint8`` values in row-major order.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from pathlib import Path

import numpy as np

from neuralens.data.errors import DatasetError

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049


def md5sum(path: Path) -> str:
    """Hex MD5 of a file, read in 1 MiB blocks."""
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _gunzip(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(
            f"{path} is not a readable gzip file ({error}); delete it and fetch it again"
        ) from error


def _header(raw: bytes, path: Path, magic: int, num_dims: int) -> list[int]:
    header_size = 4 * (1 + num_dims)
    if len(raw) < header_size:
        raise DatasetError(f"{path} is truncated: {len(raw)} bytes, shorter than its header")
    values = np.frombuffer(raw[:header_size], dtype=">u4").tolist()
    if values[0] != magic:
        raise DatasetError(
            f"{path} has magic number {values[0]}, expected {magic}: "
            "this is not the IDX file its name says"
        )
    return values[1:]


def read_idx_images(path: Path) -> np.ndarray:
    """Images as ``uint8`` of shape (N, rows, cols)."""
    raw = _gunzip(path)
    count, rows, cols = _header(raw, path, IMAGES_MAGIC, 3)
    expected = 16 + count * rows * cols
    if len(raw) != expected:
        raise DatasetError(
            f"{path} holds {len(raw)} bytes, its header promises {expected}: "
            "the file is truncated or corrupt; delete it and fetch it again"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows, cols).copy()


def read_idx_labels(path: Path) -> np.ndarray:
    """Labels as ``int64`` of shape (N,)."""
    raw = _gunzip(path)
    (count,) = _header(raw, path, LABELS_MAGIC, 1)
    if len(raw) != 8 + count:
        raise DatasetError(
            f"{path} holds {len(raw)} bytes, its header promises {8 + count}: "
            "the file is truncated or corrupt; delete it and fetch it again"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)

"""The ONLY network code in neuralens: fetch MNIST-like IDX files, with a checksum.

Nothing calls this implicitly: loaders raise a ``DatasetError`` naming
``neuralens data download NAME`` when files are missing. Files arrive as
``NAME.part``, are checked against their published MD5, and only then take
their final name, so a failed or interrupted download never replaces a good file.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from neuralens.data.errors import DatasetError
from neuralens.data.idx import md5sum

IDX_FILENAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


@dataclass(frozen=True)
class RemoteDataset:
    """Where a dataset's files can be fetched from, and what their bytes must hash to."""

    mirrors: tuple[str, ...]  # base URLs tried in order; a file's URL is mirror + filename
    md5: dict[str, str]  # filename -> published MD5 of the .gz file


REGISTRY: dict[str, RemoteDataset] = {
    "mnist": RemoteDataset(
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        md5={
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        },
    ),
    "fashion-mnist": RemoteDataset(
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        md5={
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        },
    ),
}

Progress = Callable[[str, int, int | None], None]  # (filename, bytes so far, total or None)


def remote(name: str) -> RemoteDataset:
    """The registry entry of a downloadable dataset."""
    if name not in REGISTRY:
        raise DatasetError(f"unknown dataset {name!r}; downloadable: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def _fetch(url: str, part: Path, filename: str, progress: Progress | None) -> None:
    with urllib.request.urlopen(url, timeout=30) as response, open(part, "wb") as out:
        length = response.headers.get("Content-Length")
        total = int(length) if length else None
        done = 0
        while block := response.read(1 << 16):
            out.write(block)
            done += len(block)
            if progress is not None:
                progress(filename, done, total)


def download_file(
    filename: str, md5: str, folder: Path, mirrors: tuple[str, ...], progress: Progress | None
) -> Path:
    """Fetch one file into ``folder``, trying each mirror until the MD5 matches."""
    target = folder / filename
    if target.exists() and md5sum(target) == md5:
        return target
    part = folder / (filename + ".part")
    problems = []
    for mirror in mirrors:
        try:
            _fetch(mirror + filename, part, filename, progress)
        except (urllib.error.URLError, OSError, ValueError) as error:
            problems.append(f"{mirror}: {error}")
            continue
        got = md5sum(part)
        if got == md5:
            os.replace(part, target)
            return target
        problems.append(f"{mirror}: MD5 {got} != expected {md5}")
    part.unlink(missing_ok=True)
    raise DatasetError(
        f"could not fetch {filename} ({'; '.join(problems)}); check the network, or copy the "
        f"file by hand into {folder}"
    )


def download(
    name: str,
    root: Path,
    mirrors: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Fetch every file of dataset ``name`` into ``root/name`` and return that folder.

    ``mirrors`` overrides the registry's base URLs (tests use ``file://`` URLs).
    """
    entry = remote(name)
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    for filename, md5 in entry.md5.items():
        download_file(filename, md5, folder, mirrors or entry.mirrors, progress)
    return folder

"""Build the bundled mini MNIST and mini Fashion-MNIST from the real IDX files.

    python scripts/make_mini_datasets.py [DATA_DIR]   # default: $NEURALENS_DATA

Each mini file holds 1,000 train and 200 test images per class (10,000 / 2,000),
drawn with seed 0, plus the indices into the full split they came from, so a test
can check that every pixel is identical to the original.
"""

from __future__ import annotations

import sys

import numpy as np

from neuralens.data.mini import balanced_subset
from neuralens.data.mnist import load_idx_dataset, mini_path

PER_CLASS = {"train": 1000, "test": 200}
SEED = 0


def build(name: str, data_dir: str | None) -> None:
    arrays = {}
    for split, per_class in PER_CLASS.items():
        images, labels = load_idx_dataset(name, split, "full", data_dir)
        index = balanced_subset(labels, per_class, SEED)
        arrays[f"{split}_images"] = images[index]
        arrays[f"{split}_labels"] = labels[index].astype(np.uint8)
        arrays[f"{split}_index"] = index.astype(np.int32)
    np.savez_compressed(mini_path(name), **arrays)
    print(f"wrote {mini_path(name)}")


if __name__ == "__main__":
    for dataset in ("mnist", "fashion-mnist"):
        build(dataset, sys.argv[1] if len(sys.argv) > 1 else None)

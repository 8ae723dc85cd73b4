"""Build the bundled mini datasets: a class-balanced, seeded subset of the real files."""

from __future__ import annotations

import numpy as np


def balanced_subset(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Indices of ``per_class`` random examples of every class, in shuffled order.

    >>> idx = balanced_subset(np.array([0, 1, 0, 1, 0, 1]), per_class=2, seed=0)
    >>> sorted(np.bincount(np.array([0, 1, 0, 1, 0, 1])[idx]).tolist())
    [2, 2]
    """
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < per_class:
            raise ValueError(f"class {label} has {len(members)} examples, fewer than {per_class}")
        chosen.append(rng.choice(members, size=per_class, replace=False))
    return rng.permutation(np.concatenate(chosen))

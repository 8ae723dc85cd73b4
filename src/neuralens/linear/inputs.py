"""Checks on what the learner feeds the linear models: finite numbers, matching lengths.

Every function in ``neuralens.linear`` goes through these, so bad input ends as a
ValueError naming the argument, never as a NaN result.
"""

from __future__ import annotations

import numpy as np


def as_vector(values, name: str) -> np.ndarray:
    """``values`` as a finite float64 vector (N,), or a ValueError naming ``name``."""
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one number per sample, shape (N,); got {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: select at least one row")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(
            f"{name} holds {bad.size} non-finite value(s) (NaN or inf), first at row {bad[0]}"
        )
    return array


def as_matrix(values, name: str) -> np.ndarray:
    """``values`` as a finite float64 matrix (N, D); a vector becomes one feature (N, 1)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must be (N, D) with N, D >= 1; got shape {array.shape}")
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        row, col = bad[0]
        raise ValueError(f"{name} holds a non-finite value (NaN or inf) at row {row}, column {col}")
    return array


def as_xy(X, y, x_name: str = "X", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Features (N, D) and targets (N,) of the same length."""
    X, y = as_matrix(X, x_name), as_vector(y, y_name)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"{x_name} has {X.shape[0]} rows but {y_name} has {y.shape[0]}")
    return X, y


def positive(value: float, name: str) -> float:
    """A finite number > 0 (a learning rate, a tolerance), or a ValueError naming it."""
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return float(value)

"""Why not try every combination: the size of a brute-force grid over n parameters.

With one feature the landscape is an n x n grid of lines (w1, w0). With D features and
an intercept there are D + 1 weights, and a grid of ``steps`` values per weight has
steps^(D + 1) cells: "we would have to explore a gigantic number of combinations".
Gradient descent visits one point per step instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from neuralens.linear.descent import design_matrix
from neuralens.linear.inputs import as_xy


@dataclass(frozen=True)
class GridCost:
    """How big, and how slow, trying every combination of ``steps`` values per weight is."""

    num_parameters: int  # D features + the intercept
    steps_per_axis: int  # values tried for each weight
    cells_per_second: float  # measured on this machine with the same data

    @property
    def cells(self) -> int:
        """steps^(D + 1): an exact Python integer, however large."""
        return self.steps_per_axis**self.num_parameters

    @property
    def seconds(self) -> float:
        return self.cells / self.cells_per_second


def grid_losses(X: np.ndarray, y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """The MSE of many weight vectors at once: (K, D + 1) weights -> (K,) losses.

    Notes
    -----
    L(w) = w^T G w - 2 b^T w + c with G = D^T D / N, b = D^T y / N, c = y^T y / N
    (D: the features with a column of 1s), so a cell costs O(D^2) after one pass over the
    data: the fastest brute force, the one the grid size is measured with.

    >>> X = np.array([[0.0], [1.0]]); y = np.array([1.0, 3.0])
    >>> grid_losses(X, y, np.array([[2.0, 1.0], [0.0, 0.0]])).tolist()
    [0.0, 5.0]
    """
    X, y = as_xy(X, y)
    D = design_matrix(X)
    gram, cross, constant = D.T @ D / len(y), D.T @ y / len(y), y @ y / len(y)
    return np.einsum("ki,ij,kj->k", W, gram, W) - 2 * W @ cross + constant


def brute_force_cost(
    X: np.ndarray, y: np.ndarray, steps_per_axis: int = 100, num_cells: int = 200_000
) -> GridCost:
    """The grid's size for X's D features + intercept, timed on ``num_cells`` random cells."""
    X, y = as_xy(X, y)
    if int(steps_per_axis) != steps_per_axis or steps_per_axis < 2:
        raise ValueError(f"steps_per_axis must be an integer >= 2; got {steps_per_axis}")
    W = np.random.default_rng(0).normal(size=(num_cells, X.shape[1] + 1))
    start = time.perf_counter()
    grid_losses(X, y, W)
    elapsed = max(time.perf_counter() - start, 1e-9)
    return GridCost(X.shape[1] + 1, int(steps_per_axis), num_cells / elapsed)

"""The loss landscape: the loss of every line (w1, w0) on an n x n grid, "mountains and hills".

Brute force, fully vectorised (no Python loop over cells). The squared loss regroups
the sum over wines into five data sums computed once,
    mean((y - w1 x - w0)^2) = m_yy - 2 w1 m_xy - 2 w0 m_y + w1^2 m_xx + 2 w1 w0 m_x + w0^2,
so an n x n grid costs O(n^2) after one pass over the data. The absolute loss has no
such shortcut and broadcasts the errors of every wine at every cell (in row chunks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralens.linear.closed_form import fit_line
from neuralens.linear.inputs import as_vector
from neuralens.linear.line import LOSSES

CHUNK_CELLS = 1 << 22  # cells x wines per broadcast chunk: about 32 MB of float64
# each loss of ``line.LOSSES`` reduced over the wines only: (cells, N) -> (cells,)
ROW_LOSSES = {
    "signed": lambda e: e.mean(axis=1),
    "absolute": lambda e: np.abs(e).mean(axis=1),
    "squared": lambda e: (e * e).mean(axis=1),
}


@dataclass(frozen=True)
class Landscape:
    """The loss over a grid: ``loss[i, j]`` is the loss of the line (w1[j], w0[i])."""

    w1: np.ndarray  # (n,) slopes, the grid's x axis
    w0: np.ndarray  # (n,) intercepts, the grid's y axis
    loss: np.ndarray  # (n, n): rows follow w0, columns follow w1 (as a contour plot draws it)
    loss_name: str  # signed, absolute or squared

    @property
    def best_index(self) -> tuple[int, int]:
        """(row, column) of the lowest cell."""
        row, col = np.unravel_index(np.argmin(self.loss), self.loss.shape)
        return int(row), int(col)

    @property
    def best(self) -> tuple[float, float, float]:
        """(w1, w0, loss) of the lowest cell: the brute-force answer."""
        row, col = self.best_index
        return float(self.w1[col]), float(self.w0[row]), float(self.loss[row, col])

    @property
    def step(self) -> tuple[float, float]:
        """Grid spacing (dw1, dw0): how far the best cell may lie from the true minimum."""
        return float(self.w1[1] - self.w1[0]), float(self.w0[1] - self.w0[0])


def check_range(bounds: tuple[float, float], name: str) -> tuple[float, float]:
    low, high = (float(v) for v in bounds)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be (low, high) with finite low < high; got {bounds}")
    return low, high


def squared_grid(x: np.ndarray, y: np.ndarray, W1: np.ndarray, W0: np.ndarray) -> np.ndarray:
    """MSE at every cell from the five data sums (see the module docstring)."""
    m_x, m_y, m_xx, m_xy, m_yy = x.mean(), y.mean(), x @ x / x.size, x @ y / x.size, y @ y / y.size
    mse = m_yy - 2 * W1 * m_xy - 2 * W0 * m_y + W1**2 * m_xx + 2 * W1 * W0 * m_x + W0**2
    return np.maximum(mse, 0.0)  # rounding may dip a hair below zero at a perfect fit


def broadcast_grid(
    x: np.ndarray, y: np.ndarray, W1: np.ndarray, W0: np.ndarray, loss: str
) -> np.ndarray:
    """Any loss at every cell by broadcasting e_i over (cells, wines), chunk by chunk."""
    cells_w1, cells_w0 = W1.ravel(), W0.ravel()
    out = np.empty(cells_w1.size)
    chunk = max(1, CHUNK_CELLS // x.size)
    for start in range(0, out.size, chunk):
        part = slice(start, start + chunk)
        e = y[None, :] - cells_w1[part, None] * x[None, :] - cells_w0[part, None]  # (cells, N)
        out[part] = ROW_LOSSES[loss](e)
    return out.reshape(W1.shape)


def loss_landscape(
    x: np.ndarray,
    y: np.ndarray,
    w1_range: tuple[float, float],
    w0_range: tuple[float, float],
    n: int = 101,
    loss: str = "squared",
) -> Landscape:
    """The loss of every line on an n x n grid over ``w1_range`` x ``w0_range``.

    >>> x = np.array([0.0, 1.0, 2.0]); y = 2 * x + 1
    >>> land = loss_landscape(x, y, (0, 4), (-1, 3), n=5)
    >>> w1, w0, best_loss = land.best
    >>> land.loss.shape, w1, w0, round(best_loss, 12)
    ((5, 5), 2.0, 1.0, 0.0)
    """
    x, y = as_vector(x, "x"), as_vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x has {x.size} values but y has {y.size}")
    if int(n) != n or n < 2:
        raise ValueError(f"n (grid cells per axis) must be an integer >= 2; got {n}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    w1 = np.linspace(*check_range(w1_range, "w1_range"), int(n))
    w0 = np.linspace(*check_range(w0_range, "w0_range"), int(n))
    W1, W0 = np.meshgrid(w1, w0)  # (n, n) each: rows follow w0
    if loss == "squared":
        grid = squared_grid(x, y, W1, W0)
    elif loss == "signed":
        grid = y.mean() - W1 * x.mean() - W0  # the mean of e_i is linear in (w1, w0)
    else:
        grid = broadcast_grid(x, y, W1, W0, loss)
    return Landscape(w1, w0, grid, loss)


def default_ranges(
    x: np.ndarray, y: np.ndarray, spread: float = 1.0
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square window centred on the best line, wide enough to show the valley or the bowl.

    Half width = ``spread`` * the larger of |w1|, |w0| (at least 1) of the closed-form fit.
    """
    fit = fit_line(x, y)
    half = spread * max(abs(fit.w1), abs(fit.w0), 1.0)
    return (fit.w1 - half, fit.w1 + half), (fit.w0 - half, fit.w0 + half)


@dataclass(frozen=True)
class ValleySurface:
    """The squared loss on a grid that follows the valley: ``loss[i, j]`` is the loss of the
    line (w1[i, j], w0[i, j]); each row keeps one distance from the valley floor."""

    w1: np.ndarray  # (n, n)
    w0: np.ndarray  # (n, n)
    loss: np.ndarray  # (n, n)
    loss_name: str = "squared"

    @property
    def best(self) -> tuple[float, float, float]:
        """(w1, w0, loss) of the lowest grid point."""
        row, col = np.unravel_index(np.argmin(self.loss), self.loss.shape)
        return float(self.w1[row, col]), float(self.w0[row, col]), float(self.loss[row, col])


def valley_surface(
    x: np.ndarray, y: np.ndarray, w1_range: tuple[float, float], w0_half: float, n: int = 61
) -> ValleySurface:
    """The squared loss sampled along its valley, so a narrow valley stays smooth.

    Parameters
    ----------
    x, y : (N,) the feature and the target.
    w1_range : (low, high) slopes, one grid column each (n columns).
    w0_half : how far above and below the valley floor the grid reaches, in w0.
    n : grid points per axis.

    Notes
    -----
    For a fixed slope w1 the best intercept is w0 = mean(y) - w1 mean(x): the valley floor.
    Writing w0 = floor(w1) + t, the loss is L(w1, floor) + t^2, so rows of constant t run
    along the valley, and t spaced as s^3 (s uniform in [-1, 1]) puts the rows densest at the
    floor. A square grid with cells wider than the valley samples its floor only here and
    there: a smooth valley drawn as a saw.

    >>> x = np.array([0.99, 1.0, 1.01]); y = np.array([1.0, 2.0, 3.0])
    >>> surface = valley_surface(x, y, (0.0, 200.0), 10.0, n=5)
    >>> surface.loss.shape, round(surface.best[2], 9)
    ((5, 5), 0.0)
    """
    x, y = as_vector(x, "x"), as_vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x has {x.size} values but y has {y.size}")
    if int(n) != n or n < 3 or n % 2 == 0:
        raise ValueError(f"n must be an odd integer >= 3 (a row on the floor); got {n}")
    if not (np.isfinite(w0_half) and w0_half > 0):
        raise ValueError(f"w0_half must be a positive number; got {w0_half}")
    w1 = np.linspace(*check_range(w1_range, "w1_range"), int(n))
    t = w0_half * np.linspace(-1.0, 1.0, int(n)) ** 3
    W1, T = np.meshgrid(w1, t)  # (n, n) each: rows follow the distance t from the floor
    W0 = y.mean() - W1 * x.mean() + T
    return ValleySurface(W1, W0, squared_grid(x, y, W1, W0))

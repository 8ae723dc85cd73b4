"""The reference answer: least squares solved exactly, no descent needed.

For one feature, setting dL/dw1 = dL/dw0 = 0 for L = mean((y - w1 x - w0)^2) gives
w1 = cov(x, y) / var(x) and w0 = mean(y) - w1 * mean(x). For many features the same
condition is the normal equations X^T X w = X^T y, solved by ``numpy.linalg.lstsq``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralens.linear.inputs import as_vector, as_xy


@dataclass(frozen=True)
class LineFit:
    """The best line: slope w1, intercept w0 and its mean squared error."""

    w1: float
    w0: float
    mse: float


def fit_line(x: np.ndarray, y: np.ndarray) -> LineFit:
    """Closed-form least-squares line through (x_i, y_i).

    >>> fit = fit_line(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))
    >>> round(fit.w1, 12), round(fit.w0, 12), round(fit.mse, 12)
    (2.0, 1.0, 0.0)
    """
    x, y = as_vector(x, "x"), as_vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x has {x.size} values but y has {y.size}")
    if x.size < 2 or np.ptp(x) == 0:
        raise ValueError("x needs at least two different values to define a slope")
    x_centred, y_centred = x - x.mean(), y - y.mean()
    w1 = float(x_centred @ y_centred / (x_centred @ x_centred))  # cov(x, y) / var(x)
    w0 = float(y.mean() - w1 * x.mean())
    return LineFit(w1, w0, float(np.mean((y - w1 * x - w0) ** 2)))


def least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights (w_1 .. w_D, w0) minimising mean((y - X w - w0)^2); the intercept comes last.

    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 3.0]])
    >>> np.round(least_squares(X, X @ np.array([2.0, -1.0]) + 0.5), 10).tolist()
    [2.0, -1.0, 0.5]
    """
    X, y = as_xy(X, y)
    design = np.column_stack([X, np.ones(len(X))])  # (N, D + 1): the bias is a feature of 1s
    weights, *_ = np.linalg.lstsq(design, y, rcond=None)
    return weights

"""The lecture's first model: a line y_hat = w1 * x + w0, its errors e_i and three losses.

The error of wine i is e_i = y_i - y_hat_i. Summing the errors into one number, the
*loss*, can be done three ways; only the last is both honest and smooth:

- signed mean error  mean(e_i): positive and negative errors cancel, so a bad line
  (any line through the centre of the cloud, even a flat one) scores 0;
- mean absolute error  mean(|e_i|): honest, but has a kink where e_i = 0;
- mean squared error  mean(e_i^2): honest and smooth, so its slope can be followed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from neuralens.linear.inputs import as_xy


def predict(x: np.ndarray, w1: float, w0: float) -> np.ndarray:
    """y_hat_i = w1 * x_i + w0 for every sample.

    >>> predict(np.array([0.0, 1.0, 2.0]), 2.0, 1.0).tolist()
    [1.0, 3.0, 5.0]
    """
    return w1 * np.asarray(x, dtype=float) + w0


def errors(x: np.ndarray, y: np.ndarray, w1: float, w0: float) -> np.ndarray:
    """e_i = y_i - y_hat_i: positive where the line passes below the point.

    >>> errors(np.array([0.0, 1.0]), np.array([1.0, 1.0]), 1.0, 0.0).tolist()
    [1.0, 0.0]
    """
    X, y = as_xy(x, y, "x", "y")
    return y - predict(X[:, 0], w1, w0)


def signed_mean_error(e: np.ndarray) -> float:
    """mean(e_i): errors of opposite sign cancel (why this loss fails).

    >>> signed_mean_error(np.array([-3.0, 3.0]))
    0.0
    """
    return float(np.mean(e))


def mean_absolute_error(e: np.ndarray) -> float:
    """mean(|e_i|).

    >>> mean_absolute_error(np.array([-3.0, 3.0]))
    3.0
    """
    return float(np.mean(np.abs(e)))


def mean_squared_error(e: np.ndarray) -> float:
    """mean(e_i^2), the loss gradient descent follows.

    >>> mean_squared_error(np.array([-3.0, 3.0]))
    9.0
    """
    return float(np.mean(np.square(e)))


# the loss switch of the explorer and the CLI: name -> function of the errors e_i
LOSSES: dict[str, Callable[[np.ndarray], float]] = {
    "signed": signed_mean_error,
    "absolute": mean_absolute_error,
    "squared": mean_squared_error,
}


def line_loss(x: np.ndarray, y: np.ndarray, w1: float, w0: float, loss: str = "squared") -> float:
    """The loss called ``loss`` (signed, absolute or squared) of the line (w1, w0)."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[loss](errors(x, y, w1, w0))


def pivot_intercept(height: float, w1: float, x_pivot: float) -> float:
    """The w0 that puts the line of slope ``w1`` at ``height`` above ``x_pivot``.

    Turning the line about (x_pivot, height) instead of about x = 0: with raw density
    (x near 1), a new w1 with w0 kept would also lift the whole line by the change in w1.

    >>> pivot_intercept(height=6.0, w1=2.0, x_pivot=1.0)
    4.0
    """
    return height - w1 * x_pivot

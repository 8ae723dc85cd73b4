"""Losses: one number saying how wrong the predictions are, and its gradient.

Cross-entropy for classification (from the raw scores, the logits), mean squared
error for regression, as in the lecture's line through the wine data.
"""

from __future__ import annotations

import numpy as np

from neuralens.engine.checks import check_array


def _check_targets(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    check_array(logits, "logits", 2, "(N, num_classes)")
    targets = np.asarray(targets)
    if targets.shape != logits.shape[:1] or not np.issubdtype(targets.dtype, np.integer):
        raise ValueError(
            f"targets must be N={logits.shape[0]} integer class indices for logits of shape "
            f"{logits.shape}, got shape {targets.shape} dtype {targets.dtype}"
        )
    if targets.size and (targets.min() < 0 or targets.max() >= logits.shape[1]):
        raise ValueError(f"targets must lie in 0..{logits.shape[1] - 1}, got {targets.tolist()}")
    return targets


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log of softmax along the last axis, stable: x - max - log(sum e^(x - max))."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean of -log p(true class) over the batch; ``p = softmax(logits)``.

    >>> round(cross_entropy(np.array([[0.0, 0.0]]), np.array([1])), 4)  # log 2
    0.6931
    """
    targets = _check_targets(logits, targets)
    rows = np.arange(len(targets))
    return float(-log_softmax(logits)[rows, targets].mean())


def cross_entropy_backward(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """dL/dlogits = (softmax(logits) - one_hot(targets)) / N."""
    targets = _check_targets(logits, targets)
    grad = np.exp(log_softmax(logits))
    grad[np.arange(len(targets)), targets] -= 1
    return grad / len(targets)


def _check_same_shape(y_hat: np.ndarray, y: np.ndarray) -> None:
    if not isinstance(y_hat, np.ndarray) or not isinstance(y, np.ndarray):
        raise ValueError("mse takes two NumPy arrays")
    if y_hat.shape != y.shape:
        raise ValueError(f"mse needs y_hat and y of one shape, got {y_hat.shape} and {y.shape}")


def mse(y_hat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error, mean over every element of (y_hat - y)^2.

    >>> mse(np.array([1.0, 3.0]), np.array([0.0, 1.0]))
    2.5
    """
    _check_same_shape(y_hat, y)
    return float(np.mean((y_hat - y) ** 2))


def mse_backward(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dy_hat = 2 (y_hat - y) / number of elements."""
    _check_same_shape(y_hat, y)
    return 2 * (y_hat - y) / y.size

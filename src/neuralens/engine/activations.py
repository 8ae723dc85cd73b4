"""Non-linearities, what makes depth useful: without them layers collapse to one linear map.

Each forward function is followed by its backward: the gradient of the loss with
respect to the input, given the gradient with respect to the output (chain rule).
"""

from __future__ import annotations

import numpy as np


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x), element by element.

    >>> relu(np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 0.0, 3.0]
    """
    return np.maximum(x, 0)


def relu_backward(grad_y: np.ndarray, x: np.ndarray) -> np.ndarray:
    # dy/dx = 1 where x > 0, else 0 (torch also takes 0 at x = 0)
    return grad_y * (x > 0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), computed without overflow for large |x|.

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0])).tolist()
    [0.5, 1.0, 0.0]
    """
    e = np.exp(-np.abs(x))  # e^-|x| never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(grad_y: np.ndarray, y: np.ndarray) -> np.ndarray:
    # dy/dx = y (1 - y)
    return grad_y * y * (1 - y)


def tanh(x: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent, squashing to (-1, 1)."""
    return np.tanh(x)


def tanh_backward(grad_y: np.ndarray, y: np.ndarray) -> np.ndarray:
    # dy/dx = 1 - y^2
    return grad_y * (1 - y * y)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Scores -> probabilities: e^x_k / sum_j e^x_j along ``axis``.

    >>> softmax(np.array([[1.0, 1.0], [0.0, 1000.0]])).tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    """
    shifted = x - x.max(axis=axis, keepdims=True)  # same result, no overflow
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(grad_y: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    # dL/dx_k = y_k (dL/dy_k - sum_j dL/dy_j y_j)
    return y * (grad_y - (grad_y * y).sum(axis=axis, keepdims=True))

"""The dense (fully connected) layer as arithmetic: each output is a weighted sum plus a bias.

``linear`` follows ``torch.nn.functional.linear``: the weight has shape
(num_outputs, num_inputs). ``flatten`` appends the pixel rows of each image into one
long list, the lecture's way of turning an image into features.
"""

from __future__ import annotations

import numpy as np

from neuralens.engine.checks import check_array


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """y = x W^T + b: (N, num_inputs) -> (N, num_outputs).

    >>> linear(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]), np.array([0.5])).tolist()
    [[11.5]]
    """
    check_array(x, "x", 2, "(N, num_inputs)")
    check_array(w, "w", 2, "(num_outputs, num_inputs)")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"linear: x has {x.shape[1]} inputs per row (shape {x.shape}) but w expects "
            f"{w.shape[1]} (shape {w.shape})"
        )
    y = x @ w.T
    if b is not None:
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear: bias must have shape ({w.shape[0]},), got {b.shape}")
        y = y + b
    return y


def linear_backward(
    grad_y: np.ndarray, x: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of the loss w.r.t. x, W and b, given dL/dy (N, num_outputs)."""
    grad_x = grad_y @ w  # dL/dx = dL/dy . W
    grad_w = grad_y.T @ x  # dL/dW = dL/dy^T . x
    grad_b = grad_y.sum(axis=0)  # dL/db = sum over the batch of dL/dy
    return grad_x, grad_w, grad_b


def flatten(x: np.ndarray) -> np.ndarray:
    """(N, ...) -> (N, everything else), rows appended one after the other (row-major).

    >>> flatten(np.arange(4.0).reshape(1, 2, 2)).tolist()
    [[0.0, 1.0, 2.0, 3.0]]
    """
    if not isinstance(x, np.ndarray) or x.ndim < 2:
        raise ValueError(f"flatten needs a NumPy array (N, ...) with a batch axis, got {x!r:.60}")
    return x.reshape(len(x), -1)


def flatten_backward(grad_y: np.ndarray, x_shape: tuple[int, ...]) -> np.ndarray:
    # flattening only renames positions: the gradient goes back to the same pixels
    return grad_y.reshape(x_shape)

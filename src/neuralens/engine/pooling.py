"""Pooling: summarise each tile of a feature map by its maximum or its average.

With a 2x2 window and stride 2 (the lecture's example) the image halves in each
direction: 4x4 -> 2x2. Shapes follow ``torch.nn.functional.max_pool2d``:
(N, C, H, W) -> (N, C, (H - k) // s + 1, (W - k) // s + 1), stride defaulting to k.
"""

from __future__ import annotations

import numpy as np

from neuralens.engine.checks import check_array, check_positive_int, check_window_fits


def check_pool_inputs(
    x: np.ndarray, kernel_size: object, stride: object, op: str
) -> tuple[int, int]:
    """Validate a pooling call; return (kernel_size, stride) as ints."""
    check_array(x, "x", 4, "(N, C, H, W)")
    kernel_size = check_positive_int(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else check_positive_int(stride, "stride")
    check_window_fits(x.shape, (kernel_size, kernel_size), 0, op)
    return kernel_size, stride


def offsets(x: np.ndarray, kernel_size: int, stride: int):
    """For each offset (i, j) inside the window, the (N, C, H_out, W_out) pixels found there.

    Looping over the k*k offsets (4 for the lecture's 2x2) instead of the H_out*W_out
    windows keeps every step a whole-array operation.
    """
    out_h = (x.shape[2] - kernel_size) // stride + 1
    out_w = (x.shape[3] - kernel_size) // stride + 1
    for i in range(kernel_size):
        for j in range(kernel_size):
            rows = slice(i, i + stride * (out_h - 1) + 1, stride)
            cols = slice(j, j + stride * (out_w - 1) + 1, stride)
            yield i * kernel_size + j, (slice(None), slice(None), rows, cols)


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int, stride: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The max of each tile and which offset in the tile held it (the first, on ties)."""
    kernel_size, stride = check_pool_inputs(x, kernel_size, stride, "max_pool2d")
    y, winner = None, None
    for offset, where in offsets(x, kernel_size, stride):
        if y is None:
            y, winner = x[where].copy(), np.zeros(x[where].shape, dtype=np.int64)
            continue
        larger = x[where] > y  # strictly larger: an earlier maximum keeps its place
        np.copyto(y, x[where], where=larger)
        np.copyto(winner, offset, where=larger)
    return y, winner


def max_pool2d(x: np.ndarray, kernel_size: int, stride: int | None = None) -> np.ndarray:
    """The largest value of each k x k tile.

    >>> x = np.array([[5, 3, 3, 1], [0, 2, 8, 5], [1, 4, 4, 2], [0, 9, 2, 7.0]])
    >>> max_pool2d(x[None, None], 2)[0, 0].tolist()
    [[5.0, 8.0], [9.0, 7.0]]
    """
    return max_pool2d_forward(x, kernel_size, stride)[0]


def avg_pool2d(x: np.ndarray, kernel_size: int, stride: int | None = None) -> np.ndarray:
    """The mean value of each k x k tile.

    >>> x = np.array([[5, 3, 3, 1], [0, 2, 8, 5], [1, 4, 4, 2], [0, 9, 2, 7.0]])
    >>> avg_pool2d(x[None, None], 2)[0, 0].tolist()
    [[2.5, 4.25], [3.5, 3.75]]
    """
    kernel_size, stride = check_pool_inputs(x, kernel_size, stride, "avg_pool2d")
    total = sum(x[where] for _, where in offsets(x, kernel_size, stride))
    return total / (kernel_size * kernel_size)


def max_pool2d_backward(
    grad_y: np.ndarray,
    x: np.ndarray,
    kernel_size: int,
    stride: int | None = None,
    winner: np.ndarray | None = None,
) -> np.ndarray:
    """dL/dx: each tile's gradient goes to the pixel that was the maximum (the first, on ties)."""
    if winner is None:
        _, winner = max_pool2d_forward(x, kernel_size, stride)
    stride = kernel_size if stride is None else stride
    grad_x = np.zeros(x.shape, dtype=grad_y.dtype)
    for offset, where in offsets(x, kernel_size, stride):
        grad_x[where] += np.where(winner == offset, grad_y, 0)
    return grad_x


def avg_pool2d_backward(
    grad_y: np.ndarray, x_shape: tuple[int, ...], kernel_size: int, stride: int | None = None
) -> np.ndarray:
    """dL/dx: each tile's gradient is shared equally by its k*k pixels."""
    stride = kernel_size if stride is None else stride
    share = grad_y / (kernel_size * kernel_size)
    grad_x = np.zeros(x_shape, dtype=grad_y.dtype)
    for _, where in offsets(grad_x, kernel_size, stride):
        grad_x[where] += share
    return grad_x

"""Bad input stops here: every op checks shapes, dtypes and strides before computing.

Errors teach: a ``ValueError`` names the argument and the shapes involved, never a
silent broadcast or a silent cast.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_array(x: object, name: str, ndim: int, layout: str) -> np.ndarray:
    """``x`` itself when it is a floating NumPy array with ``ndim`` axes (``layout`` names them).

    >>> check_array(np.zeros((2, 3)), "x", 2, "(N, D)").shape
    (2, 3)
    >>> check_array(np.zeros(3), "x", 2, "(N, D)")
    Traceback (most recent call last):
    ValueError: x must have 2 axes (N, D), got shape (3,)
    """
    if not isinstance(x, np.ndarray):
        raise ValueError(f"{name} must be a NumPy array {layout}, got {type(x).__name__}")
    if x.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes {layout}, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"{name} must hold floating-point numbers, got dtype {x.dtype} with shape {x.shape}; "
            f"convert it first, e.g. {name}.astype(np.float32) / 255"
        )
    return x


def check_positive_int(value: object, name: str) -> int:
    """``value`` as an ``int`` when it is a whole number >= 1 (a stride, a kernel size).

    >>> check_positive_int(2, "stride")
    2
    >>> check_positive_int(1.5, "stride")
    Traceback (most recent call last):
    ValueError: stride must be a whole number >= 1, got 1.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def check_padding(value: object) -> int:
    """``value`` as an ``int`` when it is a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"padding must be a whole number >= 0, got {value!r}")
    return int(value)


def check_window_fits(
    x_shape: tuple[int, ...], kernel: tuple[int, int], padding: int, op: str
) -> None:
    """The (kh, kw) window must fit inside the (padded) H x W image at least once."""
    height, width = x_shape[2] + 2 * padding, x_shape[3] + 2 * padding
    if kernel[0] > height or kernel[1] > width:
        raise ValueError(
            f"{op}: kernel {kernel[0]}x{kernel[1]} is larger than the input {x_shape} "
            f"padded by {padding} ({height}x{width})"
        )


def output_size(size: int, kernel: int, stride: int, padding: int = 0) -> int:
    """How many positions a window takes along one axis: ``(size + 2p - k) // s + 1``.

    >>> output_size(28, 3, 1, 1), output_size(28, 2, 2), output_size(11, 2, 1)
    (28, 14, 10)
    """
    return (size + 2 * padding - kernel) // stride + 1

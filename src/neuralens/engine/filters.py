"""Hand-designed filters, and a photo filtered by the engine's convolution.

Before networks learned their filters, people designed them: a blur averages the
neighbourhood, an edge filter subtracts one side from the other. A convolutional
layer holds the same kind of small grids of numbers, only learned from data.
"""

from __future__ import annotations

import numpy as np

from neuralens.engine.convolution import conv2d

# name -> kernel; each reads as the weights laid over a pixel's neighbourhood
PRESETS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "box blur": np.full((3, 3), 1 / 9),
    "box blur 5x5": np.full((5, 5), 1 / 25),
    "gaussian": np.outer([1, 2, 1], [1, 2, 1]) / 16,
    "gaussian 5x5": np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    # Sobel: left minus right responds to vertical edges, top minus bottom to horizontal ones
    "vertical edges": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float),
    "horizontal edges": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
}


def preset(name: str) -> np.ndarray:
    """A copy of the named preset kernel.

    >>> preset("box blur").sum().round(6)
    np.float64(1.0)
    """
    if name not in PRESETS:
        raise ValueError(f"unknown filter {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name].copy()


def to_gray(image: np.ndarray) -> np.ndarray:
    """uint8 (H, W) or (H, W, 3) -> float (H, W) in [0, 1] (luminance weights of ITU-R 601)."""
    image = np.asarray(image, dtype=float) / 255
    if image.ndim == 3:
        image = image[..., :3] @ np.array([0.299, 0.587, 0.114])
    if image.ndim != 2:
        raise ValueError(f"expected an (H, W) or (H, W, 3) image, got shape {image.shape}")
    return image


def filter_image(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolve a gray (H, W) float image with a square odd (k, k) kernel; same size out.

    Padding (k - 1) / 2 keeps the size, so the filtered photo lines up with the original.

    >>> filter_image(np.ones((4, 4)), preset("identity")).shape
    (4, 4)
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(f"the kernel must be square with an odd size, got shape {kernel.shape}")
    if image.ndim != 2:
        raise ValueError(f"filter_image takes a gray (H, W) image, got shape {image.shape}")
    padding = kernel.shape[0] // 2
    # (1, 1, H, W) * (1, 1, k, k) -> (1, 1, H, W): one image, one channel, one filter
    return conv2d(image[None, None].astype(float), kernel[None, None], padding=padding)[0, 0]

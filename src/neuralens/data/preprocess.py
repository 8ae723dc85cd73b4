"""Turn any picture of a digit into an MNIST digit: 28x28, light ink on black, centred.

MNIST's own recipe (LeCun et al. 1998): each handwritten digit was scaled to fit a
20x20 box, keeping its aspect ratio and anti-aliased, then placed in a 28x28 image
so that its centre of mass sits at the centre. A drawing must go through the same
steps before an MNIST model sees it, else the pixels (the features) mean something else.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from skimage.exposure import rescale_intensity
from skimage.util import img_as_float

MNIST_SIZE = 28  # side of an MNIST image
MNIST_BOX = 20  # side of the box each digit was scaled to fit
INK_LEVELS = ("auto", "dark", "light")


def to_unit_range(image: np.ndarray) -> np.ndarray:
    """Pixel values as float64 in [0, 1], whatever their type: rescaled, never clipped.

    Unsigned integers span their type's range (8-bit / 255, 16-bit / 65535:
    scikit-image's ``img_as_float``); other numbers already in [0, 1] stay; numbers in
    [0, 255] are 8-bit values as floats; anything else is stretched from its own
    minimum to maximum (``rescale_intensity``).

    >>> to_unit_range(np.array([0, 32768, 65535], dtype=np.uint16)).round(3).tolist()
    [0.0, 0.5, 1.0]
    >>> to_unit_range(np.array([0.0, 0.25, 1.0], dtype=np.float32)).tolist()
    [0.0, 0.25, 1.0]
    """
    image = np.asarray(image)
    if image.dtype == bool or np.issubdtype(image.dtype, np.unsignedinteger):
        return img_as_float(image).astype(np.float64)
    values = image.astype(np.float64)
    if values.size == 0:
        return values
    if not np.isfinite(values).all():
        raise ValueError("the image holds values that are not finite numbers (NaN or infinity)")
    low, high = values.min(), values.max()
    if low >= 0 and high <= 1:
        return values
    if low >= 0 and high <= 255:
        return values / 255.0
    return rescale_intensity(values, in_range=(low, high), out_range=(0.0, 1.0))


def ink_image(image: np.ndarray, ink: str = "auto") -> np.ndarray:
    """The ink of a gray, RGB or RGBA picture as floats in [0, 1] (1 = full ink), shape (H, W).

    ``ink="dark"`` means dark strokes on a light page (a sketchpad, a scan), ``"light"``
    light strokes on black (MNIST itself); ``"auto"`` looks at the border: the page is
    whatever colour the border mostly has. Transparent RGBA pixels count as white paper.

    >>> page = np.full((4, 4), 255, dtype=np.uint8); page[1:3, 2] = 0
    >>> ink_image(page)[:, 2].tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    if ink not in INK_LEVELS:
        raise ValueError(f"ink must be one of {INK_LEVELS}, got {ink!r}")
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise ValueError(f"expected a (H, W), (H, W, 3) or (H, W, 4) image, got {image.shape}")
    if image.dtype == np.uint8:  # a sketch or a photo: float32 halves the work (same digit)
        pixels = image.astype(np.float32) * np.float32(1 / 255)
    else:
        pixels = to_unit_range(image)  # 16-bit and float pictures alike
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        alpha = pixels[..., 3:]
        pixels = pixels[..., :3] * alpha + (1.0 - alpha)  # composite over white paper
    gray = pixels.mean(axis=2) if pixels.ndim == 3 else pixels
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    dark_ink = ink == "dark" or (ink == "auto" and np.median(border) > 0.5)
    return np.clip(1.0 - gray if dark_ink else gray, 0.0, 1.0)


def crop_to_ink(ink: np.ndarray, threshold: float = 0.1) -> np.ndarray:
    """The smallest rectangle holding every pixel with more than ``threshold`` of the max ink.

    >>> crop_to_ink(np.pad(np.ones((2, 3)), 2)).shape
    (2, 3)
    """
    rows, cols = np.nonzero(ink > threshold * ink.max(initial=0))
    if len(rows) == 0:
        return ink[:0, :0]
    return ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def fit_in_box(patch: np.ndarray, box: int = MNIST_BOX) -> np.ndarray:
    """Scale ``patch`` so its longer side is ``box`` pixels, keeping its aspect ratio.

    Box filtering averages every source pixel that falls in a target pixel: the
    anti-aliasing MNIST used, so thin strokes turn gray instead of vanishing.

    >>> fit_in_box(np.ones((100, 50))).shape
    (20, 10)
    """
    height, width = patch.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))  # PIL wants (W, H)
    resized = Image.fromarray(patch.astype(np.float32)).resize(size, Image.Resampling.BOX)
    return np.asarray(resized, dtype=np.float64)


def centre_by_mass(patch: np.ndarray, size: int = MNIST_SIZE) -> np.ndarray:
    """Place ``patch`` in a ``size`` x ``size`` black image with its centre of mass at the centre.

    The shift is clipped so the whole patch stays inside the image.

    >>> image = centre_by_mass(np.ones((2, 2)), size=6)
    >>> np.argwhere(image).tolist()
    [[2, 2], [2, 3], [3, 2], [3, 3]]
    """
    height, width = patch.shape
    if height > size or width > size:
        raise ValueError(f"a {patch.shape} patch does not fit in a {size}x{size} image")
    image = np.zeros((size, size))
    total = patch.sum()
    if total <= 0:
        return image
    rows, cols = np.indices(patch.shape)
    centre_row, centre_col = (rows * patch).sum() / total, (cols * patch).sum() / total
    # MNIST's digits have their centre of mass at pixel index size / 2 = 14 (measured: 14.00)
    top = int(np.clip(round(size / 2 - centre_row), 0, size - height))
    left = int(np.clip(round(size / 2 - centre_col), 0, size - width))
    image[top : top + height, left : left + width] = patch
    return image


def to_mnist(image: np.ndarray, ink: str = "auto") -> np.ndarray:
    """A picture of one digit -> an MNIST-like ``uint8`` (28, 28): 0 = background, 255 = ink.

    Steps: find the ink, crop to it, scale into a 20x20 box, centre by mass in
    28x28, stretch so the strongest ink is 255. An empty picture gives all zeros.

    >>> page = np.full((200, 200), 255, dtype=np.uint8); page[20:180, 95:105] = 0  # a "1"
    >>> digit = to_mnist(page)
    >>> digit.shape, digit.dtype, int(digit.max())
    ((28, 28), dtype('uint8'), 255)
    >>> np.nonzero(digit.any(axis=1))[0][[0, -1]].tolist()  # 20 rows tall, centred
    [4, 23]
    """
    patch = crop_to_ink(ink_image(image, ink))
    if patch.size == 0 or patch.max() <= 0:
        return np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.uint8)
    digit = centre_by_mass(fit_in_box(patch))
    return np.round(digit / digit.max() * 255).astype(np.uint8)

"""A synthetic *shapes* dataset for the detection and segmentation chapters.

Each image shows one to a few disks, rectangles and triangles on a textured,
noisy background. Every answer the four vision tasks ask for is known exactly:
the class of each object (classification), its box (detection), a class per
pixel (semantic segmentation) and a mask per object (instance segmentation).

With ``overlap=True`` objects may touch and overlap: a later object hides the
part of an earlier one it covers, each instance mask is the *visible* part and
each box the visible extent. Then instance segmentation is more than finding
connected blobs: two touching disks are one blob but two objects. No object is
hidden beyond ``min_visible`` of its own area (a placement that would is redrawn).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skimage import draw

SHAPE_CLASSES = ("disk", "rectangle", "triangle")  # class id = position; 0 in masks is background


@dataclass
class Shapes:
    """A batch of shape images and their ground truth; object slots beyond ``counts`` are padding.

    images: uint8 (N, H, W, 3); labels: int64 (N, K), -1 = no object; boxes: float32 (N, K, 4)
    as (x0, y0, x1, y1) pixel edges; semantic: uint8 (N, H, W), 0 background, 1 + class id;
    instances: bool (N, K, H, W); counts: int64 (N,) objects per image.
    """

    images: np.ndarray
    labels: np.ndarray
    boxes: np.ndarray
    semantic: np.ndarray
    instances: np.ndarray
    counts: np.ndarray

    def __len__(self) -> int:
        return len(self.images)

    def take(self, index) -> Shapes:
        """The scenes at ``index`` (a slice, integers or a boolean mask), all fields alike."""
        fields = (self.images, self.labels, self.boxes, self.semantic, self.instances, self.counts)
        return Shapes(*(np.asarray(field)[index] for field in fields))


def _backgrounds(rng: np.random.Generator, n: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Smooth colour gradients plus pixel noise, all images at once.

    Returns the images, float32 (N, H, W, 3), and each one's mean colour (N, 3).
    """
    ramp = np.linspace(-25.0, 25.0, size, dtype=np.float32)  # zero mean: the colour stays `base`
    direction = rng.standard_normal((n, 2, 1, 1, 1), dtype=np.float32)
    base = rng.uniform(40, 160, size=(n, 3)).astype(np.float32)
    # uniform integer noise in [-20, 20] (std ~12): cheaper to draw than Gaussian noise
    images = rng.integers(-20, 21, size=(n, size, size, 3), dtype=np.int8).astype(np.float32)
    images += base[:, None, None, :]
    images += direction[:, 0] * ramp[None, :, None, None]
    images += direction[:, 1] * ramp[None, None, :, None]
    return images, base


def _object_mask(rng: np.random.Generator, kind: int, box: tuple[int, int, int], size: int):
    """Pixels of one shape inside the square (row, col, side)."""
    row, col, side = box
    mask = np.zeros((size, size), dtype=bool)
    if kind == 0:
        rr, cc = draw.disk((row + side / 2, col + side / 2), side / 2, shape=mask.shape)
    elif kind == 1:
        height = rng.integers(side // 2, side + 1)
        rr, cc = draw.rectangle((row, col), extent=(height, side), shape=mask.shape)
    else:
        rr, cc = draw.polygon(
            [row + side, row + side, row], [col, col + side, col + side / 2], shape=mask.shape
        )
    mask[rr, cc] = True
    return mask


def _place(rng: np.random.Generator, taken: list, size: int) -> tuple[int, int, int] | None:
    """A random square that keeps a 2-pixel gap from the squares already taken."""
    for _ in range(20):
        side = int(rng.integers(size // 6, size // 2.5))
        row, col = (int(v) for v in rng.integers(1, size - side - 1, size=2))
        if all(
            row + side + 2 <= r or r + s + 2 <= row or col + side + 2 <= c or c + s + 2 <= col
            for r, c, s in taken
        ):
            return row, col, side
    return None


def _place_overlapping(
    rng: np.random.Generator,
    kind: int,
    full_masks: list,
    visible: np.ndarray,
    size: int,
    min_visible: float,
) -> np.ndarray | None:
    """A shape's mask, anywhere, that leaves every earlier object >= ``min_visible`` visible.

    ``visible`` is bool (K, H, W): what is still seen of each earlier object.
    """
    for _ in range(20):
        side = int(rng.integers(size // 6, size // 2.5))
        row, col = (int(v) for v in rng.integers(1, size - side - 1, size=2))
        mask = _object_mask(rng, kind, (row, col, side), size)
        left = (visible & ~mask).sum(axis=(1, 2))  # (K,) pixels still seen of each earlier one
        if all(left[k] >= min_visible * full.sum() for k, full in enumerate(full_masks)):
            return mask
    return None


def _check_arguments(n: int, size: int, min_objects: int, max_objects: int, min_visible: float):
    if n < 0 or size < 16:
        raise ValueError(f"make_shapes needs n >= 0 and size >= 16, got n={n}, size={size}")
    if not 1 <= min_objects <= max_objects:
        raise ValueError(f"need 1 <= min_objects <= max_objects, got {min_objects}, {max_objects}")
    if not 0 < min_visible <= 1:
        raise ValueError(f"min_visible is a fraction in (0, 1], got {min_visible}")


def make_shapes(
    n: int,
    size: int = 64,
    seed: int = 0,
    min_objects: int = 1,
    max_objects: int = 3,
    overlap: bool = False,
    min_visible: float = 0.5,
) -> Shapes:
    """Draw ``n`` images of ``size`` x ``size`` pixels; the same ``seed`` gives the same data.

    ``overlap=True`` lets objects touch and overlap (later ones in front); every
    object keeps at least ``min_visible`` of its area in view.

    >>> data = make_shapes(4, size=32, seed=1)
    >>> data.images.shape, data.instances.shape
    ((4, 32, 32, 3), (4, 3, 32, 32))
    >>> scenes = make_shapes(200, seed=0, overlap=True)
    >>> bool((scenes.instances.sum(axis=1) <= 1).all())  # each pixel shows one object
    True
    """
    _check_arguments(n, size, min_objects, max_objects, min_visible)
    if overlap:
        return _make_overlapping(n, size, seed, min_objects, max_objects, min_visible)
    rng = np.random.default_rng(seed)
    images, background_means = _backgrounds(rng, n, size)
    labels = np.full((n, max_objects), -1, dtype=np.int64)
    boxes = np.zeros((n, max_objects, 4), dtype=np.float32)
    semantic = np.zeros((n, size, size), dtype=np.uint8)
    instances = np.zeros((n, max_objects, size, size), dtype=bool)
    counts = np.zeros(n, dtype=np.int64)
    for i in range(n):
        taken: list[tuple[int, int, int]] = []
        for k in range(int(rng.integers(min_objects, max_objects + 1))):
            square = _place(rng, taken, size)
            if square is None:
                break
            taken.append(square)
            kind = int(rng.integers(len(SHAPE_CLASSES)))
            mask = _object_mask(rng, kind, square, size)
            rows, cols = np.nonzero(mask)
            # a colour far from the background, so every object is visible
            dark, light = rng.uniform(0, 60, 3), rng.uniform(190, 255, 3)
            colour = np.where(background_means[i] > 128, dark, light)
            images[i][mask] = colour + rng.normal(0.0, 8.0, size=(len(rows), 3))
            labels[i, k] = kind
            boxes[i, k] = (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)
            semantic[i][mask] = kind + 1
            instances[i, k] = mask
            counts[i] = k + 1
    images = np.clip(images, 0, 255, out=images).astype(np.uint8)
    return Shapes(images, labels, boxes, semantic, instances, counts)


def _make_overlapping(
    n: int, size: int, seed: int, min_objects: int, max_objects: int, min_visible: float
) -> Shapes:
    """``make_shapes(overlap=True)``: objects painted back to front, masks = visible parts."""
    rng = np.random.default_rng(seed)
    images, background_means = _backgrounds(rng, n, size)
    labels = np.full((n, max_objects), -1, dtype=np.int64)
    instances = np.zeros((n, max_objects, size, size), dtype=bool)
    for i in range(n):
        full_masks: list[np.ndarray] = []
        for _ in range(int(rng.integers(min_objects, max_objects + 1))):
            kind = int(rng.integers(len(SHAPE_CLASSES)))
            k = len(full_masks)
            mask = _place_overlapping(rng, kind, full_masks, instances[i, :k], size, min_visible)
            if mask is None:
                continue
            instances[i, :k] &= ~mask  # the new object hides what it covers
            instances[i, k] = mask
            full_masks.append(mask)
            labels[i, k] = kind
            dark, light = rng.uniform(0, 60, 3), rng.uniform(190, 255, 3)
            colour = np.where(background_means[i] > 128, dark, light)
            images[i][mask] = colour + rng.normal(0.0, 8.0, size=(int(mask.sum()), 3))
    counts = (labels >= 0).sum(axis=1)
    semantic = np.zeros((n, size, size), dtype=np.uint8)
    boxes = np.zeros((n, max_objects, 4), dtype=np.float32)
    for i, k in zip(*np.nonzero(labels >= 0), strict=True):
        semantic[i][instances[i, k]] = labels[i, k] + 1
        boxes[i, k] = mask_box(instances[i, k])
    images = np.clip(images, 0, 255, out=images).astype(np.uint8)
    return Shapes(images, labels, boxes, semantic, instances, counts.astype(np.int64))


def mask_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) of pixel edges around a mask's True pixels.

    >>> mask_box(np.array([[0, 0, 0], [0, 1, 1], [0, 0, 0]], dtype=bool))
    (1, 1, 3, 2)
    """
    rows, cols = np.nonzero(mask)
    if len(rows) == 0:
        raise ValueError("an empty mask has no box")
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1

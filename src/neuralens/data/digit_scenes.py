"""Digit scenes: two to five real MNIST digits scattered on a larger canvas.

The same four questions as the shapes, asked of handwriting: which digits are
there, where (boxes), which pixels belong to which digit (an 11-class semantic
mask: background + the ten digits) and to which copy (instance masks). Training
scenes are cut from MNIST's training digits and test scenes from its test digits,
so a model is scored on handwriting it never saw.

Each digit is tinted a random bright colour and pasted over a dark noisy
background; later digits cover earlier ones where their ink overlaps, masks are
the *visible* ink and boxes its extent. The mini MNIST bundled with the package
works offline; ``size="full"`` reads the full files (``$NEURALENS_DATA``).
"""

from __future__ import annotations

import numpy as np

from neuralens.data.mnist import DIGIT_CLASSES, load_mnist
from neuralens.data.shapes import Shapes, mask_box

DIGIT_SCENE_CLASSES = DIGIT_CLASSES  # class id = the digit; 0 in masks is background
INK_THRESHOLD = 96  # MNIST pixel value (0-255) from which a pixel counts as ink


def _paste_digits(
    rng: np.random.Generator, digits: np.ndarray, canvas: int, count: int, min_visible: float
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Positions and ink of ``count`` digits; a digit hiding too much of an earlier one is moved.

    Returns (index into ``digits``, ink alpha float (H, W), visible ink bool (H, W))
    per digit, back to front; a digit with no free place after 20 tries is left out.
    """
    side = digits.shape[-1]
    placed: list[tuple[int, np.ndarray, np.ndarray]] = []
    full_ink: list[int] = []  # ink pixels of each placed digit before anything covered it
    for _ in range(count):
        index = int(rng.integers(len(digits)))
        for _ in range(20):
            row, col = (int(v) for v in rng.integers(0, canvas - side + 1, size=2))
            alpha = np.zeros((canvas, canvas), dtype=np.float32)
            alpha[row : row + side, col : col + side] = digits[index] / 255.0
            ink = alpha >= INK_THRESHOLD / 255.0
            if all(
                (seen & ~ink).sum() >= min_visible * full
                for (_, _, seen), full in zip(placed, full_ink, strict=True)
            ):
                placed = [(i, a, seen & ~ink) for i, a, seen in placed]
                placed.append((index, alpha, ink))
                full_ink.append(int(ink.sum()))
                break
    return placed


def make_digit_scenes(
    n: int,
    split: str = "train",
    canvas: int = 96,
    seed: int = 0,
    min_digits: int = 2,
    max_digits: int = 5,
    min_visible: float = 0.5,
    size: str = "mini",
) -> Shapes:
    """``n`` scenes of ``canvas`` x ``canvas`` pixels from MNIST's ``split`` digits.

    Returns a ``Shapes`` batch: images uint8 (N, H, W, 3); labels (N, K) the digits,
    -1 = padding; boxes (N, K, 4) xyxy pixel edges of the visible ink; semantic
    uint8 (N, H, W), 0 background, 1 + digit; instances bool (N, K, H, W).

    >>> scenes = make_digit_scenes(3, split="test", seed=0)
    >>> scenes.images.shape, int(scenes.semantic.max()) <= 10, bool((scenes.counts >= 2).all())
    ((3, 96, 96, 3), True, True)
    """
    if n < 0 or canvas < 32:
        raise ValueError(f"digit scenes need n >= 0 and canvas >= 32, got n={n}, canvas={canvas}")
    if not 1 <= min_digits <= max_digits:
        raise ValueError(f"need 1 <= min_digits <= max_digits, got {min_digits}, {max_digits}")
    digits, digit_labels = load_mnist(split, size)
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 40, size=(n, canvas, canvas, 1), dtype=np.uint8)
    images = np.repeat(noise, 3, axis=3).astype(np.float32)  # (N, H, W, 3) dark gray noise
    labels = np.full((n, max_digits), -1, dtype=np.int64)
    instances = np.zeros((n, max_digits, canvas, canvas), dtype=bool)
    semantic = np.zeros((n, canvas, canvas), dtype=np.uint8)
    boxes = np.zeros((n, max_digits, 4), dtype=np.float32)
    for i in range(n):
        count = int(rng.integers(min_digits, max_digits + 1))
        for k, (index, alpha, visible) in enumerate(
            _paste_digits(rng, digits, canvas, count, min_visible)
        ):
            colour = rng.uniform(140, 255, size=3).astype(np.float32)
            images[i] = images[i] * (1 - alpha[..., None]) + colour * alpha[..., None]
            labels[i, k] = digit_labels[index]
            instances[i, k] = visible
        for k in np.flatnonzero(labels[i] >= 0):
            semantic[i][instances[i, k]] = labels[i, k] + 1
            boxes[i, k] = mask_box(instances[i, k])
    counts = (labels >= 0).sum(axis=1).astype(np.int64)
    return Shapes(images.round().astype(np.uint8), labels, boxes, semantic, instances, counts)

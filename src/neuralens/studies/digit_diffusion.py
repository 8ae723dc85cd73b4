"""Draw and repaint digits with a trained noise predictor: what the CLI, explorer and lesson call.

Wraps :mod:`neuralens.diffusion` for 28x28 gray digits: checks the prompt, steps and
guidance once, seeds the sampler, and hands back uint8 pictures (0 = background, 255 =
ink, as MNIST). Pictures from elsewhere become digit-sized by one stated rule
(:func:`prepare_digit_image`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from neuralens import diffusion

DIGITS = tuple(range(10))
IMAGE_SIZE = 28
MIN_SIDE = 8  # smaller pictures hold too little of a digit to resize
MAX_ASPECT = 2.0  # wider (or taller) than 2:1 is not a digit picture


def check_digit(digit: int) -> int:
    """The prompt as an int 0-9; anything else is a ValueError naming the choices."""
    if isinstance(digit, bool) or not isinstance(digit, int | np.integer) or digit not in DIGITS:
        raise ValueError(f"digit must be one of 0-9 (the prompt), got {digit!r}")
    return int(digit)


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """(N, 1, H, W) images in [-1, 1] -> uint8 (N, H, W), 0 = background."""
    return (diffusion.from_model_range(x)[:, 0] * 255).round().to(torch.uint8).numpy()


@dataclass
class Frame:
    """One sampling step as pictures: x_t after the step and the predicted clean x0_hat."""

    index: int
    num_steps: int
    t: int
    x: np.ndarray  # uint8 (N, 28, 28)
    x0_hat: np.ndarray  # uint8 (N, 28, 28)


def generate_frames(
    model,
    schedule: diffusion.Schedule,
    digit: int,
    n: int = 1,
    steps: int = 20,
    guidance: float = 3.0,
    seed: int = 0,
    known: np.ndarray | None = None,
    regenerate: np.ndarray | None = None,
    resample: int = 1,
) -> Iterator[Frame]:
    """Sample ``n`` pictures of ``digit``, yielding every step as uint8 pictures.

    ``known`` (28, 28) float in [0, 1] and ``regenerate`` (28, 28) bool (True = paint
    anew) turn it into inpainting: the other pixels are kept exactly.
    """
    digit = check_digit(digit)
    if n < 1:
        raise ValueError(f"n (pictures) must be at least 1, got {n}")
    options = {}
    if known is not None:
        kept = ~torch.as_tensor(np.asarray(regenerate, dtype=bool))
        options = {
            "known": diffusion.to_model_range(torch.as_tensor(known, dtype=torch.float32))[
                None, None
            ],  # (1, 1, 28, 28)
            "known_mask": kept[None, None],
            "resample": resample,
        }
    y = torch.full((n,), digit, dtype=torch.int64)
    generator = torch.Generator().manual_seed(seed)
    for step in diffusion.sample_steps(
        model, schedule, y, num_steps=steps, guidance=guidance, generator=generator,
        image_shape=(1, IMAGE_SIZE, IMAGE_SIZE), **options,
    ):  # fmt: skip
        yield Frame(step.index, step.num_steps, step.t, to_uint8(step.x), to_uint8(step.x0_hat))


def generate(model, schedule: diffusion.Schedule, digit: int, **options) -> np.ndarray:
    """The final uint8 pictures (n, 28, 28) of :func:`generate_frames` (same arguments)."""
    *_, last = generate_frames(model, schedule, digit, **options)
    return last.x


def prepare_digit_image(picture: np.ndarray) -> np.ndarray:
    """Any gray or colour picture -> a 28x28 float digit in [0, 1], white ink on black.

    The rule: colour (H, W, 3 or 4) becomes gray as the mean of its colour channels
    (transparent pixels count as white paper); a picture whose border is mostly light
    (dark ink on white paper) is inverted, since MNIST digits are light on a black
    background; then it is resized to 28x28 (bilinear, with antialiasing). Pictures
    smaller than 8x8 or wider/taller than 2:1 are refused.

    >>> float(prepare_digit_image(np.full((56, 56), 255, dtype=np.uint8)).max())  # blank paper
    0.0
    """
    from PIL import Image

    array = np.asarray(picture)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        gray = array[..., :3].astype(np.float64).mean(axis=2)
        if array.shape[2] == 4:  # transparent = white paper
            alpha = array[..., 3].astype(np.float64) / 255
            gray = gray * alpha + 255 * (1 - alpha)
        array = gray
    if array.ndim != 2:
        raise ValueError(
            "the image must be a gray (H, W) or colour (H, W, 3/4) picture, got shape "
            f"{tuple(np.shape(picture))}"
        )
    height, width = array.shape
    if min(height, width) < MIN_SIDE or max(height, width) / min(height, width) > MAX_ASPECT:
        raise ValueError(
            f"the image must be a digit-sized picture: at least {MIN_SIDE}x{MIN_SIDE} pixels "
            f"and at most {MAX_ASPECT:g}:1; got {height}x{width}"
        )
    array = array.astype(np.float64)
    scale = 255.0 if array.max() > 1 else 1.0
    array = array / scale  # [0, 1]
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    if border.mean() > 0.5:  # dark ink on light paper: invert to MNIST's light on black
        array = 1 - array
    resized = Image.fromarray((array * 255).astype(np.uint8)).resize(
        (IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR
    )
    return np.asarray(resized, dtype=np.float32) / 255


def prepare_mask(mask: np.ndarray, image_shape: tuple[int, ...]) -> np.ndarray:
    """A mask picture (same height and width as the image) -> bool (28, 28), True = repaint.

    Light pixels (> half the range) mark the region to regenerate; the rest is kept.
    """
    array = np.asarray(mask)
    if array.ndim == 3:
        array = array[..., :3].mean(axis=2)
    if array.shape != tuple(image_shape[:2]):
        raise ValueError(
            f"the mask must have the image's height and width {tuple(image_shape[:2])}, "
            f"got {array.shape}"
        )
    from PIL import Image

    array = array.astype(np.float64)
    light = array > (127.5 if array.max() > 1 else 0.5)
    resized = Image.fromarray(light.astype(np.uint8) * 255).resize(
        (IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR
    )
    regenerate = np.asarray(resized) > 127
    if not regenerate.any():
        raise ValueError("the mask marks nothing to regenerate (paint the region in white)")
    return regenerate


def tile(images: np.ndarray, columns: int | None = None, gap: int = 2) -> np.ndarray:
    """uint8 (N, H, W) pictures -> one uint8 grid picture, ``gap`` pixels between them.

    >>> tile(np.zeros((3, 2, 2), dtype=np.uint8), columns=2, gap=1).shape
    (5, 5)
    """
    N, H, W = images.shape
    columns = columns or int(np.ceil(np.sqrt(N)))
    rows = -(-N // columns)
    grid = np.full((rows * (H + gap) - gap, columns * (W + gap) - gap), 128, dtype=np.uint8)
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        grid[r * (H + gap) : r * (H + gap) + H, c * (W + gap) : c * (W + gap) + W] = image
    return grid

"""Digits MNIST never saw: rendered from the fonts matplotlib ships, and sketchpad-like strokes.

A check of how the classifiers fare on other hands than MNIST's writers. Each digit is
drawn white on black at 96 x 96 (a DejaVu font, Sans, Serif or Mono, upright, bold or
italic; or a few pen strokes like a sketchpad drawing), rotated, thickened or thinned,
then centred exactly as a drawing is (:func:`neuralens.data.preprocess.to_mnist`).
The fonts are found in matplotlib's data folder without importing matplotlib.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from neuralens.data.preprocess import to_mnist

FONT_FILES = tuple(
    f"DejaVu{family}{style}.ttf"
    for family in ("Sans", "Serif", "SansMono")
    for style in ("", "-Bold", "-Oblique" if family != "Serif" else "-Italic",
                  "-BoldOblique" if family != "Serif" else "-BoldItalic")
)  # fmt: skip
CANVAS = 96  # pixels per side of the drawing before it is centred into 28 x 28
# each digit as pen strokes, in canvas fractions (x right, y down): what a mouse draws
STROKES = {
    0: [[(0.5 + 0.22 * np.sin(a), 0.5 - 0.38 * np.cos(a)) for a in np.linspace(0, 6.4, 24)]],
    1: [[(0.36, 0.26), (0.52, 0.1), (0.52, 0.9)]],
    2: [[(0.25, 0.3), (0.35, 0.15), (0.55, 0.1), (0.72, 0.2), (0.72, 0.38), (0.25, 0.9),
         (0.78, 0.9)]],
    3: [[(0.25, 0.15), (0.6, 0.1), (0.72, 0.25), (0.55, 0.45), (0.4, 0.48)],
        [(0.55, 0.48), (0.75, 0.65), (0.65, 0.88), (0.25, 0.88)]],
    4: [[(0.62, 0.9), (0.62, 0.1), (0.2, 0.65), (0.8, 0.65)]],
    5: [[(0.72, 0.1), (0.3, 0.1), (0.27, 0.45), (0.55, 0.42), (0.74, 0.6), (0.68, 0.85),
         (0.28, 0.88)]],
    6: [[(0.65, 0.1), (0.35, 0.4), (0.27, 0.7), (0.4, 0.9), (0.65, 0.88), (0.72, 0.68),
         (0.55, 0.52), (0.3, 0.6)]],
    7: [[(0.22, 0.12), (0.78, 0.12), (0.42, 0.9)]],
    8: [[(0.5 + 0.19 * np.sin(a), 0.3 - 0.18 * np.cos(a)) for a in np.linspace(0, 6.4, 16)],
        [(0.5 + 0.24 * np.sin(a), 0.7 + 0.2 * np.cos(a)) for a in np.linspace(0, 6.4, 16)]],
    9: [[(0.7 + 0.2 * (np.cos(a) - 1), 0.32 + 0.2 * np.sin(a)) for a in np.linspace(0, 6.4, 16)],
        [(0.7, 0.32), (0.62, 0.9)]],
}  # fmt: skip


@dataclass(frozen=True)
class FontDigitsConfig:
    """How many digits, and how much they vary."""

    per_class: int = 100  # digits of each class 0-9
    sketch_fraction: float = 0.25  # share drawn as pen strokes instead of a font
    max_rotation: float = 15.0  # degrees either way
    font_sizes: tuple[int, int] = (48, 80)  # pixels, on the 96 x 96 canvas
    pen_widths: tuple[int, int] = (5, 11)  # sketch stroke widths, pixels on the canvas
    seed: int = 0


def font_folder() -> Path:
    """matplotlib's bundled TrueType fonts (found, not imported: no pyplot, no matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("matplotlib is not installed: its DejaVu fonts draw the font digits")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def font_digit(digit: int, font: Path, size: int) -> Image.Image:
    """One digit in one font, white on black, centred on the canvas."""
    picture = Image.new("L", (CANVAS, CANVAS), 0)
    typeface = ImageFont.truetype(str(font), size)
    ImageDraw.Draw(picture).text((CANVAS / 2, CANVAS / 2), str(digit), fill=255, font=typeface,
                                 anchor="mm")  # fmt: skip
    return picture


def sketch_digit(digit: int, width: int, rng: np.random.Generator) -> Image.Image:
    """One digit as jittered pen strokes, white on black, like a sketchpad drawing."""
    picture = Image.new("L", (CANVAS, CANVAS), 0)
    pen = ImageDraw.Draw(picture)
    for stroke in STROKES[digit]:
        points = np.asarray(stroke) + rng.normal(0, 0.02, size=(len(stroke), 2))
        pen.line([tuple(p) for p in points * CANVAS], fill=255, width=width, joint="curve")
    return picture


def vary(picture: Image.Image, config: FontDigitsConfig, rng: np.random.Generator) -> np.ndarray:
    """Rotate, then thicken (max filter) or thin (min filter) the strokes: (28, 28) uint8."""
    angle = rng.uniform(-config.max_rotation, config.max_rotation)
    picture = picture.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
    change = rng.choice(["thicker", "same", "thinner"], p=[0.4, 0.4, 0.2])
    if change == "thicker":
        picture = picture.filter(ImageFilter.MaxFilter(int(rng.choice([3, 5]))))
    elif change == "thinner":
        picture = picture.filter(ImageFilter.MinFilter(3))
    return to_mnist(np.asarray(picture), ink="light")


def make_font_digits(config: FontDigitsConfig | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` digits of each class, shuffled: images (N, 28, 28) uint8, labels (N,) int64.

    >>> images, labels = make_font_digits(FontDigitsConfig(per_class=2))
    >>> images.shape, images.dtype, np.bincount(labels).tolist()
    ((20, 28, 28), dtype('uint8'), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    """
    config = config or FontDigitsConfig()
    if config.per_class < 1:
        raise ValueError(f"per_class must be at least 1; got {config.per_class}")
    fonts = [font_folder() / name for name in FONT_FILES]
    missing = [font.name for font in fonts if not font.exists()]
    if missing:
        raise ValueError(f"matplotlib's fonts are missing: {', '.join(missing)}")
    rng = np.random.default_rng(config.seed)
    labels = rng.permutation(np.repeat(np.arange(10), config.per_class))
    images = np.empty((labels.size, 28, 28), dtype=np.uint8)
    for i, digit in enumerate(labels):
        if rng.random() < config.sketch_fraction:
            picture = sketch_digit(int(digit), int(rng.integers(*config.pen_widths)), rng)
        else:
            size = int(rng.integers(*config.font_sizes))
            picture = font_digit(int(digit), fonts[rng.integers(len(fonts))], size)
        images[i] = vary(picture, config, rng)
    return images, labels.astype(np.int64)

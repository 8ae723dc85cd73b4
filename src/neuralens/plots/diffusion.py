"""Figures of diffusion: noising over t, the denoising trajectory, samples, guidance, inpainting.

Every picture is a 28x28 digit, uint8 (0 = background) or float in [0, 1], shown light
ink on black as MNIST stores it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from neuralens.plots.style import image_axes, new_figure


def _unit(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    return image / 255 if image.max() > 1.0 + 1e-6 else np.clip(image, 0, 1)


def plot_image_rows(
    rows: Sequence[tuple[str, Sequence[np.ndarray]]],
    titles: Sequence[str] | None = None,
    cell: float = 0.9,
) -> Figure:
    """Rows of pictures, each row labelled on its left, columns titled on the first row."""
    columns = max(len(images) for _, images in rows)
    fig = new_figure(figsize=(cell * columns + 1.2, cell * len(rows) + 0.3))
    axes = fig.subplots(len(rows), columns, squeeze=False)
    for r, (label, images) in enumerate(rows):
        for c, ax in enumerate(axes[r]):
            image_axes(ax)
            ax.set_frame_on(False)
            if c < len(images):
                ax.imshow(_unit(images[c]), cmap="gray", vmin=0, vmax=1)
            if r == 0 and titles is not None and c < len(titles):
                ax.set_title(titles[c], fontsize=7, pad=2)
        axes[r][0].set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    return fig


def plot_noising(images: Sequence[np.ndarray], steps: Sequence[int]) -> Figure:
    """One image noised to each step t in closed form (q(x_t | x_0), Ho et al. eq. 4)."""
    return plot_image_rows([("x_t", images)], [f"t = {t}" for t in steps])


def plot_trajectory(
    x: Sequence[np.ndarray], x0_hat: Sequence[np.ndarray], steps: Sequence[int]
) -> Figure:
    """The sampler's x_t (top) and the clean image it predicts, x0_hat (bottom), per step."""
    return plot_image_rows([("x_t", x), ("x0_hat", x0_hat)], [f"t = {t}" for t in steps])


def trajectory_frames(
    x: Sequence[np.ndarray], x0_hat: Sequence[np.ndarray], scale: int = 4
) -> list[np.ndarray]:
    """GIF frames (H, W, 3) uint8: x_t beside x0_hat, each enlarged ``scale`` times."""
    frames = []
    for image, predicted in zip(x, x0_hat, strict=True):
        pair = [np.kron(_unit(p), np.ones((scale, scale))) for p in (image, predicted)]
        gap = np.full((pair[0].shape[0], scale * 2), 0.5)
        row = (np.concatenate([pair[0], gap, pair[1]], axis=1) * 255).astype(np.uint8)
        frames.append(np.repeat(row[:, :, None], 3, axis=2))
    return frames


def plot_samples_per_digit(samples: Mapping[int, np.ndarray]) -> Figure:
    """One row of samples per prompt digit."""
    return plot_image_rows([(f"digit {digit}", images) for digit, images in samples.items()])


def plot_guidance(samples: Mapping[float, np.ndarray], digit: int) -> Figure:
    """The same starting noise drawn at several guidance scales (one row per scale)."""
    return plot_image_rows(
        [(f"s = {scale:g}", images) for scale, images in samples.items()],
        [f"digit {digit}"],
    )


def plot_inpainting(
    original: np.ndarray, regenerate: np.ndarray, results: Mapping[int, np.ndarray]
) -> Figure:
    """The original, the region to regenerate (red), and results for each prompt digit."""
    shown = np.repeat(_unit(original)[:, :, None], 3, axis=2)
    shown[regenerate] = 0.5 * shown[regenerate] + 0.5 * np.array([0.9, 0.1, 0.1])
    rows = [("original", [original, shown])]
    rows += [(f"prompt {digit}", images) for digit, images in results.items()]
    return plot_image_rows(rows, ["picture", "repaint (red)"])

"""Figures of the latent space: reconstructions, the 2-D map, the manifold, strips, samples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from neuralens.plots.style import CLASS_COLORS, image_axes, new_axes, new_figure


def tile(images: np.ndarray, gap: int = 2, fill: float = 1.0) -> np.ndarray:
    """A (rows, columns, H, W) stack as one image with ``gap`` pixels of ``fill`` between.

    >>> tile(np.zeros((2, 3, 4, 4))).shape, tile(np.zeros((2, 3, 4, 4)), gap=0).shape
    ((10, 16), (8, 12))
    """
    rows, columns, height, width = images.shape
    padded = np.pad(images.astype(float), ((0, 0), (0, 0), (0, gap), (0, gap)),
                    constant_values=fill)  # fmt: skip
    mosaic = padded.transpose(0, 2, 1, 3).reshape(rows * (height + gap), columns * (width + gap))
    return mosaic[: mosaic.shape[0] - gap, : mosaic.shape[1] - gap]  # no gap after the last


def plot_reconstructions(
    originals: np.ndarray, rows: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> Figure:
    """Originals on top, then one row per method (name -> (images, errors per image)).

    Each cell is titled with its mean squared error per pixel; each row's label holds
    the row's mean, so AE, VAE, PCA and U-Net compare at a glance.
    """
    count = len(originals)
    fig = new_figure(figsize=(1.05 * count + 1.6, 1.15 * (len(rows) + 1)))
    axes = fig.subplots(len(rows) + 1, count, squeeze=False)
    table = [("original", np.asarray(originals, dtype=float), None), *(
        (name, images, errors) for name, (images, errors) in rows.items())]  # fmt: skip
    for row, (name, images, errors) in zip(axes, table, strict=True):
        scale = 255.0 if name == "original" and np.max(images) > 1 else 1.0
        for column, ax in enumerate(row):
            picture = np.clip(images[column] / scale, 0, 1)
            image_axes(ax).imshow(picture, cmap="gray", vmin=0, vmax=1)
            if errors is not None:
                ax.set_title(f"{errors[column]:.3f}", fontsize=7, pad=2)
        label = name if errors is None else f"{name}\nMSE {np.mean(errors):.4f}"
        row[0].set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    return fig


def plot_latent_map(
    points: np.ndarray,
    labels: np.ndarray,
    class_names: Sequence[str] | None = None,
    marker: tuple[float, float] | None = None,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The test set as dots in the 2-D latent map, one colour per class; ``marker``: a cross."""
    ax = new_axes(ax, figsize=(5.2, 4.6))
    names = class_names or [str(k) for k in range(int(labels.max()) + 1)]
    for label, name in enumerate(names):
        chosen = points[labels == label]
        ax.scatter(chosen[:, 0], chosen[:, 1], s=4, alpha=0.6, color=CLASS_COLORS[label % 10],
                   label=name, linewidths=0)  # fmt: skip
    if marker is not None:
        ax.plot(*marker, marker="x", color="black", markersize=12, mew=3)
    ax.legend(markerscale=3, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title, fontsize=10)
    return ax


def plot_manifold(grid: np.ndarray, values: np.ndarray, ax: Axes | None = None) -> Axes:
    """A VAE(2)'s decoded grid (S, S, 28, 28); ticks at the latent values of each cell."""
    ax = new_axes(ax, figsize=(6.0, 6.0))
    size, _, height, _ = grid.shape
    ax.imshow(tile(grid, gap=0), cmap="gray", vmin=0, vmax=1)
    centres = np.arange(size) * height + height / 2
    shown = slice(None, None, max(1, size // 5))
    ax.set_xticks(centres[shown], [f"{v:.2f}" for v in values[shown]], fontsize=7)
    ax.set_yticks(centres[shown], [f"{v:.2f}" for v in values[::-1][shown]], fontsize=7)
    ax.set_xlabel("latent number 1")
    ax.set_ylabel("latent number 2")
    ax.grid(False)
    ax.set_title("decoded grid, spaced by the inverse Gaussian CDF", fontsize=10)
    return ax


def plot_strips(strips: Mapping[str, np.ndarray]) -> Figure:
    """One interpolation strip per row (name -> (steps, 28, 28)), first to last image."""
    steps = max(len(strip) for strip in strips.values())
    fig = new_figure(figsize=(0.8 * steps + 1.4, 0.95 * len(strips) + 0.2))
    for ax, (name, strip) in zip(fig.subplots(len(strips), 1, squeeze=False)[:, 0],
                                 strips.items(), strict=True):  # fmt: skip
        image_axes(ax).imshow(tile(strip[None]), cmap="gray", vmin=0, vmax=1)
        ax.set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
    return fig


def plot_samples(samples: Mapping[str, tuple[np.ndarray, str]], columns: int = 8) -> Figure:
    """Side-by-side grids of new images (name -> (images (n, 28, 28), caption))."""
    fig = new_figure(figsize=(4.2 * len(samples), 4.6))
    for ax, (name, (images, caption)) in zip(fig.subplots(1, len(samples), squeeze=False)[0],
                                             samples.items(), strict=True):  # fmt: skip
        rows = len(images) // columns
        grid = images[: rows * columns].reshape(rows, columns, *images.shape[1:])
        image_axes(ax).imshow(tile(grid), cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"{name}\n{caption}", fontsize=9)
    return fig


def pixel_frame(ax: Axes) -> dict:
    """Where ``ax``'s data area lies in its rendered picture (call after rendering it).

    Pixels are counted from the picture's top-left corner, as a click on it reports them.
    """
    box = ax.get_window_extent()  # display pixels, origin at the bottom-left
    height = ax.figure.bbox.height
    return {"left": box.x0, "right": box.x1, "top": height - box.y1, "bottom": height - box.y0,
            "xlim": list(ax.get_xlim()), "ylim": list(ax.get_ylim())}  # fmt: skip


def pixel_to_data(frame: dict, x: float, y: float) -> tuple[float, float]:
    """A click at picture pixel (x, y) as data coordinates of the Axes ``frame`` describes.

    >>> frame = {"left": 0, "right": 100, "top": 0, "bottom": 50, "xlim": [0, 1], "ylim": [-1, 1]}
    >>> pixel_to_data(frame, 50, 0)
    (0.5, 1.0)
    """
    across = (x - frame["left"]) / (frame["right"] - frame["left"])
    up = (frame["bottom"] - y) / (frame["bottom"] - frame["top"])
    (x0, x1), (y0, y1) = frame["xlim"], frame["ylim"]
    return x0 + across * (x1 - x0), y0 + up * (y1 - y0)

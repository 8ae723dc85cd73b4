"""Figures for convolution and pooling: the filter on the grid, kernels, filtered photos.

Functions take NumPy arrays (what ``neuralens.engine`` computes) and return the
Axes or Figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from neuralens.plots.style import COLORS, image_axes, new_axes, new_figure, write_in_cells


def plot_number_grid(
    values: np.ndarray, ax: Axes | None = None, title: str = "",
    highlight: tuple[int, int, int, int] | None = None, cmap: str = "Blues",
    shown: np.ndarray | None = None,
) -> Axes:  # fmt: skip
    """A 2-D array as a grid of cells with each number written in its cell.

    ``highlight`` = (row, col, height, width) draws a box round a region; ``shown`` (a
    boolean mask) leaves the other cells blank, e.g. the outputs not yet computed.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"plot_number_grid expects a 2-D array, got shape {values.shape}")
    shown = np.ones(values.shape, dtype=bool) if shown is None else shown
    ax = image_axes(new_axes(ax, figsize=(0.45 * values.shape[1] + 1, 0.45 * values.shape[0] + 1)))
    cells = ax.imshow(np.where(shown, values, np.nan), cmap=cmap, vmin=min(values.min(), 0),
                      vmax=max(np.abs(values).max(), 1) * 1.6)  # fmt: skip
    write_in_cells(ax, cells, [[f"{value:g}" for value in row] for row in values], fontsize=8)
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="#bbbbbb", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    if highlight is not None:
        row, col, height, width = highlight
        ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False,
                               edgecolor=COLORS["model"], linewidth=2.5))  # fmt: skip
    ax.set_title(title)
    return ax


def plot_conv_step(
    image: np.ndarray, kernel: np.ndarray, output: np.ndarray, row: int, col: int
) -> Figure:
    """One step of the lecture's picture: the region under the filter, the filter, the output
    filled up to this position (reading order) with the current cell boxed."""
    fig = new_figure(figsize=(12.0, 4.2))
    axes = fig.subplots(1, 3, width_ratios=[image.shape[1], kernel.shape[1] + 2, output.shape[1]])
    kh, kw = kernel.shape
    plot_number_grid(image, axes[0], f"input {image.shape[0]}x{image.shape[1]}",
                     highlight=(row, col, kh, kw))  # fmt: skip
    plot_number_grid(kernel, axes[1], f"filter {kh}x{kw}", cmap="Oranges")
    done = np.arange(output.size).reshape(output.shape) <= row * output.shape[1] + col
    plot_number_grid(output, axes[2], f"output {output.shape[0]}x{output.shape[1]}",
                     highlight=(row, col, 1, 1), shown=done)  # fmt: skip
    return fig


def plot_kernel(kernel: np.ndarray, ax: Axes | None = None, title: str = "") -> Axes:
    """A kernel as a diverging heat map (red positive, blue negative) with its numbers."""
    kernel = np.asarray(kernel, dtype=float)
    ax = image_axes(new_axes(ax, figsize=(3.0, 3.0)))
    limit = float(np.abs(kernel).max()) or 1.0
    cells = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    texts = [[f"{round(value, 2) + 0.0:.2f}" for value in row] for row in kernel]  # no "-0.00"
    write_in_cells(ax, cells, texts, fontsize=9)
    ax.set_title(title)
    return ax


def plot_filtered(image: np.ndarray, filtered: np.ndarray, title: str = "filtered") -> Figure:
    """The photo and its filtered version side by side (both gray)."""
    fig = new_figure(figsize=(9.0, 3.6))
    left, right = fig.subplots(1, 2)
    image_axes(left).imshow(image, cmap="gray")
    left.set_title(f"input {image.shape[0]}x{image.shape[1]}")
    image_axes(right).imshow(filtered, cmap="gray")
    right.set_title(title)
    return fig


def plot_kernel_convergence(
    kernels: np.ndarray, target: np.ndarray, losses: np.ndarray, step: int
) -> Figure:
    """Learned vs designed: the kernel at ``step``, the designed one, the loss so far."""
    fig = new_figure(figsize=(10.0, 3.2))
    learned_ax, target_ax, loss_ax = fig.subplots(1, 3)
    plot_kernel(kernels[step], learned_ax, f"learned, step {step}")
    plot_kernel(target, target_ax, "designed")
    loss_ax.semilogy(np.arange(1, len(losses) + 1), losses, color=COLORS["train"], alpha=0.35)
    loss_ax.semilogy(np.arange(1, step + 1), losses[:step], color=COLORS["train"])
    loss_ax.set_xlabel("gradient-descent step")
    loss_ax.set_title("mean squared error")
    return fig


def plot_pooling_example(
    image: np.ndarray, pooled_max: np.ndarray, pooled_average: np.ndarray
) -> Figure:
    """The lecture's 4x4 example: tiles coloured, then the max and the average of each tile."""
    fig = new_figure(figsize=(10.0, 3.2))
    axes = fig.subplots(1, 3, width_ratios=[2, 1, 1])
    tiles = np.kron(np.arange(pooled_max.size).reshape(pooled_max.shape),
                    np.ones((image.shape[0] // pooled_max.shape[0],) * 2))  # fmt: skip
    plot_number_grid(image, axes[0], f"input {image.shape[0]}x{image.shape[1]}, 2x2 tiles")
    axes[0].imshow(tiles, cmap="Pastel1", alpha=0.6)
    plot_number_grid(pooled_max, axes[1], "max pooling", cmap="Reds")
    plot_number_grid(pooled_average, axes[2], "average pooling", cmap="Greens")
    return fig


def plot_pooling_pyramid(images: Sequence[np.ndarray], kind: str = "max") -> Figure:
    """A photo pooled again and again: each time half the size, drawn to scale."""
    fig = new_figure(figsize=(11.0, 3.4))
    widths = [image.shape[1] for image in images]
    axes = fig.subplots(1, len(images), width_ratios=widths)
    for index, (ax, image) in enumerate(zip(np.atleast_1d(axes), images, strict=True)):
        image_axes(ax).imshow(image, cmap="gray")
        name = "input" if index == 0 else f"{kind} pool x{index}"
        ax.set_title(f"{name}\n{image.shape[0]}x{image.shape[1]}", fontsize=9)
    return fig

"""Words as the prompt: scenes with the sentences that describe them, and where each word
was looked at (cross-attention maps)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from neuralens.plots.style import image_axes, new_figure


def plot_captioned_scenes(
    images: np.ndarray,
    captions: Sequence[str],
    columns: int = 4,
    width: int = 24,
    marks: Sequence[bool] | None = None,
) -> Figure:
    """A grid of RGB scenes (N, H, W, 3), each with its caption wrapped below it.

    ``width``: characters per caption line. ``marks`` (optional, one per scene): True draws
    the caption in green (e.g. the judge agrees with it), False in red.
    """
    if len(images) != len(captions) or len(images) == 0:
        raise ValueError(f"need one caption per scene, got {len(images)} scenes and "
                         f"{len(captions)} captions")  # fmt: skip
    if marks is not None and len(marks) != len(images):
        raise ValueError(f"need one mark per scene, got {len(marks)} for {len(images)} scenes")
    columns = min(columns, len(images))
    rows = -(-len(images) // columns)
    wrapped = [textwrap.fill(caption, width) for caption in captions]
    lines = max(text.count("\n") + 1 for text in wrapped)
    fig = new_figure(figsize=(2.0 * columns, rows * (2.0 + 0.16 * lines)))
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        image_axes(ax)
        if index >= len(images):
            ax.set_axis_off()
            continue
        ax.imshow(images[index], interpolation="nearest")
        colour = "black" if marks is None else ("#2e7d32" if marks[index] else "#c62828")
        ax.set_xlabel(wrapped[index], fontsize=8, color=colour, linespacing=1.1)
    return fig


def plot_word_attention(
    image: np.ndarray, words: Sequence[str], maps: np.ndarray, columns: int = 6
) -> Figure:
    """The scene, then one panel per word: where the pixels attended to that word.

    ``image`` (H, W, 3) uint8; ``maps`` (T, h, w) attention weights, one map per word (e.g.
    ``models.attention.attention_maps`` at a coarse block, heads averaged), drawn over the
    scene, stretched to its size; ``words`` names the first T positions. Each map has its own
    colour scale (the shares of one word across the pixels).
    """
    if len(words) != len(maps) or len(words) == 0:
        raise ValueError(f"need one word per attention map, got {len(words)} words and "
                         f"{len(maps)} maps")  # fmt: skip
    height, width = image.shape[:2]
    panels = 1 + len(words)
    columns = min(columns, panels)
    rows = -(-panels // columns)
    fig = new_figure(figsize=(1.6 * columns, 1.8 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        image_axes(ax)
        ax.set_axis_off()
    axes.flat[0].imshow(image, interpolation="nearest")
    axes.flat[0].set_title("scene", fontsize=9)
    extent = (-0.5, width - 0.5, height - 0.5, -0.5)  # the map covers the whole scene
    for ax, word, weights in zip(axes.flat[1:], words, maps, strict=False):
        ax.imshow(image, interpolation="nearest", alpha=0.35)
        ax.imshow(weights, cmap="magma", alpha=0.75, extent=extent, interpolation="bilinear")
        ax.set_title(word, fontsize=9)
    return fig

"""Words as the prompt: scenes shown with the sentences that describe them."""

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

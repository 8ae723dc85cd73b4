"""A network drawn from its own weights: nodes in layers, an edge per weight.

The lecture's picture of "the network as an equation": every edge is one weight w_ij
of y_j = sum_i w_ij x_i + b_j; its width shows |w_ij|, its colour the sign.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from neuralens.history import History
from neuralens.plots.style import COLORS, image_axes, new_axes, new_figure

MAX_EDGE_WIDTH = 4.0


def layer_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """(size, 2) node centres per layer: layers left to right, nodes centred vertically."""
    tallest = max(sizes)
    centre = (tallest - 1) / 2
    return [
        np.column_stack([np.full(size, float(layer)), centre + (size - 1) / 2 - np.arange(size)])
        for layer, size in enumerate(sizes)
    ]


def plot_network(
    weights: Sequence[np.ndarray],
    input_names: Sequence[str],
    output_names: Sequence[str],
    ax: Axes | None = None,
) -> Axes:
    """Draw layers from their weight matrices (out, in), as ``nn.Linear.weight`` stores them."""
    sizes = [weights[0].shape[1], *(w.shape[0] for w in weights)]
    for k, (w, fan_in) in enumerate(zip(weights, sizes[:-1], strict=True)):
        if w.shape[1] != fan_in:
            raise ValueError(f"layer {k} weights {w.shape} do not take {fan_in} inputs")
    ax = image_axes(new_axes(ax, figsize=(2.2 * len(sizes), 0.45 * max(sizes) + 1.5)))
    positions = layer_positions(sizes)
    largest = max(float(np.abs(w).max()) for w in weights) or 1.0
    for w, left, right in zip(weights, positions[:-1], positions[1:], strict=True):
        segments = [(left[i], right[j]) for j in range(w.shape[0]) for i in range(w.shape[1])]
        flat = w.ravel()  # row j, column i: the same order as the segments
        colors = [COLORS["model"] if value > 0 else COLORS["data"] for value in flat]
        widths = 0.2 + MAX_EDGE_WIDTH * np.abs(flat) / largest
        ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths, alpha=0.7))
    for layer, points in enumerate(positions):
        role = "path" if 0 < layer < len(positions) - 1 else "accent"
        ax.scatter(points[:, 0], points[:, 1], s=180, color=COLORS[role], zorder=3)
    for name, (px, py) in zip(input_names, positions[0], strict=True):
        ax.text(px - 0.08, py, name, ha="right", va="center", fontsize=9)
    for name, (px, py) in zip(output_names, positions[-1], strict=True):
        ax.text(px + 0.08, py, name, ha="left", va="center", fontsize=9)
    ax.set_xlim(-1.0, len(sizes) - 0.1)
    ax.set_ylim(-0.8, max(sizes) - 0.2)
    ax.set_frame_on(False)
    ax.set_title("red: positive weight, blue: negative; width = |w|", fontsize=9)
    return ax


def plot_grade_training(histories: Mapping[str, History]) -> Figure:
    """Training loss and test accuracy per gradient-descent step, one line per network."""
    fig = new_figure(figsize=(9.0, 3.2))
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    for label, history in histories.items():
        loss_ax.plot(history["step"], history["loss"], label=label)
        accuracy_ax.plot(history["step"], history["eval_accuracy"], label=label)
    loss_ax.set(xlabel="step", ylabel="cross-entropy (train)")
    accuracy_ax.set(xlabel="step", ylabel="test accuracy")
    loss_ax.legend(fontsize=8)
    return fig

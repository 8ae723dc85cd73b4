"""Previews of the datasets: a digit grid per class, shapes with their answers, wine points."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from neuralens.data.shapes import SHAPE_CLASSES, Shapes
from neuralens.plots.style import CLASS_COLORS, COLORS, image_axes, new_axes, new_figure


def digit_mosaic(images: np.ndarray, labels: np.ndarray, per_class: int = 8) -> np.ndarray:
    """First ``per_class`` images of every class, one row per class: (C*28, per_class*28)."""
    classes = np.unique(labels)
    rows = []
    for label in classes:
        chosen = images[labels == label][:per_class]
        pad = np.zeros((per_class - len(chosen), *images.shape[1:]), dtype=images.dtype)
        rows.append(np.concatenate([*chosen, *pad], axis=1))
    return np.concatenate(rows, axis=0)


def plot_digit_grid(
    images: np.ndarray,
    labels: np.ndarray,
    per_class: int = 8,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A grid of 28x28 images, one row per class, its name at the left."""
    ax = image_axes(new_axes(ax, figsize=(per_class * 0.6 + 1.2, 6.5)))
    mosaic = digit_mosaic(images, labels, per_class)
    ax.imshow(mosaic, cmap="gray_r" if class_names is None else "gray", vmin=0, vmax=255)
    height = images.shape[1]
    classes = np.unique(labels)
    names = [class_names[c] for c in classes] if class_names else [str(c) for c in classes]
    ax.set_yticks(np.arange(len(classes)) * height + height / 2, names)
    return ax


def draw_boxes(ax: Axes, boxes: np.ndarray, labels: np.ndarray, scores=None) -> None:
    """Outline each (x0, y0, x1, y1) box with its class name (and score) on an image Axes."""
    for k, (box, label) in enumerate(zip(boxes, labels, strict=True)):
        if label < 0:
            continue
        x0, y0, x1, y1 = box
        color = CLASS_COLORS[int(label)]
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, ec=color, lw=2))
        text = SHAPE_CLASSES[int(label)] + ("" if scores is None else f" {scores[k]:.2f}")
        ax.text(x0 - 0.5, y0 - 1.5, text, color="white", fontsize=7,
                bbox={"fc": color, "ec": "none", "pad": 1})  # fmt: skip


def label_cmap(num_labels: int) -> ListedColormap:
    """Black for background (0), then one colour per label 1..num_labels."""
    return ListedColormap(["#000000", *CLASS_COLORS[:num_labels]])


def instance_map(instances: np.ndarray) -> np.ndarray:
    """(K, H, W) masks -> (H, W) ids: 0 background, k + 1 for object k."""
    ids = np.zeros(instances.shape[1:], dtype=np.int64)
    for k, mask in enumerate(instances):
        ids[mask] = k + 1
    return ids


def plot_shapes(data: Shapes, count: int = 4) -> Figure:
    """For each of ``count`` images: the image with boxes, the semantic mask, the instances."""
    count = min(count, len(data))
    fig = new_figure(figsize=(7.5, 2.5 * count))
    axes = fig.subplots(count, 3, squeeze=False)
    for i in range(count):
        image_ax, semantic_ax, instance_ax = (image_axes(a) for a in axes[i])
        image_ax.imshow(data.images[i])
        draw_boxes(image_ax, data.boxes[i], data.labels[i])
        num_classes, num_slots = len(SHAPE_CLASSES), data.instances.shape[1]
        semantic_ax.imshow(data.semantic[i], cmap=label_cmap(num_classes), vmin=0,
                           vmax=num_classes, interpolation="nearest")  # fmt: skip
        instance_ax.imshow(instance_map(data.instances[i]), cmap=label_cmap(num_slots), vmin=0,
                           vmax=num_slots, interpolation="nearest")  # fmt: skip
    axes[0, 0].set_title("image + boxes")
    axes[0, 1].set_title("semantic mask")
    axes[0, 2].set_title("instance masks")
    return fig


def plot_wine_scatter(
    wine: pd.DataFrame, x: str = "density", y: str = "fixed acidity", ax: Axes | None = None
) -> Axes:
    """One dot per wine: the lecture's density vs fixed acidity."""
    ax = new_axes(ax)
    ax.scatter(wine[x], wine[y], s=8, alpha=0.5, color=COLORS["data"])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    return ax

"""Figures of the vision tasks: what one network says about one scene, and its raw numbers.

Every function takes decoded outputs (a ``SceneReading``-like object: presence,
detections, semantic, instances, image) and class names, and returns the Figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from neuralens.plots.style import CLASS_COLORS, image_axes, new_axes, new_figure


def _color(label: int) -> str:
    return CLASS_COLORS[int(label) % len(CLASS_COLORS)]


def _as_image(image) -> np.ndarray:
    """(H, W, 3) uint8 or (3, H, W) float in [0, 1] -> (H, W, 3) float in [0, 1]."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[0] == 3 and image.shape[-1] != 3:
        image = image.transpose(1, 2, 0)
    return image / 255.0 if image.dtype == np.uint8 else np.clip(image, 0, 1)


def plot_probabilities(presence, classes: Sequence[str], ax: Axes | None = None) -> Axes:
    """One bar per class: the probability that the scene holds at least one of it."""
    ax = new_axes(ax, figsize=(3.0, 2.5))
    values = np.asarray(presence, dtype=float)
    ax.barh(np.arange(len(values)), values, color=[_color(k) for k in range(len(values))])
    ax.set_yticks(np.arange(len(values)), [f"{name}?" for name in classes])
    ax.set_xlim(0, 1)
    ax.axvline(0.5, color="gray", lw=1, ls=":")
    ax.set_xlabel("probability")
    ax.invert_yaxis()
    return ax


def plot_boxes(
    image, boxes, labels, classes: Sequence[str], scores=None, ax: Axes | None = None
) -> Axes:
    """The image with each box outlined, its class name and score above it."""
    ax = image_axes(new_axes(ax, figsize=(3.0, 3.0)))
    ax.imshow(_as_image(image))
    for k, (box, label) in enumerate(zip(np.asarray(boxes), np.asarray(labels), strict=True)):
        x0, y0, x1, y1 = box
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False,
                               ec=_color(label), lw=2))  # fmt: skip
        text = classes[int(label)] + ("" if scores is None else f" {float(scores[k]):.2f}")
        ax.text(x0 - 0.5, y0 - 1.5, text, color="white", fontsize=7,
                bbox={"fc": _color(label), "ec": "none", "pad": 1})  # fmt: skip
    return ax


def semantic_overlay(image, semantic, alpha: float = 0.55) -> np.ndarray:
    """The image with each class's pixels tinted its colour: (H, W, 3) floats."""
    picture = _as_image(image).copy()
    semantic = np.asarray(semantic)
    for value in np.unique(semantic):
        if value == 0:
            continue
        rgb = np.array([int(_color(value - 1)[i : i + 2], 16) / 255 for i in (1, 3, 5)])
        picture[semantic == value] = (1 - alpha) * picture[semantic == value] + alpha * rgb
    return picture


def instance_colors(instances, shape: tuple[int, int]) -> np.ndarray:
    """Bool masks (M, H, W) -> (H, W, 3): each object in its own colour, black background."""
    picture = np.zeros((*shape, 3))
    palette = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in CLASS_COLORS])
    for k, mask in enumerate(np.asarray(instances, dtype=bool)):
        picture[mask] = palette[(k * 3 + 1) % len(palette)]  # neighbours get distant colours
    return picture


def plot_vision_tasks(image, reading, classes: Sequence[str]) -> Figure:
    """One scene through the four tasks side by side: classification, detection,
    semantic segmentation, instance segmentation (and the image output)."""
    fig = new_figure(figsize=(13.0, 2.9))
    axes = fig.subplots(1, 5, gridspec_kw={"width_ratios": [1.1, 1, 1, 1, 1]})
    found = reading.detections
    plot_probabilities(np.asarray(reading.presence), classes, ax=axes[0])
    axes[0].set_title("classification")
    plot_boxes(image, found.boxes, found.labels, classes, found.scores, ax=axes[1])
    axes[1].set_title(f"detection: {len(found)} boxes")
    image_axes(axes[2]).imshow(semantic_overlay(image, reading.semantic))
    axes[2].set_title("semantic segmentation")
    shape = np.asarray(reading.semantic).shape
    image_axes(axes[3]).imshow(instance_colors(reading.instances, shape))
    axes[3].set_title(f"instances: {len(reading.instances)}")
    image_axes(axes[4]).imshow(_as_image(reading.image))
    axes[4].set_title("image output")
    return fig


def _numbers(ax: Axes, text: str) -> None:
    ax.axis("off")
    ax.text(0, 1, text, family="monospace", fontsize=7, va="top", transform=ax.transAxes)


def output_texts(reading, classes: Sequence[str], question: int = 0, rows: int = 6) -> dict:
    """The four outputs as readable numbers: a probability, box corners, mask rows, pixels."""
    found = reading.detections
    corners = [
        f"[[{x0:.0f},{y0:.0f}],[{x0:.0f},{y1:.0f}],[{x1:.0f},{y1:.0f}],[{x1:.0f},{y0:.0f}]] "
        f"{classes[int(c)]}"
        for (x0, y0, x1, y1), c in zip(
            np.asarray(found.boxes).tolist(), np.asarray(found.labels), strict=True
        )  # fmt: skip
    ]
    mask = (np.asarray(reading.semantic) > 0).astype(int)
    h, w = mask.shape
    r0, c0 = max(0, h // 2 - rows // 2), max(0, w // 2 - 8)
    mask_rows = ["".join(map(str, row)) for row in mask[r0 : r0 + rows, c0 : c0 + 16]]
    pixels = np.asarray(reading.image)[:, r0, c0 : c0 + 4].T  # (4, 3) RGB of 4 pixels
    return {
        "number": f"p({classes[question]}) = {float(reading.presence[question]):.3f}",
        "boxes": "\n".join(corners) or "(no box above the threshold)",
        "mask": f"rows {r0}-{r0 + rows - 1}, cols {c0}-{c0 + 15}:\n" + "\n".join(mask_rows),
        "image": f"row {r0}, cols {c0}-{c0 + 3} (R, G, B):\n"
        + "\n".join(" ".join(f"{v:.2f}" for v in pixel) for pixel in pixels),
    }


def plot_model_outputs(
    image, reading, classes: Sequence[str], shapes: dict, question: int = 0
) -> Figure:
    """The lecture's "output is always numbers": four outputs side by side, each with its
    tensor shape (``shapes``: name -> shape) and a readable slice of its numbers."""
    fig = new_figure(figsize=(13.0, 4.6))
    axes = fig.subplots(2, 4, gridspec_kw={"height_ratios": [2.2, 1]})
    texts = output_texts(reading, classes, question)
    found = reading.detections
    plot_probabilities(np.asarray(reading.presence), classes, ax=axes[0, 0])
    plot_boxes(image, found.boxes, found.labels, classes, found.scores, ax=axes[0, 1])
    image_axes(axes[0, 2]).imshow(
        np.asarray(reading.semantic) > 0, cmap="gray", interpolation="nearest"
    )
    image_axes(axes[0, 3]).imshow(_as_image(reading.image))
    titles = ("a number", "a series of numbers (boxes)", "a 2-D image (mask)", "an RGB image")
    for column, (title, name) in enumerate(
        zip(titles, ("number", "boxes", "mask", "image"), strict=True)
    ):
        axes[0, column].set_title(f"{title}\n{shapes.get(name, '')}", fontsize=9)
        _numbers(axes[1, column], texts[name])
    return fig

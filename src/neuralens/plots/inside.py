"""Seeing inside a classifier: pixels as numbers, weights, filters, feature maps, outputs.

Every function takes NumPy arrays (the library's ``neuralens.models.inspect`` pulls
them out of a torch model), so the same figures show a torch model, a NumPy-engine
model or hand-made numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from neuralens.history import History
from neuralens.plots.history import plot_history
from neuralens.plots.style import COLORS, image_axes, new_axes, new_figure, write_in_cells


def _names(count: int, class_names: Sequence[str] | None) -> list[str]:
    if class_names is not None and len(class_names) != count:
        raise ValueError(f"{count} classes but {len(class_names)} class_names")
    return list(class_names) if class_names is not None else [str(k) for k in range(count)]


def symmetric_limit(values: np.ndarray) -> float:
    """Colour limit so that 0 is the middle (white) of a diverging map."""
    return float(np.abs(values).max()) or 1.0


def plot_pixel_values(image: np.ndarray, ax: Axes | None = None, fontsize: float = 4.5) -> Axes:
    """A gray image with every pixel's value written on it: the numbers a network sees."""
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"plot_pixel_values expects one (H, W) image, got {image.shape}")
    ax = image_axes(new_axes(ax, figsize=(7.0, 7.0)))
    cells = ax.imshow(image, cmap="gray", vmin=0, vmax=max(255, int(image.max())))
    texts = [[f"{value:g}" if value else "" for value in row] for row in image]
    write_in_cells(ax, cells, texts, fontsize=fontsize)
    ax.set_title(f"{image.shape[0]} x {image.shape[1]} pixels = {image.size} numbers")
    return ax


def plot_flattened(vector: np.ndarray, ax: Axes | None = None, label: str = "pixel") -> Axes:
    """A long vector (784 pixels, or a CNN's flattened maps) as one value per index."""
    vector = np.ravel(vector)
    ax = new_axes(ax, figsize=(8.0, 2.2))
    index = np.arange(len(vector))
    ax.fill_between(index, vector, step="mid", color=COLORS["data"], alpha=0.8, lw=0)
    ax.set_xlim(-0.5, len(vector) - 0.5)
    ax.set_xlabel(f"{label} index (0 .. {len(vector) - 1})")
    ax.set_ylabel("value")
    ax.set_title(f"flattened: one list of {len(vector)} numbers")
    return ax


def plot_probabilities(
    probabilities: np.ndarray, class_names: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """One bar per class, the most probable one highlighted (the prediction)."""
    probabilities = np.ravel(probabilities)
    names = _names(len(probabilities), class_names)
    ax = new_axes(ax, figsize=(5.0, 3.0))
    colors = [COLORS["data"]] * len(names)
    best = int(np.argmax(probabilities))
    colors[best] = COLORS["model"]
    ax.bar(range(len(names)), probabilities, color=colors)
    ax.set_xticks(range(len(names)), names, rotation=45 if max(map(len, names)) > 2 else 0)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.set_title(f"prediction: {names[best]} ({probabilities[best]:.0%})")
    return ax


def plot_weight_image(weights: np.ndarray, ax: Axes | None = None, title: str = "weights") -> Axes:
    """A weight vector shown as an image: red pushes the sum up, blue pulls it down."""
    ax = image_axes(new_axes(ax, figsize=(3.0, 3.0)))
    limit = symmetric_limit(weights)
    ax.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(title)
    return ax


def plot_unit(weights: np.ndarray, image: np.ndarray, bias: float, unit: int = 0) -> Figure:
    """One hidden unit: its weights as an image, the input, and weight x pixel per position.

    The unit's value before the non-linearity is the sum of the right-hand image plus
    the bias: z = sum_i w_i x_i + b.
    """
    weights, image = np.asarray(weights, dtype=float), np.asarray(image, dtype=float)
    if weights.shape != image.shape:
        raise ValueError(f"weights {weights.shape} and image {image.shape} must match")
    fig = new_figure(figsize=(9.0, 3.2))
    left, middle, right = fig.subplots(1, 3)
    plot_weight_image(weights, left, f"unit {unit}: its {weights.size} weights w_i")
    image_axes(middle).imshow(image, cmap="gray", vmin=0, vmax=1)
    middle.set_title("input x_i (0 .. 1)")
    products = weights * image
    plot_weight_image(products, right, f"w_i x_i: sum {products.sum():.2f} + b {bias:.2f}")
    return fig


def _image_grid(fig: Figure, count: int, columns: int) -> list[Axes]:
    """``count`` tick-less Axes in rows of ``columns``; the unused cells are hidden."""
    rows = -(-count // columns)
    axes = [image_axes(ax) for ax in fig.subplots(rows, columns, squeeze=False).ravel()]
    for ax in axes[count:]:
        ax.axis("off")
    return axes[:count]


def _draw_kernel(ax: Axes, kernel: np.ndarray, title: str) -> None:
    limit = symmetric_limit(kernel)
    ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(title, fontsize=8)


def plot_filters(
    filters: np.ndarray, titles: Sequence[str] | None = None, columns: int = 8
) -> Figure:
    """Small filters (kernels) of shape (count, k, k) as a grid of little images."""
    filters = np.asarray(filters, dtype=float)
    if filters.ndim != 3:
        raise ValueError(f"plot_filters expects (count, k, k) filters, got {filters.shape}")
    columns = min(columns, len(filters))
    fig = new_figure(figsize=(1.1 * columns, 1.2 * -(-len(filters) // columns) + 0.3))
    titles = titles if titles is not None else [str(k) for k in range(len(filters))]
    for ax, kernel, title in zip(_image_grid(fig, len(filters), columns), filters, titles,
                                 strict=True):  # fmt: skip
        _draw_kernel(ax, kernel, title)
    return fig


def plot_learned_vs_designed(learned: np.ndarray, designed: Mapping[str, np.ndarray]) -> Figure:
    """Top: filters a CNN learned in its first layer; bottom: hand-designed kernels."""
    learned = np.asarray(learned, dtype=float)
    columns = max(len(designed), min(len(learned), 8))
    fig = new_figure(figsize=(1.2 * columns, 3.0))
    top, bottom = fig.subfigures(2, 1)
    for subfig, kernels, titles, heading in (
        (top, learned[:columns], [f"learned {k}" for k in range(columns)], "learned (layer 1)"),
        (bottom, list(designed.values()), list(designed), "designed by hand"),
    ):
        subfig.suptitle(heading, fontsize=10)
        for ax, kernel, title in zip(_image_grid(subfig, len(kernels), columns), kernels, titles,
                                     strict=True):  # fmt: skip
            _draw_kernel(ax, kernel, title)
    return fig


def map_strip(maps: np.ndarray, gap: int = 1) -> np.ndarray:
    """(C, H, W) maps side by side, each scaled to [0, 1] on its own, NaN gaps between.

    >>> map_strip(np.arange(8.0).reshape(2, 2, 2)).round(2).tolist()[0]
    [0.0, 0.33, nan, 0.0, 0.33]
    """
    low = maps.min(axis=(1, 2), keepdims=True)
    span = maps.max(axis=(1, 2), keepdims=True) - low
    scaled = (maps - low) / np.where(span > 0, span, 1)  # a flat map shows as 0
    channels, height, _ = maps.shape
    padded = np.pad(scaled, ((0, 0), (0, 0), (0, gap)), constant_values=np.nan)
    return padded.transpose(1, 0, 2).reshape(height, -1)[:, :-gap]


def plot_feature_maps(stages: Sequence[tuple[str, np.ndarray]], max_maps: int = 8) -> Figure:
    """One row per layer: the first ``max_maps`` feature maps of a (C, H, W) output each.

    Row titles give the shape, so the shrinking by pooling (28 -> 14 -> 7 -> 3) and
    the growing number of maps read straight off the figure. Each map is scaled to
    its own range (bright = strongest response).
    """
    if not stages:
        raise ValueError("plot_feature_maps needs at least one (name, (C, H, W)) stage")
    fig = new_figure(figsize=(1.2 * max_maps + 0.5, 1.45 * len(stages)))
    axes = np.atleast_1d(fig.subplots(len(stages), 1, squeeze=False)[:, 0])
    cmap = colormaps["magma"].with_extremes(bad="white")
    for ax, (name, maps) in zip(axes, stages, strict=True):
        maps = np.asarray(maps, dtype=float)
        if maps.ndim != 3:
            raise ValueError(f"stage {name!r} must be (C, H, W), got {maps.shape}")
        channels, height, width = maps.shape
        image_axes(ax).imshow(map_strip(maps[:max_maps]), cmap=cmap, vmin=0, vmax=1)
        ax.set_title(f"{name}: {channels} maps of {height} x {width}", fontsize=9, loc="left")
        for spine in ax.spines.values():
            spine.set_visible(False)
    return fig


def plot_confusion(
    matrix: np.ndarray, class_names: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Rows: true class, columns: predicted class; the diagonal holds the correct answers."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"a confusion matrix is square (K, K), got {matrix.shape}")
    names = _names(len(matrix), class_names)
    ax = new_axes(ax, figsize=(5.5, 5.0))
    ax.grid(False)
    cells = ax.imshow(np.log1p(matrix), cmap="Blues")  # log so that rare mistakes still show
    write_in_cells(ax, cells, [[f"{count:g}" if count else "" for count in row] for row in matrix],
                   fontsize=7)  # fmt: skip
    ticks = range(len(names))
    ax.set_xticks(ticks, names, rotation=45 if max(map(len, names)) > 2 else 0)
    ax.set_yticks(ticks, names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set_title(f"confusion matrix (accuracy {accuracy:.2%})")
    return ax


def plot_mistakes(
    images: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    confidence: np.ndarray,
    class_names: Sequence[str] | None = None,
    columns: int = 8,
) -> Figure:
    """Images the model got wrong, each titled "true -> predicted (confidence)"."""
    count = len(images)
    if count == 0:
        raise ValueError("plot_mistakes needs at least one image (the model made no mistake?)")
    names = _names(int(max(labels.max(), predicted.max())) + 1, None) if class_names is None \
        else list(class_names)  # fmt: skip
    columns = min(columns, count)
    fig = new_figure(figsize=(1.25 * columns, 1.45 * -(-count // columns)))
    for k, ax in enumerate(_image_grid(fig, count, columns)):
        ax.imshow(images[k], cmap="gray")
        ax.set_title(f"{names[labels[k]]} -> {names[predicted[k]]}\n({confidence[k]:.0%})",
                     fontsize=7, color=COLORS["model"])  # fmt: skip
    return fig


def plot_nonlinearity(runs: Mapping[str, History], key: str = "eval_accuracy") -> Figure:
    """The same network trained with and without its non-linearity: curves and final accuracy."""
    if not runs:
        raise ValueError("plot_nonlinearity needs at least one named History")
    fig = new_figure(figsize=(9.0, 3.4))
    curves, bars = fig.subplots(1, 2, width_ratios=(2, 1))
    finals = {}
    palette = [COLORS["model"], COLORS["data"], COLORS["accent"]] * len(runs)
    for (name, history), color in zip(runs.items(), palette[: len(runs)], strict=True):
        values = history[key]
        keep = np.isfinite(values)
        x = history["epoch"] if "epoch" in history else np.arange(1, len(values) + 1)
        curves.plot(x[keep], values[keep], marker="o", ms=3, label=name, color=color)
        finals[name] = history.last(key)
    curves.set_xlabel("epoch")
    curves.set_ylabel(key.replace("_", " "))
    curves.legend()
    names = list(finals)
    bars.bar(names, [finals[n] for n in names], color=palette[: len(names)])
    for k, name in enumerate(names):
        bars.text(k, finals[name], f"{finals[name]:.1%}", ha="center", va="bottom")
    bars.set_ylim(0, 1.08)
    bars.set_title("final " + key.replace("_", " "))
    return fig


def plot_training(history: History, title: str = "") -> Figure:
    """Loss (left) and accuracy (right) against the step, as a run logged them so far.

    Accuracy shows the training batches' and, where evaluated, the held-out images'
    (``eval_accuracy`` from torch training, ``test_accuracy`` from the NumPy engine).
    """
    fig = new_figure(figsize=(9.0, 3.2))
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    if "loss" in history:
        plot_history(history, ["loss"], ax=loss_ax)
    loss_ax.set_title("loss")
    shown = [key for key in ("accuracy", "eval_accuracy", "test_accuracy") if key in history]
    if shown:
        plot_history(history, shown, ax=accuracy_ax)
        accuracy_ax.legend()
    accuracy_ax.set_title("accuracy")
    if title:
        fig.suptitle(title)
    return fig

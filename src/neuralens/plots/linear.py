"""Figures of lecture part 1: the line and its errors, the loss landscape, gradient descent."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from neuralens.linear import DescentResult, Landscape, LineStudy
from neuralens.plots.export import to_rgb
from neuralens.plots.history import plot_history
from neuralens.plots.style import COLORS, new_axes, new_figure

CONTOUR_LEVELS = 25


def plot_line_fit(
    x: np.ndarray,
    y: np.ndarray,
    w1: float,
    w0: float,
    ax: Axes | None = None,
    show_errors: bool = True,
    labels: tuple[str, str] = ("density", "fixed acidity"),
    title: str | None = None,
    points_label: str = "wines",
) -> Axes:
    """Scatter of (x_i, y_i), the line y = w1 x + w0 and each error e_i as a vertical segment;
    ``points_label`` names the points in the legend."""
    ax = new_axes(ax)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    y_hat = w1 * x + w0
    if show_errors:
        segments = np.stack([np.column_stack([x, y]), np.column_stack([x, y_hat])], axis=1)
        ax.add_collection(
            LineCollection(
                segments, colors=COLORS["error"], lw=0.8, alpha=0.6, label="errors $e_i$"
            )
        )
    ax.scatter(x, y, s=8, alpha=0.6, color=COLORS["data"], label=points_label, zorder=3)
    span = np.linspace(x.min(), x.max(), 2)
    sign = "+" if w0 >= 0 else "-"
    ax.plot(
        span,
        w1 * span + w0,
        color=COLORS["model"],
        lw=2,
        label=f"y = {w1:.4g} x {sign} {abs(w0):.4g}",
    )
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def positive_levels(loss: np.ndarray) -> np.ndarray | int:
    """Log-spaced contour levels, so a narrow valley and a steep wall both show."""
    low, high = float(loss.min()), float(loss.max())
    if low <= 0 or high / low < 10:
        return CONTOUR_LEVELS
    return np.geomspace(low, high, CONTOUR_LEVELS)


def plot_landscape_contour(
    land: Landscape, ax: Axes | None = None, minimum: tuple[float, float] | None = None
) -> Axes:
    """Contour lines of the loss over (w1, w0), the grid's best cell marked (x)."""
    ax = new_axes(ax)
    levels = positive_levels(land.loss)
    norm = LogNorm() if not isinstance(levels, int) else None
    filled = ax.contourf(land.w1, land.w0, land.loss, levels=levels, cmap="viridis", norm=norm)
    ax.contour(land.w1, land.w0, land.loss, levels=levels, colors="white", linewidths=0.3)
    ax.figure.colorbar(filled, ax=ax, label=f"{land.loss_name} loss", format="%.3g")
    w1, w0, _ = land.best
    ax.plot(w1, w0, "x", color="white", ms=10, mew=2, label="best cell")
    if minimum is not None:
        ax.plot(*minimum, "o", mfc="none", mec=COLORS["model"], ms=12, mew=2, label="closed form")
    ax.set_xlabel("w1 (slope)")
    ax.set_ylabel("w0 (intercept)")
    ax.grid(False)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_landscape_surface(
    land: Landscape, ax: Axes | None = None, path: np.ndarray | None = None
) -> Axes:
    """The loss as a 3-D surface over (w1, w0): the lecture's "mountains and hills"."""
    ax = new_axes(ax, projection="3d")
    W1, W0 = np.meshgrid(land.w1, land.w0)
    ax.plot_surface(W1, W0, land.loss, cmap="viridis", linewidth=0, antialiased=True, alpha=0.9)
    if path is not None:
        ax.plot(path[:, 0], path[:, 1], path[:, 2], color=COLORS["model"], marker="o", ms=2)
    ax.set_xlabel("w1")
    ax.set_ylabel("w0")
    ax.set_zlabel(f"{land.loss_name} loss")
    return ax


def plot_descent_path(
    land: Landscape, weights: np.ndarray, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """The descent's weights (steps, 2) as a path of dots on the contour of the loss."""
    ax = plot_landscape_contour(land, ax)
    ax.plot(
        weights[:, 0],
        weights[:, 1],
        "-o",
        color=COLORS["model"],
        ms=3,
        lw=1.2,
        label="descent",
        gid="descent-path",
    )
    ax.plot(*weights[0], "s", color=COLORS["error"], ms=8, label="start")
    ax.set_xlim(land.w1[0], land.w1[-1])
    ax.set_ylim(land.w0[0], land.w0[-1])
    ax.legend(loc="upper right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_descent_comparison(
    raw: tuple[Landscape, DescentResult], standardized: tuple[Landscape, DescentResult]
) -> Figure:
    """Raw (a narrow valley) and standardised (a round bowl) descents side by side."""
    fig = new_figure(figsize=(11.0, 4.5))
    for ax, (land, result), name in zip(
        fig.subplots(1, 2),
        (raw, standardized),
        ("raw density", "standardised density"),
        strict=True,
    ):
        plot_descent_path(
            land, result.weights, ax, title=f"{name}: {result.num_steps} steps, {result.status}"
        )
    return fig


def plot_learning_rates(results: Mapping[str, DescentResult], ax: Axes | None = None) -> Axes:
    """Loss per step for several learning rates: too small crawls, too large diverges."""
    ax = new_axes(ax)
    for label, result in results.items():
        line = ax.plot(result.losses, label=f"{label} ({result.status})")[0]
        if result.status == "diverged":
            ax.plot(len(result.losses) - 1, result.losses[-1], "x", color=line.get_color(), ms=10)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE")
    ax.legend(fontsize=8)
    return ax


def plot_descent_step(
    land: Landscape, result: DescentResult, step: int, feature: str = "x"
) -> Figure:
    """One frame of the animation: the path so far on the contour, the loss curve beside it."""
    fig = new_figure(figsize=(10.0, 4.0))
    path_ax, loss_ax = fig.subplots(1, 2, width_ratios=(1.2, 1))
    plot_descent_path(
        land,
        result.weights[: step + 1],
        path_ax,
        title=f"step {step} of {result.num_steps} ({feature})",
    )
    loss_ax.plot(
        np.arange(step + 1),
        result.losses[: step + 1],
        color=COLORS["path"],
        marker=".",
        gid="loss-curve",
    )
    loss_ax.set_xlim(0, max(result.num_steps, 1))
    loss_ax.set_ylim(max(result.losses.min(), 1e-12) * 0.9, result.losses.max() * 1.1)
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("MSE")
    return fig


def frame_steps(num_steps: int, max_frames: int = 30) -> list[int]:
    """Which steps an animation shows: every step while few, else denser at the start
    (where descent moves most), always ending on the last step."""
    if num_steps + 1 <= max_frames:
        return list(range(num_steps + 1))
    picked = np.unique(np.geomspace(1, num_steps + 1, max_frames).astype(int) - 1)
    return sorted({0, *picked.tolist(), num_steps})


@dataclass(frozen=True)
class PixelBox:
    """Where an Axes sits in a rendered figure, to turn a click on the image into data values."""

    left: float  # pixel column of the Axes' left edge
    right: float
    top: float  # pixel row of the Axes' top edge (rows grow downwards)
    bottom: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    @classmethod
    def of(cls, ax: Axes, image_height: int) -> PixelBox:
        """The box of ``ax`` after its figure was drawn (display y grows upwards)."""
        box = ax.get_window_extent()
        xlim, ylim = (tuple(map(float, limits)) for limits in (ax.get_xlim(), ax.get_ylim()))
        return cls(float(box.x0), float(box.x1), float(image_height - box.y1),
                   float(image_height - box.y0), xlim, ylim)  # fmt: skip

    def to_data(self, column: float, row: float) -> tuple[float, float]:
        """Image pixel (column, row) -> (x, y) in the Axes' data coordinates (linear axes).

        >>> PixelBox(0, 100, 0, 50, (0.0, 10.0), (-1.0, 1.0)).to_data(50, 0)
        (5.0, 1.0)
        """
        fx = (column - self.left) / (self.right - self.left)
        fy = (self.bottom - row) / (self.bottom - self.top)
        return (self.xlim[0] + fx * (self.xlim[1] - self.xlim[0]),
                self.ylim[0] + fy * (self.ylim[1] - self.ylim[0]))  # fmt: skip


def iter_descent_frames(
    land: Landscape, result: DescentResult, max_frames: int = 30, feature: str = "x"
) -> Iterator[tuple[int, np.ndarray, PixelBox]]:
    """(step, RGB frame (H, W, 3), pixel box of the contour) for each shown step, in order.

    The figure is drawn once; each frame only redraws the path, the loss curve and the
    title over the saved background (blitting), so a frame costs milliseconds.
    """
    fig = plot_descent_step(land, result, 0, feature)
    lines = {line.get_gid(): line for ax in fig.axes for line in ax.lines}
    path, curve = lines["descent-path"], lines["loss-curve"]
    title = path.axes.title
    moving = (path, curve, title)
    for artist in moving:
        artist.set_animated(True)  # left out of the background, drawn per frame
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    box = PixelBox.of(path.axes, int(fig.bbox.height))
    for step in frame_steps(result.num_steps, max_frames):
        canvas.restore_region(background)
        path.set_data(result.weights[: step + 1, 0], result.weights[: step + 1, 1])
        curve.set_data(np.arange(step + 1), result.losses[: step + 1])
        title.set_text(f"step {step} of {result.num_steps} ({feature})")
        for artist in moving:
            fig.draw_artist(artist)
        yield step, np.asarray(canvas.buffer_rgba())[..., :3].copy(), box


def contour_picture(land: Landscape, weights: np.ndarray) -> tuple[np.ndarray, PixelBox]:
    """The contour with a path, rendered to RGB, and where its Axes sits (to map clicks)."""
    ax = plot_descent_path(land, weights)
    rgb = to_rgb(ax.figure)
    return rgb, PixelBox.of(ax, rgb.shape[0])


def descent_frames(
    land: Landscape, result: DescentResult, max_frames: int = 30, feature: str = "x"
) -> list[np.ndarray]:
    """RGB frames (H, W, 3) of the descent step by step, for an animated GIF."""
    return [frame for _, frame, _ in iter_descent_frames(land, result, max_frames, feature)]


def line_figures(
    study: LineStudy,
    comparison: Mapping[str, tuple[Landscape, DescentResult]],
    sweep: Mapping[str, DescentResult],
    labels: tuple[str, str] = ("density", "fixed acidity"),
) -> dict[str, Figure]:
    """Every figure of lecture part 1 for one study, by file name (without .png)."""
    fit = study.fit
    line_ax = plot_line_fit(study.x, study.y, fit.w1, fit.w0, show_errors=False, labels=labels,
                            title=f"closed form, MSE = {fit.mse:.4g}")  # fmt: skip
    errors_ax = plot_line_fit(study.x, study.y, fit.w1, fit.w0, labels=labels,
                              title="each error e_i = y_i - (w1 x_i + w0)")  # fmt: skip
    contour_ax = plot_landscape_contour(study.landscape, minimum=(fit.w1, fit.w0))
    return {
        "line": line_ax.figure,
        "errors": errors_ax.figure,
        "landscape_3d": plot_landscape_surface(study.landscape).figure,
        "landscape_contour": contour_ax.figure,
        "descent_raw_vs_standardized": plot_descent_comparison(
            comparison["raw"], comparison["standardized"]
        ),
        "loss_per_step": plot_history(study.descent.history, logy=True).figure,
        "learning_rates": plot_learning_rates(sweep).figure,
    }

"""The line chapter's figure, redrawn in milliseconds per slider move (20 learners at once).

``plot_line_fit`` builds a whole figure: about 0.1-0.3 s, mostly the 1599 error
segments and the legend's text. A slider move changes only the line, its errors and
the title, so ``LineFitFrames`` draws the rest once (the background: axes, ticks,
legend) and per move paints the vertical error segments e_i with NumPy, then draws
the points, the line and the title over them (blitting). The picture matches
``plot_line_fit``'s, with the line's equation in the legend as ``y = w1 x + w0``
(the numbers are in the title and the page's text).
"""

from __future__ import annotations

import functools
import math
import threading

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb as colour_rgb

from neuralens.plots.linear import plot_line_fit
from neuralens.plots.style import COLORS

ERROR_ALPHA = 0.6  # opacity of one error segment; overlapping segments darken, as in matplotlib
MAX_BACKGROUNDS = 8  # y-ranges kept drawn (each about 0.8 MB)


class LineFitFrames:
    """RGB pictures (H, W, 3) of the data, a line y = w1 x + w0 and each error e_i.

    The y-axis covers the data; a line beyond it widens the axis by whole
    doublings of the data's span, so dragging a slider redraws the background
    rarely. Thread-safe: one frame is drawn at a time per instance.
    """

    def __init__(
        self, x: np.ndarray, y: np.ndarray, labels: tuple[str, str], points_label: str = "wines"
    ) -> None:
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        centre = float(self.y.mean())
        self.ax = plot_line_fit(self.x, self.y, 0.0, centre, labels=labels, title=" ",
                                points_label=points_label)  # fmt: skip
        self.ax.legend_.texts[-1].set_text("y = w1 x + w0")
        self.segments, self.points = self.ax.collections
        self.line, self.title = self.ax.lines[0], self.ax.title
        for artist in (self.segments, self.points, self.line, self.title):
            artist.set_animated(True)  # drawn per frame, left out of the background
        self.canvas = FigureCanvasAgg(self.ax.figure)
        self.canvas.draw()  # lay the figure out once: every background shares the Axes' place
        self.ax.figure.set_layout_engine("none")
        low, high = float(self.y.min()), float(self.y.max())
        self.span = (high - low) or 1.0
        self.data_limits = (low - 0.05 * self.span, high + 0.05 * self.span)
        self.backgrounds: dict[tuple[float, float], object] = {}
        self.lock = threading.Lock()

    def limits(self, y_hat_low: float, y_hat_high: float) -> tuple[float, float]:
        """The data's y-range, widened by whole doublings of its span to hold the line."""

        def widen(beyond: float) -> float:
            return self.span * 2.0 ** math.ceil(math.log2(beyond / self.span)) if beyond > 0 else 0

        low, high = self.data_limits
        return low - widen(low - y_hat_low), high + widen(y_hat_high - high)

    def background(self, limits: tuple[float, float]) -> tuple:
        """(the whole figure, the legend alone) drawn for this y-range, to paste per frame."""
        if limits not in self.backgrounds:
            if len(self.backgrounds) >= MAX_BACKGROUNDS:
                self.backgrounds.pop(next(iter(self.backgrounds)))
            self.ax.set_ylim(*limits)
            self.canvas.draw()
            legend = self.ax.get_legend().get_window_extent().expanded(1.02, 1.05)
            self.backgrounds[limits] = (self.canvas.copy_from_bbox(self.ax.figure.bbox),
                                        self.canvas.copy_from_bbox(legend))  # fmt: skip
        self.ax.set_ylim(*limits)
        return self.backgrounds[limits]

    def paint_errors(self, buffer: np.ndarray, y_hat: np.ndarray) -> None:
        """Blend each vertical segment (x_i, y_i) -> (x_i, y_hat_i) into ``buffer`` (H, W, 4)."""
        height, width = buffer.shape[:2]
        transform = self.ax.transData.transform
        column = np.round(transform(np.column_stack([self.x, self.y]))[:, 0]).astype(int)
        rows = height - np.stack([transform(np.column_stack([self.x, v]))[:, 1]
                                  for v in (self.y, y_hat)])  # fmt: skip
        top = np.clip(np.round(rows.min(axis=0)).astype(int), 0, height)
        bottom = np.clip(np.round(rows.max(axis=0)).astype(int) + 1, 0, height)
        inside = (column >= 0) & (column < width)
        starts = np.bincount(top[inside] * width + column[inside], minlength=(height + 1) * width)
        ends = np.bincount(bottom[inside] * width + column[inside], minlength=(height + 1) * width)
        count = np.cumsum((starts - ends).reshape(height + 1, width), axis=0)[:height]
        box = self.ax.bbox  # errors are clipped to the Axes, like matplotlib's
        clip = np.zeros((height, width), dtype=bool)
        clip[height - int(box.y1) : height - int(box.y0), int(box.x0) : int(box.x1)] = True
        covered = (count > 0) & clip
        alpha = 1.0 - (1.0 - ERROR_ALPHA) ** count[covered][:, None]  # n overlapping segments
        colour = np.array(colour_rgb(COLORS["error"])) * 255
        pixels = buffer[covered, :3].astype(float)
        buffer[covered, :3] = np.round(pixels * (1 - alpha) + colour * alpha).astype(np.uint8)

    def frame(self, w1: float, w0: float, title: str = "") -> np.ndarray:
        """The picture for the line y = w1 x + w0, as ``uint8`` (H, W, 3)."""
        y_hat = w1 * self.x + w0
        ends = w1 * np.array([self.x.min(), self.x.max()]) + w0
        with self.lock:
            figure, legend = self.background(self.limits(ends.min(), ends.max()))
            self.canvas.restore_region(figure)
            self.paint_errors(np.asarray(self.canvas.buffer_rgba()), y_hat)
            self.line.set_data([self.x.min(), self.x.max()], ends)
            self.title.set_text(title)
            for artist in (self.points, self.line, self.title):
                self.ax.figure.draw_artist(artist)
            self.canvas.restore_region(legend)  # the legend stays on top, as in matplotlib
            return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()


@functools.lru_cache(maxsize=4)
def _frames(x: bytes, y: bytes, labels: tuple[str, str], points_label: str) -> LineFitFrames:
    return LineFitFrames(np.frombuffer(x), np.frombuffer(y), labels, points_label)


def line_fit_frames(
    x: np.ndarray, y: np.ndarray, labels: tuple[str, str], points_label: str = "wines"
) -> LineFitFrames:
    """The ``LineFitFrames`` of this data, made once and shared (the last 4 datasets kept);
    ``points_label`` names the points in the legend."""
    as_bytes = (np.ascontiguousarray(v, dtype=np.float64).tobytes() for v in (x, y))
    return _frames(*as_bytes, tuple(labels), points_label)

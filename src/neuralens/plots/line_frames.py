"""The line chapter's figure, redrawn in milliseconds per slider move (20 learners at once).

``plot_line_fit`` builds a whole figure: about 0.1-0.3 s, mostly the 1599 error
segments and the legend's text. A slider move changes only the line, its errors and
the title, so ``LineFitFrames`` draws the rest once (the background: axes, ticks,
legend) and per move paints the vertical error segments e_i with NumPy, then draws
the points, the line and the title over them (blitting). The picture matches
``plot_line_fit``'s, with the line's equation in the legend as ``y = w1 x + w0``
(the numbers are in the title and the page's text). The points do not move either:
each background keeps them drawn alone on a transparent layer, and a frame lays
that layer over the errors with NumPy (about 1 ms, where matplotlib takes 5).
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
# y-ranges kept drawn (each about 1 MB): the wine sliders' windows reach 33, and a class
# sweeping them all would otherwise redraw a background (about 0.1 s) on most moves
MAX_BACKGROUNDS = 36


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
        """(the whole figure, the legend alone, the points' layer) drawn for this y-range."""
        if limits not in self.backgrounds:
            if len(self.backgrounds) >= MAX_BACKGROUNDS:
                self.backgrounds.pop(next(iter(self.backgrounds)))
            self.ax.set_ylim(*limits)
            self.canvas.draw()
            legend = self.ax.get_legend().get_window_extent().expanded(1.02, 1.05)
            self.backgrounds[limits] = (self.canvas.copy_from_bbox(self.ax.figure.bbox),
                                        self.canvas.copy_from_bbox(legend),
                                        self.points_layer())  # fmt: skip
        self.ax.set_ylim(*limits)
        return self.backgrounds[limits]

    def points_layer(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The points drawn alone on a transparent canvas: (flat indices of the pixels they
        touch (n,), their colours (n, 3), their opacities (n, 1))."""
        self.canvas.get_renderer().clear()  # transparent: RGBA (0, 0, 0, 0) everywhere
        self.ax.figure.draw_artist(self.points)
        layer = np.asarray(self.canvas.buffer_rgba()).reshape(-1, 4)
        touched = np.flatnonzero(layer[:, 3]).astype(np.int32)
        return touched, layer[touched, :3].copy(), (layer[touched, 3:] / 255).astype(np.float32)

    @staticmethod
    def lay_points(buffer: np.ndarray, layer: tuple) -> None:
        """Blend the points' layer over ``buffer`` (H, W, 4), as matplotlib draws them."""
        touched, colours, opacity = layer
        pixels = buffer.reshape(-1, 4)
        below = pixels[touched, :3].astype(float)
        pixels[touched, :3] = np.round(colours * opacity + below * (1 - opacity))

    def paint_errors(self, buffer: np.ndarray, y_hat: np.ndarray) -> None:
        """Blend each vertical segment (x_i, y_i) -> (x_i, y_hat_i) into ``buffer`` (H, W, 4).

        Errors are clipped to the Axes, like matplotlib's; only that box is painted.
        """
        height = buffer.shape[0]
        box = self.ax.bbox
        first, last = height - int(box.y1), height - int(box.y0)  # the box's rows
        left, right = int(box.x0), int(box.x1)  # and columns
        rows, width = last - first, right - left
        transform = self.ax.transData.transform
        column = np.round(transform(np.column_stack([self.x, self.y]))[:, 0]).astype(int) - left
        ends = height - first - np.stack([transform(np.column_stack([self.x, v]))[:, 1]
                                          for v in (self.y, y_hat)])  # fmt: skip
        top = np.clip(np.round(ends.min(axis=0)).astype(int), 0, rows)
        bottom = np.clip(np.round(ends.max(axis=0)).astype(int) + 1, 0, rows)
        inside = (column >= 0) & (column < width)
        cells = (rows + 1) * width
        starts = np.bincount(top[inside] * width + column[inside], minlength=cells)
        stops = np.bincount(bottom[inside] * width + column[inside], minlength=cells)
        count = np.cumsum((starts - stops).reshape(rows + 1, width), axis=0)[:rows]  # (rows, width)
        covered = count > 0
        alpha = 1.0 - (1.0 - ERROR_ALPHA) ** count[covered][:, None]  # n overlapping segments
        colour = np.array(colour_rgb(COLORS["error"])) * 255
        region = buffer[first:last, left:right, :3]
        region[covered] = np.round(region[covered] * (1 - alpha) + colour * alpha)

    def frame(self, w1: float, w0: float, title: str = "") -> np.ndarray:
        """The picture for the line y = w1 x + w0, as ``uint8`` (H, W, 3)."""
        y_hat = w1 * self.x + w0
        ends = w1 * np.array([self.x.min(), self.x.max()]) + w0
        with self.lock:
            figure, legend, points = self.background(self.limits(ends.min(), ends.max()))
            self.canvas.restore_region(figure)
            buffer = np.asarray(self.canvas.buffer_rgba())
            self.paint_errors(buffer, y_hat)
            self.lay_points(buffer, points)
            self.line.set_data([self.x.min(), self.x.max()], ends)
            self.title.set_text(title)
            for artist in (self.line, self.title):
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

"""Chapter 5's four figures of a digit, redrawn in milliseconds per sketch (a class at once).

``plot_pixel_values`` writes up to 784 numbers with matplotlib and every figure is
laid out from scratch: about 0.3 s for the four. Here each figure is laid out and
drawn once; per digit only what changes is drawn again over a copy of the rest
(blitting): the image cells, the 784 features' steps, the 10
bars, the unit's three images and the titles that carry numbers. The numbers in the
cells come from an atlas: matplotlib writes each value 1..255 once on its own cell,
and a cell of value v always has the colour of v, so pasting that patch gives the
picture ``plot_pixel_values`` draws. Each figure draws one frame at a time (a lock).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from neuralens.plots.export import to_rgb
from neuralens.plots.inside import (
    _symmetric_limit,
    plot_flattened,
    plot_pixel_values,
    plot_probabilities,
    plot_unit,
)
from neuralens.plots.style import COLORS, write_in_cells

MAX_BACKGROUNDS = 8  # y-ranges of the flattened view kept drawn


class Blit:
    """A figure laid out and drawn once without its ``animated`` artists, which each frame
    draws again over a copy of that background."""

    def __init__(self, figure: Figure, animated: Sequence[Artist]) -> None:
        self.figure, self.animated = figure, list(animated)
        for artist in self.animated:
            artist.set_animated(True)
        self.canvas = FigureCanvasAgg(figure)
        self.canvas.draw()  # lay the figure out once; the layout then stays
        figure.set_layout_engine("none")
        self.background = self.canvas.copy_from_bbox(figure.bbox)
        self.lock = threading.Lock()

    def redraw_background(self) -> None:
        """Draw the background again (after a change to the axes, e.g. its limits)."""
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def frame(self, paint: Callable[[np.ndarray], None] | None = None) -> np.ndarray:
        """The background, the animated artists over it, then ``paint`` on the RGBA buffer
        (H, W, 4); returns ``uint8`` (H, W, 3). The caller holds ``lock``."""
        self.canvas.restore_region(self.background)
        for artist in self.animated:
            self.figure.draw_artist(artist)
        buffer = np.asarray(self.canvas.buffer_rgba())
        if paint is not None:
            paint(buffer)
        return buffer[..., :3].copy()


class PixelValueFrames:
    """``plot_pixel_values`` of uint8 images of one shape: gray cells, each value written."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        ax = plot_pixel_values(np.zeros(shape, dtype=np.uint8))
        self.ax, self.cells = ax, ax.images[0]
        self.blit = Blit(ax.figure, [self.cells])
        height = self.blit.canvas.get_width_height()[1]
        rows, cols = np.indices(shape)
        x, y = ax.transData.transform(np.column_stack([cols.ravel(), rows.ravel()])).T
        # each cell's centre pixel (row, column) in the picture
        self.centres = np.stack([np.round(height - y), np.round(x)], axis=1).astype(int)
        self.centres = self.centres.reshape(*shape, 2)
        self.glyphs = self._atlas(height)

    def _atlas(self, height: int) -> dict[int, tuple[np.ndarray, int, int]]:
        """Each value 1..255 written by matplotlib on its cell: (patch (h, w, 3), row and
        column of the patch's corner from the cell's centre pixel)."""
        glyphs: dict[int, tuple[np.ndarray, int, int]] = {}
        size = self.shape[0] * self.shape[1]
        renderer = self.blit.canvas.get_renderer()
        self.cells.set_animated(False)  # the atlas writes each value on its drawn cell
        for start in range(1, 256, size):
            values = np.zeros(size, dtype=np.uint8)
            chunk = np.arange(start, min(start + size, 256))
            values[: len(chunk)] = chunk
            values = values.reshape(self.shape)
            self.cells.set_data(values)
            texts = [[f"{v:g}" if v else "" for v in row] for row in values]
            written = write_in_cells(self.ax, self.cells, texts, fontsize=4.5)
            self.blit.canvas.draw()
            buffer = np.asarray(self.blit.canvas.buffer_rgba())
            for text in written:
                col, row = (int(round(v)) for v in text.get_position())
                box = text.get_window_extent(renderer)
                top, bottom = height - int(np.ceil(box.y1)) - 1, height - int(box.y0) + 1
                left, right = int(box.x0) - 1, int(np.ceil(box.x1)) + 1
                centre_row, centre_col = self.centres[row, col]
                patch = buffer[top:bottom, left:right, :3].copy()
                glyphs[int(values[row, col])] = (patch, top - centre_row, left - centre_col)
                text.remove()
        self.cells.set_animated(True)
        self.blit.redraw_background()  # without the atlas' texts and cells
        return glyphs

    def frame(self, image: np.ndarray) -> np.ndarray:
        """The picture of ``image`` (uint8, this shape) as ``uint8`` (H, W, 3)."""

        def write_values(buffer: np.ndarray) -> None:
            for row, col in np.argwhere(image):
                patch, down, right = self.glyphs[int(image[row, col])]
                top, left = self.centres[row, col] + (down, right)
                buffer[top : top + patch.shape[0], left : left + patch.shape[1], :3] = patch

        with self.blit.lock:
            self.cells.set_data(image)
            return self.blit.frame(write_values)


class FlattenedFrames:
    """``plot_flattened`` of vectors of one length: one step per value."""

    def __init__(self, length: int, label: str = "pixel") -> None:
        # laid out for pixels 0..255 (the tick labels' width sets the Axes' place)
        ax = plot_flattened(np.linspace(0, 255, length), label=label)
        self.ax, (self.steps,) = ax, ax.collections
        self.index = np.arange(length)
        self.blit = Blit(ax.figure, [self.steps])
        self.backgrounds: dict[float, object] = {}

    def frame(self, vector: np.ndarray) -> np.ndarray:
        """The picture of ``vector`` (length, values >= 0, not all 0) as ``uint8`` (H, W, 3)."""
        top = float(vector.max())
        with self.blit.lock:
            if top not in self.backgrounds:  # the y-range matplotlib's autoscale gives
                if len(self.backgrounds) >= MAX_BACKGROUNDS:
                    self.backgrounds.pop(next(iter(self.backgrounds)))
                self.ax.set_ylim(-0.05 * top, 1.05 * top)
                self.blit.redraw_background()
                self.backgrounds[top] = self.blit.background
            self.ax.set_ylim(-0.05 * top, 1.05 * top)
            self.blit.background = self.backgrounds[top]
            self.steps.set_data(self.index, vector, 0)
            return self.blit.frame()


class ProbabilityFrames:
    """``plot_probabilities`` for one list of classes: the bars and the title."""

    def __init__(self, classes: tuple[str, ...]) -> None:
        self.classes = classes
        ax = plot_probabilities(np.full(len(classes), 1.0 / len(classes)), classes)
        self.bars, self.title = list(ax.containers[0]), ax.title
        self.blit = Blit(ax.figure, [*self.bars, self.title])

    def frame(self, probabilities: np.ndarray) -> np.ndarray:
        """The picture of ``probabilities`` (one per class) as ``uint8`` (H, W, 3)."""
        best = int(np.argmax(probabilities))
        with self.blit.lock:
            for k, (bar, p) in enumerate(zip(self.bars, probabilities, strict=True)):
                bar.set_height(p)
                bar.set_facecolor(COLORS["model"] if k == best else COLORS["data"])
            self.title.set_text(f"prediction: {self.classes[best]} ({probabilities[best]:.0%})")
            return self.blit.frame()


class UnitFrames:
    """``plot_unit`` for one weight shape: three images and the titles with numbers."""

    def __init__(self, shape: tuple[int, int]) -> None:
        figure = plot_unit(np.ones(shape), np.ones(shape), 0.0, 0)
        self.axes = figure.axes
        self.images = [ax.images[0] for ax in self.axes]
        self.titles = [self.axes[0].title, self.axes[2].title]
        self.blit = Blit(figure, [*self.images, *self.titles])

    def frame(self, weights: np.ndarray, image: np.ndarray, bias: float, unit: int) -> np.ndarray:
        """The picture ``plot_unit`` draws, as ``uint8`` (H, W, 3)."""
        products = weights * image
        with self.blit.lock:
            for shown, values in zip(self.images[::2], (weights, products), strict=True):
                limit = _symmetric_limit(values)
                shown.set_data(values)
                shown.set_clim(-limit, limit)
            self.images[1].set_data(image)
            self.titles[0].set_text(f"unit {unit}: its {weights.size} weights w_i")
            self.titles[1].set_text(f"w_i x_i: sum {products.sum():.2f} + b {bias:.2f}")
            return self.blit.frame()


@functools.lru_cache(maxsize=4)
def _pixel_frames(shape: tuple[int, int]) -> PixelValueFrames:
    return PixelValueFrames(shape)


@functools.lru_cache(maxsize=4)
def _flattened_frames(length: int) -> FlattenedFrames:
    return FlattenedFrames(length)


@functools.lru_cache(maxsize=4)
def _probability_frames(classes: tuple[str, ...]) -> ProbabilityFrames:
    return ProbabilityFrames(classes)


@functools.lru_cache(maxsize=4)
def _unit_frames(shape: tuple[int, int]) -> UnitFrames:
    return UnitFrames(shape)


def pixel_values_picture(image: np.ndarray) -> np.ndarray:
    """``plot_pixel_values(image)`` as ``uint8`` (H, W, 3), fast for a uint8 (H, W) image."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 2:  # other numbers: the whole figure
        return to_rgb(plot_pixel_values(image).figure)
    return _pixel_frames(image.shape).frame(image)


def flattened_picture(vector: np.ndarray) -> np.ndarray:
    """``plot_flattened(vector)`` as ``uint8`` (H, W, 3), fast for values >= 0, not all 0."""
    vector = np.ravel(vector).astype(float)
    if vector.min() < 0 or vector.max() <= 0:  # another autoscale: the whole figure
        return to_rgb(plot_flattened(vector).figure)
    return _flattened_frames(len(vector)).frame(vector)


def probabilities_picture(probabilities: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """``plot_probabilities(probabilities, classes)`` as ``uint8`` (H, W, 3)."""
    probabilities = np.ravel(probabilities).astype(float)
    if len(probabilities) != len(classes):
        raise ValueError(f"{len(probabilities)} probabilities but {len(classes)} classes")
    return _probability_frames(tuple(classes)).frame(probabilities)


def unit_picture(weights: np.ndarray, image: np.ndarray, bias: float, unit: int) -> np.ndarray:
    """``plot_unit(weights, image, bias, unit)`` as ``uint8`` (H, W, 3)."""
    weights, image = np.asarray(weights, dtype=float), np.asarray(image, dtype=float)
    if weights.shape != image.shape:
        raise ValueError(f"weights {weights.shape} and image {image.shape} must match")
    return _unit_frames(weights.shape).frame(weights, image, float(bias), int(unit))

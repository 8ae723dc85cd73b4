"""One look for every figure: the lecture's colours, sizes and fonts.

Every plot function in ``neuralens.plots`` draws inside ``new_axes`` (or an Axes
it is given), so figures from every chapter match. The look is set on each figure
and its Axes, never in matplotlib's global ``rcParams`` and without choosing a
backend: importing ``neuralens.plots`` changes nothing for the caller's own
figures, and many learners' figures can be drawn at once in threads (the explorer
serves a class), since no render changes settings that others read.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.text import Text

# a colour per role, used by every chapter
COLORS = {
    "data": "#3b6ea8",  # measured points
    "model": "#d1495b",  # the line / prediction
    "error": "#edae49",  # errors e_i
    "path": "#00798c",  # gradient-descent path
    "accent": "#30343f",
    "train": "#3b6ea8",
    "test": "#d1495b",
}
CLASS_COLORS = ("#d1495b", "#00798c", "#edae49", "#66a182", "#8d96a3",
                "#3b6ea8", "#b56576", "#2e4057", "#e07a5f", "#81b29a")  # fmt: skip

FIGURE_DPI = 100  # pixels per inch on screen (the explorer's pictures)
SAVE_DPI = 120  # pixels per inch of saved PNG files
GRID_ALPHA = 0.25  # a faint grid: it guides the eye without competing with the data
DARK_TEXT, LIGHT_TEXT = "#111111", "#ffffff"  # numbers written on light / on dark cells


def style_axes(ax: Axes) -> Axes:
    """The neuralens look on one Axes: no top and right frame lines, a faint grid."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, alpha=GRID_ALPHA)
    return ax


def new_figure(figsize: tuple[float, float] = (8.0, 4.0)) -> Figure:
    """A fresh Figure whose Axes get the neuralens look as they are added.

    Not registered with pyplot, so nothing leaks between calls; plot functions
    may still change an Axes after it was added (``image_axes`` removes the grid).
    """
    fig = Figure(figsize=figsize, layout="constrained", dpi=FIGURE_DPI)
    styled: set[int] = set()  # ids of this figure's Axes that already have the look

    def style_added_axes(figure: Figure) -> None:
        for ax in figure.axes:
            if id(ax) not in styled:
                styled.add(id(ax))
                style_axes(ax)

    fig.add_axobserver(style_added_axes)
    return fig


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = (5.0, 4.0), **kw) -> Axes:
    """``ax`` itself, or a fresh Axes on a new Figure in the neuralens style."""
    if ax is not None:
        return ax
    return new_figure(figsize).add_subplot(**kw)


def image_axes(ax: Axes) -> Axes:
    """Strip ticks and grid from an Axes that shows an image."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


def relative_luminance(color) -> float:
    """How bright a colour looks, 0 (black) .. 1 (white): WCAG 2's relative luminance.

    Notes
    -----
    L = 0.2126 R + 0.7152 G + 0.0722 B on the linearised sRGB channels
    (c / 12.92 below 0.04045, else ((c + 0.055) / 1.055) ** 2.4).

    >>> relative_luminance("white"), relative_luminance("black")
    (1.0, 0.0)
    """
    channels = np.asarray(to_rgba(color)[:3])
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(np.dot([0.2126, 0.7152, 0.0722], linear))


def contrast_ratio(first, second) -> float:
    """WCAG 2's contrast ratio of two colours, 1 (same) .. 21 (black on white).

    >>> round(contrast_ratio("black", "white"), 1)
    21.0
    """
    light, dark = sorted([relative_luminance(first), relative_luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color_on(background) -> str:
    """The text colour readable on ``background``: light on dark cells, dark on light ones.

    Picks whichever of ``DARK_TEXT`` and ``LIGHT_TEXT`` contrasts more with the cell; the
    worse of the two choices is still about 4.5:1 (WCAG AA for small text).

    >>> text_color_on("#08306b"), text_color_on("#f7fbff")
    ('#ffffff', '#111111')
    """
    on_dark = contrast_ratio(LIGHT_TEXT, background)
    return LIGHT_TEXT if on_dark > contrast_ratio(DARK_TEXT, background) else DARK_TEXT


def write_in_cells(
    ax: Axes, image: AxesImage, texts: Sequence[Sequence[str]] | np.ndarray, **text_kw
) -> list[Text]:
    """Write ``texts[row][col]`` in each cell of ``image``, coloured to be read on that cell.

    Every heat map with numbers in its cells (kernels, convolution grids, pixel values,
    confusion matrices) writes them here, so no number is dark on a dark cell. An empty
    string, or a cell that ``image`` leaves blank (NaN), gets no text.
    """
    texts = np.asarray(texts, dtype=object)
    cells = image.get_array()  # (H, W), masked where blank
    if texts.shape != cells.shape:
        raise ValueError(f"texts {texts.shape} must match the image's cells {cells.shape}")
    colors = image.to_rgba(cells)  # (H, W, 4), the cells' colours
    written = []
    for (row, col), text in np.ndenumerate(texts):
        if text and not np.ma.is_masked(cells[row, col]) and np.isfinite(cells[row, col]):
            color = text_color_on(colors[row, col, :3])
            written.append(ax.text(col, row, text, ha="center", va="center", color=color,
                                   in_layout=False, **text_kw))  # fmt: skip
    return written

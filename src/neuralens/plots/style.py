"""One look for every figure: the lecture's colours, sizes and fonts.

Every plot function in ``neuralens.plots`` draws inside ``new_axes`` (or an Axes
it is given), so figures from every chapter match. The look is set on each figure
and its Axes, never in matplotlib's global ``rcParams`` and without choosing a
backend: importing ``neuralens.plots`` changes nothing for the caller's own
figures, and many learners' figures can be drawn at once in threads (the explorer
serves a class), since no render changes settings that others read.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

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

"""One look for every figure: the lecture's colours, sizes and fonts.

Every plot function in ``neuralens.plots`` draws inside ``new_axes`` (or an Axes
it is given), so figures from every chapter match.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # figures are drawn to files and to the explorer, never to a window

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

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

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "image.cmap": "gray",
}
plt.rcParams.update(STYLE)


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = (5.0, 4.0), **kw) -> Axes:
    """``ax`` itself, or a fresh Axes on a new Figure in the neuralens style."""
    if ax is not None:
        return ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot(**kw)


def new_figure(figsize: tuple[float, float] = (8.0, 4.0)) -> Figure:
    """A fresh Figure (not registered with pyplot, so nothing leaks between calls)."""
    return Figure(figsize=figsize, layout="constrained")


def image_axes(ax: Axes) -> Axes:
    """Strip ticks and grid from an Axes that shows an image."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax

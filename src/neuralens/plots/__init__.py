"""Figures for every chapter; the only place matplotlib is imported.

Functions take data (+ ``ax=None``) and return the Axes or Figure; callers show
or save them (``plots.save(fig, path)``, ``plots.to_rgb(fig)`` for the explorer).
"""

from neuralens.plots.data import plot_digit_grid, plot_shapes, plot_wine_scatter
from neuralens.plots.export import save, to_png_bytes, to_rgb
from neuralens.plots.history import plot_history
from neuralens.plots.style import COLORS, Axes, Figure, new_axes, new_figure

__all__ = [
    "COLORS",
    "Axes",
    "Figure",
    "new_axes",
    "new_figure",
    "plot_digit_grid",
    "plot_history",
    "plot_shapes",
    "plot_wine_scatter",
    "save",
    "to_png_bytes",
    "to_rgb",
]

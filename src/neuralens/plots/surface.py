"""The loss landscape as a rotatable 3-D surface (plotly), for the explorer.

Plotly draws in the browser, so the learner can turn the "mountains and hills" with
the mouse; Gradio's bundled plotly.js renders it offline. Matplotlib's
``plot_landscape_surface`` is the still picture for files and notebooks.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from neuralens.linear import Landscape, ValleySurface
from neuralens.plots.style import COLORS

LOG_SPAN = 1e3  # a loss spanning more than this factor is drawn as log10, so valleys show


def landscape_surface_3d(
    land: Landscape | ValleySurface, path: np.ndarray | None = None
) -> go.Figure:
    """Surface of the loss over (w1, w0); ``path`` (steps, 3) of (w1, w0, loss) drawn on it,
    clipped to the surface's window (a diverging path would squash the surface flat)."""
    use_log = land.loss.min() > 0 and land.loss.max() / land.loss.min() > LOG_SPAN
    height = np.log10(land.loss) if use_log else land.loss
    label = f"log10 {land.loss_name} loss" if use_log else f"{land.loss_name} loss"
    fig = go.Figure(go.Surface(x=land.w1, y=land.w0, z=height, colorscale="Viridis",
                               showscale=False, name="loss"))  # fmt: skip
    if path is not None:
        path = path_inside(land, path)
    if path is not None and len(path):
        z = np.log10(path[:, 2]) if use_log else path[:, 2]
        style = {"marker": {"size": 3, "color": COLORS["model"]},
                 "line": {"color": COLORS["model"], "width": 4}}  # fmt: skip
        fig.add_trace(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=z, mode="lines+markers",
                                   name="descent", **style))  # fmt: skip
    fig.update_layout(
        scene={"xaxis_title": "w1", "yaxis_title": "w0", "zaxis_title": label,
               "zaxis": {"range": [float(height.min()), float(height.max())]}},
        margin={"l": 0, "r": 0, "t": 10, "b": 0}, height=420, showlegend=False,
    )  # fmt: skip
    return fig


def path_inside(land: Landscape | ValleySurface, path: np.ndarray) -> np.ndarray:
    """The rows of ``path`` (steps, 3) inside the surface's w1 and w0 ranges and under its
    highest loss."""
    inside = np.all(np.isfinite(path), axis=1) & (path[:, 2] <= np.max(land.loss))
    for column, grid in enumerate((land.w1, land.w0)):
        inside &= (path[:, column] >= np.min(grid)) & (path[:, column] <= np.max(grid))
    return path[inside]

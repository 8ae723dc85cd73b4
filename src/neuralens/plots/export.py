"""Turn a Figure into a PNG file, PNG bytes or an RGB array (what the explorer shows)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def _figure(fig: Figure | Axes) -> Figure:
    return fig.get_figure() if isinstance(fig, Axes) else fig


def to_png_bytes(fig: Figure | Axes) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    _figure(fig).savefig(buffer, format="png")
    return buffer.getvalue()


def save(fig: Figure | Axes, path: str | Path) -> Path:
    """Write the figure as a PNG; the file appears whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(to_png_bytes(fig))
    partial.replace(path)
    return path


def to_rgb(fig: Figure | Axes) -> np.ndarray:
    """The figure rendered to ``uint8`` (H, W, 3)."""
    canvas = FigureCanvasAgg(_figure(fig))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()

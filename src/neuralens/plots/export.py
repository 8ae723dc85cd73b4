"""Turn a Figure into a PNG file, PNG bytes or an RGB array (what the explorer shows)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from neuralens.plots.style import SAVE_DPI


def _figure(fig: Figure | Axes) -> Figure:
    return fig.get_figure() if isinstance(fig, Axes) else fig


def to_png_bytes(fig: Figure | Axes) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    _figure(fig).savefig(buffer, format="png", dpi=SAVE_DPI, bbox_inches="tight")
    return buffer.getvalue()


def rgb_to_png(rgb: np.ndarray) -> bytes:
    """An RGB array (H, W, 3) as PNG bytes (e.g. one frame of an animation)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgb, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def save(fig: Figure | Axes, path: str | Path) -> Path:
    """Write the figure as a PNG; the file appears whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(to_png_bytes(fig))
    partial.replace(path)
    return path


def save_gif(frames: Sequence[np.ndarray], path: str | Path, ms_per_frame: int = 120) -> Path:
    """Write RGB frames (H, W, 3) as a looping animated GIF (Pillow): a descent, step by step."""
    if not frames:
        raise ValueError("save_gif needs at least one frame")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.fromarray(np.asarray(frame, dtype=np.uint8)).quantize(
                  method=Image.Quantize.FASTOCTREE) for frame in frames]  # fmt: skip
    partial = path.with_name(path.name + ".part")
    images[0].save(partial, format="GIF", save_all=True, append_images=images[1:],
                   duration=ms_per_frame, loop=0)  # fmt: skip
    partial.replace(path)
    return path


def to_rgb(fig: Figure | Axes) -> np.ndarray:
    """The figure rendered to ``uint8`` (H, W, 3)."""
    canvas = FigureCanvasAgg(_figure(fig))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()

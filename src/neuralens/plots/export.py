"""Turn a Figure into a PNG file, PNG bytes or an RGB array (what the explorer shows)."""

from __future__ import annotations

import io
import struct
import zlib
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


PNG_COLOUR_TYPES = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type: grey, RGB, RGBA
FAST_LEVEL = 1  # zlib level for pictures made per move: flat plots shrink as well as at 6


def rgb_to_png(rgb: np.ndarray, level: int = FAST_LEVEL) -> bytes:
    """An RGB (H, W, 3), RGBA (H, W, 4) or grey (H, W) ``uint8`` array as PNG bytes.

    Written with NumPy and zlib (no row filters, deflate ``level``): about 2 ms for a
    500 x 430 figure, where Pillow's encoder takes 8 at its default level, and the
    file is about as small (flat colours compress well unfiltered). The pixels are
    kept exactly.

    >>> png = rgb_to_png(np.zeros((2, 3, 3), dtype=np.uint8))
    >>> png[:8], Image.open(io.BytesIO(png)).size
    (b'\\x89PNG\\r\\n\\x1a\\n', (3, 2))
    """
    picture = np.asarray(rgb)
    channels = 1 if picture.ndim == 2 else picture.shape[-1]
    if picture.dtype != np.uint8 or picture.ndim not in (2, 3) or channels not in PNG_COLOUR_TYPES:
        raise ValueError(f"rgb_to_png expects a uint8 (H, W), (H, W, 3) or (H, W, 4) array, "
                         f"got {picture.dtype} {picture.shape}")  # fmt: skip
    height, width = picture.shape[:2]
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # filter byte 0: none
    rows[:, 1:] = picture.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, PNG_COLOUR_TYPES[channels], 0, 0, 0)
    return b"".join([b"\x89PNG\r\n\x1a\n", png_chunk(b"IHDR", header),
                     png_chunk(b"IDAT", zlib.compress(rows.tobytes(), level)),
                     png_chunk(b"IEND", b"")])  # fmt: skip


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 of type and data (PNG spec, section 5.3)."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


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


def cells_png(values: np.ndarray, cmap: str, low: float, high: float) -> bytes:
    """A 2-D array as PNG bytes, one pixel per cell, coloured by ``cmap`` over [low, high]."""
    from matplotlib import colormaps

    scaled = np.clip((np.asarray(values, dtype=float) - low) / (high - low), 0.0, 1.0)
    return rgb_to_png(colormaps[cmap](scaled, bytes=True)[..., :3])

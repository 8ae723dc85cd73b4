"""PNG bytes written with NumPy and zlib: every pixel kept, bad arrays named."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from neuralens.plots import rgb_to_png


@pytest.mark.parametrize("shape", [(5, 7, 3), (5, 7, 4), (5, 7), (1, 1, 3)])
def test_png_keeps_every_pixel(shape):
    picture = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    decoded = Image.open(io.BytesIO(rgb_to_png(picture)))
    assert decoded.mode == ("L" if len(shape) == 2 else {3: "RGB", 4: "RGBA"}[shape[2]])
    assert np.array_equal(np.asarray(decoded), picture)


@pytest.mark.parametrize(
    "bad", [np.zeros((4, 4, 3)), np.zeros((4, 4, 2), dtype=np.uint8), np.zeros(4, np.uint8)]
)
def test_png_refuses_what_it_cannot_write(bad):
    """Old code cast floats to uint8 silently (0.5 -> 0) and failed inside Pillow on others."""
    with pytest.raises(ValueError, match=r"rgb_to_png expects a uint8 \(H, W\)"):
        rgb_to_png(bad)

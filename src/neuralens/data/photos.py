"""Real photos shipped inside scikit-image (offline): the lecture's cat is ``chelsea``."""

from __future__ import annotations

import numpy as np

from neuralens.data.errors import DatasetError

PHOTOS = {
    "chelsea": "the lecture's cat (300x451, colour)",
    "astronaut": "Eileen Collins (512x512, colour)",
    "camera": "a cameraman (512x512, gray)",
    "coins": "Greek coins (303x384, gray)",
    "coffee": "a cup of coffee (400x600, colour)",
}


def sample_image(name: str = "chelsea") -> np.ndarray:
    """A photo as ``uint8``: (H, W, 3) for colour, (H, W) for gray.

    >>> sample_image("chelsea").shape
    (300, 451, 3)
    """
    if name not in PHOTOS:
        raise DatasetError(f"unknown photo {name!r}; choose one of {', '.join(PHOTOS)}")
    from skimage import data as skimage_data  # heavy import, paid only when a photo is asked

    return np.asarray(getattr(skimage_data, name)(), dtype=np.uint8)

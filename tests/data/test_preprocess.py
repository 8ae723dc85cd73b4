"""MNIST-style preprocessing of drawings: ink, crop, 20x20 box, centre of mass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuralens.data import load_mnist
from neuralens.data.preprocess import (
    MNIST_BOX,
    MNIST_SIZE,
    centre_by_mass,
    ink_image,
    to_mnist,
)


def sketch(height: int = 400, width: int = 400) -> np.ndarray:
    """A sketchpad composite: opaque white RGBA page."""
    return np.full((height, width, 4), 255, dtype=np.uint8)


def centre_of_mass(image: np.ndarray) -> np.ndarray:
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return np.array([(rows * image).sum() / total, (cols * image).sum() / total])


def test_vertical_stroke_becomes_a_centred_twenty_pixel_one():
    page = sketch()
    page[50:350, 60:75, :3] = 0  # black ink, far from the centre
    digit = to_mnist(page)
    rows = np.flatnonzero(digit.any(axis=1))
    assert rows[-1] - rows[0] + 1 == MNIST_BOX
    assert np.allclose(centre_of_mass(digit.astype(float)), MNIST_SIZE / 2, atol=0.6)
    assert digit.max() == 255 and digit[0].sum() == 0


def test_empty_drawing_gives_a_black_image():
    assert not to_mnist(sketch()).any()


def test_transparent_pixels_are_paper_and_auto_detects_mnist_polarity():
    page = np.zeros((50, 50, 4), dtype=np.uint8)  # fully transparent = white paper
    page[10:40, 20:30] = (0, 0, 0, 255)
    assert ink_image(page)[0, 0] == 0 and ink_image(page)[20, 25] == 1
    images, _ = load_mnist("test")
    assert np.allclose(ink_image(images[0]), images[0] / 255)  # already light-on-dark


def test_an_mnist_digit_survives_the_round_trip():
    images, _ = load_mnist("test")
    digit = images[0]
    again = to_mnist(255 - digit, ink="dark")  # as if drawn dark on paper
    assert np.corrcoef(digit.ravel(), again.ravel())[0, 1] > 0.8


@settings(deadline=None, max_examples=25)
@given(top=st.integers(0, 80), left=st.integers(0, 80), height=st.integers(1, 40),
       width=st.integers(1, 40))  # fmt: skip
def test_any_blob_fits_the_box_and_image(top, left, height, width):
    page = np.full((120, 120), 255, dtype=np.uint8)
    page[top : top + height, left : left + width] = 0
    digit = to_mnist(page)
    rows, cols = np.nonzero(digit)
    assert digit.shape == (MNIST_SIZE, MNIST_SIZE)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 <= MNIST_BOX


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="ink must be"):
        to_mnist(sketch(), ink="blue")
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        to_mnist(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="does not fit"):
        centre_by_mass(np.ones((30, 3)))


def test_sixteen_bit_and_float_pictures_keep_their_grey_levels():
    """Old code: a 16-bit page of 60000 (92 %) and its 20000 stroke both clipped to white."""
    page = np.full((8, 8), 60_000, dtype=np.uint16)
    page[2:6, 3] = 20_000
    ink = ink_image(page, ink="dark")
    assert ink[0, 0] == pytest.approx(1 - 60_000 / 65_535)
    assert ink[3, 3] == pytest.approx(1 - 20_000 / 65_535)
    wide = np.array([[-2.0, 0.0], [2.0, 6.0]])  # floats outside [0, 255]: stretched to [0, 1]
    assert ink_image(wide, ink="light").tolist() == [[0.0, 0.25], [0.5, 1.0]]
    with pytest.raises(ValueError, match="not finite"):
        ink_image(np.array([[0.0, np.nan]]))

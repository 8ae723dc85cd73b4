"""Chapter 5's fast figures: each value where the numbers say, and the same picture the full
matplotlib figures draw (a handful of text pixels shifted by rounding at most)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from neuralens import plots
from neuralens.plots.digit_frames import (
    FlattenedFrames,
    PixelValueFrames,
    ProbabilityFrames,
    UnitFrames,
)

RNG = np.random.default_rng(0)
DIGIT = np.zeros((16, 16), dtype=np.uint8)  # 256 cells: the atlas of 1..255 in one drawing
DIGIT[3:13, 6:10] = RNG.integers(1, 256, (10, 4))


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def at(ax, image: np.ndarray, x: float, y: float) -> np.ndarray:
    """The picture's pixel at data point (x, y) of ``ax``."""
    column, row = ax.transData.transform((x, y))
    return image[image.shape[0] - int(round(row)), int(round(column))].astype(int)


def differing(first: np.ndarray, second: np.ndarray) -> float:
    """The share of pixels that differ by more than 30 in a channel."""
    assert first.shape == second.shape
    return float((np.abs(first.astype(int) - second.astype(int)).max(axis=2) > 30).mean())


@pytest.fixture(scope="module")
def pixel_frames() -> PixelValueFrames:
    return PixelValueFrames(DIGIT.shape)


def test_each_cell_has_its_gray_and_its_number(pixel_frames):
    image = pixel_frames.frame(DIGIT)
    for row, col in [(0, 0), (5, 7), (12, 9)]:
        value = int(DIGIT[row, col])
        corner = at(pixel_frames.ax, image, col - 0.4, row - 0.4)  # no text there
        assert np.abs(corner - value).max() <= 1  # gray cell: r = g = b = the value
        top, left = pixel_frames.centres[row, col] - 3
        centre = image[top : top + 7, left : left + 7].astype(int)
        written = np.abs(centre - value).max()
        assert written > 60 if value else written <= 1  # a number is written, none on 0


def test_pixel_values_match_the_full_figure(pixel_frames):
    full = plots.to_rgb(plots.plot_pixel_values(DIGIT).figure)
    assert differing(pixel_frames.frame(DIGIT), full) < 0.01
    blank = plots.to_rgb(plots.plot_pixel_values(np.zeros_like(DIGIT)).figure)
    assert differing(pixel_frames.frame(DIGIT), blank) > 0.02  # the test can fail


def test_other_numbers_draw_the_whole_figure():
    floats = DIGIT.astype(float) / 2
    assert np.array_equal(plots.pixel_values_picture(floats),
                          plots.to_rgb(plots.plot_pixel_values(floats).figure))  # fmt: skip


def test_each_feature_is_a_step_as_high_as_its_value():
    vector = np.zeros(64)
    vector[10], vector[40] = 200.0, 50.0
    frames = FlattenedFrames(len(vector))
    image = frames.frame(vector)
    data = rgb(plots.COLORS["data"])
    assert np.abs(at(frames.ax, image, 10, 100) - data).max() < 60  # inside the step
    assert np.abs(at(frames.ax, image, 40, 100) - data).max() > 60  # above a low step
    assert np.abs(at(frames.ax, image, 40, 25) - data).max() < 60
    assert frames.ax.get_ylim() == pytest.approx((-10.0, 210.0))  # matplotlib's autoscale
    assert differing(image, plots.to_rgb(plots.plot_flattened(vector).figure)) < 0.01


def test_the_most_probable_class_is_the_highlighted_bar():
    classes = tuple("0123456789")
    frames = ProbabilityFrames(classes)
    probabilities = np.full(10, 0.02)
    probabilities[7] = 0.82
    image = frames.frame(probabilities)
    ax = frames.bars[0].axes
    assert np.abs(at(ax, image, 7, 0.7) - rgb(plots.COLORS["model"])).max() < 10
    assert np.abs(at(ax, image, 7.3, 0.9) - 255).max() < 10  # above the bar: paper (off the grid)
    assert np.abs(at(ax, image, 3, 0.01) - rgb(plots.COLORS["data"])).max() < 10
    assert frames.title.get_text() == "prediction: 7 (82%)"
    full = plots.to_rgb(plots.plot_probabilities(probabilities, classes).figure)
    assert differing(image, full) < 0.01


def test_unit_frames_match_the_full_figure_and_threads_draw_alike():
    frames = UnitFrames((8, 8))
    cases = [(RNG.normal(size=(8, 8)), RNG.random((8, 8)), float(b), k) for k, b in
             enumerate(RNG.normal(size=4))]  # fmt: skip
    alone = [frames.frame(*case) for case in cases]
    assert differing(alone[0], plots.to_rgb(plots.plot_unit(*cases[0]))) < 0.01
    assert differing(alone[0], alone[1]) > 0.02
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda case: frames.frame(*case), cases * 3))
    for k, image in enumerate(together):
        assert np.array_equal(image, alone[k % len(cases)])

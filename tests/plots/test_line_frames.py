"""The line chapter's fast figure: each error e_i painted where it belongs, the axis widened
for a far line, and frames drawn in parallel threads equal to frames drawn alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from neuralens import plots

X, Y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 4.0, 1.0, 3.0])


def pixel(frames: plots.LineFitFrames, image: np.ndarray, x: float, y: float) -> np.ndarray:
    column, row = frames.ax.transData.transform((x, y))
    return image[image.shape[0] - int(round(row)), int(round(column))].astype(int)


def test_each_error_is_a_vertical_segment_from_the_point_to_the_line():
    frames = plots.LineFitFrames(X, Y, ("x", "y"))
    image = frames.frame(0.0, 0.0, "flat line y = 0")
    error = np.array(
        [int(c[1:][i : i + 2], 16) for c in [plots.COLORS["error"]] for i in (0, 2, 4)]
    )
    on_segment = pixel(frames, image, 1.0, 2.0)  # halfway down e_2 = 4 - 0
    between = pixel(frames, image, 1.5, 2.0)  # no wine there: no error drawn
    assert np.abs(on_segment - error).max() < 60
    assert np.abs(between - error).max() > 60
    assert frames.title.get_text() == "flat line y = 0"


def test_a_line_far_above_the_data_widens_the_axis_to_hold_it():
    frames = plots.LineFitFrames(X, Y, ("x", "y"))
    frames.frame(0.0, 1.0)
    assert frames.ax.get_ylim() == pytest.approx(frames.data_limits)
    frames.frame(0.0, 30.0)
    low, high = frames.ax.get_ylim()
    assert low == pytest.approx(frames.data_limits[0]) and high >= 30.0


def test_frames_from_parallel_threads_match_frames_drawn_alone():
    frames = plots.line_fit_frames(X, Y, ("x", "y"))
    assert plots.line_fit_frames(X.copy(), Y.copy(), ("x", "y")) is frames  # shared
    lines = [(0.5 * k, 4.0 - k) for k in range(6)]
    alone = [frames.frame(w1, w0, f"{w1}") for w1, w0 in lines]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda line: frames.frame(*line, f"{line[0]}"), lines * 3))
    for k, image in enumerate(together):
        assert np.array_equal(image, alone[k % len(lines)])


def test_the_legend_stays_above_the_errors():
    frames = plots.LineFitFrames(X, Y, ("x", "y"))
    image = frames.frame(0.0, 30.0)  # errors from every point up to a line far above
    box = frames.ax.get_legend().get_window_extent()
    row = image[image.shape[0] - int(box.y0 + 3), int(box.x0 + 3) : int(box.x1 - 3)]
    column = int(round(frames.ax.transData.transform((0.0, 0.0))[0])) - int(box.x0 + 3)
    assert 0 <= column < len(row)  # the first error runs up behind the legend
    assert row.min() > 200  # the legend's white everywhere, no error's orange over it


def test_the_points_lie_over_their_errors():
    frames = plots.LineFitFrames(X, Y, ("x", "y"))
    image = frames.frame(0.0, 30.0)  # every error runs up from its point
    data, error = (np.array([int(plots.COLORS[role][i : i + 2], 16) for i in (1, 3, 5)])
                   for role in ("data", "error"))  # fmt: skip
    under = 0.4 * 255 + 0.6 * error  # one error (opacity 0.6) on white paper
    over = 0.6 * data + 0.4 * under  # a point (opacity 0.6) over it
    for x, y in zip(X, Y, strict=True):
        assert np.abs(pixel(frames, image, x, y) - over).max() < 20


def test_the_points_layer_is_what_matplotlib_draws():
    frames = plots.LineFitFrames(X, Y, ("x", "y"))
    figure, _, layer = frames.background(frames.data_limits)
    frames.canvas.restore_region(figure)
    empty = np.asarray(frames.canvas.buffer_rgba())[..., :3].astype(int)
    frames.ax.figure.draw_artist(frames.points)
    drawn = np.asarray(frames.canvas.buffer_rgba())[..., :3].astype(int)
    frames.canvas.restore_region(figure)
    buffer = np.asarray(frames.canvas.buffer_rgba())
    frames.lay_points(buffer, layer)
    assert (np.abs(drawn - empty).max(axis=2) > 30).sum() > 20  # four points drawn
    assert np.abs(buffer[..., :3].astype(int) - drawn).max() <= 2

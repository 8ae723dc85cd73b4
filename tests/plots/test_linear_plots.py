"""Figures of lecture part 1: the network drawing follows the weights; GIF frames; edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection

from neuralens import plots
from neuralens.plots.linear import frame_steps


def test_network_drawing_has_one_edge_per_weight_scaled_by_size():
    weights = [np.array([[1.0, -2.0, 0.5]] * 4), np.arange(8.0).reshape(2, 4) - 3]
    ax = plots.plot_network(weights, ["acidity", "alcohol", "sugar"], ["low", "high"])
    edges = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert [len(c.get_segments()) for c in edges] == [12, 8]
    widths = edges[0].get_linewidths()
    assert widths[1] > widths[0] > widths[2]  # |-2| > |1| > |0.5|
    assert {t.get_text() for t in ax.texts} == {"acidity", "alcohol", "sugar", "low", "high"}
    with pytest.raises(ValueError, match="layer 1 weights \\(2, 5\\) do not take 4 inputs"):
        plots.plot_network([weights[0], np.ones((2, 5))], ["a", "b", "c"], ["x", "y"])


def test_frame_steps_start_and_end_on_the_descent():
    assert frame_steps(5) == [0, 1, 2, 3, 4, 5]
    steps = frame_steps(1000, max_frames=20)
    assert steps[0] == 0 and steps[-1] == 1000 and len(steps) <= 21
    assert steps == sorted(set(steps))


def test_save_gif_writes_every_frame(tmp_path):
    from PIL import Image

    frames = [np.full((8, 8, 3), value, dtype=np.uint8) for value in (0, 128, 255)]
    path = plots.save_gif(frames, tmp_path / "a.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 3
    with pytest.raises(ValueError, match="at least one frame"):
        plots.save_gif([], tmp_path / "b.gif")


def test_a_click_on_the_contour_maps_back_to_the_weights_under_it(wine):
    from neuralens import linear

    x, y = wine
    land = linear.loss_landscape(x, y, *linear.default_ranges(x, y), n=21)
    rgb, box = plots.contour_picture(land, np.array([[600.0, -500.0]]))
    height, width, _ = rgb.shape
    assert 0 <= box.left < box.right <= width and 0 <= box.top < box.bottom <= height
    ax = plots.plot_descent_path(land, np.array([[600.0, -500.0]]))
    assert plots.to_rgb(ax.figure).shape == rgb.shape  # the same layout as the picture
    for w1, w0 in [(100.0, -1000.0), (616.0, -606.0), (1200.0, 0.0)]:
        col, row_up = ax.transData.transform((w1, w0))  # display pixels, y upwards
        assert box.to_data(col, height - row_up) == pytest.approx((w1, w0), rel=1e-6, abs=1e-6)

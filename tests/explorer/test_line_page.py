"""The line chapter's callbacks, without a browser: the line turns about the mean x, and a
learner's own CSV is not called wines."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from neuralens import linear
from neuralens.explorer import line_page


def test_w1_turns_the_line_about_the_mean_density():
    dataset = line_page.wine_dataset()
    height = line_page.mean_height(dataset)
    x_mean = dataset["x"].mean()
    for w1 in (0.0, 300.0, 1200.0):
        w0 = line_page.turn(dataset, w1, height)
        assert linear.predict(x_mean, w1, w0) == pytest.approx(height)
        assert (
            abs(linear.signed_mean_error(linear.errors(dataset["x"], dataset["y"], w1, w0))) < 1e-9
        )


def test_blank_box_is_named_and_the_picture_kept():
    dataset = line_page.wine_dataset()
    picture, text = line_page.draw(dataset, 10.0, None, "squared")
    assert picture == {"__type__": "update"} and "w0 needs a number between" in text


def test_own_csv_points_are_not_called_wines():
    frame = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "price": [5.0, 7.0, 9.5, 11.0]})
    dataset, *_ = line_page.use_columns(frame, "size", "price", line_page.wine_dataset())
    picture, _ = line_page.draw(dataset, 2.0, 3.0, "squared")
    assert np.asarray(Image.open(picture)).ndim == 3
    legend = line_page.plots.line_fit_frames(dataset["x"], dataset["y"], dataset["names"],
                                             dataset["points"]).ax.get_legend()  # fmt: skip
    labels = [text.get_text() for text in legend.get_texts()]
    assert "rows of your CSV" in labels and "wines" not in labels
    assert np.isfinite(line_page.mean_height(dataset))


def test_a_move_sends_a_ready_png_in_gradios_cache(tmp_path, monkeypatch):
    """Gradio's own encoder (Pillow, level 6) took about 8 ms of each slider move (old
    code: an array went out): the page's PNG, with the same pixels, is a file in the cache."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    dataset = line_page.wine_dataset()
    path, _ = line_page.draw(dataset, 0.0, 8.3, "squared")
    assert Path(path).parent.parent == tmp_path and path.endswith(".png")
    x, y = dataset["x"], dataset["y"]
    loss = linear.LOSSES["squared"](linear.errors(x, y, 0.0, 8.3))
    frames = line_page.plots.line_fit_frames(x, y, dataset["names"], dataset["points"])
    expected = line_page.under_label(frames.frame(0.0, 8.3, f"squared loss = {loss:.4g}"))
    assert np.array_equal(np.asarray(Image.open(path)), expected)
    pillows = io.BytesIO()
    Image.fromarray(expected).save(pillows, format="PNG")  # what Gradio sent
    assert Path(path).stat().st_size <= 1.1 * len(pillows.getvalue())  # no heavier to send
    assert line_page.draw(dataset, 0.0, 8.3, "squared")[0] == path  # the same move, one file

"""The line chapter's callbacks, without a browser: the line turns about the mean x, and a
learner's own CSV is not called wines."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from neuralens import linear
from neuralens.explorer import line_chart, line_page


def test_the_browser_gets_the_data_once_and_the_line_at_its_height():
    """The picture is drawn in the browser from this value; ``height`` is what w1 turns the
    line about (the line's height at the mean density)."""
    dataset = line_page.wine_dataset()
    value = line_chart.chart_value(dataset, 300.0, -290.0, "absolute")
    assert value["x"] == dataset["x"].tolist() and value["y"] == dataset["y"].tolist()
    assert value["height"] == pytest.approx(linear.predict(dataset["x"].mean(), 300.0, -290.0))
    assert (value["w1"], value["w0"], value["loss"]) == (300.0, -290.0, "absolute")
    assert value["w1_window"] == dataset["windows"][0]
    low, high = value["y_limits"]
    assert low < dataset["y"].min() and high > dataset["y"].max()
    assert len(json.dumps(value)) < 100_000  # plain JSON (no NumPy numbers), about 60 KB


def test_the_losses_are_those_of_the_line_and_say_why():
    dataset = line_page.wine_dataset()
    text = line_page.losses(dataset, 616.285, -605.96, "squared")
    e = linear.errors(dataset["x"], dataset["y"], 616.285, -605.96)
    assert f"**mean squared error  mean(e_i²) = {linear.mean_squared_error(e):.6g}**" in text
    assert "turns the line about the data's mean density (0.9967)" in text


def test_blank_box_is_named_and_the_picture_kept():
    dataset = line_page.wine_dataset()
    text = line_page.losses(dataset, 10.0, None, "squared")
    assert "w0 needs a number between" in text and "last line that had both" in text


def test_own_csv_points_are_not_called_wines():
    frame = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "price": [5.0, 7.0, 9.5, 11.0]})
    dataset, *_ = line_page.use_columns(frame, "size", "price", line_page.wine_dataset())
    value = line_chart.chart_value(dataset, 2.0, 3.0, "squared")
    assert value["points"] == "rows of your CSV" and value["names"] == ["size", "price"]
    assert np.isfinite(value["height"])


def test_a_big_table_is_drawn_by_an_even_sample_and_says_so():
    """The browser redraws every point per move: a 100,000-row table took 2.4 s a move when
    all were sent; ``DRAWN`` evenly spaced rows are drawn, the title saying how many."""
    x = np.linspace(0.0, 1.0, 12_001)
    frame = pd.DataFrame({"x": x, "y": 3 * x + 1})
    dataset, *_ = line_page.use_columns(frame, "x", "y", line_page.wine_dataset())
    value = line_chart.chart_value(dataset, 3.0, 1.0, "squared")
    assert value["rows"] == 12_001 and len(value["x"]) == line_chart.DRAWN
    assert value["x"][0] == 0.0 and value["x"][-1] == 1.0  # it spans the whole table
    assert value["y"] == [3 * v + 1 for v in value["x"]]  # rows kept whole, not mixed
    small = line_chart.chart_value(line_page.wine_dataset(), 0.0, 8.3, "squared")
    assert small["rows"] == len(small["x"]) == 1599  # wine: every point

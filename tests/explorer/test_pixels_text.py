"""The weighted sum the pixels page writes out is the number the model computes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from neuralens.checkpoints import load_shipped
from neuralens.data import load_mnist
from neuralens.explorer.pixels import EPOCH_RANGE, nonlinearity_demo, verdict, weighted_sum_text
from neuralens.models.inspect import hidden_unit, stage_outputs


def test_written_sum_matches_the_hidden_unit():
    mlp = load_shipped("mlp")
    digit = load_mnist("test")[0][3]
    weights, bias = hidden_unit(mlp, 5)
    text = weighted_sum_text(weights, digit / 255.0, bias, 5)
    z = float(re.search(r"= (-?\d+\.\d+);", text).group(1))
    assert np.isclose(z, dict(stage_outputs(mlp, digit))["hidden1"][5], atol=1e-3)
    assert text.count("(row ") == 6  # the six largest terms, each with its pixel
    empty = weighted_sum_text(weights, np.zeros((28, 28)), bias, 5)
    assert "(row " not in empty and f"= {bias:.3f};" in empty


def test_nonlinearity_demo_at_its_fewest_epochs_shows_relu_ahead():
    """The page's claim holds at every setting it offers, the shortest included."""
    updates = list(nonlinearity_demo(EPOCH_RANGE[0]))
    figures = [figure for figure, _ in updates if figure is not None]
    assert len(figures) >= 2 and figures[-1].ndim == 3  # RGB images for the page
    gap = float(re.search(r"adds \*\*([-+\d.]+)%", updates[-1][1]).group(1))
    assert gap > 0


def test_verdict_never_calls_a_loss_a_gain():
    assert "adds **+3.0%**" in verdict(0.03, 6)
    behind = verdict(-0.005, 1)
    assert "adds" not in behind and "within run-to-run noise" in behind


def test_a_drawing_sends_the_numbers_each_picture_shows():
    """The browser draws the four pictures (old code: four figures drawn and encoded on the
    server, about 75 ms of each sketch); the server sends their numbers and cell colours."""
    import base64
    import io

    from matplotlib import colormaps
    from PIL import Image

    from neuralens.explorer import pixels, trained
    from neuralens.models.inspect import hidden_unit, predict_proba

    def cells(url: str) -> np.ndarray:
        png = base64.b64decode(url.removeprefix("data:image/png;base64,"))
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    digit = load_mnist("test")[0][3]
    numbers, flat, probs, _, unit, written = pixels.analyse(digit, trained.SHIPPED_CHOICE,
                                                            None, 2)  # fmt: skip
    assert numbers["cells"] == digit.tolist() and numbers["title"] == "28 x 28 pixels = 784 numbers"
    grey = colormaps["gray"](digit / 255, bytes=True)[..., :3]
    assert np.array_equal(cells(numbers["image"]), grey)  # one pixel per cell, matplotlib's grey
    assert flat["values"] == digit.ravel().astype(float).tolist()
    model = trained.choose("mlp", trained.SHIPPED_CHOICE, None).model
    expected = predict_proba(model, digit)[0]
    assert probs["values"] == pytest.approx(expected.tolist())
    assert probs["best"] == int(expected.argmax())
    assert probs["title"] == f"prediction: {expected.argmax()} ({expected.max():.0%})"
    weights, bias = hidden_unit(model, 2)
    products = weights * digit / 255.0
    assert unit["titles"][2] == f"w_i x_i: sum {products.sum():.2f} + b {bias:.2f}"
    assert cells(unit["images"][0]).shape == (28, 28, 3)
    assert f"= {products.sum() + bias:.3f};" in written  # the written sum: the same numbers

"""The weighted sum the pixels page writes out is the number the model computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

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


def test_a_drawing_sends_ready_pngs_of_the_same_pictures(tmp_path, monkeypatch):
    """Each sketch's four pictures are PNG files in Gradio's cache, pixel for pixel the
    figures drawn (old code: arrays, encoded by Gradio at about 8 ms each)."""
    from PIL import Image

    from neuralens import plots
    from neuralens.explorer import pixels, trained

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    digit = load_mnist("test")[0][3]
    numbers, flat, _, _, unit, _ = pixels.analyse(digit, trained.SHIPPED_CHOICE, None, 2)
    expected = {numbers: plots.pixel_values_picture(digit), flat: plots.flattened_picture(
        digit.ravel())}  # fmt: skip
    for path, picture in expected.items():
        assert Path(path).is_relative_to(tmp_path)
        assert np.array_equal(np.asarray(Image.open(path)), pixels.under_label(picture))
    assert Image.open(unit).format == "PNG"

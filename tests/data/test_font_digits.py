"""Digits MNIST never saw: balanced, reproducible, drawn without matplotlib, and digits."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from neuralens.data.font_digits import FontDigitsConfig, make_font_digits


def test_balanced_reproducible_and_centred_like_mnist():
    config = FontDigitsConfig(per_class=6, seed=3)
    images, labels = make_font_digits(config)
    again, _ = make_font_digits(config)
    assert images.shape == (60, 28, 28) and np.bincount(labels).tolist() == [6] * 10
    np.testing.assert_array_equal(images, again)
    assert (images.max(axis=(1, 2)) == 255).all()  # every digit has ink, stretched like MNIST
    rows = (images.sum(axis=2) * np.arange(28)).sum(axis=1) / images.sum(axis=(1, 2))
    assert np.all(np.abs(rows - 14) < 1.5)  # centred by mass, as MNIST is


def test_fonts_are_found_without_importing_matplotlib():
    code = ("import sys; from neuralens.data.font_digits import make_font_digits, "
            "FontDigitsConfig; make_font_digits(FontDigitsConfig(per_class=1)); "
            "assert 'matplotlib' not in sys.modules")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_shipped_cnn_reads_them_as_their_labels():
    """A broken renderer (wrong labels, empty pictures) would score near chance (10 %)."""
    from neuralens.checkpoints import load_shipped
    from neuralens.models.inspect import predict_proba

    images, labels = make_font_digits(FontDigitsConfig(per_class=20))
    predicted = predict_proba(load_shipped("cnn"), images).argmax(axis=1)
    assert (predicted == labels).mean() > 0.8

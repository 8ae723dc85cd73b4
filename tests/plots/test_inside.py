"""Figures that look inside a classifier: each returns an Axes/Figure and draws what it says."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from neuralens import plots
from neuralens.history import History

RNG = np.random.default_rng(0)


def test_pixel_values_write_every_nonzero_pixel():
    image = np.zeros((6, 6), dtype=np.uint8)
    image[2:4, 1:5] = 200
    ax = plots.plot_pixel_values(image)
    assert isinstance(ax, Axes)
    assert [t.get_text() for t in ax.texts] == ["200"] * 8
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        plots.plot_pixel_values(np.zeros((2, 6, 6)))


def test_probabilities_title_names_the_prediction():
    probabilities = np.full(10, 0.02)
    probabilities[7] = 0.82
    ax = plots.plot_probabilities(probabilities)
    assert "prediction: 7" in ax.get_title() and len(ax.patches) == 10
    with pytest.raises(ValueError, match="10 classes but 2"):
        plots.plot_probabilities(probabilities, class_names=["a", "b"])


def test_flattened_unit_and_filters_figures():
    assert "784" in plots.plot_flattened(RNG.random(784)).get_title()
    weights, image = RNG.normal(size=(28, 28)), RNG.random((28, 28))
    fig = plots.plot_unit(weights, image, bias=0.5, unit=3)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert f"{(weights * image).sum():.2f}" in fig.axes[2].get_title()
    assert len(plots.plot_filters(RNG.normal(size=(10, 3, 3)), columns=4).axes) == 12
    designed = {"blur": np.full((3, 3), 1 / 9), "edge": np.eye(3)}
    fig = plots.plot_learned_vs_designed(RNG.normal(size=(8, 3, 3)), designed)
    assert isinstance(fig, Figure) and len(fig.axes) == 16


def test_feature_maps_rows_name_shapes():
    stages = [("conv1", RNG.random((4, 8, 8))), ("pool1", RNG.random((4, 4, 4)))]
    fig = plots.plot_feature_maps(stages, max_maps=3)
    assert fig.axes[1].images[0].get_array().shape == (4, 3 * 4 + 2)  # 3 maps, 2 gaps
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["conv1: 4 maps of 8 x 8", "pool1: 4 maps of 4 x 4"]
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        plots.plot_feature_maps([("flat", RNG.random(5))])


def test_confusion_and_mistakes():
    matrix = np.array([[5, 1], [0, 4]])
    ax = plots.plot_confusion(matrix, ["cat", "dog"])
    assert "90.00%" in ax.get_title()
    fig = plots.plot_mistakes(RNG.random((3, 8, 8)), np.array([0, 1, 1]), np.array([1, 0, 0]),
                              np.array([0.9, 0.8, 0.7]), ["cat", "dog"], columns=2)  # fmt: skip
    assert fig.axes[0].get_title() == "cat -> dog\n(90%)"
    with pytest.raises(ValueError, match="square"):
        plots.plot_confusion(np.ones((2, 3)))


def test_nonlinearity_shows_both_final_accuracies():
    with_relu, without = History(), History()
    for epoch, (a, b) in enumerate([(0.9, 0.85), (0.97, 0.91)], start=1):
        with_relu.log(epoch=epoch, eval_accuracy=a)
        without.log(epoch=epoch, eval_accuracy=b)
    fig = plots.plot_nonlinearity({"with ReLU": with_relu, "without": without})
    labels = [t.get_text() for t in fig.axes[1].texts]
    assert labels == ["97.0%", "91.0%"]


def test_training_curves_show_loss_and_every_accuracy_logged():
    history = History()
    history.log(step=10, loss=1.0, accuracy=0.5)
    history.log(step=20, loss=0.5, accuracy=0.8, eval_accuracy=0.85)
    fig = plots.plot_training(history, title="mlp")
    loss_ax, accuracy_ax = fig.axes
    assert len(loss_ax.lines) == 1
    assert [line.get_label() for line in accuracy_ax.lines] == ["accuracy", "eval_accuracy"]
    assert isinstance(plots.plot_training(History()), Figure)  # nothing logged yet: empty axes

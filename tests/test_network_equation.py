"""The network as an equation: softmax layer vs one hidden layer on wine grades, through fit()."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens.models import TabularConfig, TabularNet, build_model
from neuralens.studies.network_equation import (
    GradeConfig,
    equation_text,
    grade_data,
    train_grades,
)


@pytest.fixture(scope="module")
def runs():
    return {hidden: train_grades(GradeConfig(hidden_size=hidden, num_steps=60, lr=1.0))
            for hidden in (0, 8)}  # fmt: skip


def test_split_is_standardised_on_training_wines_and_covers_every_grade():
    data = grade_data(("fixed acidity", "alcohol", "residual sugar"), test_fraction=0.25)
    assert data.X_train.shape == (1199, 3) and data.X_test.shape == (400, 3)
    assert data.grades.tolist() == [3, 4, 5, 6, 7, 8]
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1, atol=1e-5)


def test_both_networks_learn_beyond_the_majority_grade(runs):
    data = runs[0].data
    majority = np.mean(data.y_test == np.bincount(data.y_train).argmax())
    for run in runs.values():
        assert run.test_accuracy > majority + 0.05
        assert run.train_accuracy > majority + 0.05
        losses = run.history["loss"]
        assert losses[-1] < losses[0]
        assert len(run.history) == 60 and "eval_accuracy" in run.history
    assert runs[0].num_parameters == 3 * 6 + 6
    assert runs[8].num_parameters == (3 * 8 + 8) + (8 * 6 + 6)


def test_equation_uses_the_models_own_weights(runs):
    run = runs[0]
    text = equation_text(run.model, run.data.features, run.data.grades)
    w = run.model.linear_layers()[0].weight[2, 1].item()  # grade 5, alcohol
    assert f"{'-' if w < 0 else '+'} {abs(w):.2f}·alcohol" in text.splitlines()[2]
    assert "softmax" in text
    hidden = equation_text(runs[8].model, run.data.features, run.data.grades)
    assert hidden.startswith("h_j = ReLU(W1_j · x + b1_j) for j = 1..8")


def test_tabular_net_checks_its_input_and_is_registered():
    net = build_model("tabular", {"num_features": 2, "num_classes": 3})
    assert isinstance(net, TabularNet)
    with pytest.raises(ValueError, match="expects \\(N, 2\\) features, got \\(4, 3\\)"):
        net(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="num_classes >= 2"):
        TabularConfig(num_classes=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"features": ()}, "features is empty"),
        ({"features": ("colour",)}, "column 'colour' is not in"),
        ({"test_fraction": 1.0}, "test_fraction must be between 0 and 1"),
    ],
)
def test_bad_grade_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        grade_data(**{"features": ("alcohol",), **kwargs})
    with pytest.raises(ValueError, match="lr must be greater than 0"):
        train_grades(GradeConfig(lr=0.0))

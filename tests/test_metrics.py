"""Accuracy, confusion matrix and per-class accuracy agree with scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn import metrics as sk

from neuralens.metrics import accuracy, classification_report, confusion_matrix, per_class_accuracy


def test_against_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, 300)
    y_hat = np.where(rng.random(300) < 0.7, y, rng.integers(0, 5, 300))
    assert accuracy(y, y_hat) == pytest.approx(sk.accuracy_score(y, y_hat))
    confusion = confusion_matrix(torch.from_numpy(y), torch.from_numpy(y_hat), num_classes=5)
    np.testing.assert_array_equal(confusion, sk.confusion_matrix(y, y_hat, labels=range(5)))
    recall = sk.recall_score(y, y_hat, average=None, labels=range(5))
    np.testing.assert_allclose(per_class_accuracy(confusion), recall)


def test_report_and_empty_classes():
    report = classification_report([0, 0, 2], [0, 1, 2], num_classes=4)
    assert report["accuracy"] == pytest.approx(2 / 3) and report["num_examples"] == 3
    per_class = report["per_class_accuracy"]
    assert per_class[0] == 0.5 and per_class[2] == 1.0
    assert np.isnan(per_class[1]) and np.isnan(per_class[3])  # no true example of 1 or 3


def test_bad_shapes_are_explained():
    with pytest.raises(ValueError, match="1-D array"):
        accuracy(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="equally long"):
        confusion_matrix([0, 1], [0])

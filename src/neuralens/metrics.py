"""How good is a classifier: accuracy, the confusion matrix, accuracy per category.

Every function takes labels and predictions (NumPy arrays or torch tensors) and
returns NumPy numbers, so the explorer, the CLI and the notebooks share one
definition of "accuracy".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # torch loads on first use: the NumPy engine shares accuracy without it
    from torch import nn


def _as_labels(values, name: str) -> np.ndarray:
    is_tensor = hasattr(values, "detach")
    array = values.detach().cpu().numpy() if is_tensor else np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices, got shape {array.shape}")
    return array.astype(np.int64)


def accuracy(y, y_hat):
    """Fraction of predictions ``y_hat`` equal to the labels ``y``: the one definition.

    Arrays give a float; two torch tensors give a 0-d tensor on their device (no
    synchronisation in a training step).

    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    """
    if hasattr(y, "detach") and hasattr(y_hat, "detach"):
        if y.shape != y_hat.shape or y.ndim != 1:
            raise ValueError(f"y and y_hat must be equally long 1-D: {tuple(y.shape)}, "
                             f"{tuple(y_hat.shape)}")  # fmt: skip
        return (y == y_hat).float().mean()
    y, y_hat = _as_labels(y, "y"), _as_labels(y_hat, "y_hat")
    if y.shape != y_hat.shape or len(y) == 0:
        raise ValueError(
            f"y and y_hat must be equally long and non-empty: {y.shape}, {y_hat.shape}"
        )
    return float((y == y_hat).mean())


def confusion_matrix(y, y_hat, num_classes: int | None = None) -> np.ndarray:
    """Counts (K, K): row = true class, column = predicted class; the diagonal is right.

    >>> confusion_matrix([0, 1, 1], [0, 1, 0]).tolist()
    [[1, 0], [1, 1]]
    """
    y, y_hat = _as_labels(y, "y"), _as_labels(y_hat, "y_hat")
    if y.shape != y_hat.shape:
        raise ValueError(f"y and y_hat must be equally long: {y.shape}, {y_hat.shape}")
    num_classes = num_classes or int(max(y.max(initial=0), y_hat.max(initial=0))) + 1
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (y, y_hat), 1)
    return counts


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Accuracy within each true class (the recall): diagonal / row sum; NaN for empty rows.

    >>> per_class_accuracy(np.array([[1, 0], [1, 1]])).tolist()
    [1.0, 0.5]
    """
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / totals, np.nan)


def predict(model: nn.Module, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Predicted classes of uint8 images (N, H, W) (scaled to [0, 1], as in training)."""
    from neuralens.models.inspect import predict_proba

    return predict_proba(model, images, batch_size).argmax(axis=1)


def classification_report(y, y_hat, num_classes: int | None = None) -> dict:
    """JSON-ready: ``accuracy`` (a fraction), ``per_class_accuracy``, ``confusion_matrix``.

    >>> classification_report([0, 1, 1], [0, 1, 0])["per_class_accuracy"]
    [1.0, 0.5]
    """
    confusion = confusion_matrix(y, y_hat, num_classes)
    return {
        "accuracy": accuracy(y, y_hat),
        "per_class_accuracy": [float(value) for value in per_class_accuracy(confusion)],
        "confusion_matrix": confusion.tolist(),
        "num_examples": int(confusion.sum()),
    }

"""How good is a classifier: accuracy, the confusion matrix, accuracy per category.

Every function takes labels and predictions (NumPy arrays or torch tensors) and
returns NumPy numbers, so the explorer, the CLI and the notebooks share one
definition of "accuracy".
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def _as_labels(values, name: str) -> np.ndarray:
    array = values.detach().cpu().numpy() if torch.is_tensor(values) else np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices, got shape {array.shape}")
    return array.astype(np.int64)


def accuracy(y, y_hat) -> float:
    """Fraction of predictions ``y_hat`` equal to the labels ``y``.

    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    """
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


@torch.no_grad()
def predict(model: nn.Module, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Predicted classes of uint8 images (N, H, W) (scaled to [0, 1], as in training)."""
    from neuralens.training import TensorData

    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    data = TensorData.from_arrays(images, device=device)
    was_training = model.training
    model.eval()
    predictions = [
        model(data.prepare(data.X[start : start + batch_size])).argmax(dim=1).cpu()
        for start in range(0, len(data), batch_size)
    ]
    model.train(was_training)
    return torch.cat(predictions).numpy()


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

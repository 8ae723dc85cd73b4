"""Classify: one category per image (lecture: vision tasks, "what is in the image?").

The network outputs one score (logit) per class; softmax turns them into probabilities
and the loss is the cross-entropy of the true class, ``-log softmax(z)_y``. The recipes
are what the shipped weights are trained with (``make weights``). The MLP's adds
handwriting augmentation (``training.handwriting``: other hands' slant, size, pen and
wobble): on 1,000 digits MNIST never saw (``neuralens bench robust``) it raised the MLP
from 92.1 % to 95.3 % (MNIST test 98.44 % -> 98.80 %). The CNN's does not: with it the CNN
read 95.6 % of them (MNIST 99.20 %), without it 97.5 % (99.25 %), so its 1-pixel shifts
alone are kept.

>>> TASK.recipe_for("cnn").train.num_epochs
2
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens.data.mnist import DATASETS, DIGIT_CLASSES
from neuralens.metrics import accuracy, classification_report, predict
from neuralens.models import CNNConfig, MLPConfig
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batch, Batches
from neuralens.training.config import TrainConfig
from neuralens.training.handwriting import HandwritingConfig


def classification_loss(model: nn.Module, batch: Batch) -> tuple[torch.Tensor, dict]:
    """Cross-entropy of the logits against ``batch["labels"]``, with the batch's accuracy.

    >>> def undecided(X):  # equal scores for 3 classes: loss ln 3, argmax picks class 0
    ...     return torch.zeros(len(X), 3)
    >>> batch = {"images": torch.zeros(4, 2), "labels": torch.tensor([0, 1, 2, 0])}
    >>> loss, metrics = classification_loss(undecided, batch)
    >>> round(loss.item(), 4), metrics["accuracy"].item()
    (1.0986, 0.5)
    """
    logits = model(batch["images"])  # (N, num_classes)
    labels = batch["labels"]
    loss = F.cross_entropy(logits.float(), labels)
    return loss, {"accuracy": accuracy(labels, logits.argmax(dim=1)).detach()}


def load_images(dataset: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, 28, 28) and int64 labels of ``dataset`` (a key of ``DATASETS``)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    loader, size, _ = DATASETS[dataset]
    return loader(split, size)


def check_limit(labels: np.ndarray, train_limit: int | None, classes) -> None:
    """Refuse a ``train_limit`` whose first images miss a class (the model would never see it).

    >>> check_limit(np.array([0, 0, 1, 2]), 2, ("a", "b", "c"))
    Traceback (most recent call last):
    ...
    ValueError: the first 2 training images hold 1 of the 3 classes (missing: b, c); use a train limit of at least 4 (0 or none: all images)
    """  # noqa: E501
    if train_limit is None:
        return
    if train_limit < 1:
        raise ValueError(f"train_limit must be >= 1 (or none: all images), got {train_limit}")
    seen = set(np.unique(labels[:train_limit]).tolist())
    missing = [name for k, name in enumerate(classes) if k not in seen]
    if missing:
        firsts = [int(np.argmax(labels == k)) for k in range(len(classes)) if (labels == k).any()]
        raise ValueError(
            f"the first {train_limit} training images hold {len(seen)} of the "
            f"{len(classes)} classes (missing: {', '.join(map(str, missing))}); use "
            f"a train limit of at least {max(firsts) + 1} (0 or none: all images)"
        )


def image_data(dataset: str, device: torch.device | str = "cpu", max_shift: int = 0,
               train_limit: int | None = None, handwriting: HandwritingConfig | None = None
               ) -> tuple[Batches, tuple[str, ...]]:  # fmt: skip
    """Train and test split of ``dataset`` as :class:`Batches` on ``device``, and its classes.

    The classes come from the whole dataset, never from the first ``train_limit`` images.
    ``handwriting``: change each training image as another hand would (test images stay).
    """
    classes = tuple(DATASETS[dataset][2]) if dataset in DATASETS else ()
    X, y = load_images(dataset, "train")
    check_limit(y, train_limit, classes)
    X_test, y_test = load_images(dataset, "test")
    data = Batches.from_arrays(X[:train_limit], {"labels": y[:train_limit]}, X_test,
                               {"labels": y_test}, device=device, max_shift=max_shift,
                               handwriting=handwriting, name=dataset)  # fmt: skip
    return data, classes


def make_data(dataset: str, device, train_limit: int | None, recipe: Recipe):
    """The task's data hook: ``dataset`` with ``recipe``'s augmentation (handwriting on
    digits only: clothes are not written by hand)."""
    digits = dataset in DATASETS and DATASETS[dataset][2] == DIGIT_CLASSES
    other_hands = HandwritingConfig() if recipe.augment == "handwriting" and digits else None
    return image_data(dataset, device, recipe.max_shift, train_limit, other_hands)


def evaluate_classifier(model: nn.Module, dataset: str, split: str = "test") -> dict:
    """Accuracy, per-class accuracy and confusion matrix of ``model`` on ``dataset``."""
    X, y = load_images(dataset, split)
    expected = getattr(model, "config", None)
    if expected is not None and X.shape[-1] != getattr(expected, "image_size", X.shape[-1]):
        raise ValueError(f"{dataset} has {X.shape[-1]}-pixel images; the model expects "
                         f"{expected.image_size}")  # fmt: skip
    classes = DATASETS[dataset][2]
    report = classification_report(y, predict(model, X), num_classes=len(classes))
    return {"data": dataset, "split": split, "classes": list(classes), **report}


def recorded_metrics(report: dict) -> dict:
    """The scores a classifier's checkpoint records, under this task's names."""
    return {"test_accuracy": report["accuracy"], "test_examples": report["num_examples"]}


TASK = Task(
    name="classify",
    summary="one category per image (MNIST digits, clothes, your own folders)",
    loss_fn=classification_loss,
    recipes=(
        # 1-pixel shifts: the digit moves, the filters still find its strokes (handwriting
        # augmentation measured worse for the CNN on other hands: see above)
        Recipe("cnn", CNNConfig(), TrainConfig(num_epochs=2, batch_size=128, lr=3e-3), 1),
        # no shifts (an MLP has no notion of "the same digit, shifted"), but other hands
        Recipe(
            "mlp",
            MLPConfig(),
            TrainConfig(num_epochs=6, batch_size=128, lr=2e-3),
            augment="handwriting",
        ),
    ),
    targets=("labels",),
    records=("classes",),
    metrics=("test_accuracy", "test_examples"),
    datasets=tuple(DATASETS),
    make_data=make_data,
    report=evaluate_classifier,
    scores=recorded_metrics,
)


def train_classifier(model: str, data: Batches, train: TrainConfig, model_config: object = None,
                     on_step=None, classes=None) -> tuple[nn.Module, object]:  # fmt: skip
    """Build ``model`` with its classify recipe's config (or ``model_config``), sized to
    ``data`` and ``classes`` (default: 0 .. the largest label), and ``fit`` it."""
    from neuralens.tasks.run import train_model

    if classes is None:
        classes = tuple(str(k) for k in range(int(data.targets["labels"].max()) + 1))
    return train_model(TASK, TASK.recipe_for(model), data, train, tuple(classes), model_config,
                       on_step)  # fmt: skip

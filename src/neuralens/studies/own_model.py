"""Train your own classifier: pick the data (bundled, full or your own images), train, keep it.

What the explorer's "Train your own" chapter and the lesson call: data as one
:class:`~neuralens.training.Batches` whatever its source, the test-set report
(probabilities, confusion matrix, the most confidently wrong images), and the
trained model saved as a checkpoint (safetensors + JSON metadata) with the few
lines of Python that load and use it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from neuralens.data.folder import load_image_folder
from neuralens.data.mnist import DATASETS, idx_folder, load_mnist
from neuralens.data.preprocess import MNIST_SIZE
from neuralens.history import History

if TYPE_CHECKING:  # torch loads on first use: the explorer imports this module at start-up
    from torch import nn

    from neuralens.training import Batches

FOLDER = "your images"  # the data choice that reads a folder or zip of class folders

USAGE = """\
# load and use the model you trained in neuralens (pip install neuralens)
from neuralens import checkpoints, data
from neuralens.models.inspect import predict_proba

model = checkpoints.load_model("{weights}")             # safetensors only, never a pickle
classes = checkpoints.load("{weights}").metadata["classes"]
images, labels = data.load_mnist("test")                # or any uint8 (N, 28, 28) images
probabilities = predict_proba(model, images[:5])        # (5, {num_classes}): one row per image
print([classes[k] for k in probabilities.argmax(axis=1)])
"""


@dataclass
class TrainingData:
    """A dataset ready to train on, its class names, and a name for the checkpoint."""

    data: Batches
    classes: tuple[str, ...]
    name: str


def available_datasets() -> list[str]:
    """The dataset names usable now: the bundled minis, the full sets whose files are here."""
    names = []
    for name, (_, size, _) in DATASETS.items():
        base = name.removesuffix("-mini")
        if size == "mini" or (idx_folder(base) / "train-labels-idx1-ubyte.gz").exists():
            names.append(name)
    return names


def training_data(
    source: str,
    folder: str | Path | None = None,
    train_limit: int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> TrainingData:
    """``source``: a name of ``data.mnist.DATASETS``, or ``FOLDER`` with ``folder`` (a folder
    or zip with one sub-folder of images per class, resized to 28x28, ``test_fraction``
    of each class held out for testing)."""
    from neuralens.tasks.classify import check_limit, image_data  # torch loads on first use
    from neuralens.training import Batches

    if source != FOLDER:
        data, classes = image_data(source, "cpu", train_limit=train_limit)
        return TrainingData(data, classes, source)
    if folder is None:
        raise ValueError(f"data {FOLDER!r} needs a folder or .zip of class folders")
    train, test = load_image_folder(folder, size=MNIST_SIZE).split(test_fraction, seed)
    check_limit(train.labels, train_limit, train.classes)
    data = Batches.from_arrays(train.images[:train_limit], {"labels": train.labels[:train_limit]},
                               test.images, {"labels": test.labels},
                               name=Path(folder).name)  # fmt: skip
    return TrainingData(data, train.classes, Path(folder).name)


@dataclass
class HeldOutReport:
    """How a trained classifier does on the held-out images."""

    accuracy: float
    labels: np.ndarray  # (N,) true class per test image
    confusion: np.ndarray  # (K, K) counts, row = true class
    mistakes: np.ndarray  # indices of the most confidently wrong test images, surest first
    predicted: np.ndarray  # (N,) predicted class per test image
    confidence: np.ndarray  # (N,) probability of the predicted class


def heldout_report(
    probabilities: np.ndarray, labels: np.ndarray, num_mistakes: int = 16
) -> HeldOutReport:
    """Accuracy, confusion matrix and confident mistakes from (N, K) test probabilities.

    >>> report = heldout_report(np.array([[0.9, 0.1], [0.3, 0.7], [0.8, 0.2]]), np.array([0, 1, 1]))
    >>> round(report.accuracy, 3), report.confusion.tolist(), report.mistakes.tolist()
    (0.667, [[1, 0], [1, 1]], [2])
    """
    from neuralens.metrics import accuracy, confusion_matrix
    from neuralens.models.inspect import confident_mistakes

    predicted = probabilities.argmax(axis=1)
    return HeldOutReport(
        accuracy=accuracy(labels, predicted),
        labels=labels,
        confusion=confusion_matrix(labels, predicted, probabilities.shape[1]),
        mistakes=confident_mistakes(probabilities, labels, num_mistakes),
        predicted=predicted,
        confidence=probabilities.max(axis=1),
    )


def torch_report(model: nn.Module, data: Batches) -> HeldOutReport:
    """The :class:`HeldOutReport` of a torch classifier on ``data``'s evaluation images."""
    from neuralens.models.inspect import predict_proba

    images = data.eval_images.cpu().numpy()  # (N, C, H, W)
    labels = data.eval_targets["labels"].cpu().numpy()
    return heldout_report(predict_proba(model, images), labels)


def engine_report(network) -> HeldOutReport:
    """The :class:`HeldOutReport` of a NumPy-engine MNIST model on the mini test split."""
    from neuralens.engine.activations import softmax
    from neuralens.engine.mnist import to_inputs

    images, labels = load_mnist("test", "mini")
    logits = network(to_inputs(images))  # (N, 10) scores
    return heldout_report(softmax(logits, axis=1), labels)


def save_for_reuse(
    folder: str | Path,
    model: nn.Module,
    training: TrainingData,
    history: History,
    test_accuracy: float,
) -> Path:
    """Write ``model.safetensors`` + ``model.json`` and ``use_model.py`` in ``folder``;
    return a zip of the three (what a learner downloads)."""
    from neuralens import checkpoints

    folder = Path(folder)
    weights = folder / "model.safetensors"
    checkpoints.save_model(
        weights, model, task="classify", metrics={"test_accuracy": test_accuracy},
        data=training.name, classes=list(training.classes),
        input_spec=training.data.input_spec(), history=history.to_dict(),
    )  # fmt: skip
    usage = folder / "use_model.py"
    usage.write_text(USAGE.format(weights=weights.name, num_classes=len(training.classes)))
    archive = folder / "neuralens-model.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in (weights, weights.with_suffix(".json"), usage):
            bundle.write(path, path.name)
    return archive

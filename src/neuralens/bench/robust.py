"""Digits by other hands: accuracy on digits MNIST never saw (``data.font_digits``) and on
MNIST's test set (the full 10,000 digits when their files are there, else the bundled 2,000;
``mnist_test_size`` says which), for the shipped models and, side by side in one run, for
the same recipe trained without and with handwriting augmentation (``training.handwriting``)."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from neuralens import data
from neuralens.data.font_digits import FontDigitsConfig, make_font_digits


def scores(model, sets: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """Accuracy of ``model`` on each named (images, labels) set."""
    from neuralens.metrics import predict

    return {name: float(np.mean(predict(model, X) == y)) for name, (X, y) in sets.items()}


def run(epochs: int = 1, per_class: int = 100, models: str = "cnn,mlp", device: str = "auto",
        train: bool = True) -> dict:  # fmt: skip
    """Shipped models on both sets; with ``train``, each recipe trained ``epochs`` epochs on
    MNIST without and with augmentation (the same seed, data and steps)."""
    from neuralens.checkpoints import load_shipped
    from neuralens.device import pick
    from neuralens.tasks.classify import TASK, make_data
    from neuralens.tasks.run import train_model

    names = [name.strip() for name in models.split(",") if name.strip()]
    size = data.available_size("mnist")  # the full 10,000 test digits whenever they are there
    sets = {"font_digits": make_font_digits(FontDigitsConfig(per_class=per_class, seed=1)),
            "mnist_test": data.load_mnist("test", size)}  # fmt: skip
    result = {"font_digits": len(sets["font_digits"][1]), "mnist_test": len(sets["mnist_test"][1]),
              "mnist_test_size": size,
              "shipped": {name: scores(load_shipped(name), sets) for name in names}}  # fmt: skip
    if not train:
        return result
    device = str(pick(device))
    result["trained"] = {}
    for name in names:
        shipped = TASK.recipe_for(name)
        config = replace(shipped.train, num_epochs=epochs, device=device, progress=False)
        for label, augment in (("without augmentation", ""), ("with handwriting", "handwriting")):
            recipe = replace(shipped, augment=augment)
            batches, classes = make_data("mnist", device, None, recipe)
            start = time.perf_counter()
            model, _ = train_model(TASK, recipe, batches, config, classes)
            model.eval().cpu()
            result["trained"].setdefault(name, {"epochs": epochs})[label] = {
                **scores(model, sets),
                "train_seconds": round(time.perf_counter() - start, 1),
            }
    return result

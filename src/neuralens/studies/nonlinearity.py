"""Why networks need a non-linearity: the same MLP trained with and without ReLU.

Without an activation, hidden layers compose into one linear map
(W2 (W1 x + b1) + b2 = W x + b): however many layers, the network can only draw
straight boundaries between the categories (a linear classifier on the pixels).
With ReLU between them, each layer bends the space, and the accuracy gap on
MNIST shows how much that buys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neuralens.device import seed_everything
from neuralens.history import EVAL_ACCURACY, History
from neuralens.models import MLP, MLPConfig
from neuralens.tasks.classify import classification_loss
from neuralens.training import Batches, TrainConfig, fit


@dataclass
class NonlinearityConfig:
    """The comparison's settings: the MLP's shape and a short training run."""

    hidden_sizes: tuple[int, ...] = (128, 64)  # two hidden layers: stacked, still linear
    activations: tuple[str, ...] = ("relu", "none")  # the variants to compare
    num_epochs: int = 3  # passes over the training images
    batch_size: int = 128  # images per step
    lr: float = 3e-3  # peak learning rate (Adam, one-cycle)
    seed: int = 0  # the same initial weights and batches for every variant
    device: str = "cpu"  # small models: the CPU is fastest to start


def compare_activations(
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    config: NonlinearityConfig | None = None,
    on_step: Callable[[str, dict[str, float]], object] | None = None,
) -> dict[str, History]:
    """Train one MLP per activation on (X, y); each History logs ``eval_accuracy`` per epoch.

    ``X``: uint8 images (N, H, W). ``on_step(activation, live)`` sees each run's live numbers.
    """
    config = config or NonlinearityConfig()
    data = Batches.from_arrays(X, {"labels": y}, X_test, {"labels": y_test}, device=config.device)
    train = TrainConfig(num_epochs=config.num_epochs, batch_size=config.batch_size, lr=config.lr,
                        seed=config.seed, device=config.device, progress=False,
                        log_every=10**9)  # fmt: skip  # rows at epoch ends only
    runs = {}
    for activation in config.activations:
        seed_everything(config.seed)
        model = MLP(MLPConfig(image_size=X.shape[-1], hidden_sizes=config.hidden_sizes,
                              num_classes=int(y.max()) + 1, activation=activation))  # fmt: skip
        hook = None if on_step is None else (lambda live, name=activation: on_step(name, live))
        history = fit(model, classification_loss, data, train, on_step=hook)
        runs[activation] = History(
            [{"epoch": row["epoch"], EVAL_ACCURACY: row[EVAL_ACCURACY]}
             for row in history if EVAL_ACCURACY in row]
        )  # fmt: skip
    return runs

"""The engine's own small training loop (NumPy, not torch): mini-batches, backprop, a step.

Forward pass, loss, ``model.backward`` (the chain rule), optimizer step; the same
``History`` comes out as from torch training, so the same plots draw it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neuralens.engine.init import make_rng
from neuralens.engine.layers import Layer
from neuralens.engine.losses import cross_entropy, cross_entropy_backward
from neuralens.engine.optim import SGD, Adam, Optimizer
from neuralens.history import EVAL_ACCURACY, History
from neuralens.metrics import accuracy

OPTIMIZERS = ("adam", "sgd")


@dataclass
class TrainConfig:
    """How the engine trains a classifier."""

    num_epochs: int = 5  # passes over the training images
    lr: float = 1e-3  # step size of the optimizer
    batch_size: int = 64  # images per gradient step
    optimizer: str = "adam"  # "adam" or "sgd" (with momentum 0.9)
    lr_decay: float = 1.0  # lr is multiplied by this after every epoch
    seed: int = 0  # shuffling (and augmentation) order
    max_shift: int = 0  # move each training image by up to this many pixels (augmentation)
    log_every: int = 10  # log a step row every this many steps

    def __post_init__(self) -> None:
        for name in ("num_epochs", "batch_size", "log_every"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer of at least 1, got {value!r}")
        for name, low in (("lr", 0.0), ("lr_decay", 0.0)):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not np.isfinite(value) or value <= low:
                raise ValueError(f"{name} must be a finite number greater than 0, got {value!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of "
                             f"{', '.join(OPTIMIZERS)}")  # fmt: skip
        if not isinstance(self.max_shift, int) or self.max_shift < 0:
            raise ValueError(f"max_shift must be an integer >= 0, got {self.max_shift!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {self.seed!r}")


def random_shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Move each (C, H, W) image by up to ``max_shift`` pixels: varied copies of the same data.

    >>> random_shift(np.ones((3, 1, 4, 4)), 1, make_rng(0)).shape
    (3, 1, 4, 4)
    """
    pads = ((0, 0), (0, 0), (max_shift, max_shift), (max_shift, max_shift))
    padded = np.pad(images, pads, constant_values=images.min())  # the background value
    height, width = images.shape[-2:]
    moves = rng.integers(0, 2 * max_shift + 1, size=(2, len(images)))
    shifted = np.empty_like(images)
    for dy in range(2 * max_shift + 1):  # one slice per possible move, not one per image
        for dx in range(2 * max_shift + 1):
            chosen = (moves[0] == dy) & (moves[1] == dx)
            shifted[chosen] = padded[chosen, :, dy : dy + height, dx : dx + width]
    return shifted


def make_optimizer(model: Layer, config: TrainConfig) -> Optimizer:
    if config.optimizer == "adam":
        return Adam(model.parameters(), lr=config.lr)
    if config.optimizer == "sgd":
        return SGD(model.parameters(), lr=config.lr, momentum=0.9)
    raise ValueError(f"unknown optimizer {config.optimizer!r}; choose one of {OPTIMIZERS}")


def predict(model: Layer, X: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """The class with the largest score for every example, in batches."""
    return np.concatenate(
        [
            model(X[start : start + batch_size]).argmax(axis=1)
            for start in range(0, len(X), batch_size)
        ]
    )


def evaluate(model: Layer, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of held-out examples whose predicted class is the true one."""
    return accuracy(y, predict(model, X))


def fit_classifier(
    model: Layer,
    X: np.ndarray,
    y: np.ndarray,
    config: TrainConfig,
    test: tuple[np.ndarray, np.ndarray] | None = None,
    on_step: Callable[[dict[str, float]], object] | None = None,
    on_epoch: Callable[[dict[str, float]], object] | None = None,
) -> History:
    """Train ``model`` by mini-batch gradient descent on cross-entropy; log a History.

    Step rows hold step, epoch, loss and accuracy (of the batch); epoch rows hold
    epoch, loss and accuracy (means over the epoch) and eval_accuracy when ``test``
    is given: the key names torch's ``fit`` logs. As there, a hook returning True
    (``on_step`` after a step, ``on_epoch`` after an epoch) stops training cleanly.
    """
    rng, optimizer, history = make_rng(config.seed), make_optimizer(model, config), History()
    step = 0
    for epoch in range(1, config.num_epochs + 1):
        order = rng.permutation(len(X))
        losses, correct = [], 0
        for start in range(0, len(X), config.batch_size):
            batch = order[start : start + config.batch_size]
            images = random_shift(X[batch], config.max_shift, rng) if config.max_shift else X[batch]
            logits = model(images)
            loss = cross_entropy(logits, y[batch])
            optimizer.zero_grad()
            model.backward(cross_entropy_backward(logits, y[batch]))
            optimizer.step()
            step += 1
            batch_accuracy = accuracy(y[batch], logits.argmax(axis=1))
            losses.append(loss)
            correct += batch_accuracy * len(batch)
            row = {"step": step, "epoch": epoch, "loss": loss, "accuracy": batch_accuracy}
            if step % config.log_every == 0:
                history.log(**row)
            if on_step is not None and on_step(row):
                if step % config.log_every:
                    history.log(**row)  # the last step is always in the record
                return history
        row = {"step": step, "epoch": epoch, "loss": float(np.mean(losses)),
               "accuracy": correct / len(X)}  # fmt: skip
        if test is not None:
            row[EVAL_ACCURACY] = evaluate(model, *test)
        history.log(**row)
        if on_epoch is not None and on_epoch(row):
            return history
        optimizer.lr *= config.lr_decay
    return history

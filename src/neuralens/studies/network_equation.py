"""The network as an equation: a wine's quality grade from a few of its measurements.

First one linear layer, z = W x + b with one row of W per grade and softmax(z) the
grade probabilities (multinomial logistic regression); then one hidden layer,
h = ReLU(W1 x + b1), z = W2 h + b2. Both are trained by plain gradient descent on
the whole training set through the project's one loop, ``training.fit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from neuralens.data import GRADE_FEATURES, load_wine, select_columns
from neuralens.device import seed_everything, torch_threads
from neuralens.history import History
from neuralens.linear import Standardizer
from neuralens.metrics import accuracy
from neuralens.models.tabular import TabularConfig, TabularNet
from neuralens.tasks.classify import classification_loss
from neuralens.training import Batches, TrainConfig, fit


@dataclass(frozen=True)
class GradeConfig:
    """What to predict the grade from, which network, and how long to descend."""

    features: tuple[str, ...] = GRADE_FEATURES  # wine columns used as inputs
    hidden_size: int = 0  # 0: one linear layer + softmax; else ReLU units in one hidden layer
    num_steps: int = 300  # full-batch gradient-descent steps
    lr: float = 0.5  # learning rate of plain gradient descent (no momentum)
    test_fraction: float = 0.25  # wines held out to measure test accuracy
    seed: int = 0  # the split and the initial weights


@dataclass(frozen=True)
class GradeData:
    """Standardised features and grade indices, split into train and test."""

    X_train: np.ndarray  # (N_train, D) float32, standardised with the training mean/std
    y_train: np.ndarray  # (N_train,) index into ``grades``
    X_test: np.ndarray
    y_test: np.ndarray
    grades: np.ndarray  # (num_classes,) the quality grade of each output
    features: tuple[str, ...]


@dataclass
class GradeRun:
    """A trained network and how well it grades wines."""

    model: TabularNet
    history: History  # per step: loss, accuracy, eval_loss, eval_accuracy
    train_accuracy: float
    test_accuracy: float
    data: GradeData

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())


def grade_data(features: Sequence[str], test_fraction: float = 0.25, seed: int = 0) -> GradeData:
    """The red wines' chosen columns and grades, shuffled and split, standardised."""
    features = tuple(features)
    if not features:
        raise ValueError("features is empty: pick at least one wine column")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction}")
    X, quality = select_columns(load_wine("red"), features, "quality")
    grades, y = np.unique(quality.astype(int), return_inverse=True)
    order = np.random.default_rng(seed).permutation(len(y))
    num_test = int(round(test_fraction * len(y)))
    test, train = order[:num_test], order[num_test:]
    scale = Standardizer.fit(X[train])  # statistics of the training wines only
    X_train, X_test = (scale.transform(X[rows]).astype(np.float32) for rows in (train, test))
    return GradeData(X_train, y[train], X_test, y[test], grades, features)


def grade_accuracy(model: TabularNet, X: np.ndarray, y: np.ndarray) -> float:
    """Share of wines whose highest-scoring grade is their true grade."""
    with torch.no_grad():
        predicted = model(torch.from_numpy(X)).argmax(dim=1).numpy()
    return accuracy(y, predicted)


def build_network(config: GradeConfig, num_grades: int) -> TabularNet:
    """The untrained network ``config`` describes, its initial weights seeded."""
    seed_everything(config.seed)
    return TabularNet(TabularConfig(len(config.features), num_grades, config.hidden_size))


def train_grades(
    config: GradeConfig | None = None,
    on_step: Callable[[dict[str, float]], object] | None = None,
) -> GradeRun:
    """Train the network ``config`` describes by full-batch gradient descent (``fit``)."""
    config = config or GradeConfig()
    data = grade_data(config.features, config.test_fraction, config.seed)
    model = build_network(config, len(data.grades))
    tensors = Batches.from_arrays(data.X_train, {"labels": data.y_train}, data.X_test,
                                  {"labels": data.y_test})  # fmt: skip
    train = TrainConfig(num_epochs=config.num_steps, batch_size=None, lr=config.lr,
                        optimizer="sgd", momentum=0.0, schedule="constant", seed=config.seed,
                        device="cpu", progress=False)  # fmt: skip  # one epoch = one GD step
    with torch_threads(1):  # a few dozen weights: threads cost more than they save
        history = fit(model, classification_loss, tensors, train, on_step=on_step)
    return GradeRun(model, history, grade_accuracy(model, data.X_train, data.y_train),
                    grade_accuracy(model, data.X_test, data.y_test), data)  # fmt: skip


def term(weight: float, name: str = "") -> str:
    """A signed term of a sum: ``+ 0.31·alcohol``, or the bias ``- 1.85`` without a name."""
    return f"{'-' if weight < 0 else '+'} {abs(weight):.2f}" + (f"·{name}" if name else "")


def equation_text(model: TabularNet, features: Sequence[str], grades: Sequence[int]) -> str:
    """The network written as equations with its own weights (features standardised)."""
    layers = model.linear_layers()
    lines = []
    if len(layers) == 2:
        first = layers[0]
        lines.append(f"h_j = ReLU(W1_j · x + b1_j) for j = 1..{first.out_features}, e.g.")
        for j in range(min(2, first.out_features)):
            w, b = first.weight[j].tolist(), first.bias[j].item()
            weighted = " ".join(term(v, n) for v, n in zip(w, features, strict=True))
            lines.append(f"  h_{j + 1} = ReLU({weighted} {term(b)})")
        inputs = [f"h_{j + 1}" for j in range(first.out_features)]
    else:
        inputs = list(features)
    last = layers[-1]
    for g, grade in enumerate(grades):
        w, b = last.weight[g].tolist(), last.bias[g].item()
        shown = " ".join(term(v, n) for v, n in list(zip(w, inputs, strict=True))[:4])
        more = " + ..." if len(inputs) > 4 else ""
        lines.append(f"z_{grade} = {shown}{more} {term(b)}")
    lines.append("P(grade g) = softmax(z)_g = exp(z_g) / sum_k exp(z_k)")
    return "\n".join(lines)

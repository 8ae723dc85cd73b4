"""The lecture's worked examples, computed by the engine (the explorer and tests show them).

* pooling a 4x4 feature map with 2x2 tiles: max and average,
* flattening a 5x5 image into 25 numbers, row after row,
* a 10x11 image convolved with a 2x2 filter of ones, position by position,
* depth without non-linearity collapses: two linear layers are one linear layer;
  with ReLU in between, a network fits what no line can (XOR, two moons).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralens.engine.checks import output_size
from neuralens.engine.convolution import conv2d
from neuralens.engine.dense import flatten
from neuralens.engine.layers import Dense, ReLU, Sequential
from neuralens.engine.pooling import avg_pool2d, max_pool2d
from neuralens.engine.training import TrainConfig, evaluate, fit_classifier
from neuralens.history import History

# --- pooling: the lecture's 4x4 feature map and its 2x2 summaries --------------------------
POOLING_INPUT = np.array([[5, 3, 3, 1], [0, 2, 8, 5], [1, 4, 4, 2], [0, 9, 2, 7]], dtype=float)
POOLING_MAX = np.array([[5, 8], [9, 7]], dtype=float)
POOLING_AVERAGE = np.array([[2.5, 4.25], [3.5, 3.75]])


def pooling_example(kind: str = "max") -> np.ndarray:
    """The 4x4 example pooled with 2x2 tiles, stride 2: 4x4 -> 2x2.

    >>> pooling_example("max").tolist()
    [[5.0, 8.0], [9.0, 7.0]]
    >>> pooling_example("average").tolist()
    [[2.5, 4.25], [3.5, 3.75]]
    """
    pool = {"max": max_pool2d, "average": avg_pool2d}
    if kind not in pool:
        raise ValueError(f"unknown pooling {kind!r}; choose one of {', '.join(pool)}")
    return pool[kind](POOLING_INPUT[None, None], 2)[0, 0]


# --- flatten: a 5x5 image becomes 25 features ----------------------------------------------
FLATTEN_INPUT = np.arange(1, 26, dtype=float).reshape(5, 5)  # pixel values 1..25, row by row


def flatten_example() -> np.ndarray:
    """The 5x5 image's rows appended one after the other: 25 values.

    >>> flatten_example()[:7].tolist()  # the whole first row, then the second row starts
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    """
    return flatten(FLATTEN_INPUT[None])[0]


# --- convolution: a 10x11 image and a 2x2 filter of ones -----------------------------------
# a smiley drawn in 0/1 pixels, 10 rows x 11 columns
CONV_INPUT = np.array([
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
], dtype=float)  # fmt: skip
CONV_KERNEL = np.ones((2, 2))


def conv_example(image: np.ndarray = CONV_INPUT, kernel: np.ndarray = CONV_KERNEL) -> np.ndarray:
    """The image convolved with the kernel, no padding, stride 1: 10x11 -> 9x10.

    Each output counts the ink under the 2x2 filter at that position.

    >>> conv_example().shape, conv_example()[1].tolist()
    ((9, 10), [0.0, 2.0, 4.0, 2.0, 0.0, 0.0, 2.0, 4.0, 2.0, 0.0])
    """
    return conv2d(image[None, None], kernel[None, None])[0, 0]


@dataclass(frozen=True)
class ConvStep:
    """One position of the filter: where it is, what it covers, the products and their sum."""

    row: int
    col: int
    region: np.ndarray  # the (kh, kw) pixels under the filter
    kernel: np.ndarray  # the (kh, kw) filter weights
    total: float  # the output pixel: sum of region * kernel

    @property
    def products(self) -> np.ndarray:
        """region * kernel, element by element."""
        return self.region * self.kernel

    def equation(self) -> str:
        """The multiply-and-sum written out, e.g. ``1*1 + 0*1 + ... = 2``."""
        pairs = zip(self.region.ravel(), self.kernel.ravel(), strict=True)
        return " + ".join(f"{pixel:g}*{weight:g}" for pixel, weight in pairs) + f" = {self.total:g}"


def conv_steps(image: np.ndarray = CONV_INPUT, kernel: np.ndarray = CONV_KERNEL) -> list[ConvStep]:
    """Every filter position in reading order (left to right, top to bottom).

    >>> steps = conv_steps()
    >>> len(steps), steps[-1].row, steps[-1].col
    (90, 8, 9)
    >>> steps[1].equation()
    '0*1 + 0*1 + 0*1 + 1*1 = 1'
    """
    kh, kw = kernel.shape
    out_h, out_w = output_size(image.shape[0], kh, 1), output_size(image.shape[1], kw, 1)
    steps = []
    for row in range(out_h):
        for col in range(out_w):
            region = image[row : row + kh, col : col + kw]
            steps.append(ConvStep(row, col, region.copy(), kernel, float(np.sum(region * kernel))))
    return steps


# --- depth needs non-linearity ------------------------------------------------------------
def collapse(first: Dense, second: Dense) -> Dense:
    """One Dense layer computing exactly what ``second(first(x))`` computes.

    second(first(x)) = (x W1^T + b1) W2^T + b2 = x (W2 W1)^T + (W2 b1 + b2): stacking
    linear layers adds no power; only a non-linearity in between does.

    >>> first, second = Dense(3, 5, rng=1), Dense(5, 2, rng=2)
    >>> x = np.random.default_rng(0).normal(size=(4, 3))
    >>> bool(np.allclose(collapse(first, second)(x), second(first(x))))
    True
    """
    w1, w2 = first.weight.value, second.weight.value
    b1 = np.zeros(w1.shape[0]) if first.bias is None else first.bias.value
    b2 = np.zeros(w2.shape[0]) if second.bias is None else second.bias.value
    single = Dense(w1.shape[1], w2.shape[0])
    single.weight.value = w2 @ w1
    single.bias.value = w2 @ b1 + b2
    return single


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])  # 1 when exactly one input is 1: no line separates the classes


def make_two_moons(
    n: int = 200, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, ``n`` points (N, 2) and their class 0/1 (NumPy only)."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, size=n)
    labels = rng.integers(0, 2, size=n)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    points = np.where(labels[:, None] == 0, upper, lower) + rng.normal(0, noise, size=(n, 2))
    return points, labels


@dataclass
class DepthResult:
    """A classifier trained with or without ReLU between its two layers."""

    model: Sequential
    history: History
    accuracy: float


def fit_with_and_without_relu(
    X: np.ndarray, y: np.ndarray, relu: bool, hidden: int = 16, num_epochs: int = 300,
    seed: int = 0,
) -> DepthResult:  # fmt: skip
    """Two Dense layers (2 -> hidden -> 2), with or without ReLU, trained full-batch.

    >>> fit_with_and_without_relu(XOR_X, XOR_Y, relu=True).accuracy
    1.0
    >>> fit_with_and_without_relu(XOR_X, XOR_Y, relu=False).accuracy <= 0.75
    True
    """
    middle = [ReLU()] if relu else []
    model = Sequential(Dense(X.shape[1], hidden, rng=seed), *middle,
                       Dense(hidden, 2, init="glorot", rng=seed + 1))  # fmt: skip
    config = TrainConfig(num_epochs=num_epochs, lr=0.05, batch_size=len(X), seed=seed,
                         log_every=1)  # fmt: skip
    history = fit_classifier(model, X, y, config)
    return DepthResult(model, history, evaluate(model, X, y))

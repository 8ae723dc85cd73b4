"""Hand-designed vs learned: gradient descent rediscovers a designed filter from its output.

Filter the cat photo with a designed kernel (say the vertical-edge filter), then
train one 3x3 engine ``Conv2d`` to produce the same output from the same photo,
with mean squared error and gradient descent. Its 3x3 numbers move towards the
designed ones: a convolutional layer learns filters of the same kind people design.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralens.engine.filters import filter_image
from neuralens.engine.layers import Conv2d
from neuralens.engine.losses import mse, mse_backward
from neuralens.engine.optim import Adam


@dataclass
class LearnedFilter:
    """The kernel after every step of gradient descent, and the loss before each step."""

    target: np.ndarray  # the designed (k, k) kernel
    kernels: np.ndarray  # (steps + 1, k, k): the starting guess, then after each step
    losses: np.ndarray  # (steps,) mean squared error between learned and designed outputs

    @property
    def learned(self) -> np.ndarray:
        return self.kernels[-1]

    @property
    def error(self) -> float:
        """Largest |learned - designed| weight after the last step."""
        return float(np.max(np.abs(self.learned - self.target)))


def learn_filter(
    image: np.ndarray, target: np.ndarray, steps: int = 200, lr: float = 0.1, seed: int = 0
) -> LearnedFilter:
    """Fit a (k, k) Conv2d to ``filter_image(image, target)`` by gradient descent (Adam).

    ``image`` is a gray float (H, W) photo; standardising it (zero mean, unit spread)
    makes every weight learn at a similar pace.
    """
    if image.ndim != 2:
        raise ValueError(f"learn_filter takes a gray (H, W) image, got shape {image.shape}")
    size = target.shape[0]
    x = ((image - image.mean()) / image.std())[None, None]  # (1, 1, H, W)
    wanted = filter_image(x[0, 0], target)[None, None]  # the designed filter's output
    conv = Conv2d(1, 1, size, padding=size // 2, bias=False, init="glorot", rng=seed)
    optimizer = Adam(conv.parameters(), lr=lr)
    kernels, losses = [conv.weight.value[0, 0].copy()], []
    for _ in range(steps):
        y = conv(x)
        losses.append(mse(y, wanted))
        optimizer.zero_grad()
        conv.backward(mse_backward(y, wanted))
        optimizer.step()
        kernels.append(conv.weight.value[0, 0].copy())
    return LearnedFilter(np.asarray(target, dtype=float), np.array(kernels), np.array(losses))

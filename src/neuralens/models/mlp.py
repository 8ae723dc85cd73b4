"""The multilayer perceptron: pixels as features.

The lecture's picture: flatten the 28x28 image into a list of 784 numbers (the
features), feed them to hidden layers of units (each a weighted sum plus a bias,
then a non-linearity), and end with one output per category. Without the
non-linearity the stack collapses into one linear map, which the
``activation="none"`` setting lets a learner see for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "none": nn.Identity}


@dataclass
class MLPConfig:
    """Sizes of the MLP; the input size is derived from the image, never typed in."""

    image_size: int = 28  # images are image_size x image_size pixels
    num_channels: int = 1  # 1 for gray digits
    hidden_sizes: tuple[int, ...] = (512, 256)  # units per hidden layer
    num_classes: int = 10  # one output per category
    activation: str = "relu"  # the non-linearity; "none" makes the network linear
    dropout_rate: float = 0.0  # fraction of hidden units dropped while training

    def __post_init__(self) -> None:
        self.hidden_sizes = tuple(int(size) for size in self.hidden_sizes)
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}"
            )
        if self.image_size < 1 or self.num_channels < 1 or self.num_classes < 2:
            raise ValueError(
                f"MLPConfig needs image_size >= 1, num_channels >= 1 and num_classes >= 2, got "
                f"{self.image_size}, {self.num_channels}, {self.num_classes}"
            )
        if any(size < 1 for size in self.hidden_sizes):
            raise ValueError(f"every hidden size must be >= 1, got {self.hidden_sizes}")

    @property
    def num_inputs(self) -> int:
        """How many features the flattened image gives: C * H * W (784 for MNIST)."""
        return self.num_channels * self.image_size * self.image_size


class MLP(nn.Module):
    """Flatten -> [Linear -> non-linearity] per hidden layer -> Linear to class scores.

    Input: images as floats in [0, 1], shape (N, C, H, W); output: logits (N, num_classes)
    (softmax turns them into the 10 probabilities).

    >>> model = MLP(MLPConfig(image_size=8, hidden_sizes=(16,)))
    >>> model(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 10])
    >>> model.hidden[0].weight.shape  # one row of 64 pixel weights per hidden unit
    torch.Size([16, 64])
    """

    def __init__(self, config: MLPConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or MLPConfig()
        sizes = [config.num_inputs, *config.hidden_sizes]
        self.flatten = nn.Flatten()  # (N, C, H, W) -> (N, C*H*W)
        # hidden layer l: (N, sizes[l]) -> (N, sizes[l+1]); weight row j = unit j's pixel weights
        self.hidden = nn.ModuleList(
            nn.Linear(size_in, size_out) for size_in, size_out in pairwise(sizes)
        )
        self.activation = ACTIVATIONS[config.activation]()
        self.dropout = nn.Dropout(config.dropout_rate)
        self.output = nn.Linear(sizes[-1], config.num_classes)  # (N, H_last) -> (N, classes)

    def stages(self, x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
        """Every intermediate value by name, in order: what the network computes, step by step."""
        shape = (self.config.num_channels, self.config.image_size, self.config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != shape:
            raise ValueError(f"MLP expects (N, {', '.join(map(str, shape))}) input, got {x.shape}")
        out = [("flatten", self.flatten(x))]
        for number, layer in enumerate(self.hidden, start=1):
            out.append((f"hidden{number}", layer(out[-1][1])))  # weighted sums + bias
            out.append((f"activation{number}", self.dropout(self.activation(out[-1][1]))))
        out.append(("logits", self.output(out[-1][1])))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) images in [0, 1] -> (N, num_classes) logits."""
        return self.stages(x)[-1][1]

"""The convolutional network: filter banks, activations, pooling, flatten, dense layer.

The lecture's picture: each block slides a bank of small filters over the image
(a convolution, one feature map per filter), applies a non-linearity, and pools
2x2 neighbourhoods so the maps shrink while the number of maps grows; the last
maps are flattened into one long vector and a dense layer turns it into one score
per category. Batch normalisation after each convolution keeps the maps' scale
steady, which lets a high learning rate reach 99 % on MNIST within one epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn


@dataclass
class CNNConfig:
    """Sizes of the CNN; the flattened size is derived from the image and the pooling."""

    image_size: int = 28  # images are image_size x image_size pixels
    num_channels: int = 1  # 1 for gray digits
    channels: tuple[int, ...] = (16, 32, 64)  # filters (feature maps) per conv block
    kernel_size: int = 3  # each filter is kernel_size x kernel_size
    pool_size: int = 2  # max-pooling window and stride after each block
    num_classes: int = 10  # one output per category
    batch_norm: bool = True  # normalise each feature map after its convolution
    dropout_rate: float = 0.0  # fraction of the flattened vector dropped while training

    def __post_init__(self) -> None:
        self.channels = tuple(int(count) for count in self.channels)
        if not self.channels or any(count < 1 for count in self.channels):
            raise ValueError(
                f"channels needs at least one block of >= 1 filters, got {self.channels}"
            )
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (same-size padding), got {self.kernel_size}")
        if self.feature_size < 1:
            raise ValueError(
                f"{len(self.channels)} pooling steps of {self.pool_size} shrink a "
                f"{self.image_size}x{self.image_size} image to nothing; use fewer blocks"
            )

    @property
    def feature_size(self) -> int:
        """Side of the last feature maps: each block's pooling divides it (28 -> 14 -> 7 -> 3)."""
        size = self.image_size
        for _ in self.channels:
            size //= self.pool_size
        return size

    @property
    def num_flat(self) -> int:
        """Length of the flattened vector: maps x height x width of the last block."""
        return self.channels[-1] * self.feature_size**2


class ConvBlock(nn.Module):
    """One filter bank: conv (same size) -> max-pool (size / pool) -> batch norm -> ReLU.

    Pooling comes before the ReLU here: max-pooling and ReLU commute (both keep order:
    max(relu(a), relu(b)) = relu(max(a, b))), so the block computes the lecture's
    conv -> ReLU -> pool picture while normalising and activating 4x fewer numbers.
    """

    def __init__(self, channels_in: int, channels_out: int, config: CNNConfig) -> None:
        super().__init__()
        # the norm's own shift makes a conv bias redundant
        self.conv = nn.Conv2d(
            channels_in, channels_out, config.kernel_size,
            padding=config.kernel_size // 2, bias=not config.batch_norm,
        )  # fmt: skip
        # filters stored channels-last (H, W, C inner): the CPU's convolution and pooling
        # kernels run about twice as fast on it; shapes and values are unchanged
        self.conv.to(memory_format=torch.channels_last)
        self.norm = nn.BatchNorm2d(channels_out) if config.batch_norm else nn.Identity()
        self.activation = nn.ReLU()
        self.pool = nn.MaxPool2d(config.pool_size)

    def stages(self, x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
        """(N, C_in, H, W) -> conv (N, C_out, H, W) -> pool (N, C_out, H/p, W/p) -> relu."""
        feature_maps = self.conv(x)
        pooled = self.pool(feature_maps)
        return [
            ("conv", feature_maps),
            ("pool", pooled),
            ("relu", self.activation(self.norm(pooled))),
        ]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.norm(self.pool(self.conv(x))))


class CNN(nn.Module):
    """Conv blocks -> flatten -> dense layer to class scores.

    Input: images as floats in [0, 1], shape (N, C, H, W); output: logits (N, num_classes).
    The first block's filters are ``model.blocks[0].conv.weight``, shape (C_1, C, k, k).

    >>> model = CNN(CNNConfig(image_size=8, channels=(4, 8)))
    >>> model(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 10])
    >>> [(name, tuple(value.shape)) for name, value in model.stages(torch.zeros(1, 1, 8, 8))][:3]
    [('conv1', (1, 4, 8, 8)), ('pool1', (1, 4, 4, 4)), ('relu1', (1, 4, 4, 4))]
    """

    def __init__(self, config: CNNConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or CNNConfig()
        sizes = [config.num_channels, *config.channels]
        self.blocks = nn.ModuleList(
            ConvBlock(size_in, size_out, config) for size_in, size_out in pairwise(sizes)
        )
        self.flatten = nn.Flatten()  # (N, C_last, s, s) -> (N, C_last * s * s)
        self.dropout = nn.Dropout(config.dropout_rate)
        self.dense = nn.Linear(config.num_flat, config.num_classes)  # (N, flat) -> (N, classes)

    def _check(self, x: torch.Tensor) -> None:
        shape = (self.config.num_channels, self.config.image_size, self.config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != shape:
            raise ValueError(f"CNN expects (N, {', '.join(map(str, shape))}) input, got {x.shape}")

    def stages(self, x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
        """Every intermediate value by name (conv1, pool1, relu1, ..., flatten, logits)."""
        self._check(x)
        out: list[tuple[str, torch.Tensor]] = []
        for number, block in enumerate(self.blocks, start=1):
            for name, value in block.stages(x):
                out.append((f"{name}{number}", value))
            x = out[-1][1]
        out.append(("flatten", self.flatten(x)))
        out.append(("logits", self.dense(self.dropout(out[-1][1]))))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) images in [0, 1] -> (N, num_classes) logits."""
        self._check(x)
        for block in self.blocks:
            x = block(x)  # (N, C_in, H, W) -> (N, C_out, H / pool, W / pool)
        return self.dense(self.dropout(self.flatten(x)))

"""The noise-predicting U-Net eps_theta(x_t, t, y) of a denoising diffusion model.

The lecture's assembly of known blocks: convolutions in residual blocks at 28, 14 and
7 pixels, an encoder-decoder with skips (a U-Net), normalisation and a non-linearity;
two inputs tell it *when* and *what*: the step ``t`` as a sinusoidal embedding
(Vaswani et al. 2017, as in Ho et al. 2020) and the class ``y`` as a learned vector.
Class ``-1`` (any negative label) selects a learned "no class" vector, so one network
predicts the noise with and without the prompt (classifier-free guidance, Ho &
Salimans 2022). It knows nothing of noise schedules or samplers (``neuralens.diffusion``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from neuralens.models.blocks import make_norm


@dataclass
class EpsUNetConfig:
    """Sizes of the noise-predicting U-Net; the defaults fit a CPU (~150 k weights)."""

    image_size: int = 28  # images are image_size x image_size (divisible by 4)
    num_channels: int = 1  # 1 for gray digits
    channels: tuple[int, ...] = (16, 32, 48)  # feature maps at full, 1/2 and 1/4 size
    embedding_dim: int = 64  # size of the time and class embeddings
    num_classes: int = 10  # prompts 0 .. num_classes - 1; a negative label = no class

    def __post_init__(self) -> None:
        self.channels = tuple(int(count) for count in self.channels)
        if len(self.channels) < 2:
            raise ValueError(f"channels needs at least 2 levels, got {self.channels}")
        levels = len(self.channels) - 1
        if self.image_size % 2**levels:
            raise ValueError(
                f"image_size {self.image_size} must divide by 2^{levels} for {levels} poolings"
            )


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer steps: (N,) -> (N, dim), as Transformer positions.

    Half the entries are sin(t * f_k), half cos(t * f_k), frequencies f_k = 10000^(-k/half)
    spread geometrically, so nearby steps get nearby vectors at every scale.

    >>> timestep_embedding(torch.tensor([0, 5]), 4).shape
    torch.Size([2, 4])
    """
    half = dim // 2
    frequencies = torch.exp(-math.log(10_000) * torch.arange(half, device=t.device) / half)
    angles = t.float()[:, None] * frequencies[None, :]  # (N, half)
    return torch.cat([angles.sin(), angles.cos()], dim=1)  # (N, dim)


class TimeResBlock(nn.Module):
    """GroupNorm -> SiLU -> conv, plus the (time, class) embedding, twice, with a skip.

    (N, C_in, H, W), (N, E) -> (N, C_out, H, W). The embedding shifts every feature map
    of the first convolution by a learned amount, so each block knows the step and class.
    """

    def __init__(self, channels_in: int, channels_out: int, config: EpsUNetConfig) -> None:
        super().__init__()
        self.norm1 = make_norm("group", channels_in)  # up to 8 groups (blocks.group_count)
        self.conv1 = nn.Conv2d(channels_in, channels_out, 3, padding=1)
        self.embed = nn.Linear(config.embedding_dim, channels_out)
        self.norm2 = make_norm("group", channels_out)
        self.conv2 = nn.Conv2d(channels_out, channels_out, 3, padding=1)
        same = channels_in == channels_out
        self.skip = nn.Identity() if same else nn.Conv2d(channels_in, channels_out, 1)

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))  # (N, C_out, H, W)
        h = h + self.embed(embedding)[:, :, None, None]  # one shift per map
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class EpsUNet(nn.Module):
    """eps_theta(x_t, t, y): the noise in a noisy image, given the step and the class.

    ``x_t`` (N, C, H, W) noisy images (about [-1, 1]), ``t`` (N,) integer steps, ``y``
    (N,) integer classes (negative = no class) -> the predicted noise (N, C, H, W).

    >>> model = EpsUNet(EpsUNetConfig(image_size=8, channels=(8, 8)))
    >>> model(torch.zeros(2, 1, 8, 8), torch.tensor([0, 9]), torch.tensor([3, -1])).shape
    torch.Size([2, 1, 8, 8])
    """

    def __init__(self, config: EpsUNetConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or EpsUNetConfig()
        dim = config.embedding_dim
        self.time_mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.class_embedding = nn.Embedding(config.num_classes + 1, dim)  # last row: no class
        channels = config.channels
        self.stem = nn.Conv2d(config.num_channels, channels[0], 3, padding=1)
        self.down_blocks = nn.ModuleList(TimeResBlock(c, c, config) for c in channels)
        self.downsample = nn.ModuleList(  # stride-2 convolutions halve the size
            nn.Conv2d(c_in, c_out, 3, stride=2, padding=1)
            for c_in, c_out in zip(channels[:-1], channels[1:], strict=True)
        )
        self.middle = TimeResBlock(channels[-1], channels[-1], config)
        self.upsample = nn.ModuleList(  # transposed 2x2 stride-2 convolutions double it
            nn.ConvTranspose2d(c_in, c_out, 2, stride=2)
            for c_in, c_out in zip(channels[:0:-1], channels[-2::-1], strict=True)
        )
        self.up_blocks = nn.ModuleList(  # the skip doubles the input channels
            TimeResBlock(2 * c, c, config) for c in channels[-2::-1]
        )
        self.out_norm = make_norm("group", channels[0])
        self.out = nn.Conv2d(channels[0], config.num_channels, 3, padding=1)
        nn.init.zeros_(self.out.weight)  # starts by predicting zero noise
        nn.init.zeros_(self.out.bias)

    def embed(self, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(N,) steps and (N,) classes -> (N, E): time MLP + class vector (no class if < 0)."""
        no_class = torch.full_like(y, self.config.num_classes)
        classes = torch.where(y < 0, no_class, y)
        return self.time_mlp(timestep_embedding(t, self.config.embedding_dim)) + (
            self.class_embedding(classes)
        )

    def _check(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> None:
        config = self.config
        shape = (config.num_channels, config.image_size, config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != shape:
            raise ValueError(f"EpsUNet expects x_t of shape (N, {shape}), got {tuple(x.shape)}")
        if t.shape != (len(x),) or y.shape != (len(x),):
            raise ValueError(
                f"t and y must be (N,) = ({len(x)},), got {tuple(t.shape)} and {tuple(y.shape)}"
            )
        if len(y) and int(y.max()) >= config.num_classes:
            raise ValueError(f"class {int(y.max())} >= num_classes={config.num_classes}")

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        self._check(x, t, y)
        embedding = self.embed(t, y)  # (N, E)
        h = self.stem(x)  # (N, C, H, W) -> (N, c0, H, W)
        skips = []
        for level, block in enumerate(self.down_blocks):
            h = block(h, embedding)
            if level < len(self.downsample):
                skips.append(h)
                h = self.downsample[level](h)  # (N, c_l, s, s) -> (N, c_l+1, s/2, s/2)
        h = self.middle(h, embedding)
        for conv, block in zip(self.upsample, self.up_blocks, strict=True):
            h = conv(h)  # (N, c_l+1, s, s) -> (N, c_l, 2s, 2s)
            h = block(torch.cat([h, skips.pop()], dim=1), embedding)
        return self.out(F.silu(self.out_norm(h)))  # (N, C, H, W)

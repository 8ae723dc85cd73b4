"""Building blocks shared by the encoder-decoder networks (U-Net, auto-encoder, noise U-Net).

The lecture's CNN is a stack of *filter banks*: convolution -> normalisation ->
non-linearity, with pooling shrinking the maps while their number grows. An
encoder-decoder reuses the same pieces in both directions:

    ConvNormAct        one filter bank: (N, C_in, H, W) -> (N, C_out, H / stride, W / stride)
    ResidualBlock      two filter banks plus a shortcut: y = x + F(x) (He et al. 2016, eq. 1)
    DownBlock          halve the size, then a residual block        (the encoder's step)
    UpBlock            double the size, concatenate the skip, then a residual block
                                                                    (the decoder's step)

Each block takes plain channel counts and a ``norm`` / ``activation`` name, so a
caller composes them freely; nothing here knows about time steps, classes or tasks
(conditioning is the business of the model that composes the blocks).
"""

from __future__ import annotations

import torch
from torch import nn

NORMS = ("batch", "group", "none")
ACTIVATIONS = {"relu": nn.ReLU, "silu": nn.SiLU, "gelu": nn.GELU, "leaky_relu": nn.LeakyReLU}


def group_count(channels: int, max_groups: int = 8) -> int:
    """The largest number of groups <= ``max_groups`` that divides ``channels``.

    GroupNorm (Wu & He 2018) needs ``channels % groups == 0``.

    >>> group_count(24), group_count(12), group_count(7), group_count(4, max_groups=8)
    (8, 6, 7, 4)
    """
    for groups in range(min(max_groups, channels), 0, -1):
        if channels % groups == 0:
            return groups
    return 1


def make_norm(norm: str, channels: int, max_groups: int = 8) -> nn.Module:
    """A normalisation layer by name: ``"batch"``, ``"group"`` or ``"none"``.

    Batch norm normalises each map over the batch (Ioffe & Szegedy 2015); group norm
    over groups of maps within one image, so it behaves the same at batch size 1 (the
    usual choice in diffusion U-Nets).

    >>> type(make_norm("group", 16)).__name__, make_norm("group", 16).num_groups
    ('GroupNorm', 8)
    """
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "group":
        return nn.GroupNorm(group_count(channels, max_groups), channels)
    if norm == "none":
        return nn.Identity()
    raise ValueError(f"norm must be one of {', '.join(NORMS)}, got {norm!r}")


def make_activation(activation: str) -> nn.Module:
    """A non-linearity by name: ``"relu"``, ``"silu"``, ``"gelu"`` or ``"leaky_relu"``."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    return ACTIVATIONS[activation]()


class ConvNormAct(nn.Module):
    """One filter bank: convolution -> normalisation -> non-linearity.

    Parameters
    ----------
    channels_in, channels_out : int
        Feature maps in and out (C_in, C_out).
    kernel_size : int
        Odd filter side; padding ``kernel_size // 2`` keeps the size at stride 1.
    stride : int
        2 halves the maps (a learned alternative to pooling).
    norm, activation : str
        See ``make_norm`` and ``make_activation``; ``activation=None`` leaves it linear.

    Shapes: (N, C_in, H, W) -> (N, C_out, ceil(H / stride), ceil(W / stride)).

    >>> ConvNormAct(3, 8, stride=2)(torch.zeros(2, 3, 8, 8)).shape
    torch.Size([2, 8, 4, 4])
    """

    def __init__(
        self,
        channels_in: int,
        channels_out: int,
        kernel_size: int = 3,
        stride: int = 1,
        norm: str = "batch",
        activation: str | None = "relu",
    ) -> None:
        super().__init__()
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (same-size padding), got {kernel_size}")
        # a norm's own shift makes the conv bias redundant
        self.conv = nn.Conv2d(
            channels_in, channels_out, kernel_size, stride=stride,
            padding=kernel_size // 2, bias=norm == "none",
        )  # fmt: skip
        self.norm = make_norm(norm, channels_out)
        self.activation = make_activation(activation) if activation else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.norm(self.conv(x)))


class ResidualBlock(nn.Module):
    """Two filter banks and a shortcut: ``y = act(F(x) + shortcut(x))`` (He et al. 2016).

    The shortcut is the identity when the channel counts match, else a 1x1 convolution.
    The second bank's norm starts at zero scale (batch norm) so a fresh block is close
    to its shortcut, which lets deeper stacks train from the first step.

    Shapes: (N, C_in, H, W) -> (N, C_out, H, W).

    >>> ResidualBlock(4, 8, norm="group")(torch.zeros(1, 4, 6, 6)).shape
    torch.Size([1, 8, 6, 6])
    """

    def __init__(
        self, channels_in: int, channels_out: int, norm: str = "batch", activation: str = "relu"
    ) -> None:
        super().__init__()
        self.first = ConvNormAct(channels_in, channels_out, norm=norm, activation=activation)
        self.second = ConvNormAct(channels_out, channels_out, norm=norm, activation=None)
        if isinstance(self.second.norm, nn.BatchNorm2d):
            nn.init.zeros_(self.second.norm.weight)
        self.shortcut = (
            nn.Identity()
            if channels_in == channels_out
            else nn.Conv2d(channels_in, channels_out, 1, bias=False)
        )
        self.activation = make_activation(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.second(self.first(x)) + self.shortcut(x))


class DownBlock(nn.Module):
    """The encoder's step: halve the maps, then a residual block.

    ``downsample="conv"`` uses a stride-2 filter bank (learned); ``"pool"`` the
    lecture's 2x2 max-pooling, the residual block then changing the channel count.

    Shapes: (N, C_in, H, W) -> (N, C_out, H / 2, W / 2).

    >>> DownBlock(8, 16)(torch.zeros(1, 8, 8, 8)).shape
    torch.Size([1, 16, 4, 4])
    >>> DownBlock(8, 16, downsample="pool")(torch.zeros(1, 8, 8, 8)).shape
    torch.Size([1, 16, 4, 4])
    """

    def __init__(
        self,
        channels_in: int,
        channels_out: int,
        norm: str = "batch",
        activation: str = "relu",
        downsample: str = "conv",
    ) -> None:
        super().__init__()
        if downsample == "conv":
            self.down: nn.Module = ConvNormAct(
                channels_in, channels_out, stride=2, norm=norm, activation=activation
            )
            channels_mid = channels_out
        elif downsample == "pool":
            self.down = nn.MaxPool2d(2)
            channels_mid = channels_in
        else:
            raise ValueError(f"downsample must be 'conv' or 'pool', got {downsample!r}")
        self.block = ResidualBlock(channels_mid, channels_out, norm=norm, activation=activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(self.down(x))  # (N, C_in, H, W) -> (N, C_out, H/2, W/2)


class UpBlock(nn.Module):
    """The decoder's step: double the maps, concatenate the skip, then a residual block.

    The skip connection hands the decoder the encoder's maps of the same size (the
    horizontal lines of the U in Ronneberger et al. 2015): fine detail the bottleneck
    lost. ``skip_channels=0`` makes a plain decoder step (an auto-encoder's, no skip).
    Upsampling is nearest-neighbour then a ``reduce_kernel`` filter bank (no checkerboard
    artefacts of transposed convolutions, Odena et al. 2016); 1 makes it 9x cheaper.

    Shapes: x (N, C_in, H, W), skip (N, C_skip, 2H, 2W) -> (N, C_out, 2H, 2W).

    >>> up = UpBlock(16, 8, 8)
    >>> up(torch.zeros(1, 16, 4, 4), torch.zeros(1, 8, 8, 8)).shape
    torch.Size([1, 8, 8, 8])
    >>> UpBlock(16, 0, 8)(torch.zeros(1, 16, 4, 4)).shape
    torch.Size([1, 8, 8, 8])
    """

    def __init__(
        self,
        channels_in: int,
        skip_channels: int,
        channels_out: int,
        norm: str = "batch",
        activation: str = "relu",
        reduce_kernel: int = 3,
    ) -> None:
        super().__init__()
        self.skip_channels = skip_channels
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.reduce = ConvNormAct(
            channels_in, channels_out, reduce_kernel, norm=norm, activation=activation
        )
        self.block = ResidualBlock(
            channels_out + skip_channels, channels_out, norm=norm, activation=activation
        )

    def forward(self, x: torch.Tensor, skip: torch.Tensor | None = None) -> torch.Tensor:
        x = self.reduce(self.up(x))  # (N, C_in, H, W) -> (N, C_out, 2H, 2W)
        if self.skip_channels:
            if skip is None or skip.shape[1] != self.skip_channels:
                got = None if skip is None else tuple(skip.shape)
                raise ValueError(
                    f"UpBlock expects a skip with {self.skip_channels} channels, got {got}"
                )
            if skip.shape[-2:] != x.shape[-2:]:
                raise ValueError(
                    f"skip maps are {tuple(skip.shape[-2:])}, upsampled maps "
                    f"{tuple(x.shape[-2:])}; the encoder's sizes must be even"
                )
            x = torch.cat([x, skip], dim=1)  # (N, C_out + C_skip, 2H, 2W)
        return self.block(x)

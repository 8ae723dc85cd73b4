"""One backbone, four kinds of output: a U-shaped encoder-decoder with task heads.

The lecture: "the output of a model is always numbers" -- one number (is there a
triangle?), a series of numbers (box corners), a 2-D image (a mask), an RGB image.
One network gives all four. The encoder is the CNN the learner already met
(filter banks; the maps halve while their number grows); the decoder climbs back
up, and *skip connections* hand it the encoder's maps of the same size
(Ronneberger et al. 2015), so fine detail lost in the bottleneck returns:

    64x64  stem ---------------------------------------------> up0 -> mask, offsets, image
    32x32    down1 ------------------------------------> up1
    16x16      down2 ---------------------------> up2 -> box heatmap, size, offset
     8x8         down3 -------------------> up3
     4x4           down4 (bottleneck) -> presence (one number per class)

Heads (the last layer of each is what chapter 8 shows):

- ``presence``: global pool of the bottleneck -> one logit per class; a sigmoid gives
  "is there a triangle?" (multi-label: several can be present). Max pooling ("is it
  anywhere?") keeps a small or half-hidden object's evidence, which an average over all
  8x8 places dilutes.
- ``heatmap`` / ``size`` / ``offset``: CenterNet (Zhou et al. 2019, "Objects as
  Points"): at stride 4, one heatmap per class peaks at object centres; 2 numbers
  give the box's width and height, 2 the sub-cell offset of the centre.
- ``mask``: one logit per class and pixel (background + classes): semantic segmentation.
- ``center_offset``: per pixel, the (dx, dy) to its object's centre (Panoptic-DeepLab,
  Cheng et al. 2020); pixels pointing at the same detected centre form one instance.
- ``image``: 3 channels, the input plus a learned correction (a denoised image).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn

from neuralens.models.blocks import ConvNormAct, DownBlock, UpBlock

PRIOR_PROBABILITY = 0.1  # initial heatmap probability (focal-loss prior, Lin et al. 2017)


@dataclass
class UNetConfig:
    """Sizes of the U-Net and its heads; the box stride follows from the levels."""

    image_size: int = 64  # training images are image_size x image_size (any multiple of 16 runs)
    num_channels: int = 3  # RGB scenes
    num_classes: int = 3  # object classes (disk, rectangle, triangle); masks add background
    channels: tuple[int, ...] = (16, 24, 32, 48)  # maps at 1, 1/2, 1/4, 1/8 of the image size
    head_channels: int = 32  # hidden filters of the box head
    box_level: int = 2  # decoder level of the box head: stride 2**box_level (4)
    norm: str = "batch"  # normalisation in every block (see models.blocks)
    presence_pool: str = "avg"  # the presence head pools the bottleneck by "avg" or "max"

    def __post_init__(self) -> None:
        self.channels = tuple(int(count) for count in self.channels)
        if len(self.channels) < 2 or min(self.channels) < 1:
            raise ValueError(f"channels needs >= 2 levels of >= 1 maps, got {self.channels}")
        if not 0 <= self.box_level < len(self.channels):
            raise ValueError(f"box_level must be a level 0..{len(self.channels) - 1}")
        if self.image_size % self.divisor:
            raise ValueError(f"image_size must be a multiple of {self.divisor}")
        if self.presence_pool not in ("avg", "max"):
            raise ValueError(f"presence_pool must be 'avg' or 'max', got {self.presence_pool!r}")

    @property
    def divisor(self) -> int:
        """Image sides must be multiples of this (each level halves them)."""
        return 2 ** (len(self.channels) - 1)

    @property
    def box_stride(self) -> int:
        """Pixels per heatmap cell (4: a 64x64 image gives a 16x16 heatmap)."""
        return 2**self.box_level


class UNet(nn.Module):
    """Encoder (the CNN) -> decoder with skips -> a dict of head outputs.

    Input: (N, C, H, W) floats in [0, 1], H and W multiples of ``config.divisor``.
    Output: ``{"presence": (N, K), "heatmap": (N, K, H/s, W/s), "size": (N, 2, H/s, W/s),
    "offset": (N, 2, H/s, W/s), "mask": (N, K + 1, H, W), "center_offset": (N, 2, H, W),
    "image": (N, 3, H, W)}`` with s the box stride; all logits except ``image``.

    >>> model = UNet(UNetConfig(image_size=16, channels=(4, 8, 8)))
    >>> {name: tuple(value.shape) for name, value in model(torch.zeros(1, 3, 16, 16)).items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'presence': (1, 3), 'heatmap': (1, 3, 4, 4), 'size': (1, 2, 4, 4), 'offset': (1, 2, 4, 4),
     'mask': (1, 4, 16, 16), 'center_offset': (1, 2, 16, 16), 'image': (1, 3, 16, 16)}
    """

    def __init__(self, config: UNetConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or UNetConfig()
        c, norm = config.channels, config.norm
        self.stem = ConvNormAct(config.num_channels, c[0], norm=norm)
        self.downs = nn.ModuleList(DownBlock(a, b, norm=norm) for a, b in pairwise(c))
        # up i climbs from level i + 1 to level i, taking the encoder's level-i maps
        self.ups = nn.ModuleList(
            UpBlock(c[i + 1], c[i], c[i], norm=norm, reduce_kernel=1) for i in range(len(c) - 1)
        )
        k = config.num_classes
        self.presence = nn.Linear(c[-1], k)  # one unit per class, a sigmoid each
        self.box_head = nn.Sequential(
            ConvNormAct(c[config.box_level], config.head_channels, norm="none"),
            nn.Conv2d(config.head_channels, k + 4, 1),  # K heatmaps + (w, h) + (dx, dy)
        )
        nn.init.constant_(
            self.box_head[-1].bias[:k], -torch.log(torch.tensor(1 / PRIOR_PROBABILITY - 1))
        )
        self.pixel_head = nn.Conv2d(c[0], (k + 1) + 2 + 3, 1)  # mask, centre offset, image

    def _check(self, x: torch.Tensor) -> None:
        divisor = self.config.divisor
        if (
            x.ndim != 4
            or x.shape[1] != self.config.num_channels
            or x.shape[-1] % divisor
            or x.shape[-2] % divisor
        ):
            raise ValueError(
                f"UNet expects (N, {self.config.num_channels}, H, W) with H and W multiples "
                f"of {divisor}, got {tuple(x.shape)}"
            )

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Decoder maps from the finest (level 0, full size) to the bottleneck (last)."""
        self._check(x)
        skips = [self.stem(x)]  # (N, c0, H, W)
        for down in self.downs:
            skips.append(down(skips[-1]))  # (N, c_i, H / 2^i, W / 2^i)
        decoded = [skips[-1]]
        for level in reversed(range(len(self.ups))):
            decoded.append(self.ups[level](decoded[-1], skips[level]))  # up one level
        return decoded[::-1]  # decoded[i]: level i; decoded[-1]: the bottleneck

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        levels = self.features(x)
        k = self.config.num_classes
        bottleneck = levels[-1]  # (N, c_last, h, w)
        if self.config.presence_pool == "max":
            pooled = bottleneck.amax(dim=(2, 3))  # (N, c_last): the strongest place
        else:
            pooled = bottleneck.mean(dim=(2, 3))  # (N, c_last): the average place
        boxes = self.box_head(levels[self.config.box_level])  # (N, K + 4, H/s, W/s)
        pixels = self.pixel_head(levels[0])  # (N, K + 1 + 2 + 3, H, W)
        return {
            "presence": self.presence(pooled),
            "heatmap": boxes[:, :k],
            "size": boxes[:, k : k + 2],  # box (w, h) in heatmap cells
            "offset": boxes[:, k + 2 :],  # centre's position inside its cell
            "mask": pixels[:, : k + 1],
            "center_offset": pixels[:, k + 1 : k + 3],  # (dx, dy) to the centre, in pixels / 16
            "image": x[:, :3] + pixels[:, k + 3 :],  # the input plus a learned correction
        }


def count_multiply_adds(model: nn.Module, image_size: int, num_channels: int = 3) -> int:
    """Multiply-accumulate operations of one forward pass on one image (convs and linears).

    >>> count_multiply_adds(nn.Conv2d(3, 8, 3, padding=1), 8)  # 8*8 outputs x 8 maps x 3*3*3
    13824
    """
    total = 0

    def count(module: nn.Module, _inputs, output: torch.Tensor) -> None:
        nonlocal total
        if isinstance(module, nn.Conv2d):
            per_output = (
                module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            )
            total += output.numel() * per_output
        elif isinstance(module, nn.Linear):
            total += output.numel() * module.in_features

    hooks = [
        m.register_forward_hook(count)
        for m in model.modules()
        if isinstance(m, nn.Conv2d | nn.Linear)
    ]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, num_channels, image_size, image_size))
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    return total

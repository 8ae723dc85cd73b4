"""Augmentation for digits: change what another hand changes, keep what the digit is.

People write at a slant, larger or smaller, with a thicker or thinner pen, and their
strokes wobble. Each function takes a float batch (N, C, H, W) with ink > 0 on a
background of 0 and returns a new batch of the same shape, on the batch's device, with
one gather (``grid_sample``) or one pooling: a whole batch at a time, no Python loop
over images. The label does not change, so only the images move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class HandwritingConfig:
    """How far each image may be changed (drawn uniformly per image)."""

    max_rotation: float = 12.0  # degrees either way
    scale: tuple[float, float] = (0.85, 1.1)  # size relative to the original
    max_shear: float = 0.2  # horizontal shear factor: a slanted hand
    elastic_alpha: float = 1.5  # pixels a stroke may wobble (Simard et al. 2003, elastic)
    elastic_sigma: float = 4.0  # pixels over which the wobble is smooth
    thickness_probability: float = 0.3  # share of images whose pen is made thicker or thinner


def random_affine(
    images: torch.Tensor, config: HandwritingConfig, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Rotate, scale and shear each image about its centre: (N, C, H, W) -> same shape."""
    n = images.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        draw = torch.rand(n, generator=generator, device=images.device)
        return low + (high - low) * draw

    angle = uniform(-config.max_rotation, config.max_rotation) * math.pi / 180
    scale = uniform(*config.scale)
    shear = uniform(-config.max_shear, config.max_shear)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale  # the sampling grid shrinks
    theta = torch.zeros(n, 2, 3, device=images.device, dtype=images.dtype)  # output -> input
    theta[:, 0, 0], theta[:, 0, 1] = cos, -sin + shear * cos
    theta[:, 1, 0], theta[:, 1, 1] = sin, cos + shear * sin
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)  # (N, H, W, 2)
    return F.grid_sample(images, grid, padding_mode="zeros", align_corners=False)


def gaussian_blur(field: torch.Tensor, sigma: float) -> torch.Tensor:
    """Smooth (N, C, H, W) with a separable Gaussian of ``sigma`` pixels (zero padding)."""
    radius = max(1, int(3 * sigma))
    x = torch.arange(-radius, radius + 1, device=field.device, dtype=field.dtype)
    kernel = torch.exp(-(x**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    channels = field.shape[1]
    rows = kernel.view(1, 1, -1, 1).repeat(channels, 1, 1, 1)
    cols = kernel.view(1, 1, 1, -1).repeat(channels, 1, 1, 1)
    field = F.conv2d(field, rows, padding=(radius, 0), groups=channels)
    return F.conv2d(field, cols, padding=(0, radius), groups=channels)


def elastic(
    images: torch.Tensor, config: HandwritingConfig, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Wobble the strokes: a smooth random displacement field of about ``elastic_alpha``
    pixels (Simard, Steinkraus & Platt 2003, "elastic distortions")."""
    n, _, height, width = images.shape
    noise = torch.rand(n, 2, height, width, generator=generator, device=images.device) * 2 - 1
    field = gaussian_blur(noise.to(images.dtype), config.elastic_sigma)  # (N, 2, H, W)
    field = field / field.abs().amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-8)
    shift = (
        field
        * config.elastic_alpha
        * 2
        / torch.tensor([width, height], device=images.device, dtype=images.dtype).view(1, 2, 1, 1)
    )
    identity = torch.eye(2, 3, device=images.device, dtype=images.dtype).expand(n, 2, 3)
    grid = F.affine_grid(identity, list(images.shape), align_corners=False)  # (N, H, W, 2)
    grid = grid + shift.permute(0, 2, 3, 1)  # (N, 2, H, W) -> (N, H, W, 2), x then y
    return F.grid_sample(images, grid, padding_mode="zeros", align_corners=False)


def pen_thickness(
    images: torch.Tensor, config: HandwritingConfig, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A thicker pen (dilation: 3x3 max) or a thinner one (erosion: 3x3 min, blended half
    with the original: a full erosion wipes out MNIST's 2-pixel strokes) for a share of the
    images; the others unchanged."""
    n = images.shape[0]
    draw = torch.rand(n, generator=generator, device=images.device)
    thicker = F.max_pool2d(images, 3, stride=1, padding=1)
    thinner = (images - F.max_pool2d(-images, 3, stride=1, padding=1)) / 2
    half = config.thickness_probability / 2
    choose = draw.view(n, 1, 1, 1)
    return torch.where(choose < half, thicker, torch.where(choose < 2 * half, thinner, images))


def handwriting(
    images: torch.Tensor, config: HandwritingConfig, generator: torch.Generator | None = None
) -> torch.Tensor:
    """All of it, in the order a hand would: the pen, the slant and size, the wobble."""
    images = pen_thickness(images, config, generator)
    return elastic(random_affine(images, config, generator), config, generator)

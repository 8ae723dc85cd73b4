"""Words as the prompt: draw scenes from sentences, step by step, and judge whether they match.

The question this study answers: does a diffusion model steered by words draw what the words
say? ``scene_frames`` samples a text-conditioned noise predictor (``TextEpsUNet``) with
classifier-free guidance through ``neuralens.diffusion`` and yields every step as pictures;
``prompt_match_rate`` lets the attribute judge (``models/attributes.py``) read each picture
back and counts the scenes whose shapes, colours, sizes, places and background are all what
their prompt asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from neuralens import diffusion
from neuralens.models.attributes import prompt_matches, read_scenes


def to_uint8_rgb(x: torch.Tensor) -> np.ndarray:
    """(N, 3, H, W) images in [-1, 1] -> uint8 (N, H, W, 3)."""
    pixels = (diffusion.from_model_range(x) * 255).round().to(torch.uint8)
    return pixels.permute(0, 2, 3, 1).cpu().numpy()


@dataclass
class SceneFrame:
    """One sampling step as pictures: x_t after the step and the predicted clean x0_hat."""

    index: int
    num_steps: int
    t: int
    x: np.ndarray  # uint8 (N, H, W, 3)
    x0_hat: np.ndarray  # uint8 (N, H, W, 3)


def scene_frames(
    model: nn.Module,
    schedule: diffusion.Schedule,
    prompts: Sequence[str],
    steps: int = 50,
    guidance: float = 3.0,
    seed: int = 0,
) -> Iterator[SceneFrame]:
    """Sample one scene per prompt, yielding every step as uint8 pictures.

    An unknown word or too long a prompt is the tokenizer's ValueError (it lists the words
    the model knows); an empty prompt asks the unconditional model for any scene.
    """
    if isinstance(prompts, str) or len(prompts) == 0:
        raise ValueError("prompts must be a non-empty list of sentences")
    y = model.tokenizer(list(prompts))[0]  # (N, L) token ids
    config = model.config
    shape = (config.num_channels, config.image_size, config.image_size)
    generator = torch.Generator().manual_seed(seed)
    for step in diffusion.sample_steps(model, schedule, y, num_steps=steps, guidance=guidance,
                                       generator=generator, image_shape=shape):  # fmt: skip
        yield SceneFrame(step.index, step.num_steps, step.t, to_uint8_rgb(step.x),
                         to_uint8_rgb(step.x0_hat))  # fmt: skip


def draw_scenes(model, schedule: diffusion.Schedule, prompts: Sequence[str], **options):
    """The final uint8 scenes (N, H, W, 3) of :func:`scene_frames` (same arguments)."""
    *_, last = scene_frames(model, schedule, prompts, **options)
    return last.x


def prompt_match_rate(
    judge: nn.Module, images: np.ndarray, prompts: Sequence[str]
) -> tuple[float, np.ndarray]:
    """The share of scenes the judge reads as exactly what their prompt says, and which.

    Returns ``(rate, matches)`` with ``matches`` bool (N,) (see ``prompt_matches``).
    """
    matches = prompt_matches(read_scenes(judge, images), list(prompts))
    return float(matches.mean()), matches

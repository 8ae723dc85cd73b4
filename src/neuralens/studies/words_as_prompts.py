"""Words as the prompt: draw scenes from sentences, step by step, and judge whether they match.

The question this study answers: does a diffusion model steered by words draw what the words
say? ``scene_frames`` samples a text-conditioned noise predictor (``TextEpsUNet``) with
classifier-free guidance through ``neuralens.diffusion`` and yields every step as pictures;
``prompt_match_rate`` lets the attribute judge (``models/attributes.py``) read each picture
back and counts the scenes whose shapes, colours, sizes, places and background are all what
their prompt asked for. ``edit_frames`` edits by words: the pixels to keep stay exactly as they
are and the rest is painted anew under the new prompt (inpainting, RePaint-style).
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
    inpaint: dict | None = None,
) -> Iterator[SceneFrame]:
    """Sample one scene per prompt, yielding every step as uint8 pictures.

    An unknown word or too long a prompt is the tokenizer's ValueError (it lists the words
    the model knows); an empty prompt asks the unconditional model for any scene.
    ``inpaint``: ``known``/``known_mask``/``resample`` for ``diffusion.sample_steps``.
    """
    if isinstance(prompts, str) or len(prompts) == 0:
        raise ValueError("prompts must be a non-empty list of sentences")
    y = model.tokenizer(list(prompts))[0]  # (N, L) token ids
    config = model.config
    shape = (config.num_channels, config.image_size, config.image_size)
    generator = torch.Generator().manual_seed(seed)
    for step in diffusion.sample_steps(model, schedule, y, num_steps=steps, guidance=guidance,
                                       generator=generator, image_shape=shape,
                                       **(inpaint or {})):  # fmt: skip
        yield SceneFrame(step.index, step.num_steps, step.t, to_uint8_rgb(step.x),
                         to_uint8_rgb(step.x0_hat))  # fmt: skip


def edit_frames(
    model: nn.Module,
    schedule: diffusion.Schedule,
    image: np.ndarray,
    keep: np.ndarray,
    prompt: str,
    steps: int = 50,
    guidance: float = 3.0,
    seed: int = 0,
    resample: int = 1,
) -> Iterator[SceneFrame]:
    """Repaint ``image`` (H, W, 3) uint8 under ``prompt``, keeping the pixels where ``keep``
    (H, W) bool is True exactly as they are; yields every step.

    "Keep the disk, make the background sand": ``keep`` is the disk's mask. "Turn the red
    disk blue": ``keep`` is everything but the disk. The sampler re-imposes the kept pixels,
    noised to each step, after every step, and the original itself after the last one
    (``diffusion.sample_steps``' inpainting), so the kept pixels come back unchanged.
    """
    config = model.config
    size = (config.image_size, config.image_size)
    image, keep = np.asarray(image), np.asarray(keep, dtype=bool)
    if image.shape != (*size, config.num_channels) or image.dtype != np.uint8:
        raise ValueError(f"the image to edit must be uint8 {(*size, config.num_channels)}, got "
                         f"{image.dtype} {image.shape}")  # fmt: skip
    if keep.shape != size:
        raise ValueError(f"keep must be a bool {size} mask, got shape {keep.shape}")
    original = torch.as_tensor(image).permute(2, 0, 1)[None].float() / 255  # (1, C, H, W)
    mask = torch.as_tensor(keep)[None, None].expand(1, config.num_channels, *size)
    inpaint = {"known": diffusion.to_model_range(original), "known_mask": mask,
               "resample": resample}  # fmt: skip
    yield from scene_frames(model, schedule, [prompt], steps, guidance, seed, inpaint)


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

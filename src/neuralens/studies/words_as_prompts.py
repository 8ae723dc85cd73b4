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

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens import diffusion
from neuralens.data.captioned_scenes import SceneAttributes, parse_caption
from neuralens.models.attention import attention_maps
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


def mean_word_attention(calls: Sequence[Mapping[str, torch.Tensor]], size: int) -> torch.Tensor:
    """Each token's cross-attention map, averaged over heads, blocks and sampling steps.

    ``calls``: one dict per call of the noise predictor (one per sampling step), block name ->
    weights (N, heads, h*w, L) (``TextEpsUNet.forward_with_attention``). Every block's maps are
    stretched to the image's ``size`` (bilinear) before the blocks and steps are averaged.
    Returns (N, L, size, size): at every pixel, how much it listened to each token (its shares
    sum to 1 over the tokens, as each block's softmax weights do).

    >>> w = torch.full((1, 2, 4, 3), 1 / 3)  # every pixel listens to 3 tokens equally
    >>> calls = [{"middle": w, "up1": w.repeat(1, 1, 4, 1)}]  # 2x2 and 4x4 feature maps
    >>> maps = mean_word_attention(calls, size=8)
    >>> maps.shape, round(float(maps.sum(dim=1).mean()), 6)
    (torch.Size([1, 3, 8, 8]), 1.0)
    """
    if not calls or not all(calls):
        raise ValueError("mean_word_attention needs at least one call with attention weights")
    total = None
    for blocks in calls:
        for weights in blocks.values():
            side = int(round(weights.shape[2] ** 0.5))  # square feature maps
            maps = attention_maps(weights.float(), side, side)  # (N, L, h, w)
            maps = F.interpolate(maps, size=(size, size), mode="bilinear", align_corners=False)
            total = maps if total is None else total + maps  # (N, L, size, size)
    return total / sum(len(blocks) for blocks in calls)


class AttentionRecorder(nn.Module):
    """A text-conditioned noise predictor that keeps its cross-attention weights.

    It predicts exactly what ``model`` predicts; every call appends, for the rows that carry
    a prompt (classifier-free guidance also asks about no prompt: rows of ``NO_CLASS``), the
    weights of each cross-attention block to ``calls`` (see :func:`mean_word_attention`).
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.calls: list[dict[str, torch.Tensor]] = []

    @property
    def config(self):
        return self.model.config

    @property
    def tokenizer(self):
        return self.model.tokenizer

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        eps, weights = self.model.forward_with_attention(x, t, y)
        prompted = ~(y < 0).all(dim=1)  # (N,) rows with a prompt
        if prompted.any():
            self.calls.append({name: w[prompted].detach() for name, w in weights.items()})
        return eps


@dataclass
class WordMaps:
    """A generated scene and where its pixels looked at each word of its prompt."""

    prompt: str
    image: np.ndarray  # uint8 (H, W, 3): the generated scene
    words: list[str]  # the prompt's words (no <start>, no padding)
    maps: np.ndarray  # float32 (len(words), H, W): each word's attention, averaged


def word_attention(
    model: nn.Module,
    schedule: diffusion.Schedule,
    prompt: str,
    steps: int = 50,
    guidance: float = 3.0,
    seed: int = 0,
) -> WordMaps:
    """Draw one scene from ``prompt`` and average, per word, the attention its pixels paid.

    Which regions listened to "red", to "disk", to "left": heads, blocks and every step of
    the sampler averaged (:func:`mean_word_attention`). Guidance 0 ignores the prompt, so
    there is nothing to show: a ValueError.
    """
    if guidance == 0:
        raise ValueError("guidance 0 ignores the prompt: no word is attended; use guidance > 0")
    recorder = AttentionRecorder(model)
    *_, last = scene_frames(recorder, schedule, [prompt], steps, guidance, seed)
    return attention_of(recorder, prompt, last.x[0])


def attention_of(recorder: AttentionRecorder, prompt: str, image: np.ndarray) -> WordMaps:
    """The :class:`WordMaps` of a sampling that ``recorder`` watched (one prompt)."""
    words = recorder.tokenizer.words(prompt)
    maps = mean_word_attention(recorder.calls, recorder.config.image_size)[0]  # (L, H, W)
    # token 0 is <start>; the words follow it, padding after them
    return WordMaps(prompt, image, words, maps[1 : 1 + len(words)].numpy())


ATTRIBUTES = ("shape", "colour", "size", "position")  # an object's attributes a prompt names


def attribute_match_rates(seen: SceneAttributes, prompts: Sequence[str]) -> dict[str, float]:
    """Which of a prompt's words the picture got right, one attribute at a time.

    For every object a prompt names and each of its attributes: does the judge see some
    object with that value (a "red" somewhere, a shape at the "left")? The share over all
    named objects, per attribute; ``background``: the share of scenes on the asked one;
    ``object_count``: scenes with as many objects as asked. ``prompt_matches`` asks for all
    of them at once, on the same object; these say which word the model follows least.

    >>> from neuralens.data.captioned_scenes import prompt_attributes
    >>> seen = prompt_attributes(["a small red disk on the left on sand"])
    >>> attribute_match_rates(seen, ["a big red square on the left on sand"])["shape"]
    0.0
    """
    if len(prompts) != len(seen):
        raise ValueError(f"{len(prompts)} prompts for {len(seen)} scenes; one prompt per scene")
    hits = {name: [] for name in ATTRIBUTES}
    background, count = [], []
    for i, prompt in enumerate(prompts):
        wanted, wanted_background = parse_caption(prompt)
        found = seen.objects(i)
        for obj in wanted:
            for name in ATTRIBUTES:
                if name in obj:
                    hits[name].append(any(f[name] == obj[name] for f in found))
        background.append(wanted_background in (None, seen.background(i)))
        count.append(len(found) == len(wanted))
    rates = {name: float(np.mean(values)) if values else None for name, values in hits.items()}
    return {
        **rates,
        "background": float(np.mean(background)),
        "object_count": float(np.mean(count)),
    }

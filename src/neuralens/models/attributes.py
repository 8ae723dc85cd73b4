"""The honest judge: a CNN that reads a captioned scene's attributes back from its pixels.

To score a text-to-image model we must say whether a generated scene shows what its prompt
asked for. A person could look; here a classifier trained on the generator's ground truth
looks, and its own accuracy on real rendered scenes (>= 99 %) says how far to trust it.

Design: a scene has a background and at most one object per place (left, right, top, bottom,
centre), so the CNN answers, for the whole image, the background and, *for each place*, which
shape stands there (or none), its colour and its size: one classification head per question,
all read from the same feature maps (a plain :class:`~neuralens.models.cnn.CNN` whose outputs
are split into the heads). Scenes with one, two or three objects are judged alike, and no mask
or segmenter is needed; the flattened feature maps keep where things are, which is what the
place heads need.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations

import numpy as np
import torch
from torch import nn

from neuralens.data.captioned_scenes import (
    BACKGROUNDS,
    COLOURS,
    POSITIONS,
    SHAPES,
    SIZES,
    SceneAttributes,
    parse_caption,
)
from neuralens.models.cnn import CNN, CNNConfig

# the heads, in the order their logits come out of the CNN: (name, classes per place or None)
HEADS = (("background", len(BACKGROUNDS)), ("object", 1 + len(SHAPES)),
         ("colour", len(COLOURS)), ("size", len(SIZES)))  # fmt: skip
NUM_LOGITS = len(BACKGROUNDS) + len(POSITIONS) * (1 + len(SHAPES) + len(COLOURS) + len(SIZES))


@dataclass
class AttributeClassifierConfig:
    """Sizes of the judge's CNN; its outputs (the heads) follow from the captioned scenes."""

    image_size: int = 32  # scenes are image_size x image_size pixels
    num_channels: int = 3  # RGB
    channels: tuple[int, ...] = (16, 32, 64)  # filters per conv block (each halves the size)
    dropout_rate: float = 0.0  # fraction of the flattened features dropped while training

    def __post_init__(self) -> None:
        self.channels = tuple(int(count) for count in self.channels)
        self.cnn_config()  # the CNN's own checks (enough pixels left after pooling, ...)

    def cnn_config(self) -> CNNConfig:
        return CNNConfig(image_size=self.image_size, num_channels=self.num_channels,
                         channels=self.channels, num_classes=NUM_LOGITS,
                         dropout_rate=self.dropout_rate)  # fmt: skip


class AttributeClassifier(nn.Module):
    """RGB scenes (N, 3, H, W) in [0, 1] -> a dict of logits, one entry per head.

    ``background`` (N, backgrounds); per place (P = 5): ``object`` (N, P, 1 + shapes) with
    class 0 = no object there, ``colour`` (N, P, colours), ``size`` (N, P, sizes).

    >>> judge = AttributeClassifier(AttributeClassifierConfig(channels=(4, 4, 4)))
    >>> {name: tuple(v.shape) for name, v in judge(torch.zeros(2, 3, 32, 32)).items()}
    {'background': (2, 5), 'object': (2, 5, 4), 'colour': (2, 5, 6), 'size': (2, 5, 2)}
    """

    def __init__(self, config: AttributeClassifierConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or AttributeClassifierConfig()
        self.cnn = CNN(config.cnn_config())

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.cnn(images)  # (N, NUM_LOGITS)
        background, rest = logits.split([len(BACKGROUNDS), NUM_LOGITS - len(BACKGROUNDS)], 1)
        per_place = rest.reshape(len(images), len(POSITIONS), -1)  # (N, P, per-place logits)
        sizes = [classes for _, classes in HEADS[1:]]
        obj, colour, size = per_place.split(sizes, dim=2)
        return {"background": background, "object": obj, "colour": colour, "size": size}


def attribute_targets(attributes: SceneAttributes) -> np.ndarray:
    """Scene attributes -> the judge's targets, int64 (N, 1 + 3 P).

    Column 0: the background; then per place: the object class (0 none, 1 + shape id), its
    colour and its size (-1 where no object stands: ignored by the loss).

    >>> attributes = SceneAttributes(*(np.array([[v, -1]]) for v in (2, 1, 0, 4)),
    ...                              np.array([3]), np.array([1]))
    >>> attribute_targets(attributes).tolist()  # a small green triangle in the centre
    [[3, 0, 0, 0, 0, 3, -1, -1, -1, -1, 1, -1, -1, -1, -1, 0]]
    """
    n, P = len(attributes), len(POSITIONS)
    objects = np.zeros((n, P), dtype=np.int64)
    colours = np.full((n, P), -1, dtype=np.int64)
    sizes = np.full((n, P), -1, dtype=np.int64)
    scene, slot = np.nonzero(attributes.shapes >= 0)
    place = attributes.positions[scene, slot]
    objects[scene, place] = attributes.shapes[scene, slot] + 1
    colours[scene, place] = attributes.colours[scene, slot]
    sizes[scene, place] = attributes.sizes[scene, slot]
    return np.concatenate([attributes.backgrounds[:, None], objects, colours, sizes], axis=1)


def split_targets(targets: torch.Tensor) -> dict[str, torch.Tensor]:
    """(N, 1 + 3 P) targets -> the same dict layout as the judge's logits (class ids)."""
    P = len(POSITIONS)
    return {"background": targets[:, 0], "object": targets[:, 1 : 1 + P],
            "colour": targets[:, 1 + P : 1 + 2 * P], "size": targets[:, 1 + 2 * P :]}  # fmt: skip


def attribute_accuracies(logits: dict[str, torch.Tensor], targets: torch.Tensor) -> dict:
    """Accuracy of each attribute, as 0-d tensors.

    ``background``: per scene; ``position``: per scene, the occupied places exactly right;
    ``shape``, ``colour``, ``size``: per true object, read at its place; ``scene``: every
    answer of the scene right (what a prompt match needs).
    """
    true = split_targets(targets)
    guess = {name: value.argmax(-1) for name, value in logits.items()}
    present = true["object"] > 0  # (N, P)
    right = {name: guess[name] == true[name] for name in guess}
    # a place without an object has no colour or size to get wrong
    per_place = right["object"] & ((right["colour"] & right["size"]) | ~present)
    return {
        "background": right["background"].float().mean(),
        "position": ((guess["object"] > 0) == present).all(1).float().mean(),
        "shape": right["object"][present].float().mean(),
        "colour": right["colour"][present].float().mean(),
        "size": right["size"][present].float().mean(),
        "scene": (right["background"] & per_place.all(1)).float().mean(),
    }


@torch.no_grad()
def judge_logits(judge: nn.Module, images: np.ndarray, batch_size: int = 500) -> dict:
    """The judge's logits for uint8 scenes (N, H, W, 3), batch by batch, on the CPU."""
    device = next(judge.parameters()).device
    was_training = judge.training
    judge.eval()
    parts = []
    for start in range(0, len(images), batch_size):
        batch = torch.as_tensor(images[start : start + batch_size], device=device)
        parts.append(judge(batch.permute(0, 3, 1, 2).float().div(255)))  # (N, 3, H, W) in [0, 1]
    judge.train(was_training)
    return {name: torch.cat([part[name] for part in parts]).cpu() for name in parts[0]}


def judge_scenes(judge: nn.Module, images: np.ndarray, truth: SceneAttributes) -> dict:
    """The judge's accuracy on scenes whose attributes are known (see attribute_accuracies)."""
    targets = torch.as_tensor(attribute_targets(truth))
    scores = attribute_accuracies(judge_logits(judge, images), targets)
    return {name: value.item() for name, value in scores.items()}


def read_scenes(judge: nn.Module, images: np.ndarray, batch_size: int = 500) -> SceneAttributes:
    """What the judge sees in uint8 scenes (N, H, W, 3): their attributes, objects by place."""
    logits = judge_logits(judge, images, batch_size)
    found = {name: value.argmax(-1).numpy() for name, value in logits.items()}
    present = found["object"] > 0  # (N, P)
    counts = present.sum(1)
    # objects in place order: argsort puts the occupied places first, in order
    order = np.argsort(~present, axis=1, kind="stable")  # (N, P)
    slots = np.arange(len(POSITIONS))[None, :] < counts[:, None]
    take = lambda values: np.where(slots, np.take_along_axis(values, order, 1), -1)  # noqa: E731
    return SceneAttributes(take(found["object"] - 1), take(found["colour"]),
                           take(found["size"]), take(np.broadcast_to(np.arange(len(POSITIONS)),
                           present.shape)), found["background"], counts)  # fmt: skip


def prompt_matches(seen: SceneAttributes, prompts: list[str]) -> np.ndarray:
    """bool (N,): scene i shows exactly the objects and background prompt i names.

    Objects match as sets (the order a prompt names them in does not matter); an attribute a
    prompt leaves out (e.g. no size word) matches any value; an extra or missing object fails.
    """
    if len(prompts) != len(seen):
        raise ValueError(f"{len(prompts)} prompts for {len(seen)} scenes; one prompt per scene")
    matches = np.zeros(len(seen), dtype=bool)
    for i, prompt in enumerate(prompts):
        wanted, background = parse_caption(prompt)
        found = seen.objects(i)
        same_background = background is None or background == seen.background(i)
        # at most five objects: try every pairing of the named objects with the seen ones
        paired = len(found) == len(wanted) and any(
            all(all(f[k] == v for k, v in w.items()) for w, f in zip(wanted, order, strict=True))
            for order in permutations(found)
        )
        matches[i] = same_background and paired
    return matches

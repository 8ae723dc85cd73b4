"""The judge's plumbing: targets, reading logits back into scenes, matching prompts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from neuralens.data.captioned_scenes import POSITIONS, SceneAttributes, make_captioned_scenes
from neuralens.models.attributes import (
    AttributeClassifier,
    AttributeClassifierConfig,
    attribute_targets,
    judge_scenes,
    prompt_matches,
    read_scenes,
    split_targets,
)


class Oracle(nn.Module):
    """A judge that answers from the true targets, in order: what a perfect judge returns."""

    def __init__(self, targets: np.ndarray) -> None:
        super().__init__()
        self.targets = torch.as_tensor(targets)
        self.seen = 0
        self.anchor = nn.Parameter(torch.zeros(()))  # read_scenes asks for a device

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        true = split_targets(self.targets[self.seen : self.seen + len(images)])
        self.seen += len(images)
        sizes = {"background": 5, "object": 4, "colour": 6, "size": 2}
        return {name: 10.0 * nn.functional.one_hot(true[name].clamp(min=0), sizes[name]).float()
                for name in sizes}  # fmt: skip


def by_place(objects: list[dict]) -> list[dict]:
    return sorted(objects, key=lambda obj: POSITIONS.index(obj["position"]))


def test_a_perfect_judge_reads_every_scene_and_matches_its_caption():
    data = make_captioned_scenes(120, seed=4)
    seen = read_scenes(Oracle(attribute_targets(data.attributes)), data.images, batch_size=50)
    for i in range(len(data)):
        assert seen.objects(i) == by_place(data.attributes.objects(i))
        assert seen.background(i) == data.attributes.background(i)
    assert prompt_matches(seen, data.captions).all()
    # another scene's caption almost never fits
    assert prompt_matches(seen, data.captions[1:] + data.captions[:1]).mean() < 0.05


def scene(objects: list[tuple[int, int, int, int]], background: int) -> SceneAttributes:
    """One scene of (shape, colour, size, position) objects, padded to three slots."""
    rows = np.full((4, 3), -1)
    for k, obj in enumerate(objects):
        rows[:, k] = obj
    return SceneAttributes(*(row[None] for row in rows), np.array([background]),
                           np.array([len(objects)]))  # fmt: skip


def test_prompt_matching_rules():
    # a small red disk on the left and a large blue square in the centre, on grass
    seen = scene([(0, 0, 0, 0), (1, 2, 1, 4)], background=1)
    assert prompt_matches(
        seen, ["a small red disk on the left and a big blue square in the middle on grass"]
    )[0]  # noqa: E501
    # the order of the objects does not matter; left-out attributes match anything
    assert prompt_matches(seen, ["a blue square and a red disk on the left"])[0]
    assert not prompt_matches(seen, ["a red disk on the left on grass"])[0]  # one object missing
    assert not prompt_matches(seen, ["a red disk and a blue square on sand"])[0]
    assert not prompt_matches(seen, ["a red disk on the right and a blue square"])[0]
    # a loose first object must not take the only object the second one fits
    two_disks = scene([(0, 0, 0, 0), (0, 2, 0, 1)], background=0)
    assert prompt_matches(two_disks, ["a disk and a red disk"])[0]
    with pytest.raises(ValueError, match="one prompt per scene"):
        prompt_matches(seen, [])


def test_targets_put_each_object_at_its_place():
    data = make_captioned_scenes(50, seed=1)
    targets = split_targets(torch.as_tensor(attribute_targets(data.attributes)))
    attributes = data.attributes
    for i in range(len(data)):
        present = set(attributes.positions[i, : attributes.counts[i]].tolist())
        assert {p for p in range(len(POSITIONS)) if targets["object"][i, p] > 0} == present
        for k in range(attributes.counts[i]):
            place = attributes.positions[i, k]
            assert targets["object"][i, place] == attributes.shapes[i, k] + 1
            assert targets["colour"][i, place] == attributes.colours[i, k]
            assert targets["size"][i, place] == attributes.sizes[i, k]


def test_the_judge_is_a_registered_model_with_named_heads():
    from neuralens.models import build_model, model_name

    judge = build_model("attributes", {"channels": [4, 8, 8], "image_size": 48})
    assert isinstance(judge, AttributeClassifier) and model_name(judge) == "attributes"
    logits = judge(torch.zeros(1, 3, 48, 48))
    assert logits["object"].shape == (1, 5, 4)
    with pytest.raises(ValueError, match="pooling"):
        AttributeClassifierConfig(image_size=24, channels=(4,) * 6)


def test_the_shipped_judge_reads_held_out_scenes_and_an_untrained_one_does_not():
    from neuralens import checkpoints

    # seeds neither the training set (0) nor the recorded report (10,000) used
    scenes = make_captioned_scenes(300, seed=20_000)
    single = make_captioned_scenes(200, seed=20_001, max_objects=1)
    judge = checkpoints.load_shipped("attributes")
    for data in (scenes, single):
        scores = judge_scenes(judge, data.images, data.attributes)
        assert min(scores.values()) >= 0.99, scores  # every attribute, and whole scenes
    torch.manual_seed(0)
    untrained = judge_scenes(AttributeClassifier(), scenes.images, scenes.attributes)
    assert untrained["scene"] < 0.5 and min(untrained.values()) < 0.99


def test_the_shipped_judge_states_its_held_out_accuracy():
    from neuralens import checkpoints

    meta = checkpoints.shipped_metadata("attributes")
    assert meta["model"] == "attributes" and meta["data"] == "captioned-scenes"
    assert meta["metrics"]["test_examples"] == 2000
    for name in ("background", "position", "shape", "colour", "size"):
        assert meta["metrics"][f"test_{name}_accuracy"] >= 0.99
        assert meta["metrics"][f"test_single_{name}_accuracy"] >= 0.99
        assert meta["metrics"][f"test_degraded_{name}_accuracy"] >= 0.99  # noisy or blurred
    assert meta == checkpoints.load(checkpoints.shipped_path("attributes")).metadata

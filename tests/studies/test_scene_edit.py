"""Editing by words: which pixels the words keep, and edits that keep them exactly.

The segmenter here is a stand-in that answers with the generator's ground truth through the
vision-tasks heads (so the real decoding, naming and word matching run on exact masks).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from neuralens import checkpoints, diffusion
from neuralens.data.captioned_scenes import (
    CLASHES,
    make_captioned_scenes,
    parse_caption,
    prompt_attributes,
    render_scenes,
)
from neuralens.detection.centernet import encode_boxes
from neuralens.device import torch_threads
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.studies.scene_edit import (
    _grown,
    edit_benchmark,
    edit_by_words,
    edit_instructions,
    find_objects,
    keep_mask,
    plan_edit,
    read_names,
)
from neuralens.tasks.vision import OFFSET_SCALE, center_offset_target


class TruthSegmenter(nn.Module):
    """The vision-tasks heads' outputs for known scenes, read off their ground truth."""

    def __init__(self, images: np.ndarray, instances: np.ndarray, shapes: np.ndarray) -> None:
        super().__init__()
        self.images, self.instances, self.shapes = images, instances, shapes

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        pixels = (images * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
        index = [next(i for i, known in enumerate(self.images) if np.array_equal(known, p))
                 for p in pixels]  # fmt: skip
        instances = torch.from_numpy(self.instances[index])  # (N, K, H, W)
        labels = torch.from_numpy(self.shapes[index])  # (N, K)
        slot = (instances.float().argmax(1) + 1) * instances.any(1)  # (N, H, W)
        rows, cols = instances.any(3), instances.any(2)  # (N, K, H), (N, K, W)
        first = lambda hits: hits.float().argmax(2)  # noqa: E731
        last = lambda hits: hits.shape[2] - hits.flip(2).float().argmax(2)  # noqa: E731
        boxes = torch.stack([first(cols), first(rows), last(cols), last(rows)], 2).float()
        size = images.shape[-1]
        targets = encode_boxes(boxes, labels, 3, (size // 4, size // 4), 4)
        semantic = torch.where(slot > 0, labels.gather(1, (slot - 1).clamp(min=0).flatten(1))
                               .view_as(slot) + 1, 0)  # fmt: skip
        return {
            "presence": torch.zeros(len(images), 3),
            "heatmap": torch.logit(targets.heatmap.clamp(1e-4, 1 - 1e-4)),
            "size": targets.size, "offset": targets.offset,
            "mask": 20 * F.one_hot(semantic.long(), 4).permute(0, 3, 1, 2).float(),
            "center_offset": center_offset_target(slot, boxes) / OFFSET_SCALE,
            "image": images,
        }  # fmt: skip


def truth_segmenter(data) -> TruthSegmenter:
    return TruthSegmenter(data.images, data.instances, data.attributes.shapes)


def scene(prompt: str, seed: int = 1):
    """A rendered scene of a complete prompt: (image, instances, its segmenter)."""
    attributes = prompt_attributes([prompt])
    images, instances, _, _ = render_scenes(attributes, seed=seed)
    return images[0], instances[0], TruthSegmenter(images, instances, attributes.shapes)


TWO = "a small red disk on the left and a large blue square at the top on grass"


def test_the_objects_found_are_named_as_the_generator_drew_them():
    data = make_captioned_scenes(30, seed=20_005)
    segmenter = truth_segmenter(data)
    for i in range(len(data)):
        found = [obj.attributes() for obj in find_objects(segmenter, data.images[i])]
        truth = data.attributes.objects(i)
        assert sorted(map(str, found)) == sorted(map(str, truth)), data.captions[i]


def test_keep_mask_is_the_named_objects_masks_grown_by_a_pixel():
    image, instances, segmenter = scene(TWO)
    disk, square = _grown(instances[0], 1), _grown(instances[1], 1)
    assert np.array_equal(keep_mask(segmenter, image, "disk"), disk)
    assert np.array_equal(keep_mask(segmenter, image, "the red circle"), disk)
    assert np.array_equal(keep_mask(segmenter, image, "the big square at the top"), square)
    assert np.array_equal(keep_mask(segmenter, image, "disk and square"), disk | square)
    background = ~(instances[0] | instances[1])
    assert np.array_equal(keep_mask(segmenter, image, "background"), background)
    assert np.array_equal(keep_mask(segmenter, image, "the grass and the disk"), background | disk)
    plan = plan_edit(segmenter, image, regenerate="red disk")
    assert np.array_equal(plan.keep, ~disk)
    assert [o.shape for o in plan.regenerated] == ["disk"] and plan.kept[0].shape == "square"


@pytest.mark.parametrize("words, message", [
    ("triangle", "no triangle here; this scene shows a small red disk on the left and a large "
                 "blue square at the top"),
    ("blue disk", "no blue disk here"),
    ("the disk on the right", "no disk on the right here"),
    ("the dragon", "unknown word.*'dragon'.*disk"),
    ("red", "'red' .* needs a shape after it"),
    ("the", "name objects by their shape"),
])  # fmt: skip
def test_words_that_name_nothing_in_the_scene_say_what_it_shows(words, message):
    image, _, segmenter = scene(TWO)
    with pytest.raises(ValueError, match=message):
        keep_mask(segmenter, image, words)


def test_a_name_that_fits_two_objects_takes_both_and_says_so():
    prompt = "a small red disk on the left and a small blue disk on the right on sand"
    image, instances, segmenter = scene(prompt)
    plan = plan_edit(segmenter, image, keep="disk")
    assert np.array_equal(plan.keep, _grown(instances[0], 1) | _grown(instances[1], 1))
    assert "fits 2 objects" in plan.note
    assert plan_edit(segmenter, image, keep="blue disk").note == ""
    with pytest.raises(ValueError, match="one of the two"):
        plan_edit(segmenter, image, keep="disk", regenerate="disk")
    assert read_names("circle on the left") == ([{"shape": "disk", "position": "left"}], False)


def tiny_text_model() -> tuple[nn.Module, diffusion.Schedule]:
    torch.manual_seed(0)
    config = TextEpsUNetConfig(image_size=32, channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config).eval()
    with torch.no_grad():  # an untrained model that predicts some noise, not none
        model.out.weight.normal_(0, 0.3)
    return model, diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))


def test_an_edit_by_words_keeps_the_named_object_exactly_and_repaints_the_rest():
    model, schedule = tiny_text_model()
    image, instances, segmenter = scene(TWO)
    new = "a small red disk on the left and a large blue square at the top on sand"
    with torch_threads(1):
        frames = list(edit_by_words(model, schedule, segmenter, image, "red disk", new, steps=3))
        recoloured = list(edit_by_words(model, schedule, segmenter, image, None, TWO, steps=3,
                                        regenerate="square"))[-1].x[0]  # fmt: skip
    edited, kept = frames[-1].x[0], _grown(instances[0], 1)
    assert len(frames) == 3 and np.array_equal(edited[kept], image[kept])
    assert not np.array_equal(edited[~kept], image[~kept])
    square = _grown(instances[1], 1)
    assert np.array_equal(recoloured[~square], image[~square])
    assert not np.array_equal(recoloured[square], image[square])


def test_instructions_change_one_thing_and_never_clash():
    data = make_captioned_scenes(40, seed=20_006)
    for i, (kind, name, prompt) in enumerate(edit_instructions(data.attributes, seed=1)):
        objects, background = parse_caption(prompt)
        truth = data.attributes.objects(i)
        changed_background = background != data.attributes.background(i)
        changed_objects = [k for k, obj in enumerate(objects) if obj != truth[k]]
        assert kind == ("keep" if i % 2 == 0 else "regenerate")
        assert changed_background == (kind == "keep") and len(changed_objects) == (kind != "keep")
        assert all(o["colour"] not in CLASHES.get(background, ()) for o in objects)
        assert any(name == f"{o['colour']} {o['shape']}" for o in truth)


def test_the_benchmark_keeps_kept_pixels_and_the_judge_is_not_fooled_by_unedited_scenes():
    model, schedule = tiny_text_model()
    data = make_captioned_scenes(4, seed=30_000)
    segmenter = truth_segmenter(data)
    judge = checkpoints.load_shipped("attributes")
    with torch_threads(1):
        result = edit_benchmark(model, schedule, segmenter, judge, n=4, steps=2, batch_size=3)
    assert result["max_kept_difference"] == 0 and result["not_found"] == 0
    assert result["unedited_match_rate"] == 0.0  # every new prompt changes something
    assert result["match_rate"] <= 0.5  # an untrained model does not draw the new prompts

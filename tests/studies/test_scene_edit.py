"""Editing by words: which pixels the words keep, and edits that keep them exactly.

The segmenter here is a stand-in (``tests/scene_truth.py``) that answers with the generator's
ground truth through the vision-tasks heads (the real decoding, naming and word matching run
on exact masks).
"""

from __future__ import annotations

import numpy as np
import pytest
from scene_truth import scene, tiny_text_model, truth_segmenter

from neuralens import checkpoints
from neuralens.data.captioned_scenes import (
    CLASHES,
    make_captioned_scenes,
    parse_caption,
)
from neuralens.device import torch_threads
from neuralens.studies.scene_edit import (
    _grown,
    edit_benchmark,
    edit_by_words,
    edit_instructions,
    find_objects,
    keep_mask,
    plan_edit,
    prepare_scene,
    prompt_check,
    read_names,
    refine_mask,
)

TWO = "a small red disk on the left and a large blue square at the top on grass"


def test_the_objects_found_are_named_as_the_generator_drew_them():
    data = make_captioned_scenes(30, seed=20_005)
    segmenter = truth_segmenter(data)
    for i in range(len(data)):
        found = [obj.attributes() for obj in find_objects(segmenter, data.images[i])]
        truth = data.attributes.objects(i)
        assert sorted(map(str, found)) == sorted(map(str, truth)), data.captions[i]


def test_colour_refinement_gives_back_the_rim_a_segmenter_missed():
    data = make_captioned_scenes(30, seed=20_008)
    for i in range(len(data)):
        for k in range(data.attributes.counts[i]):
            truth = data.instances[i, k]
            eroded = truth & ~_grown(~truth, 1)  # the object without its outer ring of pixels
            others = data.instances[i].any(0) & ~truth
            refined = refine_mask(data.images[i], eroded, avoid=others)
            assert (eroded ^ truth).sum() >= 10 and (refined ^ truth).sum() <= 2, (i, k)


def test_keep_mask_is_the_named_objects_and_regenerated_ones_take_a_rim_along():
    image, instances, segmenter = scene(TWO)
    disk, square = instances[0], instances[1]
    assert np.array_equal(keep_mask(segmenter, image, "disk"), disk)
    assert np.array_equal(keep_mask(segmenter, image, "the red circle"), disk)
    assert np.array_equal(keep_mask(segmenter, image, "the big square at the top"), square)
    assert np.array_equal(keep_mask(segmenter, image, "disk and square"), disk | square)
    background = ~(_grown(disk, 1) | _grown(square, 1))
    assert np.array_equal(keep_mask(segmenter, image, "background"), background)
    kept = keep_mask(segmenter, image, "the grass and the disk")
    assert np.array_equal(kept, ~_grown(square, 1) | disk)  # a kept pixel stays in any rim
    plan = plan_edit(segmenter, image, regenerate="red disk")
    assert np.array_equal(plan.keep, ~_grown(disk, 1) | square)
    assert [o.shape for o in plan.regenerated] == ["disk"] and plan.kept[0].shape == "square"
    assert plan.summary() == ("a large blue square at the top, the background",
                              "a small red disk on the left")  # fmt: skip
    assert prompt_check(plan, TWO) == "" and prompt_check(plan, "") == ""
    assert prompt_check(plan, "a big blue circle at the top on sand") == (
        "the prompt does not describe a large blue square at the top, which is kept"
    )
    plan = plan_edit(segmenter, image, regenerate="disk and background")
    assert (
        np.array_equal(plan.keep, square) and plan.summary()[0] == "a large blue square at the top"
    )


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
    assert np.array_equal(plan.keep, instances[0] | instances[1])
    assert "fits 2 objects" in plan.note
    assert plan_edit(segmenter, image, keep="blue disk").note == ""
    with pytest.raises(ValueError, match="one of the two"):
        plan_edit(segmenter, image, keep="disk", regenerate="disk")
    assert read_names("circle on the left") == ([{"shape": "disk", "position": "left"}], False)


def test_an_edit_by_words_keeps_the_named_object_exactly_and_repaints_the_rest():
    model, schedule = tiny_text_model()
    image, instances, segmenter = scene(TWO)
    new = "a small red disk on the left and a large blue square at the top on sand"
    with torch_threads(1):
        frames = list(edit_by_words(model, schedule, segmenter, image, "red disk", new, steps=3))
        recoloured = list(edit_by_words(model, schedule, segmenter, image, None, TWO, steps=3,
                                        regenerate="square"))[-1].x[0]  # fmt: skip
    edited, kept = frames[-1].x[0], instances[0]
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


@pytest.mark.parametrize("max_objects", [1, 3])
def test_the_benchmark_keeps_kept_pixels_and_the_judge_is_not_fooled_by_unedited_scenes(
    max_objects,
):
    model, schedule = tiny_text_model()
    data = make_captioned_scenes(4, seed=30_000, max_objects=max_objects)
    segmenter = truth_segmenter(data)
    judge = checkpoints.load_shipped("attributes")
    with torch_threads(1):
        result = edit_benchmark(model, schedule, segmenter, judge, n=4, steps=2, batch_size=3,
                                max_objects=max_objects)  # fmt: skip
    assert result["max_kept_difference"] == 0 and result["not_found"] == 0
    assert result["unedited_match_rate"] == 0.0  # every new prompt changes something
    assert result["match_rate"] <= 0.5  # an untrained model does not draw the new prompts
    assert result["max_objects"] == max_objects


def test_pictures_become_scenes_of_the_models_size_and_odd_ones_are_refused():
    image = make_captioned_scenes(1, seed=4).images[0]
    twice = image.repeat(2, axis=0).repeat(2, axis=1)  # (64, 64, 3), each pixel 2x2
    assert np.array_equal(prepare_scene(twice), image)  # exactly back
    assert prepare_scene(twice).flags.writeable  # torch warns on read-only arrays
    assert np.array_equal(prepare_scene(image), image)
    rgba = np.concatenate([image, np.full((32, 32, 1), 7, np.uint8)], axis=2)
    assert np.array_equal(prepare_scene(rgba), image)
    assert np.array_equal(prepare_scene(image / 255.0), image)
    gray = prepare_scene(image[..., 0])
    assert gray.shape == (32, 32, 3) and np.array_equal(gray[..., 2], image[..., 0])
    assert prepare_scene(image[:16, :16]).shape == (32, 32, 3)
    for bad, message in ((image[:, :20], "square"), (image[:4, :4], "at least 8x8"),
                         (image[..., :2], "colour")):  # fmt: skip
        with pytest.raises(ValueError, match=message):
            prepare_scene(bad)

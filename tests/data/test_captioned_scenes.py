from __future__ import annotations

import re

import numpy as np
import pytest

from neuralens.data.captioned_scenes import (
    BACKGROUND_RGB,
    BACKGROUNDS,
    CLASHES,
    COLOUR_RGB,
    COLOURS,
    POSITIONS,
    SHAPES,
    SIZES,
    VOCABULARY,
    describe,
    find_object,
    make_captioned_scenes,
    paraphrases,
    parse_caption,
    sample_attributes,
)


def test_scenes_are_deterministic_for_a_seed():
    a, b = make_captioned_scenes(30, seed=3), make_captioned_scenes(30, seed=3)
    assert np.array_equal(a.images, b.images) and a.captions == b.captions
    assert np.array_equal(a.instances, b.instances)
    other = make_captioned_scenes(30, seed=4)
    assert not np.array_equal(a.images, other.images) and a.captions != other.captions


@pytest.mark.parametrize("size", [32, 48])
def test_masks_agree_with_the_attributes(size):
    data = make_captioned_scenes(60, size=size, seed=1)
    attributes = data.attributes
    assert data.images.shape == (60, size, size, 3) and data.images.dtype == np.uint8
    assert data.instances.shape == (60, 3, size, size)
    centre = size / 2
    for i in range(len(data)):
        count = attributes.counts[i]
        assert 1 <= count <= 3 and not data.instances[i, count:].any()
        assert (attributes.shapes[i, count:] == -1).all()
        # objects never overlap: the instance masks partition the foreground
        assert (data.instances[i].sum(0) <= 1).all()
        assert np.array_equal(data.instances[i].any(0), data.semantic[i] > 0)
        background = ~data.instances[i].any(0)
        mean_background = data.images[i][background].mean(0)
        nearest = np.linalg.norm(BACKGROUND_RGB - mean_background, axis=1).argmin()
        assert nearest == attributes.backgrounds[i]
        for k in range(count):
            mask = data.instances[i, k]
            rows, cols = np.nonzero(mask)
            assert data.boxes[i, k].tolist() == [cols.min(), rows.min(), cols.max() + 1,
                                                 rows.max() + 1]  # fmt: skip
            assert (data.semantic[i][mask] == attributes.shapes[i, k] + 1).all()
            mean_colour = data.images[i][mask].mean(0)
            nearest = np.linalg.norm(COLOUR_RGB - mean_colour, axis=1).argmin()
            assert nearest == attributes.colours[i, k]
            # the object's middle lies on its named side of the image centre
            row, col = rows.mean() - centre, cols.mean() - centre
            place = POSITIONS[attributes.positions[i, k]]
            expected = {"left": col < -size / 8, "right": col > size / 8, "top": row < -size / 8,
                        "bottom": row > size / 8,
                        "centre": abs(row) < size / 8 and abs(col) < size / 8}  # fmt: skip
            assert expected[place], (i, k, place, row, col)
            side = max(np.ptp(rows), np.ptp(cols)) + 1
            assert (side > size / 4) == (SIZES[attributes.sizes[i, k]] == "large")
            fill = mask.sum() / side**2  # a square fills its box, a disk ~pi/4, a triangle ~1/2
            shape = SHAPES[attributes.shapes[i, k]]
            assert {"square": fill > 0.95, "disk": 0.65 < fill < 0.9, "triangle": fill < 0.65}[
                shape
            ], (shape, fill)


def test_every_caption_reads_back_to_its_scene():
    data = make_captioned_scenes(200, seed=2)
    for i, caption in enumerate(data.captions):
        objects, background = parse_caption(caption)
        assert objects == data.attributes.objects(i) and background == data.attributes.background(i)
        for sentence in paraphrases(data.attributes, i, count=4, seed=i):
            assert parse_caption(sentence) == (objects, background), sentence


def test_paraphrases_differ_and_use_only_the_vocabulary():
    data = make_captioned_scenes(300, seed=5)
    assert len(set(paraphrases(data.attributes, 0, count=4))) == 4
    used = {word for caption in data.captions for word in re.findall(r"[a-z]+", caption)}
    assert used <= set(VOCABULARY)
    assert used == set(VOCABULARY)  # no word of the vocabulary is unreachable


def test_all_attributes_appear_and_colours_never_clash():
    attributes, _ = sample_attributes(2000, seed=0)
    present = attributes.shapes >= 0
    named = {"shapes": SHAPES, "colours": COLOURS, "sizes": SIZES, "positions": POSITIONS}
    for name, names in named.items():
        values = getattr(attributes, name)
        assert set(np.unique(values[present])) == set(range(len(names)))
    assert set(np.unique(attributes.backgrounds)) == set(range(len(BACKGROUNDS)))
    for background, colours in CLASHES.items():
        on_it = attributes.backgrounds == BACKGROUNDS.index(background)
        for colour in colours:
            assert not (attributes.colours[on_it] == COLOURS.index(colour)).any()
    positions = np.sort(np.where(present, attributes.positions, -np.arange(1, 4)), axis=1)
    assert (np.diff(positions, axis=1) != 0).all()  # distinct places within a scene


def test_canonical_caption_names_every_attribute():
    data = make_captioned_scenes(1, seed=0, min_objects=3, paraphrase=False)
    caption = describe(data.attributes, 0)
    assert caption == data.captions[0]
    for obj in data.attributes.objects(0):
        for value in obj.values():
            assert value in caption
    assert data.attributes.background(0) in caption


@pytest.mark.parametrize("kwargs", [{"n": -1}, {"n": 2, "size": 16}, {"n": 2, "min_objects": 0},
                                    {"n": 2, "min_objects": 3, "max_objects": 2},
                                    {"n": 2, "max_objects": 6}])  # fmt: skip
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        make_captioned_scenes(**kwargs)


def test_find_object_names_the_one_object_or_says_what_the_scene_holds():
    data = make_captioned_scenes(1, seed=0, min_objects=3, paraphrase=False)
    objects = data.attributes.objects(0)
    for k, obj in enumerate(objects):
        assert find_object(objects, f"the {obj['colour']} {obj['shape']} {obj['position']}") == k
    two = [{"shape": "disk", "colour": "red", "size": "small", "position": place}
           for place in ("left", "top")]  # fmt: skip
    with pytest.raises(ValueError, match="no object fits 'the blue disk'; the scene holds: "
                                         "small red disk left; small red disk top"):  # fmt: skip
        find_object(two, "the blue disk")
    with pytest.raises(ValueError, match="2 objects fit"):
        find_object(two, "the red disk")
    assert find_object(two, "the disk at the top") == 1
    with pytest.raises(ValueError, match="name one object"):
        find_object(two, "the left")


def test_scenes_have_the_shapes_layout_a_segmenter_trains_on():
    from neuralens.tasks.vision import scene_targets

    data = make_captioned_scenes(8, seed=0)
    targets = scene_targets(data)
    assert np.array_equal(targets["mask"], data.semantic)
    assert np.array_equal(targets["box_labels"], data.attributes.shapes)
    assert (targets["instance"] > 0).sum() == data.instances.sum()

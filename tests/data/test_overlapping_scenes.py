"""Overlapping shapes and digit scenes: masks are the visible parts, boxes their extent."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens.data.digit_scenes import make_digit_scenes
from neuralens.data.shapes import make_shapes, mask_box


def _check_consistent(data) -> None:
    for i in range(len(data)):
        count = data.counts[i]
        assert (data.labels[i, :count] >= 0).all() and (data.labels[i, count:] == -1).all()
        for k in range(count):
            mask = data.instances[i, k]
            assert mask.any()
            assert tuple(data.boxes[i, k]) == mask_box(mask)
            assert (data.semantic[i][mask] == data.labels[i, k] + 1).all()
        assert (data.instances[i].sum(0) <= 1).all()  # each pixel shows at most one object
        assert np.array_equal(data.instances[i].any(0), data.semantic[i] > 0)


def test_overlapping_shapes_touch_and_keep_visible_parts():
    data = make_shapes(300, seed=3, max_objects=4, overlap=True)
    _check_consistent(data)
    # some scenes have two objects whose visible parts touch (one blob, two objects)
    touching = 0
    for i in range(len(data)):
        grown = [np.pad(m, 1)[:-2, 1:-1] | np.pad(m, 1)[2:, 1:-1] | m for m in data.instances[i]]
        touching += any(
            (grown[a] & data.instances[i, b]).any()
            for a in range(data.counts[i]) for b in range(data.counts[i]) if a != b
        )  # fmt: skip
    assert touching > 30
    assert np.array_equal(data.images, make_shapes(300, seed=3, max_objects=4, overlap=True).images)


def test_the_default_shapes_are_unchanged_by_the_option():
    assert np.array_equal(
        make_shapes(5, seed=1).images, make_shapes(5, seed=1, overlap=False).images
    )


def test_digit_scenes_use_the_split_they_name():
    scenes = make_digit_scenes(40, split="test", seed=0)
    _check_consistent(scenes)
    assert scenes.images.shape == (40, 96, 96, 3) and (scenes.counts >= 2).all()
    assert scenes.semantic.max() <= 10
    # same seed, same positions and colours: only the split's digits differ
    train = make_digit_scenes(40, split="train", seed=0)
    assert not np.array_equal(train.images, scenes.images)


@pytest.mark.parametrize(
    "kwargs", [{"n": -1}, {"n": 1, "canvas": 16}, {"n": 1, "min_digits": 3, "max_digits": 2}]
)
def test_digit_scenes_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        make_digit_scenes(**kwargs)


def test_min_visible_must_be_a_fraction():
    with pytest.raises(ValueError, match="min_visible"):
        make_shapes(2, overlap=True, min_visible=0)

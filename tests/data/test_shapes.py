from __future__ import annotations

import numpy as np
import pytest

from neuralens.data import SHAPE_CLASSES, make_shapes


def test_shapes_are_deterministic_for_a_seed():
    a, b = make_shapes(20, seed=7), make_shapes(20, seed=7)
    assert np.array_equal(a.images, b.images) and np.array_equal(a.boxes, b.boxes)
    assert not np.array_equal(a.images, make_shapes(20, seed=8).images)


def test_every_answer_agrees_with_the_masks():
    data = make_shapes(50, size=64, seed=1)
    assert data.images.shape == (50, 64, 64, 3) and data.images.dtype == np.uint8
    assert ((data.counts >= 1) & (data.counts <= 3)).all()
    for i in range(len(data)):
        for k in range(data.counts[i]):
            mask = data.instances[i, k]
            rows, cols = np.nonzero(mask)
            assert data.boxes[i, k].tolist() == [cols.min(), rows.min(), cols.max() + 1,
                                                 rows.max() + 1]  # fmt: skip
            assert (data.semantic[i][mask] == data.labels[i, k] + 1).all()
        assert (data.labels[i, data.counts[i] :] == -1).all()
        assert not data.instances[i, data.counts[i] :].any()
        # objects never overlap, so the instance masks partition the foreground
        assert (data.instances[i].sum(0) <= 1).all()
        assert np.array_equal(data.instances[i].any(0), data.semantic[i] > 0)


def test_all_classes_appear():
    data = make_shapes(100, seed=0)
    assert set(np.unique(data.labels[data.labels >= 0])) == set(range(len(SHAPE_CLASSES)))


@pytest.mark.parametrize("kwargs", [{"n": -1}, {"n": 2, "size": 8}, {"n": 2, "min_objects": 0},
                                    {"n": 2, "min_objects": 3, "max_objects": 2}])  # fmt: skip
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        make_shapes(**kwargs)

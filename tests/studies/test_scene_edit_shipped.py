"""The shipped captioned-scenes segmenter finds and names what edits by words need.

Skipped until ``make weights`` has shipped ``unet-captioned-scenes``.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuralens.data.captioned_scenes import SHAPES, make_captioned_scenes
from neuralens.studies.scene_edit import SEGMENTER, find_objects, load_segmenter
from neuralens.weights import SHIPPED, shipped_metadata

NOT_SHIPPED = f"{SEGMENTER} is not shipped yet (make weights)"
pytestmark = pytest.mark.skipif(SEGMENTER not in SHIPPED, reason=NOT_SHIPPED)


def test_the_shipped_segmenter_records_its_held_out_metrics():
    meta = shipped_metadata(SEGMENTER)
    assert meta["task"] == "vision-tasks" and meta["data"] == "captioned-scenes"
    assert meta["classes"] == list(SHAPES) and meta["metrics"]["scenes"] == 1000
    assert meta["metrics"]["mean_iou"] > 0.8  # an untrained U-Net scores about 0.01


def test_the_shipped_segmenter_names_held_out_scenes_as_they_were_drawn():
    segmenter = load_segmenter()
    data = make_captioned_scenes(100, seed=20_009)
    named = [sorted(map(str, (obj.attributes() for obj in find_objects(segmenter, image))))
             for image in data.images]  # fmt: skip
    truth = [sorted(map(str, data.attributes.objects(i))) for i in range(len(data))]
    # an edit needs its object found and named: every object of the scene, exactly
    assert np.mean([a == b for a, b in zip(named, truth, strict=True)]) >= 0.9

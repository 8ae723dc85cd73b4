"""The shipped U-Nets answer the four tasks on held-out scenes they never saw."""

from __future__ import annotations

import pytest

from neuralens.data.digit_scenes import make_digit_scenes
from neuralens.data.shapes import make_shapes
from neuralens.studies.vision_tasks import shipped_model
from neuralens.tasks.vision import evaluate_scenes
from neuralens.weights import shipped_metadata


@pytest.mark.parametrize("kind", ["shapes", "digit scenes"])
def test_shipped_model_scores_far_above_chance(kind):
    model = shipped_model(kind)
    if kind == "shapes":
        scenes = make_shapes(60, seed=20_000, max_objects=4, overlap=True)
    else:
        scenes = make_digit_scenes(60, "test", seed=20_000)
    metrics = evaluate_scenes(model, scenes, question_class=2)
    # an untrained U-Net scores about 0 on both; these bounds fail for a broken model
    assert metrics["box_map_50"] > 0.5
    assert metrics["mean_iou"] > 0.5


def test_shipped_metadata_records_the_held_out_metrics():
    for name in ("unet-shapes", "unet-digit-scenes"):
        meta = shipped_metadata(name)
        assert meta["task"] == "vision-tasks" and meta["model"] == "unet"
        assert meta["metrics"]["scenes"] == 1000
        assert 0 < meta["metrics"]["box_map_50"] <= 1

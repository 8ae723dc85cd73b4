"""The vision-tasks benchmark on a tiny budget: it trains, scores and times in one run."""

from __future__ import annotations

import torch

from neuralens.bench.tasks import inference_ms, run
from neuralens.models.unet import UNet


def test_inference_time_is_measured_for_all_heads():
    assert inference_ms(UNet().eval(), repeats=2) > 0


def test_a_tiny_run_reports_training_time_and_every_metric(monkeypatch):
    import neuralens.tasks.vision as vision

    # 32 training scenes, 20 test scenes: the wiring, not the quality
    monkeypatch.setitem(vision.SCENE_SETS, "shapes", (*vision.SCENE_SETS["shapes"][:2], 32, 20, 2))
    torch.manual_seed(0)
    result = run(("shapes",), train_limit=32)
    shapes = result["shapes"]
    epochs = vision.TASK.recipe.train.num_epochs  # one batch of 32 per epoch
    assert shapes["steps"] == epochs and shapes["scenes"] == 20
    for name in ("train_cpu_s", "box_map_50", "mean_iou", "instance_map_50", "question_accuracy"):
        assert name in shapes
    assert result["inference_ms_64"] > 0

"""The vision task's loss and evaluation on tiny scenes: it learns, and scores honestly."""

from __future__ import annotations

import torch

from neuralens.data.shapes import make_shapes
from neuralens.models.unet import UNet, UNetConfig
from neuralens.tasks.vision import (
    center_offset_target,
    evaluate_scenes,
    read_outputs,
    scene_targets,
    vision_loss,
)
from neuralens.training.batches import Batches


def _batch(n=8, seed=0):
    scenes = make_shapes(n, size=32, seed=seed, overlap=True)
    data = Batches.from_arrays(scenes.images, scene_targets(scenes), layout="NHWC")
    return scenes, data.batch(torch.arange(n))


def test_centre_offsets_point_every_object_pixel_at_its_box_centre():
    scenes, batch = _batch()
    offsets = center_offset_target(batch["instance"], batch["boxes"])
    i, k = 0, 0
    ys, xs = torch.nonzero(torch.from_numpy(scenes.instances[i, k]), as_tuple=True)
    pointed = torch.stack([xs, ys], dim=1) + 0.5 + offsets[i, :, ys, xs].T
    box = scenes.boxes[i, k]
    assert torch.allclose(pointed, torch.tensor([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]))
    assert (offsets[:, :, batch["instance"][0] == 0][0] == 0).all()


def test_a_few_steps_lower_every_term_of_the_loss():
    torch.manual_seed(0)
    _, batch = _batch()
    model = UNet(UNetConfig(image_size=32, channels=(8, 8, 16)))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    _, first = vision_loss(model, batch)
    for _ in range(25):
        loss, terms = vision_loss(model, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    for name in ("heatmap", "mask", "presence", "center_offset"):
        assert terms[name] < first[name], name


def test_evaluation_reports_every_metric_and_a_random_model_scores_low():
    torch.manual_seed(0)
    scenes = make_shapes(6, size=32, seed=1, overlap=True)
    model = UNet(UNetConfig(image_size=32, channels=(8, 8, 16)))
    metrics = evaluate_scenes(model, scenes)
    for name in ("question_accuracy", "box_map_50", "box_map", "mean_iou", "instance_map_50",
                 "baseline_instance_map_50", "psnr_denoised"):  # fmt: skip
        assert name in metrics
    assert metrics["box_map_50"] < 0.2 and metrics["mean_iou"] < 0.5


def test_reading_outputs_gives_masks_inside_their_class():
    torch.manual_seed(0)
    model = UNet(UNetConfig(image_size=32, channels=(8, 8, 16))).eval()
    outputs = model(torch.rand(2, 3, 32, 32))
    for reading in read_outputs(outputs, score_threshold=0.0):
        for mask, label in zip(reading.instances, reading.instance_labels, strict=True):
            assert (reading.semantic[mask] == label + 1).all()

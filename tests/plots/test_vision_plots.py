"""Vision figures: every panel drawn from one reading, numbers as the lecture prints them."""

from __future__ import annotations

import numpy as np
import torch

from neuralens.detection.centernet import Detections
from neuralens.plots.vision import (
    instance_colors,
    output_texts,
    plot_model_outputs,
    plot_vision_tasks,
    semantic_overlay,
)
from neuralens.tasks.vision import SceneReading

CLASSES = ("disk", "rectangle", "triangle")


def _reading():
    semantic = torch.zeros(16, 16, dtype=torch.long)
    semantic[2:6, 2:6] = 1
    semantic[8:12, 8:14] = 3
    instances = torch.stack([semantic == 1, semantic == 3])
    found = Detections(torch.tensor([[2.0, 2, 6, 6], [8, 8, 14, 12]]), torch.tensor([0.9, 0.7]),
                       torch.tensor([0, 2]))  # fmt: skip
    presence, image = torch.tensor([0.9, 0.1, 0.8]), torch.rand(3, 16, 16)
    return SceneReading(presence, found, semantic, instances, found.labels, found.scores, image)


def test_the_four_tasks_figure_titles_count_what_was_found():
    image = np.zeros((16, 16, 3), dtype=np.uint8)
    fig = plot_vision_tasks(image, _reading(), CLASSES)
    titles = [ax.get_title() for ax in fig.axes]
    assert "detection: 2 boxes" in titles and "instances: 2" in titles


def test_output_texts_print_box_corners_mask_rows_and_pixels():
    texts = output_texts(_reading(), CLASSES, question=2)
    assert texts["number"] == "p(triangle) = 0.800"
    assert texts["boxes"].splitlines()[0] == "[[2,2],[2,6],[6,6],[6,2]] disk"
    assert set("".join(texts["mask"].splitlines()[1:])) <= {"0", "1"}
    assert len(texts["image"].splitlines()) == 5
    fig = plot_model_outputs(np.zeros((16, 16, 3), np.uint8), _reading(), CLASSES,
                             {"number": "(3,)"}, question=2)  # fmt: skip
    assert "(3,)" in fig.axes[0].get_title()


def test_overlay_tints_only_object_pixels_and_instances_differ():
    reading = _reading()
    image = np.full((16, 16, 3), 0.5)
    overlay = semantic_overlay(image, reading.semantic.numpy())
    assert np.allclose(overlay[0, 0], 0.5) and not np.allclose(overlay[3, 3], 0.5)
    colours = instance_colors(reading.instances.numpy(), (16, 16))
    assert not np.allclose(colours[3, 3], colours[9, 9]) and colours[0, 0].sum() == 0

"""The vision-tasks segmenter on captioned scenes: the data it trains on and a tiny run."""

from __future__ import annotations

import json

import numpy as np
import torch
from typer.testing import CliRunner

from neuralens import checkpoints
from neuralens.cli import app
from neuralens.data.captioned_scenes import SHAPES, make_captioned_scenes
from neuralens.studies.scene_edit import find_objects, load_segmenter
from neuralens.tasks.vision import SCENE_SETS, TASK, load_scenes, scene_targets


def test_captioned_scenes_are_a_vision_tasks_dataset_with_the_generators_truth():
    assert "captioned-scenes" in TASK.datasets
    scenes, classes, question = load_scenes("captioned-scenes", "train", limit=5)
    truth = make_captioned_scenes(5, 32, seed=1)
    assert classes == SHAPES and classes[question] == "triangle"
    assert scenes.images.shape == (5, 32, 32, 3) and np.array_equal(scenes.images, truth.images)
    targets = scene_targets(scenes)
    assert np.array_equal(targets["mask"], truth.semantic)
    assert np.array_equal(targets["box_labels"], truth.attributes.shapes)
    assert (targets["instance"].max(axis=(1, 2)) == truth.attributes.counts).all()
    test, _, _ = load_scenes("captioned-scenes", "test", limit=5)
    assert not np.array_equal(test.images, scenes.images)  # another seed


def test_a_tiny_run_trains_saves_and_segments(monkeypatch, tmp_path):
    # 128 training scenes (4 steps an epoch), 20 test scenes: the wiring, not the quality
    monkeypatch.setitem(SCENE_SETS, "captioned-scenes", (*SCENE_SETS["captioned-scenes"][:2],
                                                         128, 20, 2))  # fmt: skip
    torch.manual_seed(0)
    result = CliRunner().invoke(app, ["train", "vision-tasks", "--data", "captioned-scenes",
                                      "--epochs", "2", "--device", "cpu", "--json",
                                      "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["steps"] == 8 and summary["data"] == "captioned-scenes"
    assert {"mean_iou", "box_map_50", "instance_map_50"} <= set(summary)
    meta = checkpoints.load(tmp_path / "unet.safetensors").metadata
    assert meta["classes"] == list(SHAPES) and meta["input"]["height"] == 32
    first, last = meta["history"]["rows"][0], meta["history"]["rows"][-1]  # each epoch's end
    assert last["loss"] < first["loss"] and last["mask"] < first["mask"]
    segmenter = load_segmenter(tmp_path / "unet.safetensors")
    found = find_objects(segmenter, make_captioned_scenes(1, seed=3).images[0])
    assert all(obj.mask.shape == (32, 32) and obj.shape in SHAPES for obj in found)

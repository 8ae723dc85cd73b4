"""The loop needs no change for the next chapters: a segmentation-shaped task (images +
masks) and a reconstruction task (no labels) train through the same ``fit`` and their
checkpoints keep their task metadata; the task registry is the one list."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from neuralens import checkpoints
from neuralens.models import MODELS
from neuralens.tasks import TASKS, get_task, resolve, trainable_models
from neuralens.training import Batches, TrainConfig, fit

QUIET = {"device": "cpu", "progress": False}


@dataclass
class PixelNetConfig:
    in_channels: int = 1
    out_channels: int = 2  # classes per pixel (segment) or image channels (reconstruct)


class PixelNet(nn.Module):
    """Two 3x3 convolutions: one output vector per pixel, the image's size kept."""

    def __init__(self, config: PixelNetConfig) -> None:
        super().__init__()
        self.config = config
        self.layers = nn.Sequential(nn.Conv2d(config.in_channels, 4, 3, padding=1), nn.ReLU(),
                                    nn.Conv2d(4, config.out_channels, 3, padding=1))  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)  # (N, C_in, H, W) -> (N, C_out, H, W)


@pytest.fixture
def registered(monkeypatch):
    """A new chapter's model is one line in the model registry."""
    monkeypatch.setitem(MODELS, "pixelnet", (PixelNet, PixelNetConfig))


def squares(count: int = 16) -> tuple[torch.Tensor, torch.Tensor]:
    """8x8 uint8 images with one bright 3x3 square each, and its (N, 8, 8) mask."""
    generator = torch.Generator().manual_seed(0)
    images = torch.zeros(count, 8, 8, 1, dtype=torch.uint8)  # channels-last, as scenes come
    for n, (top, left) in enumerate(torch.randint(0, 6, (count, 2), generator=generator)):
        images[n, top : top + 3, left : left + 3] = 255
    return images, (images[..., 0] > 0).long()


def segmentation_loss(model, batch):
    logits = model(batch["images"])  # (N, 2, H, W)
    loss = F.cross_entropy(logits, batch["mask"])
    right = (logits.argmax(1) == batch["mask"]).float().mean()
    return loss, {"pixel_accuracy": right.detach()}


def reconstruction_loss(model, batch):
    return F.mse_loss(torch.sigmoid(model(batch["images"])), batch["images"]), {}


def test_segmentation_and_reconstruction_train_and_keep_their_task(registered, tmp_path):
    images, mask = squares()
    segment = Batches.from_arrays(images, {"mask": mask}, images, {"mask": mask}, max_shift=1)
    assert segment.images.shape == (16, 1, 8, 8) and segment.targets["mask"].shape == (16, 8, 8)
    torch.manual_seed(0)
    segmenter = PixelNet(PixelNetConfig())
    config = TrainConfig(num_epochs=2, batch_size=16, **QUIET)  # 2 steps
    history = fit(segmenter, segmentation_loss, segment, config)
    assert history.last("step") == 2 and "eval_pixel_accuracy" in history
    reconstruct = Batches.from_arrays(images, eval_images=images)  # no labels at all
    torch.manual_seed(0)
    autoencoder = PixelNet(PixelNetConfig(out_channels=1))
    history = fit(autoencoder, reconstruction_loss, reconstruct, config)
    assert history.last("step") == 2 and "eval_loss" in history

    spec = segment.input_spec()
    assert spec == {"channels": 1, "height": 8, "width": 8, "value_range": [0, 1]}
    seg_path = checkpoints.save_model(tmp_path / "seg.safetensors", segmenter, task="segment",
                                      classes=("background", "square"), input_spec=spec,
                                      metrics={"eval_pixel_accuracy": 0.5})  # fmt: skip
    rec_path = checkpoints.save_model(tmp_path / "rec.safetensors", autoencoder,
                                      task="reconstruct", input_spec=spec,
                                      components={"latent": {"size": 4}})  # fmt: skip
    loaded = checkpoints.load_model(seg_path, expected="pixelnet", task="segment")
    assert torch.equal(loaded.layers[0].weight, segmenter.layers[0].weight.cpu())
    meta = checkpoints.load(seg_path).metadata
    assert meta["task"] == "segment" and meta["classes"] == ["background", "square"]
    assert meta["input"] == spec and meta["metrics"] == {"eval_pixel_accuracy": 0.5}
    rec = checkpoints.load(rec_path).metadata
    assert rec["task"] == "reconstruct" and rec["classes"] is None
    assert rec["components"] == {"latent": {"size": 4}}
    checkpoints.load_model(rec_path, task="reconstruct")
    with pytest.raises(checkpoints.CheckpointError, match="for the task 'segment', not 'recon"):
        checkpoints.load_model(seg_path, task="reconstruct")


def test_old_checkpoints_are_classifiers():
    assert checkpoints.task_of({"model": "cnn"}) == "classify"


def test_the_registry_is_the_one_list_of_tasks_and_models():
    assert "classify" in TASKS and {"mlp", "cnn"} <= set(trainable_models())
    task, recipe = resolve("mlp")
    assert task is TASKS["classify"] and recipe.model == "mlp"
    assert resolve("classify")[1] is TASKS["classify"].recipe
    with pytest.raises(ValueError, match="unknown task 'paint'; choose one of classify"):
        get_task("paint")
    with pytest.raises(ValueError, match="unknown task or model 'vgg'"):
        resolve("vgg")

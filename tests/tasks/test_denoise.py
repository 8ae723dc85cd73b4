"""The denoise task: a tiny noise predictor learns a trivial dataset through the one `fit`."""

from __future__ import annotations

import torch

from neuralens import diffusion
from neuralens.models import EpsUNet, EpsUNetConfig
from neuralens.tasks import get_task
from neuralens.tasks.denoise import denoise_loss
from neuralens.training import Batches, TrainConfig, fit


def bar_images(count: int) -> torch.Tensor:
    """``count`` copies of one 8x8 picture: a vertical bar (the trivial dataset)."""
    images = torch.zeros(count, 8, 8, dtype=torch.uint8)
    images[:, 1:7, 3:5] = 255
    return images


def mean_loss(model, data: dict, seed: int = 0) -> float:
    torch.manual_seed(seed)
    with torch.no_grad():
        return float(sum(denoise_loss(model, data)[0] for _ in range(20)) / 20)


def test_tiny_model_learns_the_noise_of_a_trivial_dataset():
    torch.manual_seed(0)
    model = EpsUNet(EpsUNetConfig(image_size=8, channels=(8, 16), embedding_dim=16))
    images = bar_images(256)
    labels = torch.zeros(256, dtype=torch.int64)
    batch = {"images": images[:64, None].float() / 255, "labels": labels[:64]}
    untrained = mean_loss(model, batch)
    data = Batches.from_arrays(images, {"labels": labels})
    config = TrainConfig(num_epochs=8, batch_size=32, lr=3e-3, device="cpu", progress=False,
                         ema_decay=0.9)  # fmt: skip
    fit(model, get_task("denoise").loss_fn, data, config)
    trained = mean_loss(model, batch)
    # predicting no noise costs E[eps^2] = 1; a model that learnt the one image does far better
    assert untrained > 0.9 and trained < 0.3, (untrained, trained)


def test_task_registered_with_its_schedule_recipe():
    task = get_task("denoise")
    assert task.recipe.model == "eps_unet" and task.recipe.train.ema_decay
    assert "components" in task.records
    assert diffusion.make_schedule().num_steps == 1000

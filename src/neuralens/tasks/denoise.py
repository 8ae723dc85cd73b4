"""Denoise: predict the noise mixed into an image (lecture: diffusion, "an image from noise").

Each training image x_0 gets noised to a random step t of the schedule, and the network
eps_theta(x_t, t, y) learns which noise was added (Ho et al. 2020, eq. 14); one label in
ten is hidden so the same network also learns the unconditional prediction that
classifier-free guidance needs. The algorithm lives in :mod:`neuralens.diffusion`; this
task holds the recipe of the shipped model and saves the schedule in the checkpoint's
``components``, so a loaded model samples with the schedule it was trained on.

>>> TASK.recipe.model, TASK.recipe.train.ema_decay
('eps_unet', 0.995)
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn

from neuralens import checkpoints, diffusion
from neuralens.models import EpsUNetConfig
from neuralens.tasks.classify import image_data
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batch
from neuralens.training.config import TrainConfig, recorded

SCHEDULE = diffusion.ScheduleConfig()  # cosine, T = 1000: the schedule of the shipped model
LABEL_DROPOUT = 0.1  # share of labels hidden while training (classifier-free guidance)
DIFFUSION_DATASETS = ("mnist", "fashion-mnist", "mnist-mini", "fashion-mnist-mini")


def denoise_loss(
    model: nn.Module, batch: Batch, schedule: diffusion.Schedule | None = None
) -> tuple[torch.Tensor, dict]:
    """The eps loss (``diffusion.eps_loss``) of ``batch["images"]`` in [0, 1] with its labels.

    >>> batch = {"images": torch.zeros(4, 1, 2, 2), "labels": torch.zeros(4, dtype=torch.long)}
    >>> loss, _ = denoise_loss(lambda x, t, y: torch.zeros_like(x), batch)
    >>> 0 < loss.item() < 3  # predicting no noise costs E[eps^2] = 1 on average
    True
    """
    schedule = schedule or diffusion.make_schedule(SCHEDULE)
    x0 = diffusion.to_model_range(batch["images"])
    return diffusion.eps_loss(model, x0, batch["labels"], schedule, LABEL_DROPOUT), {}


def make_data(dataset: str, device, train_limit: int | None, recipe: Recipe):
    """Images and labels of ``dataset`` (train, and test for the evaluation loss)."""
    if dataset not in DIFFUSION_DATASETS:
        raise ValueError(f"diffusion trains on {', '.join(DIFFUSION_DATASETS)}; got {dataset!r}")
    return image_data(dataset, device, recipe.max_shift, train_limit)


TASK = Task(
    name="denoise",
    summary="predict the noise in a noisy image: a diffusion model that draws digits",
    loss_fn=denoise_loss,
    recipes=(
        # 2,340 steps at batch 128 (5 epochs, 9.4 min on 2 idle cores). The EMA starts at the
        # initial weights and has no warm-up: decay d leaves d^steps of them in the average
        # (0.995^2340 < 1e-4)
        Recipe(
            "eps_unet",
            EpsUNetConfig(),
            TrainConfig(
                num_epochs=5, batch_size=128, lr=2e-3, warmup_fraction=0.05, ema_decay=0.995
            ),
        ),  # fmt: skip
    ),
    targets=("labels",),
    records=("classes", "components"),
    metrics=("eval_loss",),
    datasets=DIFFUSION_DATASETS,
    make_data=make_data,
    components={"schedule": asdict(SCHEDULE), "label_dropout": LABEL_DROPOUT},
)


def train_diffusion(
    dataset: str = "mnist",
    train: TrainConfig | None = None,
    out: str | Path | None = None,
    train_limit: int | None = None,
    on_step=None,
) -> tuple[nn.Module, dict]:
    """Train the recipe's noise predictor on ``dataset``; save it (with its schedule) to ``out``.

    Returns the model (EMA weights, eval mode) and a summary: steps, training seconds,
    final evaluation loss, and ``weights`` when saved.
    """
    from neuralens.tasks.run import train_model

    recipe = TASK.recipe
    train = train or recipe.train
    data, classes = make_data(dataset, train.device, train_limit, recipe)
    model, history = train_model(TASK, recipe, data, train, classes, on_step=on_step)
    summary = {
        "task": TASK.name,
        "model": recipe.model,
        "data": dataset,
        "steps": int(history.last("step")),
        "train_time": history.last("train_time"),
        "eval_loss": history.last("eval_loss") if "eval_loss" in history else None,
    }
    if out is not None:
        checkpoints.save_model(
            out, model, task=TASK.name, classes=classes, input_spec=data.input_spec(),
            metrics={"eval_loss": summary["eval_loss"]}, data=dataset, seed=train.seed,
            components=TASK.components, train_config=recorded(train), history=history.to_dict(),
        )  # fmt: skip
        summary["weights"] = str(out)
    return model, summary


def load_diffusion(path: str | Path | None = None) -> tuple[nn.Module, diffusion.Schedule]:
    """A saved noise predictor (the shipped one when ``path`` is None) and its schedule."""
    return load_noise_predictor(path, "diffusion", "eps_unet")


def load_noise_predictor(
    path: str | Path | None, shipped: str, expected: str
) -> tuple[nn.Module, diffusion.Schedule]:
    """A saved ``expected`` model (the shipped ``shipped`` when ``path`` is None) and the
    noise schedule its checkpoint's components hold."""
    path = Path(path) if path is not None else checkpoints.shipped_path(shipped)
    checkpoint = checkpoints.load(path)
    model = checkpoints.build_from(checkpoint, path, expected=expected)
    components = checkpoint.metadata.get("components") or {}
    if "schedule" not in components:
        raise checkpoints.CheckpointError(f"{path} holds no noise schedule in its components")
    return model, diffusion.make_schedule(diffusion.ScheduleConfig(**components["schedule"]))


__all__ = ["TASK", "denoise_loss", "load_diffusion", "load_noise_predictor", "train_diffusion"]

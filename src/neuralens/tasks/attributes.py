"""Attributes: read a captioned scene's background and, per place, its object's shape, colour
and size (the honest judge of words-as-the-prompt, ``models/attributes.py``).

The loss is the sum of one cross-entropy per question: the background, the object class at
each of the five places (none or a shape), and the colour and size of each object that is
there (places without an object do not count: ignore index -1). Trained on the generator's
ground truth, the judge is trusted only as far as its accuracy on held-out rendered scenes.

>>> TASK.recipe.model
'attributes'
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens.data.captioned_scenes import make_captioned_scenes
from neuralens.models.attributes import (
    AttributeClassifierConfig,
    attribute_accuracies,
    attribute_targets,
    judge_scenes,
    split_targets,
)
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batch, Batches
from neuralens.training.config import TrainConfig

DATASET = "captioned-scenes"
TRAIN_SCENES, TRAIN_SEED = 30_000, 0  # the default training set
HELD_OUT_SCENES, HELD_OUT_SEED = 2_000, 10_000  # scenes never trained on (another seed)
ACCURACIES = ("background", "position", "shape", "colour", "size", "scene")
MAX_NOISE = 20.0  # degrade: the strongest pixel noise (std, in 0..255 units)


def degrade(images: np.ndarray, seed: int) -> np.ndarray:
    """A third of the scenes as they are, a third with Gaussian pixel noise (std up to 20 of
    255), a third blurred (3x3 mean): how a generator's samples differ from renders, so the
    judge reads them too. uint8 (N, H, W, 3) in and out.

    >>> images = np.full((3, 4, 4, 3), 100, dtype=np.uint8); images[:, 1, 1] = 255
    >>> degraded = degrade(images, seed=0)
    >>> [int(abs(d.astype(int) - i).sum() > 0) for d, i in zip(degraded, images)]
    [0, 1, 1]
    """
    rng = np.random.default_rng(seed)
    out = images.astype(np.float32)
    kind = np.arange(len(images)) % 3  # 0 clean, 1 noisy, 2 blurred
    noisy = kind == 1
    std = rng.uniform(0, MAX_NOISE, size=(int(noisy.sum()), 1, 1, 1)).astype(np.float32)
    out[noisy] += std * rng.standard_normal(out[noisy].shape, dtype=np.float32)
    blurred = kind == 2
    padded = np.pad(out[blurred], ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
    H, W = images.shape[1:3]
    out[blurred] = (
        sum(padded[:, dy : dy + H, dx : dx + W] for dy in range(3) for dx in range(3)) / 9
    )
    return np.clip(out, 0, 255).round().astype(np.uint8)


def attribute_loss(model: nn.Module, batch: Batch) -> tuple[torch.Tensor, dict]:
    """Sum of the heads' cross-entropies against ``batch["attributes"]`` (N, 1 + 3 P).

    >>> from neuralens.models.attributes import AttributeClassifier
    >>> judge = AttributeClassifier(AttributeClassifierConfig(channels=(4, 4, 4)))
    >>> data = make_captioned_scenes(4, seed=0)
    >>> batch = {"images": torch.rand(4, 3, 32, 32),
    ...          "attributes": torch.as_tensor(attribute_targets(data.attributes))}
    >>> loss, metrics = attribute_loss(judge, batch)
    >>> loss.item() > 0, sorted(metrics)[:2]
    (True, ['background_accuracy', 'colour_accuracy'])
    """
    logits = model(batch["images"])
    true = split_targets(batch["attributes"])
    loss = sum(
        F.cross_entropy(logits[name].float().flatten(0, -2), true[name].flatten(), ignore_index=-1)
        for name in ("background", "object", "colour", "size")
    )
    scores = attribute_accuracies(logits, batch["attributes"])
    return loss, {f"{name}_accuracy": value.detach() for name, value in scores.items()}


@torch.no_grad()
def judge_batches(model: nn.Module, batches) -> dict[str, float]:
    """Exact accuracies of ``model`` over ``batches`` (an iterable of batches), as floats."""
    was_training = model.training
    model.eval()
    parts = [(model(batch["images"]), batch["attributes"]) for batch in batches]
    model.train(was_training)
    logits = {name: torch.cat([p[0][name] for p in parts]) for name in parts[0][0]}
    scores = attribute_accuracies(logits, torch.cat([p[1] for p in parts]))
    return {name: value.item() for name, value in scores.items()}


def evaluate_attributes(model: nn.Module, data: Batches, batch_size: int = 1000) -> dict:
    """Exact accuracies over the whole evaluation split (``eval_*_accuracy`` keys)."""
    scores = judge_batches(model, data.eval_batches(batch_size))
    return {f"eval_{name}_accuracy": value for name, value in scores.items()}


def scene_batches(
    n: int,
    seed: int,
    size: int = 32,
    eval_n: int = HELD_OUT_SCENES,
    eval_seed: int = HELD_OUT_SEED,
    device: torch.device | str = "cpu",
) -> Batches:
    """Captioned scenes (1-3 objects) with their attribute targets: ``n`` to train, ``eval_n``
    held out (another seed); both :func:`degrade`-d."""
    train = make_captioned_scenes(n, size, seed, paraphrase=False)
    held = make_captioned_scenes(eval_n, size, eval_seed, paraphrase=False)
    return Batches.from_arrays(
        degrade(train.images, seed), {"attributes": attribute_targets(train.attributes)},
        degrade(held.images, eval_seed), {"attributes": attribute_targets(held.attributes)},
        device=device, name=DATASET, layout="NHWC",
    )  # fmt: skip


def make_data(dataset: str, device, train_limit: int | None, recipe: Recipe):
    """The task's data hook: ``train_limit`` (default 30,000) training scenes, 2,000 held out."""
    if dataset != DATASET:
        raise ValueError(f"the attributes task trains on {DATASET!r}, got {dataset!r}")
    return scene_batches(train_limit or TRAIN_SCENES, TRAIN_SEED, device=device), None


def report_attributes(model: nn.Module, dataset: str = DATASET) -> dict:
    """Accuracies on held-out scenes: as rendered with 1-3 objects, single objects (what
    prompts ask for), and single objects :func:`degrade`-d (noisy or blurred, as samples are)."""
    size = model.config.image_size
    report: dict = {"data": dataset, "seed": HELD_OUT_SEED, "num_examples": HELD_OUT_SCENES}
    for name, most in (("scenes", 3), ("single", 1), ("degraded", 1)):
        held = make_captioned_scenes(HELD_OUT_SCENES, size, HELD_OUT_SEED, 1, most, False)
        images = degrade(held.images, HELD_OUT_SEED) if name == "degraded" else held.images
        scores = judge_scenes(model, images, held.attributes)
        report[name] = {f"{key}_accuracy": value for key, value in scores.items()}
    return report


def recorded_metrics(report: dict) -> dict:
    """The held-out accuracies a judge's checkpoint records."""
    return {"test_examples": report["num_examples"],
            **{f"test_{k}": v for k, v in report["scenes"].items()},
            **{f"test_single_{k}": v for k, v in report["single"].items()},
            **{f"test_degraded_{k}": v for k, v in report["degraded"].items()}}  # fmt: skip


TASK = Task(
    name="attributes",
    summary="read a captioned scene's background and each object's shape, colour, size, place",
    loss_fn=attribute_loss,
    recipes=(
        Recipe(
            "attributes",
            AttributeClassifierConfig(),
            TrainConfig(num_epochs=4, batch_size=128, lr=3e-3),
        ),  # fmt: skip
    ),
    targets=("attributes",),
    evaluate=evaluate_attributes,
    metrics=tuple(f"test_{name}_accuracy" for name in ACCURACIES),
    datasets=(DATASET,),
    make_data=make_data,
    report=report_attributes,
    scores=recorded_metrics,
)

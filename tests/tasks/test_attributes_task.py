"""The attributes task trains the judge through the one loop."""

from __future__ import annotations

import pytest
import torch

from neuralens.data.captioned_scenes import make_captioned_scenes
from neuralens.device import torch_threads
from neuralens.models.attributes import (
    AttributeClassifier,
    AttributeClassifierConfig,
    judge_scenes,
)
from neuralens.tasks import get_task
from neuralens.tasks.attributes import TASK, degrade, make_data, scene_batches
from neuralens.training import TrainConfig, fit


def test_a_few_steps_lower_the_loss_and_evaluate_every_attribute():
    task = TASK
    data = scene_batches(256, seed=0, eval_n=64, eval_seed=1)
    torch.manual_seed(0)
    judge = AttributeClassifier(AttributeClassifierConfig(channels=(8, 8, 8)))
    config = TrainConfig(num_epochs=3, batch_size=32, lr=3e-3, log_every=1, device="cpu",
                         progress=False)  # fmt: skip
    with torch_threads(1):  # a tiny model on shared cores: one thread is many times faster
        history = fit(judge, task.loss_fn, data, config, evaluate=task.evaluate)
    losses = history["loss"]  # rows with a loss: one per step
    assert len(losses) == 24 and losses[-4:].mean() < 0.85 * losses[:4].mean()
    for name in ("background", "position", "shape", "colour", "size", "scene"):
        assert 0.0 <= history.last(f"eval_{name}_accuracy") <= 1.0
    # the textures are learnt first: 5 backgrounds, chance is 0.2
    assert history["background_accuracy"][-4:].mean() > 0.4


def test_the_task_is_registered_and_names_its_one_dataset():
    task = get_task("attributes")
    assert task is TASK
    assert task.targets == ("attributes",) and task.recipe.model == "attributes"
    with pytest.raises(ValueError, match="captioned-scenes"):
        make_data("mnist", "cpu", 10, task.recipe)


def test_the_shipped_judge_reads_noisy_and_blurred_scenes():
    from neuralens import checkpoints

    held = make_captioned_scenes(300, seed=20_002)
    scores = judge_scenes(checkpoints.load_shipped("attributes"), degrade(held.images, 1),
                          held.attributes)  # fmt: skip
    assert min(scores.values()) >= 0.98, scores  # 1-3 objects, two thirds noisy or blurred

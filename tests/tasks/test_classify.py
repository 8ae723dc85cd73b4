"""The classify recipes of the shipped MLP and CNN train on digits changed as other hands
would write them (``training.handwriting``); evaluation sees the test digits as they are."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from neuralens import checkpoints
from neuralens.models import MLPConfig
from neuralens.tasks.classify import TASK, make_data
from neuralens.tasks.run import train_and_save
from neuralens.tasks.task import Recipe
from neuralens.training import TrainConfig


def test_the_shipped_mlp_recipe_augments_training_batches_with_handwriting():
    """Old code: the recipes had no handwriting option; their batches were MNIST's own."""
    recipe = TASK.recipe_for("mlp")
    assert recipe.augment == "handwriting"
    assert TASK.recipe_for("cnn").augment == ""  # measured worse on other hands (bench robust)
    data, classes = make_data("mnist-mini", "cpu", 256, recipe)
    index = torch.arange(64)
    trained_on = data.batch(index, torch.Generator().manual_seed(0))
    as_written = data.batch(index)  # evaluation: no generator, no change
    unshifted = make_data("mnist-mini", "cpu", 256, replace(recipe, augment="", max_shift=0))[0]
    assert torch.equal(as_written["images"], unshifted.batch(index)["images"])
    assert torch.equal(trained_on["labels"], as_written["labels"])
    changed = (trained_on["images"] - as_written["images"]).abs().mean(dim=(1, 2, 3))  # (N,)
    assert (changed > 0.01).float().mean() > 0.9  # nearly every digit is written differently


def test_a_tiny_handwriting_run_trains_and_records_its_augmentation(tmp_path):
    recipe = replace(TASK.recipe_for("mlp"), model_config=MLPConfig(hidden_sizes=(64,)))
    config = TrainConfig(num_epochs=2, batch_size=64, lr=3e-3, device="cpu", progress=False)
    summary = train_and_save(TASK, recipe, "mnist-mini", config, tmp_path, train_limit=1000)
    assert summary["test_accuracy"] > 0.5  # chance is 0.1; 32 steps on 1,000 changed digits
    assert checkpoints.load(summary["weights"]).metadata["augment"] == "handwriting"


def test_clothes_are_not_written_by_hand():
    data, _ = make_data("fashion-mnist-mini", "cpu", 64, TASK.recipe_for("mlp"))
    assert data.handwriting is None


def test_an_unknown_augmentation_is_refused():
    with pytest.raises(ValueError, match="unknown augment 'rotate'.*handwriting"):
        Recipe("mlp", MLPConfig(), TrainConfig(), augment="rotate")

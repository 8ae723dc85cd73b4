"""Chapter 11 offers only models the project can train: the classify task's or the engine's."""

from __future__ import annotations

from neuralens.engine.mnist import MODELS as ENGINE_MODELS
from neuralens.explorer.train_own import MODELS
from neuralens.tasks import trainable_models


def test_every_offered_model_is_registered_for_classification():
    registered = {model for model, task in trainable_models().items() if task == "classify"}
    offered = set(MODELS.values())
    assert offered <= registered | set(ENGINE_MODELS)
    assert {"mlp", "cnn"} <= offered and set(ENGINE_MODELS) <= offered

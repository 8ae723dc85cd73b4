"""Engine training on the bundled mini MNIST: the interface, and the accepted accuracies."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens.engine.mnist import MODELS, EngineRun, engine_cnn, engine_mlp, train_engine
from neuralens.history import History


def test_models_have_the_lecture_shapes():
    mlp, cnn = engine_mlp(), engine_cnn()
    assert [p.shape for p in mlp.parameters()] == [(128, 784), (128,), (10, 128), (10,)]
    digits = np.zeros((3, 1, 28, 28), dtype=np.float32)
    maps = cnn.feature_maps(digits)
    assert [m.shape[1:] for m in maps[:6]] == [(16, 28, 28), (16, 28, 28), (16, 14, 14),
                                               (32, 14, 14), (32, 14, 14), (32, 7, 7)]  # fmt: skip
    assert maps[-1].shape == (3, 10)


def test_a_short_run_logs_steps_and_epochs_and_reports_progress():
    steps, epochs = [], []
    run = train_engine("engine-mlp", num_epochs=2, train_limit=640, batch_size=64,
                       on_step=steps.append, on_epoch=epochs.append)  # fmt: skip
    assert isinstance(run, EngineRun) and isinstance(run.history, History)
    assert len(steps) == 20 and [e["epoch"] for e in epochs] == [1, 2]
    assert {"step", "epoch", "loss", "accuracy"} <= set(steps[0])
    assert "eval_accuracy" in epochs[-1] and run.test_accuracy == epochs[-1]["eval_accuracy"]
    assert set(run.history.keys()) == {"step", "epoch", "loss", "accuracy", "eval_accuracy"}
    assert run.test_accuracy > 0.6  # 640 digits, 2 epochs: far above chance (0.1)
    assert epochs[1]["loss"] < epochs[0]["loss"]


def test_runs_are_repeatable_and_can_be_stopped():
    first = train_engine("engine-cnn", num_epochs=1, train_limit=128, seed=3)
    second = train_engine("engine-cnn", num_epochs=1, train_limit=128, seed=3)
    np.testing.assert_array_equal(first.history["loss"], second.history["loss"])
    calls = []

    def hook(row):  # the stop protocol of torch's fit: a hook returning True stops
        calls.append(row)
        return len(calls) >= 3

    stopped = train_engine("engine-mlp", num_epochs=5, train_limit=640, on_step=hook)
    assert len(calls) == 3 and stopped.history["step"].max() == 3


def test_unknown_model_lists_the_choices():
    with pytest.raises(ValueError, match="engine-mlp, engine-cnn"):
        train_engine("resnet")
    assert set(MODELS) == {"engine-mlp", "engine-cnn"}


# Measured with the defaults on the mini test split: MLP 97.45 % (seed 0), 97.25 %, 97.2 %
# (seeds 1, 2); CNN 98.45 %, 98.75 %, 98.1 %. The bounds sit below all three seeds with a
# margin (a broken engine lands far lower); this test runs seed 0 only.
@pytest.mark.parametrize("model, goal", [("engine-mlp", 0.965), ("engine-cnn", 0.975)])
def test_full_training_reaches_the_accepted_accuracy(model, goal):
    run = train_engine(model)  # the model's defaults, seed 0, all 10,000 mini training digits
    assert run.test_accuracy >= goal, run.history.rows[-3:]

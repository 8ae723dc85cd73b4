"""The pretrained weights in the package reach the accuracy they state (issue 5 acceptance)."""

from __future__ import annotations

import pytest

from neuralens import checkpoints
from neuralens.tasks.classify import evaluate_classifier

ACCEPTANCE = {"cnn": 0.99, "mlp": 0.98}  # test accuracy on full MNIST


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_shipped_weights_reach_their_accuracy_on_the_mini_test_split(name):
    meta = checkpoints.shipped_metadata(name)
    assert meta["data"] == "mnist" and meta["model"] == name
    assert meta["metrics"]["test_examples"] == 10_000
    assert meta["metrics"]["test_accuracy"] >= ACCEPTANCE[name]
    report = evaluate_classifier(checkpoints.load_shipped(name), "mnist-mini")
    assert report["num_examples"] == 2000
    assert report["accuracy"] >= ACCEPTANCE[name]
    assert min(report["per_class_accuracy"]) >= ACCEPTANCE[name] - 0.05


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_shipped_weights_reach_their_stated_accuracy_on_full_mnist(name, full_data_dir):
    report = evaluate_classifier(checkpoints.load_shipped(name), "mnist")
    stated = checkpoints.shipped_metadata(name)["metrics"]["test_accuracy"]
    assert report["num_examples"] == 10_000
    assert report["accuracy"] == pytest.approx(stated, abs=1e-4)  # what `make weights` measured


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_the_json_copy_matches_the_metadata_inside_the_weights(name):
    assert (
        checkpoints.shipped_metadata(name)
        == checkpoints.load(checkpoints.shipped_path(name)).metadata
    )


def test_unknown_shipped_name_is_a_checkpoint_error():
    with pytest.raises(checkpoints.CheckpointError, match="shipped: .*cnn, .*mlp"):
        checkpoints.shipped_metadata("resnet")

"""Looking inside models: probabilities, stages, feature maps, filters, hidden units."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens.models import CNN, MLP, CNNConfig, MLPConfig
from neuralens.models.inspect import (
    DESIGNED_FILTERS,
    as_batch,
    confident_mistakes,
    feature_maps,
    first_layer_filters,
    hidden_unit,
    predict_proba,
    stage_outputs,
)


@pytest.fixture(scope="module")
def cnn() -> CNN:
    torch.manual_seed(0)
    return CNN(CNNConfig(image_size=8, channels=(4, 6)))


@pytest.fixture(scope="module")
def mlp() -> MLP:
    torch.manual_seed(0)
    return MLP(MLPConfig(image_size=8, hidden_sizes=(5,)))


def test_uint8_and_float_images_mean_the_same(cnn):
    image = np.random.default_rng(0).integers(0, 256, (8, 8), dtype=np.uint8)
    assert torch.allclose(as_batch(image, cnn), as_batch(image / 255.0, cnn))
    assert as_batch(np.stack([image] * 3), cnn).shape == (3, 1, 8, 8)
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        as_batch(np.zeros(5), cnn)


def test_probabilities_sum_to_one_and_match_the_logits(mlp):
    images = np.random.default_rng(1).random((7, 8, 8))
    probabilities = predict_proba(mlp, images, batch_size=3)
    assert probabilities.shape == (7, 10)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-6)
    logits = mlp(torch.as_tensor(images[:, None], dtype=torch.float32)).detach().numpy()
    assert np.array_equal(probabilities.argmax(1), logits.argmax(1))


def test_feature_maps_shrink_by_pooling_and_flatten_matches(cnn):
    image = np.random.default_rng(2).random((8, 8))
    stages = feature_maps(cnn, image)
    maps = dict(stages)
    assert set(maps) == {"conv1", "relu1", "pool1", "conv2", "relu2", "pool2"}
    assert maps["conv1"].shape == (4, 8, 8) and maps["pool1"].shape == (4, 4, 4)
    assert maps["pool2"].shape == (6, 2, 2)
    assert (maps["relu1"] >= 0).all()
    flat = dict(stage_outputs(cnn, image))["flatten"]
    assert np.allclose(flat, stages[-1][1].ravel())  # the last block's maps, in one list
    with pytest.raises(ValueError, match="one image"):
        stage_outputs(cnn, np.zeros((2, 8, 8)))


def test_first_layer_filters_are_the_conv_weights(cnn, mlp):
    filters = first_layer_filters(cnn)
    assert filters.shape == (4, 3, 3)
    assert np.allclose(filters[1], cnn.blocks[0].conv.weight[1, 0].detach().numpy())
    with pytest.raises(ValueError, match="needs a CNN"):
        first_layer_filters(mlp)
    assert all(kernel.shape == (3, 3) for kernel in DESIGNED_FILTERS.values())


def test_hidden_unit_weighted_sum_is_the_layer_output(mlp):
    image = np.random.default_rng(3).random((8, 8))
    weights, bias = hidden_unit(mlp, 2)
    assert weights.shape == (8, 8)
    stages = dict(stage_outputs(mlp, image))
    assert np.isclose((weights * image).sum() + bias, stages["hidden1"][2], atol=1e-5)
    with pytest.raises(ValueError, match=r"unit must be in 0 .. 4"):
        hidden_unit(mlp, 5)


def test_confident_mistakes_are_wrong_and_sorted():
    probabilities = np.array([[0.6, 0.4], [0.1, 0.9], [0.95, 0.05], [0.3, 0.7]])
    labels = np.array([1, 1, 1, 0])
    order = confident_mistakes(probabilities, labels, count=2)
    assert order.tolist() == [2, 3]
    assert confident_mistakes(probabilities, probabilities.argmax(1)).size == 0

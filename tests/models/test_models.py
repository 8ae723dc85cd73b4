"""MLP and CNN: shapes derived from the config, every stage named, the registry."""

from __future__ import annotations

import pytest
import torch

from neuralens.models import CNN, MLP, MODELS, CNNConfig, MLPConfig, build_model, model_name


@pytest.mark.parametrize("image_size", [8, 28])
def test_mlp_maps_images_to_class_scores(image_size):
    model = MLP(MLPConfig(image_size=image_size, hidden_sizes=(16, 8), num_classes=4))
    assert model(torch.rand(3, 1, image_size, image_size)).shape == (3, 4)
    assert model.hidden[0].weight.shape == (16, image_size * image_size)
    names = [name for name, _ in model.stages(torch.rand(1, 1, image_size, image_size))]
    assert names == ["flatten", "hidden1", "activation1", "hidden2", "activation2", "logits"]


def test_mlp_without_activation_is_one_linear_map():
    model = MLP(MLPConfig(image_size=4, hidden_sizes=(6,), activation="none"))
    x1, x2 = torch.rand(1, 1, 4, 4), torch.rand(1, 1, 4, 4)
    zero = model(torch.zeros(1, 1, 4, 4))
    # an affine map: f(a + b) - f(0) = (f(a) - f(0)) + (f(b) - f(0))
    torch.testing.assert_close(model(x1 + x2) - zero, (model(x1) - zero) + (model(x2) - zero))


def test_cnn_sizes_are_derived_and_stages_shrink():
    config = CNNConfig(image_size=28, channels=(4, 8, 16))
    assert (config.feature_size, config.num_flat) == (3, 16 * 3 * 3)  # 28 -> 14 -> 7 -> 3
    model = CNN(config)
    stages = dict(model.stages(torch.rand(2, 1, 28, 28)))
    assert stages["conv1"].shape == (2, 4, 28, 28) and stages["pool1"].shape == (2, 4, 14, 14)
    assert stages["relu3"].shape == (2, 16, 3, 3) and stages["flatten"].shape == (2, 144)
    assert (stages["relu1"] >= 0).all()


def test_cnn_forward_matches_its_stages():
    model = CNN(CNNConfig(image_size=8, channels=(4,))).eval()
    x = torch.rand(2, 1, 8, 8)
    torch.testing.assert_close(model(x), model.stages(x)[-1][1])


def test_bad_configs_and_inputs_are_explained():
    with pytest.raises(ValueError, match="shrink"):
        CNNConfig(image_size=4, channels=(2, 2, 2))
    with pytest.raises(ValueError, match="odd"):
        CNNConfig(kernel_size=4)
    with pytest.raises(ValueError, match="activation"):
        MLPConfig(activation="swishy")
    with pytest.raises(ValueError, match=r"expects \(N, 1, 28, 28\)"):
        CNN()(torch.rand(2, 28, 28))
    with pytest.raises(ValueError, match="unknown model 'resnet'"):
        build_model("resnet")
    with pytest.raises(ValueError, match="no field"):
        build_model("cnn", {"layers": 3})


def test_registry_round_trip():
    for name in MODELS:
        model = build_model(name)
        assert model_name(model) == name

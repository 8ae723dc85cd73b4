"""The noise-predicting U-Net: shapes, size, conditioning, independence from the algorithm."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from neuralens.models import EpsUNetConfig, build_model
from neuralens.models.eps_unet import EpsUNet, timestep_embedding


def test_default_size_fits_a_cpu():
    model = EpsUNet(EpsUNetConfig())
    weights = sum(p.numel() for p in model.parameters())
    with FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 1, 28, 28), torch.tensor([500]), torch.tensor([3]))
    assert 100_000 <= weights <= 300_000
    assert 20e6 <= counter.get_total_flops() <= 60e6  # per 28x28 image


def test_output_depends_on_time_and_class_and_no_class_token():
    torch.manual_seed(0)
    model = EpsUNet(EpsUNetConfig(image_size=8, channels=(8, 16)))
    torch.nn.init.normal_(model.out.weight)  # the zero-initialised head would hide everything
    x = torch.randn(1, 1, 8, 8)
    outputs = [model(x, torch.tensor([t]), torch.tensor([y])) for t, y in
               [(5, 2), (6, 2), (5, 3), (5, -1)]]  # fmt: skip
    for other in outputs[1:]:
        assert not torch.allclose(outputs[0], other)
    torch.testing.assert_close(model(x, torch.tensor([5]), torch.tensor([-7])), outputs[3])


def test_fresh_model_predicts_zero_noise():
    model = build_model("eps_unet", {"image_size": 8, "channels": [8, 8]})
    out = model(torch.randn(3, 1, 8, 8), torch.tensor([0, 1, 2]), torch.tensor([0, 1, -1]))
    assert out.shape == (3, 1, 8, 8) and out.abs().max() == 0


def test_timestep_embedding_separates_steps():
    embedding = timestep_embedding(torch.arange(100), 32)
    distances = torch.cdist(embedding, embedding)
    assert distances[~torch.eye(100, dtype=torch.bool)].min() > 0.01


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"channels": (8,)}, "at least 2 levels"),
        ({"image_size": 30, "channels": (8, 8, 8)}, "must divide by 2"),
    ],
)
def test_bad_configs_raise(config, message):
    with pytest.raises(ValueError, match=message):
        EpsUNetConfig(**config)


def test_bad_inputs_raise():
    model = EpsUNet(EpsUNetConfig(image_size=8, channels=(8, 8)))
    with pytest.raises(ValueError, match="expects x_t of shape"):
        model(torch.zeros(1, 1, 9, 9), torch.tensor([0]), torch.tensor([0]))
    with pytest.raises(ValueError, match="class 10 >= num_classes=10"):
        model(torch.zeros(1, 1, 8, 8), torch.tensor([0]), torch.tensor([10]))


def test_model_imports_nothing_from_the_diffusion_algorithm():
    code = ("import sys, neuralens.models.eps_unet; "
            "print('neuralens.diffusion' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

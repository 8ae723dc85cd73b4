"""The U-Net's heads: shapes, size budget, skips that matter, errors."""

from __future__ import annotations

import pytest
import torch

from neuralens.models import build_model, model_name
from neuralens.models.unet import UNet, UNetConfig, count_multiply_adds


def test_every_head_has_the_documented_shape():
    model = UNet(UNetConfig(num_classes=3)).eval()
    out = model(torch.rand(2, 3, 64, 64))
    shapes = {name: tuple(value.shape) for name, value in out.items()}
    assert shapes == {
        "presence": (2, 3), "heatmap": (2, 3, 16, 16), "size": (2, 2, 16, 16),
        "offset": (2, 2, 16, 16), "mask": (2, 4, 64, 64), "center_offset": (2, 2, 64, 64),
        "image": (2, 3, 64, 64),
    }  # fmt: skip
    assert model(torch.rand(1, 3, 96, 96))["heatmap"].shape == (1, 3, 24, 24)


def test_default_size_fits_the_cpu_budget():
    model = UNet()
    parameters = sum(p.numel() for p in model.parameters())
    assert 100_000 <= parameters <= 300_000
    assert 50e6 <= count_multiply_adds(model, 64) <= 150e6


def test_heatmaps_start_at_the_focal_prior():
    out = UNet().eval()(torch.rand(1, 3, 64, 64))
    assert torch.sigmoid(out["heatmap"]).mean().item() == pytest.approx(0.1, abs=0.05)


def test_registered_and_rejects_bad_input():
    model = build_model("unet", {"channels": [4, 8, 8], "image_size": 16})
    assert model_name(model) == "unet"
    with pytest.raises(ValueError, match="multiples of 4"):
        model(torch.zeros(1, 3, 10, 16))
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        model(torch.zeros(1, 1, 16, 16))
    with pytest.raises(ValueError, match="multiple of"):
        UNetConfig(image_size=60)


def test_a_pixel_far_from_the_bottleneck_reaches_the_mask_through_the_skips():
    torch.manual_seed(0)
    model = UNet(UNetConfig(image_size=32, channels=(4, 8, 8, 8))).eval()
    x = torch.rand(1, 3, 32, 32, requires_grad=True)
    model(x)["mask"][0, :, 5, 5].sum().backward()
    # the mask at (5, 5) depends most on nearby pixels: the full-resolution path
    grad = x.grad.abs().sum(dim=1)[0]
    assert grad[4:7, 4:7].sum() > grad[20:, 20:].sum()


@pytest.mark.parametrize("pool", ["avg", "max"])
def test_presence_pools_the_bottleneck_as_configured(pool):
    # one strong place in an otherwise empty bottleneck: max pooling passes it on whole,
    # the average over the 2x2 places divides it by 4
    model = UNet(UNetConfig(image_size=16, channels=(4, 8, 8), presence_pool=pool)).eval()
    bottleneck = torch.zeros(1, 8, 2, 2)
    bottleneck[0, 3, 1, 0] = 4.0
    model.features = lambda x: [torch.zeros(1, 4, 16, 16), torch.zeros(1, 8, 8, 8), bottleneck]
    pooled = torch.zeros(1, 8)
    pooled[0, 3] = 4.0 if pool == "max" else 1.0
    expected = model.presence(pooled)
    torch.testing.assert_close(model(torch.zeros(1, 3, 16, 16))["presence"], expected)


def test_an_unknown_presence_pool_is_refused():
    with pytest.raises(ValueError, match="presence_pool must be 'avg' or 'max'"):
        UNetConfig(presence_pool="sum")

"""The shared encoder-decoder blocks: shapes, norms, skips and errors."""

import pytest
import torch
from torch import nn

from neuralens.models.blocks import (
    ConvNormAct,
    DownBlock,
    ResidualBlock,
    UpBlock,
    group_count,
    make_activation,
    make_norm,
)


@pytest.mark.parametrize("norm", ["batch", "group", "none"])
def test_a_small_u_composes_from_the_blocks(norm):
    torch.manual_seed(0)
    stem = ConvNormAct(3, 4, norm=norm)
    down = DownBlock(4, 8, norm=norm)
    up = UpBlock(8, 4, 4, norm=norm)
    x = torch.randn(2, 3, 8, 8)
    skip = stem(x)  # (2, 4, 8, 8)
    y = up(down(skip), skip)
    assert y.shape == (2, 4, 8, 8)
    y.square().mean().backward()
    assert all(p.grad is not None for p in [*stem.parameters(), *down.parameters()])


def test_group_norm_groups_divide_the_channels():
    for channels in [1, 3, 6, 12, 16, 24, 40]:
        norm = make_norm("group", channels)
        assert channels % norm.num_groups == 0 and norm.num_groups <= 8
    assert group_count(24) == 8 and group_count(9) == 3


def test_residual_block_starts_as_its_shortcut_with_batch_norm():
    block = ResidualBlock(4, 4).eval()
    x = torch.rand(1, 4, 5, 5)  # non-negative: ReLU of the shortcut is the input itself
    assert torch.allclose(block(x), x)


def test_the_skip_really_feeds_the_decoder():
    torch.manual_seed(0)
    up = UpBlock(4, 2, 4, norm="none").eval()
    x = torch.randn(1, 4, 3, 3)
    a = up(x, torch.zeros(1, 2, 6, 6))
    b = up(x, torch.ones(1, 2, 6, 6))
    assert not torch.allclose(a, b)


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="norm must be one of"):
        make_norm("layer", 4)
    with pytest.raises(ValueError, match="activation must be one of"):
        make_activation("tanhh")
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        ConvNormAct(1, 1, kernel_size=2)
    with pytest.raises(ValueError, match="downsample must be"):
        DownBlock(1, 2, downsample="stride")
    with pytest.raises(ValueError, match="skip with 2 channels"):
        UpBlock(4, 2, 4)(torch.zeros(1, 4, 2, 2))
    with pytest.raises(ValueError, match="encoder's sizes must be even"):
        UpBlock(4, 2, 4)(torch.zeros(1, 4, 2, 2), torch.zeros(1, 2, 5, 5))


def test_pool_downsampling_is_the_lectures_max_pool():
    block = DownBlock(2, 2, downsample="pool")
    assert isinstance(block.down, nn.MaxPool2d)

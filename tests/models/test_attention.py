from __future__ import annotations

import pytest
import torch
from torch import nn

from neuralens.models.attention import CrossAttention, attention_maps


@pytest.fixture
def attention() -> CrossAttention:
    torch.manual_seed(0)
    return CrossAttention(channels=8, context_dim=12, num_heads=2)


def test_shapes_and_weights_sum_to_one(attention):
    x, words = torch.randn(3, 8, 4, 5), torch.randn(3, 6, 12)
    output, weights = attention(x, words)
    assert output.shape == (3, 8, 4, 5) and weights.shape == (3, 2, 20, 6)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, 2, 20))
    assert attention_maps(weights, 4, 5).shape == (3, 6, 4, 5)


def test_one_word_gives_every_pixel_that_words_value(attention):
    x, word = torch.randn(2, 8, 3, 3), torch.randn(2, 1, 12)
    output, weights = attention(x, word)
    value = attention.to_out(attention.to_v(word))  # (2, 1, 8)
    expected = value[:, 0, :, None, None].expand(2, 8, 3, 3)
    torch.testing.assert_close(output, expected)
    assert torch.equal(weights, torch.ones_like(weights))


def test_padded_words_are_ignored(attention):
    x, words = torch.randn(2, 8, 3, 3), torch.randn(2, 5, 12)
    padding_mask = torch.tensor([[False, False, True, True, True], [False] * 4 + [True]])
    output, weights = attention(x, words, padding_mask)
    assert (weights[0, :, :, 2:] == 0).all() and (weights[1, :, :, 4] == 0).all()
    trimmed, _ = attention(x[:1], words[:1, :2])
    torch.testing.assert_close(output[:1], trimmed)


def test_matches_torch_multihead_attention(attention):
    reference = nn.MultiheadAttention(8, 2, bias=False, kdim=12, vdim=12, batch_first=True)
    with torch.no_grad():
        reference.q_proj_weight.copy_(attention.to_q.weight)
        reference.k_proj_weight.copy_(attention.to_k.weight)
        reference.v_proj_weight.copy_(attention.to_v.weight)
        reference.out_proj.weight.copy_(attention.to_out.weight)
        attention.to_out.bias.zero_()
    x, words = torch.randn(2, 8, 3, 4), torch.randn(2, 5, 12)
    padding_mask = torch.tensor([[False] * 3 + [True] * 2, [False] * 5])
    output, weights = attention(x, words, padding_mask)
    pixels = x.flatten(2).transpose(1, 2)  # (N, H*W, C)
    expected, expected_weights = reference(pixels, words, words, key_padding_mask=padding_mask)
    torch.testing.assert_close(output.flatten(2).transpose(1, 2), expected)
    torch.testing.assert_close(weights.mean(1), expected_weights)


def test_bad_inputs_are_named(attention):
    with pytest.raises(ValueError, match=r"\(N, 8, H, W\)"):
        attention(torch.zeros(1, 4, 3, 3), torch.zeros(1, 2, 12))
    with pytest.raises(ValueError, match="context must be"):
        attention(torch.zeros(1, 8, 3, 3), torch.zeros(2, 2, 12))
    with pytest.raises(ValueError, match="all padding"):
        attention(torch.zeros(1, 8, 3, 3), torch.zeros(1, 2, 12), torch.ones(1, 2, dtype=bool))
    with pytest.raises(ValueError, match="divide"):
        CrossAttention(10, 4, num_heads=4)

"""Cross-attention: every pixel of an image's feature maps looks up the words of a caption.

Attention as a soft dictionary look-up (Vaswani et al. 2017, "Attention is all you need",
eq. 1): each pixel's feature vector asks a *query* q, each word offers a *key* k and a *value*
v; the pixel takes the values mixed by how well its query matches each key,

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d)) V.

In cross-attention the queries come from one thing and the keys and values from another: here
queries from the pixels, keys and values from the word embeddings of the text encoder, which is
how latent diffusion lets a caption steer a U-Net (Rombach et al. 2022, "High-resolution image
synthesis with latent diffusion models", eq. 3). The softmax weights say, for each pixel, how
much it listened to each word: :func:`attention_maps` turns them into one map per word.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class CrossAttention(nn.Module):
    """Image features (N, C, H, W) attend to words (N, T, D): returns (output, weights).

    ``output`` (N, C, H, W) is the words' values, mixed per pixel and projected back to C
    channels (a U-Net block adds it to its features: ``x + output``). ``weights``
    (N, heads, H*W, T) sum to 1 over the words at every pixel; padded words get 0.

    >>> attention = CrossAttention(channels=8, context_dim=16, num_heads=2)
    >>> output, weights = attention(torch.zeros(1, 8, 4, 4), torch.zeros(1, 5, 16))
    >>> output.shape, weights.shape
    (torch.Size([1, 8, 4, 4]), torch.Size([1, 2, 16, 5]))
    """

    def __init__(
        self, channels: int, context_dim: int, num_heads: int = 4, head_dim: int | None = None
    ) -> None:
        super().__init__()
        if channels < 1 or context_dim < 1 or num_heads < 1:
            raise ValueError("channels, context_dim and num_heads must be at least 1")
        if head_dim is None and channels % num_heads:
            raise ValueError(f"channels {channels} must divide by num_heads {num_heads}")
        self.channels, self.context_dim, self.num_heads = channels, context_dim, num_heads
        self.head_dim = head_dim or channels // num_heads
        inner = num_heads * self.head_dim
        self.to_q = nn.Linear(channels, inner, bias=False)  # pixels ask
        self.to_k = nn.Linear(context_dim, inner, bias=False)  # words answer to ...
        self.to_v = nn.Linear(context_dim, inner, bias=False)  # ... and offer
        self.to_out = nn.Linear(inner, channels)

    def _check(self, x: torch.Tensor, context: torch.Tensor, padding_mask) -> None:
        if x.ndim != 4 or x.shape[1] != self.channels:
            raise ValueError(f"CrossAttention expects (N, {self.channels}, H, W), got {x.shape}")
        if (
            context.ndim != 3
            or context.shape[0] != x.shape[0]
            or context.shape[2] != self.context_dim
        ):
            raise ValueError(
                f"context must be ({x.shape[0]}, T, {self.context_dim}) words, got {context.shape}"
            )
        if padding_mask is not None:
            if padding_mask.shape != context.shape[:2] or padding_mask.dtype != torch.bool:
                raise ValueError(
                    f"padding_mask must be bool {tuple(context.shape[:2])}, got "
                    f"{padding_mask.dtype} {tuple(padding_mask.shape)}"
                )
            if padding_mask.all(dim=1).any():
                raise ValueError("a caption is all padding; the empty caption keeps <start>")

    def forward(
        self, x: torch.Tensor, context: torch.Tensor, padding_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (N, C, H, W), context (N, T, D), padding_mask bool (N, T) True at padding."""
        self._check(x, context, padding_mask)
        N, C, H, W = x.shape
        T, heads, d = context.shape[1], self.num_heads, self.head_dim
        pixels = x.flatten(2).transpose(1, 2)  # (N, C, H, W) -> (N, H*W, C)
        q = self.to_q(pixels).view(N, H * W, heads, d).transpose(1, 2)  # (N, heads, H*W, d)
        k = self.to_k(context).view(N, T, heads, d).transpose(1, 2)  # (N, heads, T, d)
        v = self.to_v(context).view(N, T, heads, d).transpose(1, 2)  # (N, heads, T, d)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)  # (N, heads, H*W, T)
        if padding_mask is not None:
            scores = scores.masked_fill(padding_mask[:, None, None, :], -math.inf)
        weights = scores.softmax(dim=-1)  # each pixel's shares of the words
        mixed = (weights @ v).transpose(1, 2).reshape(N, H * W, heads * d)  # (N, H*W, inner)
        output = self.to_out(mixed).transpose(1, 2).reshape(N, C, H, W)  # (N, C, H, W)
        return output, weights


def attention_maps(weights: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(N, heads, H*W, T) attention weights -> (N, T, H, W): each word's map, heads averaged.

    >>> attention_maps(torch.full((1, 2, 6, 3), 1 / 3), 2, 3).shape
    torch.Size([1, 3, 2, 3])
    """
    N, _, pixels, T = weights.shape
    if pixels != height * width:
        raise ValueError(f"weights cover {pixels} pixels, not {height}x{width}")
    return weights.mean(dim=1).transpose(1, 2).reshape(N, T, height, width)

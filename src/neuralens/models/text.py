"""Words as the prompt: a word-level tokenizer and a small transformer text encoder.

The lecture's embeddings, applied to words: each word of a caption becomes an id (its place
in the vocabulary), each id a learned vector; a learned position vector says where the word
stands; a couple of transformer layers (self-attention: every word looks at every other word)
turn the vectors into word embeddings that know their context ("red" next to "disk"). An image
model then attends to these embeddings (cross-attention, ``models/attention.py``). Everything is
trained here, from scratch: no downloaded weights, and only the words of the captioned scenes.

Every caption starts with a ``<start>`` token, so the empty prompt is one token long: the
"empty caption" a diffusion model learns as its unconditional case (classifier-free guidance).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from neuralens.data.captioned_scenes import VOCABULARY

PAD, START = "<pad>", "<start>"  # ids 0 and 1; words follow from id 2
PUNCTUATION = ",.;:!?"  # dropped between words; any other character belongs to a word


class Tokenizer:
    """Words <-> ids over a fixed vocabulary; prompts are lower-cased, punctuation dropped.

    >>> tokenizer = Tokenizer(("a", "disk", "red"), max_words=4)
    >>> tokenizer.encode("A red disk.")
    [1, 2, 4, 3]
    >>> tokenizer.decode([1, 2, 4, 3, 0])
    'a red disk'
    >>> tokenizer.encode("")  # the empty caption: <start> alone
    [1]
    """

    def __init__(self, vocabulary: Sequence[str] = VOCABULARY, max_words: int = 32) -> None:
        if max_words < 1:
            raise ValueError(f"max_words must be at least 1, got {max_words}")
        words = tuple(vocabulary)
        if len(set(words)) != len(words) or any(not re.fullmatch(r"[a-z]+", w) for w in words):
            raise ValueError(f"a vocabulary is distinct lower-case words, got {words}")
        self.vocabulary = words
        self.max_words = max_words
        self.tokens = (PAD, START, *words)  # id -> token
        self.ids = {token: index for index, token in enumerate(self.tokens)}

    @property
    def length(self) -> int:
        """Tokens per encoded prompt: <start> and up to ``max_words`` words."""
        return self.max_words + 1

    def words(self, prompt: str) -> list[str]:
        """The prompt's words; a clear ValueError for unknown words or too many words."""
        words = re.sub(f"[{re.escape(PUNCTUATION)}]", " ", prompt.lower()).split()
        unknown = [word for word in words if word not in self.ids]
        if unknown:
            raise ValueError(
                f"unknown word(s) {', '.join(map(repr, dict.fromkeys(unknown)))}; "
                f"the model knows only: {' '.join(self.vocabulary)}"
            )
        if len(words) > self.max_words:
            raise ValueError(
                f"the prompt has {len(words)} words; at most {self.max_words} fit: {prompt!r}"
            )
        return words

    def encode(self, prompt: str) -> list[int]:
        """``<start>`` then one id per word (no padding)."""
        return [self.ids[START], *(self.ids[word] for word in self.words(prompt))]

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """Ids back to the normalised prompt: words joined by spaces, special tokens left out."""
        ids = ids.tolist() if torch.is_tensor(ids) else ids
        return " ".join(self.tokens[i] for i in ids if i > self.ids[START])

    def __call__(self, prompts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode a batch, padded: ids int64 (N, length) and padding_mask bool (N, length).

        ``padding_mask`` is True where a position holds padding (the convention of
        ``torch.nn.MultiheadAttention``'s ``key_padding_mask``).
        """
        if isinstance(prompts, str):
            raise ValueError("Tokenizer() takes a list of prompts; wrap a single prompt: [prompt]")
        ids = torch.full((len(prompts), self.length), self.ids[PAD], dtype=torch.int64)
        for row, prompt in enumerate(prompts):
            encoded = self.encode(prompt)
            ids[row, : len(encoded)] = torch.tensor(encoded)
        return ids, ids == self.ids[PAD]


@dataclass
class TextEncoderConfig:
    """Sizes of the text encoder; the vocabulary is stored with it (checkpoints keep it)."""

    vocabulary: tuple[str, ...] = VOCABULARY  # the words it knows (the captioned scenes')
    max_words: int = 32  # longest prompt, in words (the longest scene caption has 30)
    width: int = 64  # size of every word vector
    num_layers: int = 2  # transformer layers
    num_heads: int = 4  # attention heads per layer; width must divide by it
    mlp_ratio: int = 4  # the feed-forward layer's hidden size, in widths
    dropout_rate: float = 0.0  # dropout inside the transformer layers while training

    def __post_init__(self) -> None:
        self.vocabulary = tuple(self.vocabulary)
        if self.width < 1 or self.num_layers < 1 or self.num_heads < 1 or self.mlp_ratio < 1:
            raise ValueError("width, num_layers, num_heads and mlp_ratio must be at least 1")
        if self.width % self.num_heads:
            raise ValueError(f"width {self.width} must divide by num_heads {self.num_heads}")


class TextEncoder(nn.Module):
    """Token + position embeddings -> transformer layers -> word embeddings (N, L, width).

    >>> encoder = TextEncoder(TextEncoderConfig(width=8, num_heads=2, max_words=6))
    >>> ids, padding_mask = encoder.tokenizer(["a red disk on sand", ""])
    >>> encoder(ids, padding_mask).shape
    torch.Size([2, 7, 8])
    """

    def __init__(self, config: TextEncoderConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or TextEncoderConfig()
        self.tokenizer = Tokenizer(config.vocabulary, config.max_words)
        self.token_embedding = nn.Embedding(len(self.tokenizer.tokens), config.width)
        self.position_embedding = nn.Parameter(torch.zeros(self.tokenizer.length, config.width))
        nn.init.normal_(self.position_embedding, std=0.02)
        layer = nn.TransformerEncoderLayer(
            config.width, config.num_heads, config.mlp_ratio * config.width,
            config.dropout_rate, activation="gelu", batch_first=True, norm_first=True,
        )  # fmt: skip
        self.layers = nn.TransformerEncoder(
            layer, config.num_layers, norm=nn.LayerNorm(config.width), enable_nested_tensor=False
        )

    def forward(self, ids: torch.Tensor, padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """ids int64 (N, L), padding_mask bool (N, L) True at padding -> (N, L, width).

        Padded positions attend to the words but no word attends to them, so a caption's
        embeddings do not depend on how much padding follows it.
        """
        if ids.ndim != 2 or ids.shape[1] > self.tokenizer.length:
            raise ValueError(
                f"TextEncoder expects ids (N, L) with L <= {self.tokenizer.length}, got {ids.shape}"
            )
        x = self.token_embedding(ids) + self.position_embedding[: ids.shape[1]]  # (N, L, width)
        return self.layers(x, src_key_padding_mask=padding_mask)  # (N, L, width)

    def encode(self, prompts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Prompts -> (word embeddings (N, L, width), padding_mask (N, L)) on the model's device."""
        ids, padding_mask = self.tokenizer(prompts)
        device = self.token_embedding.weight.device
        ids, padding_mask = ids.to(device), padding_mask.to(device)
        return self(ids, padding_mask), padding_mask

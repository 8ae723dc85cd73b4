"""eps_theta(x_t, t, words): the noise-predicting U-Net, steered by a sentence.

The diffusion chapter's U-Net (``models/eps_unet.py``: residual blocks that know the step t,
an encoder-decoder with skips) with one new block: at the coarsest resolutions, where each
feature pixel sees a large part of the scene, every pixel *attends to the words* of the prompt
(cross-attention, ``models/attention.py``; as latent diffusion does, Rombach et al. 2022,
eq. 3). The words come from a small transformer text encoder trained with it
(``models/text.py``); the encoder's first output (at ``<start>``) also shifts every block like
the step does, a summary of the whole sentence.

The prompt travels as token ids ``y`` (N, L) (``model.tokenizer``), so ``neuralens.diffusion``
samples and guides it unchanged: a row of ``NO_CLASS`` (-1) everywhere means "no prompt" and is
read as the empty caption (``<start>`` alone), exactly what an empty prompt encodes to, so
classifier-free guidance's unconditional model is the model given nothing to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from neuralens.models.attention import CrossAttention
from neuralens.models.blocks import make_norm
from neuralens.models.eps_unet import EpsUNetConfig, TimeResBlock, timestep_embedding
from neuralens.models.text import PAD, START, TextEncoder, TextEncoderConfig


@dataclass
class TextEpsUNetConfig:
    """Sizes of the text-conditioned U-Net and of its text encoder."""

    image_size: int = 32  # images are image_size x image_size (divisible by 2^(levels - 1))
    num_channels: int = 3  # RGB scenes
    channels: tuple[int, ...] = (32, 64, 96)  # feature maps at full, 1/2 and 1/4 size
    embedding_dim: int = 64  # size of the step (and sentence) embedding every block gets
    attention_levels: int = 2  # cross-attention at this many coarsest resolutions (>= 1)
    num_heads: int = 4  # attention heads of each cross-attention
    coordinates: bool = False  # also feed each pixel's (x, y) in [-1, 1]: where "left" is
    query_positions: bool = False  # pixels ask the words knowing where they are (see below)
    text: TextEncoderConfig = field(default_factory=TextEncoderConfig)  # the words' encoder

    def __post_init__(self) -> None:
        self.channels = tuple(int(count) for count in self.channels)
        if isinstance(self.text, dict):  # as a checkpoint stores it
            self.text = TextEncoderConfig(**self.text)
        EpsUNetConfig(self.image_size, self.num_channels, self.channels)  # the U-Net's checks
        if not 1 <= self.attention_levels <= len(self.channels):
            raise ValueError(
                f"attention_levels must be in 1..{len(self.channels)}, got {self.attention_levels}"
            )
        if any(c % self.num_heads for c in self.channels[-self.attention_levels :]):
            raise ValueError(
                f"the attended channels {self.channels[-self.attention_levels :]} must divide "
                f"by num_heads={self.num_heads}"
            )


def pixel_coordinates(x: torch.Tensor) -> torch.Tensor:
    """Two channels holding each pixel's column and row, from -1 (left, top) to 1.

    Convolutions see the same weights everywhere, so on their own they only learn where a
    pixel is from the padding at the borders; with these channels "on the left" is a number
    (CoordConv, Liu et al. 2018).

    >>> pixel_coordinates(torch.zeros(1, 3, 2, 3))[0, 0]  # the x channel
    tensor([[-1.,  0.,  1.],
            [-1.,  0.,  1.]])
    """
    N, _, H, W = x.shape
    rows = torch.linspace(-1, 1, H, dtype=x.dtype, device=x.device)
    columns = torch.linspace(-1, 1, W, dtype=x.dtype, device=x.device)
    grid_y, grid_x = torch.meshgrid(rows, columns, indexing="ij")  # (H, W) each
    return torch.stack([grid_x, grid_y]).expand(N, 2, H, W)


def sinusoid_positions(channels: int, size: int) -> torch.Tensor:
    """(channels, size, size): sines and cosines of the column (first half) and row (second).

    The 2-D form of the transformer's position code (Vaswani et al. 2017, section 3.5):
    frequencies from 1 to 1/100 cycles per pixel, so near and far places differ.

    >>> code = sinusoid_positions(8, 4)
    >>> x_half, y_half = code[:4], code[4:]
    >>> bool((x_half == x_half[:, :1]).all()), bool((y_half == y_half[:, :, :1]).all())
    (True, True)
    """
    quarter = channels // 4
    frequencies = 100.0 ** (-torch.arange(quarter, dtype=torch.float32) / max(quarter, 1))
    place = torch.arange(size, dtype=torch.float32)[:, None] * frequencies  # (size, quarter)
    wave = torch.cat([place.sin(), place.cos()], dim=1).T  # (2 quarter, size)
    code = torch.zeros(channels, size, size)
    code[: 2 * quarter] = wave[:, None, :]  # varies along x (columns)
    code[2 * quarter : 4 * quarter] = wave[:, :, None]  # varies along y (rows)
    return code


class WordAttention(nn.Module):
    """x + CrossAttention(GroupNorm(x), words): a residual block in which pixels read words.

    The output projection starts at zero, so an untrained block passes x unchanged. With
    ``size``, each pixel's query also carries a learned code of its place (started from
    ``sinusoid_positions``), as a vision transformer's patches do: a convolution's features
    hardly know where they are, so without it "left" cannot steer the left pixels only.
    """

    def __init__(self, channels: int, context_dim: int, num_heads: int, size: int = 0) -> None:
        super().__init__()
        self.norm = make_norm("group", channels)
        self.attention = CrossAttention(channels, context_dim, num_heads)
        nn.init.zeros_(self.attention.to_out.weight)
        nn.init.zeros_(self.attention.to_out.bias)
        self.position = nn.Parameter(sinusoid_positions(channels, size)[None]) if size else None

    def forward(self, x, words, padding_mask) -> tuple[torch.Tensor, torch.Tensor]:
        queries = self.norm(x) if self.position is None else self.norm(x) + self.position
        attended, weights = self.attention(queries, words, padding_mask)
        return x + attended, weights  # (N, C, H, W), (N, heads, H*W, L)


class TextEpsUNet(nn.Module):
    """eps_theta(x_t, t, y): x_t (N, C, H, W), t (N,) steps, y (N, L) token ids -> (N, C, H, W).

    >>> config = TextEpsUNetConfig(image_size=8, channels=(8, 16), num_heads=2,
    ...                            text=TextEncoderConfig(width=8, num_heads=2))
    >>> model = TextEpsUNet(config)
    >>> y = model.tokenizer(["a red disk on sand", ""])[0]
    >>> model(torch.zeros(2, 3, 8, 8), torch.tensor([5, 9]), y).shape
    torch.Size([2, 3, 8, 8])
    """

    def __init__(self, config: TextEpsUNetConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or TextEpsUNetConfig()
        dim, width = config.embedding_dim, config.text.width
        self.text_encoder = TextEncoder(config.text)
        self.time_mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.sentence = nn.Linear(width, dim)  # the <start> output: the whole sentence
        channels, levels = config.channels, len(config.channels)
        self.attended = [level >= levels - config.attention_levels for level in range(levels)]
        extra = 2 if config.coordinates else 0  # CoordConv (Liu et al. 2018): x, y channels
        self.stem = nn.Conv2d(config.num_channels + extra, channels[0], 3, padding=1)
        self.down_blocks = nn.ModuleList(TimeResBlock(c, c, config) for c in channels)
        sizes = [config.image_size // 2**level if config.query_positions else 0
                 for level in range(levels)]  # fmt: skip
        self.down_attention = nn.ModuleDict({
            str(level): WordAttention(c, width, config.num_heads, sizes[level])
            for level, c in enumerate(channels) if self.attended[level]
        })  # fmt: skip
        self.downsample = nn.ModuleList(
            nn.Conv2d(c_in, c_out, 3, stride=2, padding=1)
            for c_in, c_out in zip(channels[:-1], channels[1:], strict=True)
        )
        self.middle = TimeResBlock(channels[-1], channels[-1], config)
        self.middle_attention = WordAttention(channels[-1], width, config.num_heads, sizes[-1])
        self.upsample = nn.ModuleList(
            nn.ConvTranspose2d(c_in, c_out, 2, stride=2)
            for c_in, c_out in zip(channels[:0:-1], channels[-2::-1], strict=True)
        )
        self.up_blocks = nn.ModuleList(TimeResBlock(2 * c, c, config) for c in channels[-2::-1])
        self.up_attention = nn.ModuleDict({
            str(level): WordAttention(channels[level], width, config.num_heads, sizes[level])
            for level in range(levels - 2, -1, -1) if self.attended[level]
        })  # fmt: skip
        self.out_norm = make_norm("group", channels[0])
        self.out = nn.Conv2d(channels[0], config.num_channels, 3, padding=1)
        nn.init.zeros_(self.out.weight)  # starts by predicting zero noise
        nn.init.zeros_(self.out.bias)

    @property
    def tokenizer(self):
        """Prompts -> (ids, padding_mask); ``tokenizer(prompts)[0]`` is this model's ``y``."""
        return self.text_encoder.tokenizer

    def read_prompt(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids (N, L) -> (ids, padding_mask); all-negative rows become the empty caption."""
        length = self.tokenizer.length
        if y.ndim != 2 or not 1 <= y.shape[1] <= length or y.is_floating_point():
            raise ValueError(f"y must be token ids (N, L) with 1 <= L <= {length}, "
                             f"got {y.dtype} {tuple(y.shape)}")  # fmt: skip
        pad, start = self.tokenizer.ids[PAD], self.tokenizer.ids[START]
        empty = (y < 0).all(dim=1)  # NO_CLASS rows: the unconditional model
        ids = torch.where(y < 0, torch.full_like(y, pad), y)
        ids[:, 0] = torch.where(empty, torch.full_like(ids[:, 0], start), ids[:, 0])
        if (ids[:, 0] != start).any() or int(ids.max()) >= len(self.tokenizer.tokens):
            raise ValueError("each row of y must be a tokenizer encoding (starting with <start>) "
                             "or all NO_CLASS (-1) for no prompt")  # fmt: skip
        return ids, ids == pad

    def forward_with_attention(
        self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The predicted noise and every cross-attention's weights, by block name.

        Weights are (N, heads, H*W, L) at that block's resolution ("down2", "middle", "up1").
        """
        shape = (self.config.num_channels, self.config.image_size, self.config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != shape or t.shape != (len(x),) or len(y) != len(x):
            raise ValueError(f"TextEpsUNet expects x_t (N, {shape}), t (N,) and y (N, L); got "
                             f"{tuple(x.shape)}, {tuple(t.shape)}, {tuple(y.shape)}")  # fmt: skip
        ids, padding_mask = self.read_prompt(y)
        words = self.text_encoder(ids, padding_mask)  # (N, L, width)
        time = timestep_embedding(t, self.config.embedding_dim)
        embedding = self.time_mlp(time) + self.sentence(words[:, 0])  # (N, E)
        maps: dict[str, torch.Tensor] = {}
        if self.config.coordinates:  # (N, C, H, W) -> (N, C + 2, H, W)
            x = torch.cat([x, pixel_coordinates(x)], dim=1)
        h = self.stem(x)  # (N, C, H, W) -> (N, c0, H, W)
        skips = []
        for level, block in enumerate(self.down_blocks):
            h = block(h, embedding)
            if str(level) in self.down_attention:
                h, maps[f"down{level}"] = self.down_attention[str(level)](h, words, padding_mask)
            if level < len(self.downsample):
                skips.append(h)
                h = self.downsample[level](h)  # (N, c_l, s, s) -> (N, c_l+1, s/2, s/2)
        h = self.middle(h, embedding)
        h, maps["middle"] = self.middle_attention(h, words, padding_mask)
        for index, (conv, block) in enumerate(zip(self.upsample, self.up_blocks, strict=True)):
            level = len(self.config.channels) - 2 - index
            h = conv(h)  # (N, c_l+1, s, s) -> (N, c_l, 2s, 2s)
            h = block(torch.cat([h, skips.pop()], dim=1), embedding)
            if str(level) in self.up_attention:
                h, maps[f"up{level}"] = self.up_attention[str(level)](h, words, padding_mask)
        return self.out(F.silu(self.out_norm(h))), maps  # (N, C, H, W)

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.forward_with_attention(x, t, y)[0]

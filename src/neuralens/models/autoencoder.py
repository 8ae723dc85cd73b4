"""Auto-encoders: an encoder-decoder WITHOUT skip connections, squeezing a digit into a few numbers.

The lecture's picture: the encoder turns the whole 28x28 image into a short list of
numbers, the **latent space** (4 numbers by default: "we summarize 28x28 pixels with just
4 values"); the decoder turns those numbers back into an image. Trained with the image as
its own target, no labels are needed. Every bit of the picture must pass through the
bottleneck, so the latent numbers have to describe the digit.

- :class:`AutoEncoder`: the plain auto-encoder. ``noise_std > 0`` makes it the
  **denoising** variant (Vincent et al. 2008): training feeds a noisy image and asks for
  the clean one (the noise is added by the ``reconstruct`` task's loss).
- :class:`VAE`: the **variational auto-encoder** (Kingma & Welling 2014). The encoder
  gives a Gaussian per image (mean ``mu``, log-variance); training decodes a random point
  of it (the reparameterisation trick, their eq. 10) and adds ``beta`` times its KL
  divergence from the prior (Higgins et al. 2017 for beta), so that new numbers drawn from
  the prior decode to plausible digits. The prior is N(0, I), or with ``prior_components``
  a mixture of Gaussians learned with the model (a learned prior, as Tomczak & Welling
  2018's mixture baseline): one N(0, I) must hold ten kinds of digit in 4 numbers, so its
  draws often land between them; a mixture can give each kind its own place.
- ``skips=True``: the same encoder-decoder **with** skip connections, i.e. a U-Net (the
  blocks are the vision-task U-Net's, :mod:`neuralens.models.blocks`): each decoder stage
  also receives the encoder's maps of its size. It reconstructs almost perfectly through
  the same bottleneck, because the picture travels around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn

from neuralens.models.blocks import ConvNormAct, DownBlock, UpBlock

LOG_VAR_RANGE = (-12.0, 8.0)  # clamp of log sigma^2: keeps exp() finite early in training
LIKELIHOODS = ("bernoulli", "gaussian")  # the decoder's model of a pixel, p(x | z)


@dataclass
class AutoEncoderConfig:
    """Sizes of the auto-encoder; the flattened size is derived from the image and the stages."""

    image_size: int = 28  # images are image_size x image_size pixels
    num_channels: int = 1  # 1 for gray digits
    channels: tuple[int, ...] = (8, 16, 32)  # maps at full size, then after each halving
    hidden_size: int = 0  # dense layers between flattened maps and latent numbers (0: none)
    # how many such layers on each side: a deeper dense path turns 4 numbers into the
    # decoder's maps (and back) more freely, at little cost next to the convolutions
    hidden_layers: int = 1
    latent_dim: int = 4  # the latent space: numbers per image
    noise_std: float = 0.0  # denoising: std of the Gaussian noise added to training inputs
    skips: bool = False  # U-Net: decoder stages also receive the encoder's maps (the contrast)
    # the decoder's maps at full size, then after each halving (() mirrors ``channels``): a
    # decoder wider than the encoder spends the compute where the picture is drawn
    decoder_channels: tuple[int, ...] = ()
    up_kernel: int = 1  # filter after each nearest-neighbour doubling (1: cheap, 3: sees shapes)
    head_kernel: int = 1  # filter of the output head (maps -> pixels)
    # p(x | z): "bernoulli" scores pixels by binary cross-entropy, "gaussian" by squared error
    # over 2 pixel_std^2 (the metric learners compare); pixel_std 0 = the batch's own RMS error,
    # the optimal (calibrated) decoder variance of Rybkin et al. 2021
    likelihood: str = "bernoulli"
    pixel_std: float = 0.0

    def __post_init__(self) -> None:
        self.channels = tuple(int(count) for count in self.channels)
        self.decoder_channels = tuple(int(count) for count in self.decoder_channels)
        if len(self.channels) < 2 or any(count < 1 for count in self.channels):
            raise ValueError(
                f"channels needs >= 2 sizes of >= 1 maps (full size, then halved), got "
                f"{self.channels}"
            )
        if self.decoder_channels and (
            len(self.decoder_channels) != len(self.channels) or min(self.decoder_channels) < 1
        ):
            raise ValueError(
                f"decoder_channels needs {len(self.channels)} sizes of >= 1 maps, one per size "
                f"of channels {self.channels}, got {self.decoder_channels}"
            )
        if (
            self.up_kernel % 2 == 0
            or self.head_kernel % 2 == 0
            or min(self.up_kernel, self.head_kernel) < 1
        ):
            raise ValueError(
                f"up_kernel and head_kernel must be odd (same-size padding), got "
                f"{self.up_kernel}, {self.head_kernel}"
            )
        if self.likelihood not in LIKELIHOODS:
            raise ValueError(
                f"likelihood must be one of {', '.join(LIKELIHOODS)}, got {self.likelihood!r}"
            )
        if not self.pixel_std >= 0:
            raise ValueError(f"pixel_std must be >= 0 (0: calibrated), got {self.pixel_std}")
        if self.latent_dim < 1 or self.hidden_size < 0 or self.hidden_layers < 1:
            raise ValueError(
                f"latent_dim and hidden_layers must be >= 1 and hidden_size >= 0, got "
                f"{self.latent_dim}, {self.hidden_layers}, {self.hidden_size}"
            )
        if self.image_size % 2**self.num_stages:
            raise ValueError(
                f"{self.num_stages} stages halve the image {self.num_stages} times: "
                f"image_size must divide by {2**self.num_stages}, got {self.image_size}"
            )
        if self.noise_std < 0:
            raise ValueError(f"noise_std must be >= 0, got {self.noise_std}")

    @property
    def num_stages(self) -> int:
        """How many times the encoder halves the image (and the decoder doubles it)."""
        return len(self.channels) - 1

    @property
    def feature_size(self) -> int:
        """Side of the smallest maps (28 -> 14 -> 7)."""
        return self.image_size // 2**self.num_stages

    @property
    def num_flat(self) -> int:
        """Length of the encoder's flattened smallest maps: maps x height x width."""
        return self.channels[-1] * self.feature_size**2

    @property
    def decoder_sizes(self) -> tuple[int, ...]:
        """The decoder's maps per size, full size first (the encoder's unless set apart)."""
        return self.decoder_channels or self.channels


@dataclass
class VAEConfig(AutoEncoderConfig):
    """The auto-encoder's sizes plus the weight of the KL term."""

    beta: float = 1.0  # weight of KL(q(z|x) || p(z)); 1 is the plain VAE (beta-VAE above)
    prior_components: int = 0  # p(z): 0 = N(0, I); K >= 1 = a learned mixture of K Gaussians

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.beta >= 0:
            raise ValueError(f"beta must be >= 0, got {self.beta}")
        if self.prior_components < 0:
            raise ValueError(
                f"prior_components must be >= 0 (0: the standard normal prior), got "
                f"{self.prior_components}"
            )


def dense_path(sizes: list[int]) -> list[nn.Module]:
    """Linear layers through ``sizes`` with a ReLU between consecutive ones."""
    layers: list[nn.Module] = []
    for size_in, size_out in pairwise(sizes):
        layers += [nn.Linear(size_in, size_out), nn.ReLU()]
    return layers[:-1]


class AutoEncoder(nn.Module):
    """Encoder (image -> latent numbers) and decoder (latent numbers -> image logits).

    Input: images in [0, 1], shape (N, C, H, W). ``encode`` gives (N, latent_dim);
    ``decode`` takes (N, latent_dim) and gives pixel logits (N, C, H, W) (``sigmoid``
    makes them an image). ``forward`` returns the reconstruction's logits, the latent
    numbers and, for a VAE, their log-variance (None here).

    >>> model = AutoEncoder(AutoEncoderConfig(image_size=8, channels=(4, 8)))
    >>> model.encode(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 4])
    >>> model.decode(torch.zeros(3, 4)).shape
    torch.Size([3, 1, 8, 8])
    """

    config: AutoEncoderConfig
    latent_outputs = 1  # numbers the encoder gives per latent dimension (a VAE: mu, log var)

    def __init__(self, config: AutoEncoderConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or type(self).default_config()
        sizes = config.channels
        self.stem = ConvNormAct(config.num_channels, sizes[0])  # (N, C, H, W) -> (N, c0, H, W)
        self.downs = nn.ModuleList(
            DownBlock(size_in, size_out) for size_in, size_out in pairwise(sizes)
        )
        hidden = [config.hidden_size] * config.hidden_layers if config.hidden_size else []
        outputs = self.latent_outputs * config.latent_dim
        # (N, c_last, s, s) -> (N, num_flat) -> [hidden x layers] -> (N, latent_dim [x 2])
        self.to_latent = nn.Sequential(
            nn.Flatten(), *dense_path([config.num_flat, *hidden, outputs])
        )
        side, decoder = config.feature_size, config.decoder_sizes
        # (N, latent_dim) -> [hidden x layers] -> (N, d_last * s * s) -> (N, d_last, s, s)
        self.from_latent = nn.Sequential(
            *dense_path([config.latent_dim, *hidden, decoder[-1] * side**2]),
            nn.ReLU(),
            nn.Unflatten(1, (decoder[-1], side, side)),
        )
        # the decoder walks back up: d_last -> ... -> d0, the size doubling each stage;
        # with skips, each stage also takes the encoder's maps of its output size (a U-Net)
        self.ups = nn.ModuleList(
            UpBlock(size_in, skip if config.skips else 0, size_out, reduce_kernel=config.up_kernel)
            for (size_in, size_out), skip in zip(
                pairwise(decoder[::-1]), sizes[-2::-1], strict=True
            )
        )
        # (N, d0, H, W) -> (N, C, H, W)
        self.head = nn.Conv2d(
            decoder[0], config.num_channels, config.head_kernel, padding=config.head_kernel // 2
        )
        # filters stored channels-last: the CPU's convolutions run faster on it (values
        # unchanged); batch norm's backward pass over 8 maps is slow in it (the recipe uses 16)
        self.to(memory_format=torch.channels_last)

    @staticmethod
    def default_config() -> AutoEncoderConfig:
        return AutoEncoderConfig()

    def check_images(self, x: torch.Tensor) -> None:
        """Raise a ValueError unless ``x`` is (N, C, H, W) with this model's C, H, W."""
        config = self.config
        shape = (config.num_channels, config.image_size, config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != shape:
            raise ValueError(
                f"the auto-encoder expects images (N, {', '.join(map(str, shape))}), got "
                f"{tuple(x.shape)}"
            )

    def check_latent(self, z: torch.Tensor) -> None:
        """Raise a ValueError unless ``z`` is (N, latent_dim) and finite."""
        if z.ndim != 2 or z.shape[1] != self.config.latent_dim:
            raise ValueError(
                f"the decoder expects latent vectors (N, {self.config.latent_dim}), got "
                f"{tuple(z.shape)}"
            )
        if not torch.isfinite(z).all():
            raise ValueError("latent numbers must be finite, got NaN or infinity")

    def encoder_features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The encoder's maps at every size, largest first: (N, c0, H, W), (N, c1, H/2, W/2)..."""
        self.check_images(x)
        features = [self.stem(x)]
        for down in self.downs:
            features.append(down(features[-1]))  # (N, C_in, H, W) -> (N, C_out, H/2, W/2)
        return features

    def latent(self, features: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Encoder maps -> the latent numbers (N, latent_dim), and no variance."""
        return self.to_latent(features[-1]), None

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) images -> (N, latent_dim) latent numbers (a VAE: the mean)."""
        return self.latent(self.encoder_features(x))[0]

    def decode(self, z: torch.Tensor, skips: list[torch.Tensor] | None = None) -> torch.Tensor:
        """(N, latent_dim) -> (N, C, H, W) pixel logits.

        ``skips``: the encoder's maps (U-Net only). A U-Net decoded without them gets
        zeros in their place: what its bottleneck alone carries.
        """
        self.check_latent(z)
        x = self.from_latent(z)  # (N, c_last, s, s)
        for index, up in enumerate(self.ups):
            skip = None
            if self.config.skips:
                size, channels = 2 * x.shape[-1], self.config.channels[-2 - index]
                zeros = x.new_zeros(len(x), channels, size, size)
                skip = zeros if skips is None else skips[-2 - index]
            x = up(x, skip)  # (N, C_in, s, s) -> (N, C_out, 2s, 2s)
        return self.head(x)

    def sample_latent(self, mu: torch.Tensor, log_var: torch.Tensor | None) -> torch.Tensor:
        """The point the decoder gets while training: the latent numbers themselves."""
        return mu

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(N, C, H, W) in [0, 1] -> logits (N, C, H, W), latent (N, latent_dim), log var."""
        features = self.encoder_features(x)
        mu, log_var = self.latent(features)
        z = self.sample_latent(mu, log_var) if self.training else mu
        return self.decode(z, features if self.config.skips else None), mu, log_var


class VAE(AutoEncoder):
    """The variational auto-encoder: the encoder gives a Gaussian q(z|x) per image.

    >>> model = VAE(VAEConfig(image_size=8, channels=(4, 8), latent_dim=2))
    >>> logits, mu, log_var = model(torch.zeros(3, 1, 8, 8))
    >>> logits.shape, mu.shape, log_var.shape
    (torch.Size([3, 1, 8, 8]), torch.Size([3, 2]), torch.Size([3, 2]))
    """

    config: VAEConfig
    latent_outputs = 2  # mu and log sigma^2 per latent number

    def __init__(self, config: VAEConfig | None = None) -> None:
        super().__init__(config)
        components, k = self.config.prior_components, self.config.latent_dim
        if components:  # p(z) = sum_c pi_c N(z; m_c, diag s_c^2), learned with the model
            generator = torch.Generator().manual_seed(0)  # the means start spread over N(0, I)
            self.prior_means = nn.Parameter(torch.randn(components, k, generator=generator))
            self.prior_log_vars = nn.Parameter(torch.zeros(components, k))
            self.prior_logits = nn.Parameter(torch.zeros(components))

    @staticmethod
    def default_config() -> VAEConfig:
        return VAEConfig()

    def prior_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        """log p(z) of latent vectors (N, k): (N,)."""
        if not self.config.prior_components:
            return gaussian_log_prob(z, torch.zeros_like(z), torch.zeros_like(z))
        log_pi = torch.log_softmax(self.prior_logits, dim=0)  # (K,)
        per_component = gaussian_log_prob(z[:, None], self.prior_means, self.prior_log_vars)
        return torch.logsumexp(log_pi + per_component, dim=1)  # (N, K) -> (N,)

    def kl(self, mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        """KL(q(z|x) || p(z)) per image, (N,).

        N(0, I): exact (:func:`kl_divergence`). A mixture has no closed form: one draw
        z ~ q(z|x) estimates it without bias, log q(z|x) - log p(z) (Kingma & Welling 2014,
        eq. 6's Monte Carlo estimate; Tomczak & Welling 2018, eq. 9).
        """
        if not self.config.prior_components:
            return kl_divergence(mu, log_var)
        z = self.sample_latent(mu, log_var)
        return gaussian_log_prob(z, mu, log_var) - self.prior_log_prob(z)

    def sample_prior(self, n: int, generator: torch.Generator | None = None,
                     temperature: float = 1.0) -> torch.Tensor:  # fmt: skip
        """``n`` latent vectors (n, k) drawn from p(z) (each std x ``temperature``)."""
        k = self.config.latent_dim
        noise = torch.randn(n, k, generator=generator, dtype=torch.float64)
        if not self.config.prior_components:
            return temperature * noise
        weights = torch.softmax(self.prior_logits.detach().double(), dim=0)
        chosen = torch.multinomial(weights, n, replacement=True, generator=generator)  # (n,)
        means = self.prior_means.detach().double()[chosen]
        stds = torch.exp(0.5 * self.prior_log_vars.detach().double()[chosen])
        return means + temperature * stds * noise

    def latent(self, features: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Encoder maps -> mu and log sigma^2, each (N, latent_dim)."""
        mu, log_var = self.to_latent(features[-1]).chunk(2, dim=1)
        return mu, log_var.clamp(*LOG_VAR_RANGE)

    def sample_latent(self, mu: torch.Tensor, log_var: torch.Tensor | None) -> torch.Tensor:
        """z = mu + sigma * eps, eps ~ N(0, I): the reparameterisation trick (Kingma & Welling
        2014, eq. 10) keeps the randomness off the weights' path, so gradients reach mu, sigma."""
        return mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)


def kl_divergence(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, I)) per image, summed over the latent numbers: (N,).

    Kingma & Welling (2014), appendix B: -1/2 sum(1 + log sigma^2 - mu^2 - sigma^2).
    It is 0 only when every mu = 0 and sigma = 1: the prior itself.

    >>> kl_divergence(torch.zeros(1, 4), torch.zeros(1, 4)).item()
    0.0
    >>> round(kl_divergence(torch.ones(1, 2), torch.zeros(1, 2)).item(), 3)
    1.0
    """
    return 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(dim=1)


def gaussian_log_prob(z: torch.Tensor, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """log N(z; mean, diag exp(log_var)), summed over the last axis (shapes broadcast).

    >>> round(gaussian_log_prob(torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 2)).item(), 4)
    -1.8379
    """
    return -0.5 * ((z - mean).pow(2) * torch.exp(-log_var) + log_var + math.log(2 * math.pi)).sum(
        dim=-1
    )

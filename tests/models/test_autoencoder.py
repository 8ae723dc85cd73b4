"""The auto-encoder family: shapes, the bottleneck, the VAE's Gaussian, the U-Net's skips."""

from __future__ import annotations

import pytest
import torch

from neuralens.models import build_model
from neuralens.models.autoencoder import (
    VAE,
    AutoEncoder,
    AutoEncoderConfig,
    VAEConfig,
    kl_divergence,
)

TINY = {"image_size": 8, "channels": (4, 8), "latent_dim": 3}


@pytest.mark.parametrize("hidden_size", [0, 16])
def test_shapes_through_the_bottleneck(hidden_size):
    model = AutoEncoder(AutoEncoderConfig(**TINY, hidden_size=hidden_size))
    x = torch.rand(5, 1, 8, 8)
    logits, z, log_var = model(x)
    assert logits.shape == (5, 1, 8, 8) and z.shape == (5, 3) and log_var is None
    assert model.decode(torch.zeros(2, 3)).shape == (2, 1, 8, 8)


def test_everything_passes_through_the_latent_numbers():
    """Without skips, two images with the same latent numbers decode identically."""
    model = AutoEncoder(AutoEncoderConfig(**TINY)).eval()
    x = torch.rand(2, 1, 8, 8)
    with torch.no_grad():
        z = model.encode(x)
        assert torch.allclose(model(x)[0], model.decode(z))


def test_vae_decodes_a_random_point_while_training_and_the_mean_in_eval():
    model = VAE(VAEConfig(**TINY))
    x = torch.rand(4, 1, 8, 8)
    torch.manual_seed(0)
    first = model(x)[0]
    second = model(x)[0]
    assert not torch.allclose(first, second)  # eps differs: z = mu + sigma * eps
    model.eval()
    with torch.no_grad():
        logits, mu, log_var = model(x)
        assert torch.allclose(logits, model.decode(mu)) and log_var.shape == (4, 3)


def test_unet_variant_uses_its_skips():
    model = AutoEncoder(AutoEncoderConfig(**TINY, skips=True)).eval()
    x = torch.rand(2, 1, 8, 8)
    with torch.no_grad():
        full = model(x)[0]
        alone = model.decode(model.encode(x))  # skips replaced by zeros
    assert full.shape == alone.shape == (2, 1, 8, 8)
    assert not torch.allclose(full, alone)


def test_kl_is_zero_only_at_the_prior():
    assert kl_divergence(torch.zeros(3, 2), torch.zeros(3, 2)).abs().max() == 0
    assert (kl_divergence(torch.randn(3, 2), torch.randn(3, 2)) > 0).all()


def test_registered_by_name():
    assert isinstance(build_model("autoencoder", {"latent_dim": 2}), AutoEncoder)
    assert isinstance(build_model("vae", {"beta": 0.5}), VAE)


def test_a_wider_decoder_with_3x3_filters_keeps_the_shapes_and_the_bottleneck():
    config = AutoEncoderConfig(**TINY, decoder_channels=(6, 12), up_kernel=3, head_kernel=3)
    model = AutoEncoder(config).eval()
    assert model.ups[0].reduce.conv.weight.shape == (6, 12, 3, 3)  # d1 -> d0 after doubling
    assert model.head.weight.shape == (1, 6, 3, 3)
    x = torch.rand(2, 1, 8, 8)
    with torch.no_grad():
        assert torch.allclose(model(x)[0], model.decode(model.encode(x)))
    skips = AutoEncoder(AutoEncoderConfig(**TINY, decoder_channels=(6, 12), skips=True))
    assert skips(x)[0].shape == (2, 1, 8, 8)  # the skips keep the encoder's widths


def test_default_decoder_mirrors_the_encoder_as_old_checkpoints_expect():
    """Configs saved before the decoder options load into the same layers."""
    model = AutoEncoder(AutoEncoderConfig(**TINY))
    assert model.config.decoder_sizes == (4, 8)
    assert model.head.weight.shape == (1, 4, 1, 1)
    assert model.ups[0].reduce.conv.weight.shape == (4, 8, 1, 1)


@pytest.mark.parametrize(
    "bad",
    [{"channels": (8,)}, {"latent_dim": 0}, {"image_size": 30}, {"noise_std": -1.0},
     {"channels": (8, 16), "decoder_channels": (8, 16, 32)},
     {"channels": (8, 16), "decoder_channels": (0, 16)}, {"up_kernel": 2},
     {"head_kernel": 0}, {"likelihood": "poisson"}, {"pixel_std": -0.1}],
)  # fmt: skip
def test_bad_configs_are_clear_errors(bad):
    with pytest.raises(ValueError):
        AutoEncoderConfig(**bad)
    with pytest.raises(ValueError, match="beta"):
        VAEConfig(beta=-1.0)


def test_wrong_inputs_name_the_expected_shape():
    model = AutoEncoder(AutoEncoderConfig(**TINY))
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\)"):
        model.encode(torch.zeros(2, 8, 8))
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        model.decode(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="finite"):
        model.decode(torch.tensor([[0.0, float("nan"), 1.0]]))

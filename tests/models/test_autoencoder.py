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


def test_a_deeper_dense_path_stacks_hidden_layers_on_both_sides_of_the_latent():
    """hidden_layers=3: maps -> 16 -> 16 -> 16 -> latent, and latent -> 16 x 3 -> maps."""
    model = AutoEncoder(AutoEncoderConfig(**TINY, hidden_size=16, hidden_layers=3))
    for path, first, last in ((model.to_latent, 8 * 4 * 4, 3), (model.from_latent, 3, 8 * 4 * 4)):
        linears = [layer for layer in path if isinstance(layer, torch.nn.Linear)]
        sizes = [linears[0].in_features] + [layer.out_features for layer in linears]
        assert sizes == [first, 16, 16, 16, last]
    assert model(torch.rand(2, 1, 8, 8))[0].shape == (2, 1, 8, 8)
    one = AutoEncoder(AutoEncoderConfig(**TINY, hidden_size=16))  # the default: one layer
    assert sum(isinstance(layer, torch.nn.Linear) for layer in one.to_latent) == 2


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
     {"head_kernel": 0}, {"likelihood": "poisson"}, {"pixel_std": -0.1},
     {"hidden_layers": 0}],
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


def test_the_standard_normal_prior_scores_like_the_closed_form():
    model = VAE(VAEConfig(**TINY))
    z = torch.randn(5, 3)
    expected = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(dim=1)
    assert torch.allclose(model.prior_log_prob(z), expected, atol=1e-6)
    mu, log_var = torch.randn(5, 3), torch.randn(5, 3)
    assert torch.equal(model.kl(mu, log_var), kl_divergence(mu, log_var))


def test_a_mixture_prior_is_a_normalised_density_and_its_kl_estimate_is_unbiased():
    """One component at 0 with unit variance is N(0, I): the one-draw estimate of the KL
    averages to the closed form; a mixture's log p(z) is the log of its weighted sum."""
    model = VAE(VAEConfig(**TINY, prior_components=1))
    with torch.no_grad():
        model.prior_means.zero_()
    mu, log_var = torch.randn(1, 3).expand(20_000, 3), torch.randn(1, 3).expand(20_000, 3)
    torch.manual_seed(0)
    estimate = model.kl(mu, log_var).mean()
    exact = kl_divergence(mu[:1], log_var[:1])[0]
    assert abs(estimate - exact) < 0.05 * exact + 0.02
    mixture = VAE(VAEConfig(**TINY, prior_components=3))
    z = torch.randn(4, 3)
    weights = torch.softmax(mixture.prior_logits, 0)
    components = torch.distributions.Normal(mixture.prior_means,
                                            torch.exp(0.5 * mixture.prior_log_vars))  # fmt: skip
    density = (weights * components.log_prob(z[:, None]).sum(-1).exp()).sum(1)
    assert torch.allclose(mixture.prior_log_prob(z), density.log(), atol=1e-5)


def test_prior_samples_follow_the_learned_mixture():
    model = VAE(VAEConfig(**TINY, prior_components=2))
    with torch.no_grad():
        model.prior_means.copy_(torch.tensor([[-5.0, 0, 0], [5.0, 0, 0]]))
        model.prior_log_vars.fill_(2 * torch.log(torch.tensor(0.1)))
        model.prior_logits.copy_(torch.tensor([0.0, 20.0]))  # all weight on the second
    z = model.sample_prior(500, torch.Generator().manual_seed(0))
    assert z.shape == (500, 3)
    assert abs(z[:, 0].mean() - 5) < 0.05 and abs(z[:, 0].std() - 0.1) < 0.02
    with pytest.raises(ValueError, match="prior_components"):
        VAEConfig(**TINY, prior_components=-1)

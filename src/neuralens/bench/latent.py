"""Latent space: how well k numbers summarise an MNIST digit, PCA vs auto-encoder vs VAE.

For k in ``SIZES``, in one run: PCA(k) fitted on the 60,000 training images, and an
auto-encoder and a VAE with k latent numbers trained by the ``reconstruct`` task's
recipe; each scored by its test-set reconstruction MSE per pixel (10,000 images, pixels
in [0, 1]). Training is timed in wall seconds and in this process's CPU seconds, with the
load average before and after (the machine is shared; compare numbers of one run only).

Then the shipped models: decoding one latent vector (the explorer's sliders; median of
many calls, one thread), and the share of 1,000 samples the shipped CNN classifies with
probability >= 0.9: the VAE's from its prior (the learned mixture), the auto-encoder's
from a Gaussian fitted to its training latents; and the same at temperature 0.8 (the spread shrunk),
reported apart: it trades variety for sureness, so it is not the sample score.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import replace

import numpy as np
import torch

from neuralens.checkpoints import load_shipped
from neuralens.device import seed_everything, torch_threads
from neuralens.models.inspect import predict_proba
from neuralens.studies import latent
from neuralens.tasks.reconstruct import TASK, image_data, load_images, reconstruction_errors
from neuralens.tasks.run import train_model

SIZES = (2, 4, 8, 32)
NUM_SAMPLES = 1000
THRESHOLD = 0.9
COOLED = 0.8  # sampling temperature of the second, clearly labelled sample score


def load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def train_scored(model_name: str, k: int, data, num_epochs: int | None) -> dict:
    """Train the recipe of ``model_name`` with k latent numbers; its test MSE and times."""
    recipe = TASK.recipe_for(model_name)
    train = replace(recipe.train, progress=False, device="cpu",
                    num_epochs=num_epochs or recipe.train.num_epochs)  # fmt: skip
    config = replace(recipe.model_config, latent_dim=k)
    before, cpu, wall = load(), time.process_time(), time.perf_counter()
    model, history = train_model(TASK, recipe, data, train, model_config=config)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    mse = float(reconstruction_errors(model, data.eval_images).mean())
    return {"test_mse": round(mse, 5), "train_time_s": round(history.last("train_time"), 1),
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "epochs": train.num_epochs,
            "load_before": before, "load_after": load()}  # fmt: skip


def pca_scored(train_images: np.ndarray, test_images: np.ndarray, k: int) -> dict:
    start = time.perf_counter()
    pca = latent.fit_pca(train_images, k)
    fit_s = time.perf_counter() - start
    errors = latent.mse_per_image(test_images, latent.pca_reconstruct(pca, test_images))
    return {"test_mse": round(float(errors.mean()), 5), "fit_s": round(fit_s, 2)}


def decode_time(model) -> dict:
    """Median and best seconds to decode one latent vector, on one thread."""
    z = np.zeros(model.config.latent_dim, dtype=np.float32)
    times = []
    with torch_threads(1):
        for _ in range(20):
            latent.decode(model, z)  # warm up
        for _ in range(200):
            start = time.perf_counter()
            latent.decode(model, z)
            times.append(time.perf_counter() - start)
    return {"median_ms": round(1000 * statistics.median(times), 3),
            "best_ms": round(1000 * min(times), 3)}  # fmt: skip


def sample_quality(num_samples: int = NUM_SAMPLES, seed: int = 0,
                   temperature: float = 1.0) -> dict:  # fmt: skip
    """Share of shipped-model samples the shipped CNN is >= 90 % sure of, AE vs VAE.

    ``temperature`` < 1 narrows each model's sampling distribution (less variety).
    """
    cnn = load_shipped("cnn")
    shares = {}
    for name in ("vae", "autoencoder"):
        model = latent.load_latent_model(name)
        stats = latent.shipped_stats(name)
        images = latent.sample(model, num_samples, stats, seed=seed, temperature=temperature)
        pixels = (np.clip(images, 0, 1) * 255).round().astype(np.uint8)
        shares[name] = latent.confident_share(predict_proba(cnn, pixels), THRESHOLD)
    return shares


def run(sizes: tuple[int, ...] = SIZES, num_epochs: int | None = None,
        models: tuple[str, ...] = ("autoencoder", "vae"),
        train_sizes: tuple[int, ...] | None = None) -> dict:  # fmt: skip
    """The whole comparison as a JSON-ready dict.

    ``num_epochs``: None = the recipe's; ``train_sizes``: the k for which ``models`` are
    trained (None: every k of ``sizes``; PCA is always fitted for every k).
    """
    seed_everything(0)
    data = image_data("mnist")
    train_images = load_images("mnist", "train")
    test_images = load_images("mnist", "test")
    table = {}
    for k in sizes:
        row = {"pca": pca_scored(train_images, test_images, k)}
        trained = models if train_sizes is None or k in train_sizes else ()
        for name in trained:
            row[name] = train_scored(name, k, data, num_epochs)
            row[f"{name}_vs_pca"] = round(row[name]["test_mse"] / row["pca"]["test_mse"], 3)
        table[str(k)] = row
    shipped = latent.load_latent_model("autoencoder")
    return {
        "test_mse_per_pixel": table,
        "decode_one_latent": decode_time(shipped),
        "samples_cnn_sure": {
            "threshold": THRESHOLD,
            "num_samples": NUM_SAMPLES,
            **sample_quality(),
        },  # fmt: skip
        # the same at a lower temperature: surer, less varied samples (reported, not the bar)
        "samples_cnn_sure_cooled": {"temperature": COOLED, **sample_quality(temperature=COOLED)},
        "shipped_test_mse": {
            name: float(
                reconstruction_errors(latent.load_latent_model(name), data.eval_images).mean()
            )
            for name in ("autoencoder", "vae", "vae-2d", "autoencoder-skips")
        },  # fmt: skip
        "threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
    }

"""Diffusion benchmark: do guided samples show the asked digit, keep their variety, and how fast?

Judge: the shipped CNN (99.2 % on MNIST), which the diffusion model never saw. For each
(DDIM steps, guidance) pair, ``samples_per_digit`` samples of every digit: the share the
CNN reads as the requested digit, and the within-class variety (mean pairwise distance
of the CNN's penultimate features, the 576 flattened maps) as a fraction of the same
for real test digits of that class. Then a Fréchet distance on those features between
``fid_samples`` samples and the MNIST test set, beside the latent chapter's VAE samples
(when shipped) and the MNIST training images (the floor). Speed: one guided step for one
sample, and 64 samples x 20 steps. Training time is the one the checkpoint recorded.
"""

from __future__ import annotations

import os
import time

import numpy as np
import torch

from neuralens import checkpoints
from neuralens.data import load_mnist
from neuralens.metrics_fid import frechet_distance
from neuralens.studies.digit_diffusion import generate
from neuralens.tasks.denoise import load_diffusion


def cnn_features(cnn, images: np.ndarray, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(penultimate features (N, 576), predicted digit (N,)) of uint8 pictures (N, 28, 28)."""
    features, predictions = [], []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            x = torch.as_tensor(images[start : start + batch_size]).float()[:, None] / 255
            stages = dict(cnn.stages(x))
            features.append(stages["flatten"].numpy())
            predictions.append(stages["logits"].argmax(1).numpy())
    return np.concatenate(features), np.concatenate(predictions)


def mean_pairwise_distance(features: np.ndarray) -> float:
    """Mean Euclidean distance over all pairs of rows of ``features`` (N, D)."""
    x = torch.as_tensor(features, dtype=torch.float64)
    distances = torch.cdist(x, x)
    n = len(x)
    return float(distances.sum() / (n * (n - 1)))


def draw_per_digit(model, schedule, per_digit: int, steps: int, guidance: float, seed: int,
                   batch: int = 250) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``per_digit`` samples of each digit 0-9 (uint8) and their requested labels."""
    images, labels = [], []
    for digit in range(10):
        for start in range(0, per_digit, batch):
            n = min(batch, per_digit - start)
            images.append(generate(model, schedule, digit, n=n, steps=steps, guidance=guidance,
                                   seed=seed + 1000 * digit + start))  # fmt: skip
            labels.append(np.full(n, digit))
    return np.concatenate(images), np.concatenate(labels)


def judge(cnn, images, labels, real_spread: dict[int, float]) -> dict:
    """Share recognised as the requested digit, and variety per digit (fraction of real)."""
    features, predicted = cnn_features(cnn, images)
    variety = {
        digit: mean_pairwise_distance(features[labels == digit]) / real_spread[digit]
        for digit in range(10)
    }
    per_digit = {digit: float((predicted[labels == digit] == digit).mean()) for digit in range(10)}
    return {"recognised": float((predicted == labels).mean()), "recognised_per_digit": per_digit,
            "variety": variety, "min_variety": min(variety.values())}  # fmt: skip


def vae_samples(n: int, seed: int) -> np.ndarray | None:
    """``n`` samples of the latent chapter's shipped VAE (uint8), or None when absent."""
    try:
        from neuralens.studies.latent import load_latent_model, sample

        images = sample(load_latent_model("vae"), n, seed=seed)
    except (ImportError, ValueError, OSError):
        return None
    images = np.asarray(images, dtype=np.float64)
    scale = 255.0 if images.max() > 1 else 1.0
    return np.clip(np.round(images / scale * 255), 0, 255).astype(np.uint8)


def sampling_speed(model, schedule, threads: int, repeats: int = 3) -> dict:
    """Seconds per guided step for one sample, and for 64 samples x 20 DDIM steps."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    generate(model, schedule, 3, n=1, steps=2)  # warm-up
    tick = time.perf_counter()
    for _ in range(repeats):
        generate(model, schedule, 3, n=1, steps=20)
    one_step = (time.perf_counter() - tick) / (20 * repeats)
    tick = time.perf_counter()
    generate(model, schedule, 3, n=64, steps=20)
    seconds = time.perf_counter() - tick
    torch.set_num_threads(previous)
    return {"threads": threads, "step_1_sample_s": one_step, "samples_64_steps_20_s": seconds}


def run(samples_per_digit: int = 100, fid_samples: int = 10_000,
        steps: tuple[int, ...] = (10, 20, 50), guidances: tuple[float, ...] = (1.0, 2.0, 3.0),
        fid_steps: int = 20, fid_guidance: float = 3.0, seed: int = 0,
        weights: str | None = None) -> dict:  # fmt: skip
    """The whole benchmark; smaller ``samples_per_digit`` / ``fid_samples`` for a quick run."""
    model, schedule = load_diffusion(weights)
    meta = checkpoints.load(weights or checkpoints.shipped_path("diffusion")).metadata
    cnn = checkpoints.load_shipped("cnn")
    test_images, test_labels = load_mnist("test", "full")
    test_features, _ = cnn_features(cnn, test_images)
    real_spread = {digit: mean_pairwise_distance(test_features[test_labels == digit][:1000])
                   for digit in range(10)}  # fmt: skip
    result: dict = {"weights": str(weights or "shipped"), "training": meta.get("metrics", {}),
                    "speed": [sampling_speed(model, schedule, threads) for threads in (1, 2)],
                    "load_before": os.getloadavg()[0], "grid": []}  # fmt: skip
    torch.set_num_threads(1)  # the long part: on shared cores one thread is the fastest
    for num_steps in steps:
        for guidance in guidances:
            tick = time.perf_counter()
            images, labels = draw_per_digit(model, schedule, samples_per_digit, num_steps,
                                            guidance, seed)  # fmt: skip
            row = {"steps": num_steps, "guidance": guidance, "samples": len(images),
                   "seconds": time.perf_counter() - tick}  # fmt: skip
            result["grid"].append({**row, **judge(cnn, images, labels, real_spread)})
    if fid_samples:
        per_digit = max(fid_samples // 10, 2)
        images, _ = draw_per_digit(model, schedule, per_digit, fid_steps, fid_guidance, seed + 7)
        train_images, _ = load_mnist("train", "full")
        fid = {
            "samples": len(images),
            "steps": fid_steps,
            "guidance": fid_guidance,
            "diffusion": frechet_distance(cnn_features(cnn, images)[0], test_features),
            "train_vs_test_floor": frechet_distance(
                cnn_features(cnn, train_images[: len(images)])[0], test_features
            ),
        }
        vae = vae_samples(len(images), seed)
        fid["vae"] = None if vae is None else frechet_distance(cnn_features(cnn, vae)[0],
                                                               test_features)  # fmt: skip
        result["frechet"] = fid
    result["load_after"] = os.getloadavg()[0]
    return result

"""The Fréchet distance between two clouds of feature vectors (the maths of FID).

Heusel et al. 2017 fit a Gaussian to each cloud (mean mu, covariance Sigma) and compare
them with the Fréchet (2-Wasserstein) distance between Gaussians:
d^2 = ||mu_1 - mu_2||^2 + tr(Sigma_1 + Sigma_2 - 2 (Sigma_1^1/2 Sigma_2 Sigma_1^1/2)^1/2).
FID proper uses Inception-v3 features of natural photos; on digits we use the features
of a digit classifier, so numbers are comparable only between runs with the same one.
"""

from __future__ import annotations

import numpy as np


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a positive semi-definite matrix (eigen-decomposition)."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) of ``features`` (N, D), N >= 2."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"features must be (N, D) with N >= 2, got shape {features.shape}")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """The Fréchet distance d^2 between Gaussians fitted to two feature clouds (N_i, D).

    tr((Sigma_1 Sigma_2)^1/2) is computed as the sum of square roots of the eigenvalues of
    the symmetric Sigma_1^1/2 Sigma_2 Sigma_1^1/2 (same spectrum, numerically stable).

    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal((4000, 2))
    >>> round(frechet_distance(a, a), 6)
    0.0
    >>> round(frechet_distance(a, a + [3.0, 0.0]), 2)  # shifted mean: ||mu_1 - mu_2||^2 = 9
    9.0
    """
    if np.shape(features_a)[1:] != np.shape(features_b)[1:]:
        raise ValueError(
            f"both clouds need the same feature size, got {np.shape(features_a)} and "
            f"{np.shape(features_b)}"
        )
    mu_a, sigma_a = gaussian_stats(features_a)
    mu_b, sigma_b = gaussian_stats(features_b)
    root_a = _sqrt_psd(sigma_a)
    cross = np.linalg.eigvalsh(root_a @ sigma_b @ root_a)  # symmetric PSD
    trace_sqrt = np.sqrt(np.clip(cross, 0, None)).sum()
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) - 2 * trace_sqrt
    return float(max(distance, 0.0))
